import Glibc
import Testing

@testable import Datasets

extension TemporaryDirectory {
  /// Writes `texts` as consecutive bzip2 streams (one text: an ordinary .bz2 file) and returns its path.
  @discardableResult
  func writeBZip2(_ name: String, texts: [String]) throws -> String {
    try DataFile.writeBZip2(texts.map { Array($0.utf8) }, to: file(name))
    return file(name)
  }
}

@Suite("bzip2 files")
struct BZip2Tests {
  @Test("a .csv.bz2 file loads exactly as the same CSV uncompressed")
  func csv() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = "x,y,label\n1,2,cat\n3,4,dog\n5,6,cat\n"
    let plain = try Dataset.csv(path: try directory.write("plain.csv", text: text), labelColumn: "label")
    let compressedPath = try directory.writeBZip2("data.csv.bz2", texts: [text])
    #expect(try DataFile(opening: compressedPath, expected: "a file").isCompressed)
    let compressed = try Dataset.csv(path: compressedPath, labelColumn: "label")
    #expect(compressed.classNames == ["cat", "dog"])
    #expect(compressed.labels == plain.labels)
    #expect(try compressed.batch([0, 1, 2]).inputs.scalars == [1, 2, 3, 4, 5, 6])
  }

  @Test("the magic decides, not the name: a bzip2 file called .txt is decompressed, a plain .bz2 is read as is")
  func magicNotName() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let hidden = try directory.writeBZip2("notes.txt", texts: ["hello bzip2"])
    #expect(try DataFile(opening: hidden, expected: "a file").readToEnd() == Array("hello bzip2".utf8))
    let plain = try directory.write("plain.bz2", text: "BZ not really")
    #expect(try DataFile(opening: plain, expected: "a file").readToEnd() == Array("BZ not really".utf8))
  }

  @Test("concatenated streams (pbzip2's output) read as one file, across reads of any size")
  func concatenatedStreams() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let first = String(repeating: "first stream ", count: 10_000)
    let path = try directory.writeBZip2("two.bz2", texts: [first, "and the second"])
    #expect(try DataFile(opening: path, expected: "a file").readToEnd() == Array((first + "and the second").utf8))
    let file = try DataFile(opening: path, expected: "a file")
    let head = try file.read(exactly: 7, what: "the head")
    #expect(head == Array("first s".utf8))
    let rest = try file.read(exactly: first.utf8.count - 7 + 14, what: "the rest")
    #expect(rest.suffix(14) == Array("and the second".utf8)[...])
    try file.expectEnd(after: "the text")
  }

  @Test("a bzip2 file cut short is a truncation error naming the file and bzip2")
  func truncated() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let whole = try BZip2Stream.compress(Array(String(repeating: "tempo ", count: 5_000).utf8))
    let cut = try directory.write("cut.csv.bz2", Array(whole.prefix(whole.count / 2)))
    expectDataError(containing: [cut, "is truncated", "a complete bzip2 stream"]) {
      _ = try DataFile(opening: cut, expected: "a file").readToEnd()
    }
  }

  @Test("corrupt bzip2 data is an error naming the file and how to check it")
  func corrupt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var bytes = try BZip2Stream.compress(Array(String(repeating: "tempo ", count: 5_000).utf8))
    for index in 20..<40 { bytes[index] ^= 0xFF }
    let path = try directory.write("corrupt.bz2", bytes)
    expectDataError(containing: [path, "is not a valid bzip2 file", "bzip2 -t"]) {
      _ = try DataFile(opening: path, expected: "a file").readToEnd()
    }
  }

  @Test("bytes after a stream that are not another stream are refused, not ignored")
  func trailingBytes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let bytes = try BZip2Stream.compress(Array("data".utf8)) + Array("garbage".utf8)
    let path = try directory.write("trailing.bz2", bytes)
    expectDataError(containing: [path, "does not start with bzip2's magic"]) {
      _ = try DataFile(opening: path, expected: "a file").readToEnd()
    }
  }
}
