import CZlib
import Glibc

/// A data file read through zlib, which decompresses gzip files and passes any other file
/// through unchanged, or, when the file starts with bzip2's magic, through libbz2
/// (`BZip2Stream`): every loader reads `.gz`, `.bz2` and plain files the same way.
///
/// This is the one importer of `CZlib`; no loader shells out to `gunzip` or `bunzip2`. Reads are
/// exact: a file that ends early is a `DataError` naming the path, the bytes expected and the
/// bytes found, and a compressed stream cut short says so.
final class DataFile {
  let path: String
  private let source: Source
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
    self.path = path
    if BZip2Stream.hasMagic(Self.firstBytes(of: path, count: 4)) {
      guard let stream = BZip2Stream(path: path) else {
        throw DataError(path: path, "cannot open '\(path)' (\(FileSystem.describe(errno))): expected \(expected)")
      }
      source = .bzip2(stream)
      return
    }
    guard let handle = gzopen(path, "rb") else {
      throw DataError(path: path, "cannot open '\(path)' (\(FileSystem.describe(errno))): expected \(expected)")
    }
    gzbuffer(handle, 1 << 17)
    source = .zlib(handle)
  }

  deinit {
    if case .zlib(let handle) = source { gzclose(handle) }
  }

  /// Where the decompressed bytes come from.
  private enum Source {
    /// zlib: gzip, or a plain file passed through.
    case zlib(gzFile)
    case bzip2(BZip2Stream)
  }

  /// Up to `count` bytes from the start of the file (fewer for a shorter file, none when it
  /// cannot be opened: the open that follows reports that).
  private static func firstBytes(of path: String, count: Int) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: count)
    let read = fread(&bytes, 1, count, file)
    return Array(bytes.prefix(read))
  }

  /// Whether the file is compressed, with gzip (known after the first read) or bzip2.
  var isCompressed: Bool {
    switch source {
    case .zlib(let handle): return gzdirect(handle) == 0
    case .bzip2: return true
    }
  }

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
        found: "\(done)\(streamEndedEarly ? " (the \(compressionName) stream ends early)" : "")")
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
      throw .truncated(
        path, expected: "a complete \(compressionName) stream", found: "it ends after \(bytes.count) bytes")
    }
    return bytes
  }

  /// Fails when bytes remain: a file longer than its header says is as suspect as a short one.
  func expectEnd(after what: String) throws(DataError) {
    var probe: [UInt8] = [0]
    let outcome = probe.withUnsafeMutableBytes { raw in
      Result { () throws(DataError) in try readAvailable(into: raw) }
    }
    let extra = try outcome.get()
    guard extra <= 0 else {
      throw .malformed(
        path, "has more bytes than its header says: expected the file to end after \(what) at byte \(offset)")
    }
  }

  /// Reads until `raw` is full or the file ends; returns the bytes read.
  private func readAvailable(into raw: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard case .zlib(let handle) = source else {
      guard case .bzip2(let stream) = source else { return 0 }
      let done = try stream.read(into: raw)
      offset += done
      return done
    }
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

  /// zlib reports a gzip stream cut short as a partial read with `Z_BUF_ERROR`, not as an error;
  /// `BZip2Stream` notes a file that ends inside a stream.
  private var streamEndedEarly: Bool {
    switch source {
    case .zlib(let handle):
      var code: Int32 = 0
      _ = gzerror(handle, &code)
      return code == Z_BUF_ERROR
    case .bzip2(let stream): return stream.endedEarly
    }
  }

  private var compressionName: String {
    if case .bzip2 = source { return "bzip2" }
    return "gzip"
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

extension DataFile {
  /// Writes each of `streams` as its own bzip2 stream, one after another, to `path`: one stream
  /// is an ordinary `.bz2` file, several are what `pbzip2` writes. For tests and exports.
  static func writeBZip2(_ streams: [[UInt8]], to path: String) throws(DataError) {
    var bytes: [UInt8] = []
    for stream in streams { bytes += try BZip2Stream.compress(stream) }
    guard let file = fopen(path, "wb") else {
      throw DataError(path: path, "cannot write '\(path)' (\(FileSystem.describe(errno)))")
    }
    let written = fwrite(bytes, 1, bytes.count, file)
    let closed = fclose(file) == 0
    guard written == bytes.count, closed else {
      throw DataError(path: path, "cannot write '\(path)': stopped after \(written) of \(bytes.count) bytes")
    }
  }
}
