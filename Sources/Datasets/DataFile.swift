import CZlib
import Glibc

/// A data file read through zlib, which decompresses gzip files and passes any other file
/// through unchanged, so every loader reads `.gz` and plain files the same way.
///
/// This is the one importer of `CZlib`; no loader shells out to `gunzip`. Reads are exact: a
/// file that ends early is a `DataError` naming the path, the bytes expected and the bytes
/// found, and a gzip stream cut short says so.
final class DataFile {
  let path: String
  private let handle: gzFile
  /// Decompressed bytes read so far.
  private(set) var offset = 0

  /// Opens `path`; `expected` says what the file should be, for the error when it is missing.
  init(opening path: String, expected: String, help: String? = nil) throws(DataError) {
    var status = stat()
    guard stat(path, &status) == 0 else {
      let code = errno
      if code == ENOENT { throw .missing(path, expected: expected, help: help) }
      throw DataError(path: path, "cannot open '\(path)' (\(FileSystem.describe(code))): expected \(expected)")
    }
    guard status.st_mode & S_IFMT != S_IFDIR else {
      throw .malformed(path, "is a directory: expected \(expected)")
    }
    guard let handle = gzopen(path, "rb") else {
      throw DataError(path: path, "cannot open '\(path)' (\(FileSystem.describe(errno))): expected \(expected)")
    }
    gzbuffer(handle, 1 << 17)
    self.path = path
    self.handle = handle
  }

  deinit { gzclose(handle) }

  /// Whether the file is gzip-compressed (known after the first read).
  var isCompressed: Bool { gzdirect(handle) == 0 }

  /// Exactly `count` bytes; `what` names them for the error when the file ends first
  /// ("the pixels of 60000 images of 28×28").
  ///
  /// The buffer grows as bytes arrive (64 MB at a time), so a corrupt header that declares
  /// terabytes ends in a truncation error, not in an allocation that fails.
  func read(exactly count: Int, what: String) throws(DataError) -> [UInt8] {
    var bytes: [UInt8] = []
    var done = 0
    while done < count {
      let step = min(count - done, Self.growth)
      if bytes.isEmpty {
        bytes = [UInt8](repeating: 0, count: step)
      } else {
        bytes.append(contentsOf: [UInt8](repeating: 0, count: step))
      }
      let outcome = bytes.withUnsafeMutableBytes { raw in
        Result { () throws(DataError) in try readAvailable(into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]))
        }
      }
      let read = try outcome.get()
      done += read
      if read < step { break }
    }
    guard done == count else {
      throw .truncated(
        path, expected: "\(count) bytes of \(what) from byte \(offset - done)",
        found: "\(done)\(streamEndedEarly ? " (the gzip stream ends early)" : "")")
    }
    return bytes
  }

  private static let growth = 1 << 26

  /// Everything from here to the end of the file.
  func readToEnd() throws(DataError) -> [UInt8] {
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let outcome = chunk.withUnsafeMutableBytes { raw in
        Result { () throws(DataError) in try readAvailable(into: raw) }
      }
      let done = try outcome.get()
      bytes += chunk[0..<done]
      if done < chunk.count { break }
    }
    if streamEndedEarly {
      throw .truncated(path, expected: "a complete gzip stream", found: "it ends after \(bytes.count) bytes")
    }
    return bytes
  }

  /// Fails when bytes remain: a file longer than its header says is as suspect as a short one.
  func expectEnd(after what: String) throws(DataError) {
    var probe: UInt8 = 0
    let extra = gzread(handle, &probe, 1)
    guard extra <= 0 else {
      throw .malformed(
        path, "has more bytes than its header says: expected the file to end after \(what) at byte \(offset)")
    }
  }

  /// Reads until `raw` is full or the file ends; returns the bytes read.
  private func readAvailable(into raw: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let base = raw.baseAddress else { return 0 }
    var done = 0
    while done < raw.count {
      let read = gzread(handle, base + done, UInt32(min(raw.count - done, 1 << 30)))
      if read < 0 {
        var code: Int32 = 0
        let message = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error"
        throw .malformed(path, "cannot be read: \(message) (after \(offset + done) bytes)")
      }
      if read == 0 { break }
      done += Int(read)
    }
    offset += done
    return done
  }

  /// zlib reports a gzip stream cut short as a partial read with `Z_BUF_ERROR`, not as an error.
  private var streamEndedEarly: Bool {
    var code: Int32 = 0
    _ = gzerror(handle, &code)
    return code == Z_BUF_ERROR
  }
}

extension DataFile {
  /// Writes `bytes` to `path`, gzip-compressed or plain (zlib's transparent mode), replacing
  /// the file; for tests and for exporting data.
  static func write(_ bytes: [UInt8], to path: String, compressed: Bool) throws(DataError) {
    guard let handle = gzopen(path, compressed ? "wb" : "wbT") else {
      throw DataError(path: path, "cannot write '\(path)' (\(FileSystem.describe(errno)))")
    }
    var written = 0
    let complete = bytes.withUnsafeBytes { raw -> Bool in
      guard let base = raw.baseAddress else { return true }
      while written < raw.count {
        let result = gzwrite(handle, base + written, UInt32(min(raw.count - written, 1 << 30)))
        if result <= 0 { return false }
        written += Int(result)
      }
      return true
    }
    let closed = gzclose(handle) == Z_OK
    guard complete, closed else {
      throw DataError(path: path, "cannot write '\(path)': zlib stopped after \(written) of \(bytes.count) bytes")
    }
  }

  /// The decompressed contents of gzip bytes held in memory (the bundled digits).
  static func inflate(gzip compressed: [UInt8], name: String) throws(DataError) -> [UInt8] {
    var stream = z_stream()
    // 15 + 32: the largest window, and detect the gzip (or zlib) header.
    guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .malformed(name, "cannot be decompressed: zlib did not start")
    }
    defer { inflateEnd(&stream) }
    var input = compressed
    var output = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { source in
      stream.next_in = source.baseAddress
      stream.avail_in = UInt32(source.count)
      repeat {
        let produced = chunk.withUnsafeMutableBufferPointer { target in
          stream.next_out = target.baseAddress
          stream.avail_out = UInt32(target.count)
          status = CZlib.inflate(&stream, Z_NO_FLUSH)
          return target.count - Int(stream.avail_out)
        }
        output += chunk[0..<produced]
      } while status == Z_OK
    }
    guard status == Z_STREAM_END else {
      throw .malformed(name, "is not a complete gzip stream (zlib status \(status) after \(output.count) bytes)")
    }
    return output
  }
}
