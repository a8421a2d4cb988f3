import Glibc
import Testing

@testable import Datasets

/// A fresh directory under /tmp for the files a test writes; `remove()` deletes it.
struct TemporaryDirectory {
  let path: String

  init() throws {
    var template = Array("/tmp/datasets-tests-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw DataError("mkdtemp failed") }
    path = String(cString: made)
  }

  func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to `name` (gzip-compressed through zlib when `gzip`) and returns its path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws -> String {
    try DataFile.write(bytes, to: file(name), compressed: gzip)
    return file(name)
  }

  @discardableResult
  func write(_ name: String, text: String, gzip: Bool = false) throws -> String {
    try write(name, Array(text.utf8), gzip: gzip)
  }

  func remove() {
    for name in (try? FileSystem.contents(of: path)) ?? [] { unlink(file(name)) }
    rmdir(path)
  }
}

/// Builders for the binary formats, written from their specifications (not from the loaders).
enum Formats {
  static func bigEndian(_ value: Int) -> [UInt8] {
    [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  static func idxImages(_ pixels: [UInt8], count: Int, height: Int, width: Int) -> [UInt8] {
    [0, 0, 8, 3] + bigEndian(count) + bigEndian(height) + bigEndian(width) + pixels
  }

  static func idxLabels(_ labels: [UInt8]) -> [UInt8] {
    [0, 0, 8, 1] + bigEndian(labels.count) + labels
  }

  /// A .npy file: magic, version, little-endian header length, the header dictionary padded
  /// with spaces and a newline to a multiple of 64 bytes, then the data.
  static func npy(
    descr: String, shape: [Int], data: [UInt8], fortranOrder: Bool = false, version: UInt8 = 1
  ) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    let lengthSize = version == 1 ? 2 : 4
    let preamble = 8 + lengthSize
    while (preamble + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = header.utf8.count
    let lengthBytes = (0..<lengthSize).map { UInt8(length >> (8 * $0) & 0xFF) }
    return [0x93] + Array("NUMPY".utf8) + [version, 0] + lengthBytes + Array(header.utf8) + data
  }

  static func littleEndian(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(value.bitPattern >> (8 * $0) & 0xFF) } }
  }

  static func littleEndian(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in (0..<8).map { UInt8(value.bitPattern >> (8 * UInt64($0)) & 0xFF) } }
  }

  static func littleEndian(_ values: [Int64]) -> [UInt8] {
    values.flatMap { value in (0..<8).map { UInt8(UInt64(bitPattern: value) >> (8 * UInt64($0)) & 0xFF) } }
  }

  static func littleEndian(_ values: [Int32]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(UInt32(bitPattern: value) >> (8 * UInt32($0)) & 0xFF) } }
  }
}

/// Checks that `body` throws a `DataError` whose message contains every one of `fragments`.
func expectDataError(
  containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("expected a DataError containing \(fragments)", sourceLocation: sourceLocation)
  } catch let error as DataError {
    for fragment in fragments {
      #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("expected a DataError, got \(error)", sourceLocation: sourceLocation)
  }
}
