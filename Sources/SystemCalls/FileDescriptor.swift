import Glibc

/// An open file descriptor that is closed exactly once: by ``close()`` or when it goes out of scope.
public struct FileDescriptor: ~Copyable {
  private let raw: Int32

  /// Opens `path` with `open(2)` flags (`O_CLOEXEC` is always added) and, for a new file, `mode`.
  public init(opening path: String, flags: Int32, mode: mode_t = 0) throws(SystemCallError) {
    raw = try retryingInterrupts("open") { Glibc.open(path, flags | O_CLOEXEC, mode) }
  }

  deinit { _ = Glibc.close(raw) }

  /// Closes the descriptor and reports a failure (which can be a late write error on some file systems).
  public consuming func close() throws(SystemCallError) {
    let raw = self.raw
    discard self
    // Linux closes the descriptor even when close is interrupted, so it must not be retried.
    guard Glibc.close(raw) == 0 || errno == EINTR else { throw SystemCallError(function: "close", code: errno) }
  }

  /// The file's size in bytes and whether it is a directory (`fstat`).
  public func status() throws(SystemCallError) -> (size: Int, isDirectory: Bool) {
    var info = stat()
    _ = try retryingInterrupts("fstat") { fstat(raw, &info) }
    return (Int(info.st_size), info.st_mode & S_IFMT == S_IFDIR)
  }

  /// Fills `buffer` from `offset`; returns fewer bytes only at the end of the file.
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemCallError) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < buffer.count {
      let count = try retryingInterrupts("pread") { pread(raw, base + done, buffer.count - done, off_t(offset + done)) }
      if count == 0 { break }
      done += count
    }
    return done
  }

  /// Writes all of `bytes`, however many calls that takes.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      done += try retryingInterrupts("write") { Glibc.write(raw, base + done, bytes.count - done) }
    }
  }

  /// Flushes the file to the device (`fsync`).
  public func synchronize() throws(SystemCallError) {
    _ = try retryingInterrupts("fsync") { fsync(raw) }
  }
}
