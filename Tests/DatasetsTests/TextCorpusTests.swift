import Glibc
import Testing

@testable import Datasets

@Suite("Text corpora: a directory of files, consecutive splits")
struct TextCorpusTests {
  @Test("a directory reads its regular files in name order, skipping links, hidden files and subdirectories")
  func directory() throws {
    let directory = try TemporaryDirectory()
    defer {
      rmdir(directory.file("nested"))
      directory.remove()
    }
    try directory.write("b-second", text: "second\n")
    try directory.write("a-first", text: "first\n")
    try directory.write(".hidden", text: "hidden\n")
    #expect(symlink(directory.file("a-first"), directory.file("c-link")) == 0)
    #expect(mkdir(directory.file("nested"), 0o700) == 0)
    #expect(try Dataset.corpus(directory: directory.path) == "first\nsecond\n")
    let text = try Dataset.text(path: directory.path, sequenceLength: 4)
    #expect(text.decode(try text.batch([0, 1]).inputs.scalars.map { Int($0) }) == "first\nse")
    #expect(text.count == 3)  // 13 characters: three windows of 4 and their next characters
    #expect(text.name == FileSystem.baseName(directory.path))
  }

  @Test("a directory without a text file is an error that says what is skipped")
  func emptyDirectory() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write(".only-hidden", text: "x")
    expectDataError(containing: ["holds no text file", "symbolic links"]) {
      _ = try Dataset.corpus(directory: directory.path)
    }
  }

  @Test("splitInOrder gives consecutive parts of the given shares, named by their range, sharing the vocabulary")
  func consecutiveParts() throws {
    let text = try Dataset.text(String(repeating: "abcdefghij", count: 20) + "k", sequenceLength: 1, name: "letters")
    #expect(text.count == 200)
    let parts = try text.splitInOrder([0.9, 0.05, 0.05])
    #expect(parts.map(\.count) == [180, 10, 10])
    #expect(parts.map(\.name) == ["letters 0–90 %", "letters 90–95 %", "letters 95–100 %"])
    // Window k holds character k: the parts continue each other with nothing left out or repeated.
    let first = try parts[0].batch(Array(0..<180)).inputs.scalars.map { Int($0) }
    let middle = try parts[1].batch(Array(0..<10)).inputs.scalars.map { Int($0) }
    let last = try parts[2].batch(Array(0..<10)).labels
    #expect(text.decode(first + middle) == String(repeating: "abcdefghij", count: 19))
    #expect(parts[2].decode(last) == "bcdefghijk")
    #expect(parts.allSatisfy { $0.vocabulary == text.vocabulary && $0.task == text.task })
    // Rounding: 7 samples at 1/3 each end at round(7/3) = 2 and round(14/3) = 5.
    let seven = try text.prefix(7).splitInOrder([1.0 / 3, 1.0 / 3, 1.0 / 3])
    #expect(seven.map(\.count) == [2, 3, 2])
    #expect(seven[0].name == "letters 0–33.3 %")
  }

  @Test("splitInOrder refuses one fraction, a non-positive one, shares that do not add up to 1, and an empty part")
  func badFractions() throws {
    let text = try Dataset.text("abcdefghijk", sequenceLength: 1)
    expectDataError(containing: ["at least two fractions"]) { _ = try text.splitInOrder([1]) }
    expectDataError(containing: ["positive fractions", "-0.1"]) { _ = try text.splitInOrder([1.1, -0.1]) }
    expectDataError(containing: ["add up to 1", "0.9"]) { _ = try text.splitInOrder([0.5, 0.4]) }
    expectDataError(containing: ["part 2", "empty"]) { _ = try text.splitInOrder([0.96, 0.02, 0.02]) }
  }
}
