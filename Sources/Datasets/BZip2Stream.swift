import CBZip2
import Glibc

/// A bzip2 file decompressed as it is read, through libbz2's stream API over a stdio file.
///
/// Concatenated streams (what `pbzip2` writes, or `cat a.bz2 b.bz2`) are read one after another,
/// as the `bzip2` tool does. This is the one importer of `CBZip2`; `DataFile` chooses it when a
/// file starts with bzip2's magic, so a loader never needs to know.
final class BZip2Stream {
  /// The first bytes of every bzip2 stream: `BZh` and the block size, `1`…`9`.
  static func hasMagic(_ prefix: [UInt8]) -> Bool {
    prefix.count >= 4 && prefix[0] == 0x42 && prefix[1] == 0x5A && prefix[2] == 0x68
      && (0x31...0x39).contains(prefix[3])
  }

  let path: String
  private let file: UnsafeMutablePointer<FILE>
  private var stream = bz_stream()
  private let input: UnsafeMutablePointer<CChar>
  private static let inputSize = 1 << 16
  /// Inside a stream (between `BZ2_bzDecompressInit` and its end).
  private var active = false
  private var finished = false
  /// Whether the file ended inside a stream: a truncated file, not a decoding error.
  private(set) var endedEarly = false

  init?(path: String) {
    guard let file = fopen(path, "rb") else { return nil }
    self.path = path
    self.file = file
    input = .allocate(capacity: Self.inputSize)
  }

  deinit {
    if active { BZ2_bzDecompressEnd(&stream) }
    fclose(file)
    input.deallocate()
  }

  /// Decompresses into `raw` until it is full or the data ends; returns the bytes written.
  /// - Throws: `DataError` naming the file when the data is not valid bzip2 or cannot be read.
  func read(into raw: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let base = raw.baseAddress else { return 0 }
    var produced = 0
    while produced < raw.count, !finished {
      if stream.avail_in == 0 {
        try refill()
        if stream.avail_in == 0 {
          // The end of the file: fine between streams, a truncation inside one.
          endedEarly = active
          finished = true
          break
        }
      }
      if !active {
        let status = BZ2_bzDecompressInit(&stream, 0, 0)
        guard status == BZ_OK else { throw failure("libbz2 could not start (status \(status))") }
        active = true
      }
      let room = min(raw.count - produced, Int(UInt32.max))
      stream.next_out = (base + produced).assumingMemoryBound(to: CChar.self)
      stream.avail_out = UInt32(room)
      let status = BZ2_bzDecompress(&stream)
      produced += room - Int(stream.avail_out)
      if status == BZ_STREAM_END {
        BZ2_bzDecompressEnd(&stream)
        active = false
      } else if status != BZ_OK {
        throw failure(Self.describe(status))
      }
    }
    return produced
  }

  private func refill() throws(DataError) {
    let count = fread(input, 1, Self.inputSize, file)
    if count == 0, ferror(file) != 0 { throw failure("cannot be read (\(FileSystem.describe(errno)))") }
    stream.next_in = input
    stream.avail_in = UInt32(count)
  }

  private func failure(_ what: String) -> DataError {
    .malformed(path, "is not a valid bzip2 file: \(what)", help: "check it with `bzip2 -t '\(path)'`")
  }

  private static func describe(_ status: Int32) -> String {
    switch status {
    case BZ_DATA_ERROR_MAGIC: return "a stream does not start with bzip2's magic (trailing bytes?)"
    case BZ_DATA_ERROR: return "the compressed data is corrupt (a checksum or block does not match)"
    case BZ_MEM_ERROR: return "libbz2 ran out of memory"
    default: return "libbz2 status \(status)"
    }
  }
}

extension BZip2Stream {
  /// `bytes` compressed as one bzip2 stream (block size 9), for tests and exports.
  static func compress(_ bytes: [UInt8]) throws(DataError) -> [UInt8] {
    // libbz2's documented bound: 1 % more than the input, plus 600 bytes.
    var capacity = UInt32(bytes.count + bytes.count / 100 + 600)
    var output = [UInt8](repeating: 0, count: Int(capacity))
    var source = bytes
    let status = output.withUnsafeMutableBufferPointer { target in
      source.withUnsafeMutableBufferPointer { input in
        BZ2_bzBuffToBuffCompress(
          UnsafeMutableRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self), &capacity,
          UnsafeMutableRawPointer(input.baseAddress ?? target.baseAddress!).assumingMemoryBound(to: CChar.self),
          UInt32(input.count), 9, 0, 0)
      }
    }
    guard status == BZ_OK else { throw DataError("libbz2 could not compress \(bytes.count) bytes (status \(status))") }
    return Array(output.prefix(Int(capacity)))
  }
}
