import Glibc

/// The process's resident memory, so that a program building ever more data is stopped with
/// an error before the kernel's out-of-memory killer ends the whole session.
enum MemoryUse {
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Three quarters of physical memory (24 GiB machines: 18 GiB).
  static let defaultLimit: Int = {
    let pages = Int(sysconf(Int32(_SC_PHYS_PAGES)))
    return pages > 0 ? pages / 4 * 3 * pageSize : 16 << 30
  }()

  /// Resident bytes, from /proc/self/statm; nil where it cannot be read.
  static func residentBytes() -> Int? {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else { return nil }
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * pageSize
  }

  static func check(_ limits: ExecutionLimits, adding bytes: Int = 0) throws {
    guard let resident = residentBytes(), resident + bytes > limits.maximumMemoryBytes else { return }
    throw RuntimeError(
      .limitError,
      "the session would use \((resident + bytes) >> 20) MiB, more than the limit of \(limits.maximumMemoryBytes >> 20) MiB",
      help: "keep less data in variables, or work on it in smaller pieces")
  }
}
