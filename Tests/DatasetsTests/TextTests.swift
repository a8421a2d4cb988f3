import Glibc
import Testing

@testable import Datasets

@Suite("Text data")
struct TextTests {
  @Test("the vocabulary is the sorted distinct characters; windows are non-overlapping with next-character labels")
  func windows() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("corpus.txt", text: "abcabdé\nxyz")
    let dataset = try Dataset.text(path: path, sequenceLength: 3)
    #expect(dataset.classNames == ["\n", "a", "b", "c", "d", "x", "y", "z", "é"])
    #expect(dataset.task == .sequence(vocabulary: 9))
    #expect(dataset.count == 3)
    #expect(dataset.sampleShape == [3])
    #expect(dataset.labels.isEmpty)
    let batch = try dataset.batch([0, 2])
    // Windows "abc" and "é\nx" (tokens 0–2 and 6–8); labels "bca" and "\nxy".
    #expect(batch.inputs.scalars == [1, 2, 3, 8, 0, 5])
    #expect(batch.labels == [2, 3, 1, 0, 5, 6])
    #expect(dataset.decode(batch.labels) == "bca\nxy")
    #expect(try dataset.encode("zéba\n") == [7, 8, 2, 1, 0])
  }

  @Test(
    "encode and decode are inverse on the vocabulary; unknown characters are refused by encode, shown as U+FFFD by decode"
  )
  func encodeDecode() throws {
    let dataset = try Dataset.text("hello world", sequenceLength: 4)
    let ids = try dataset.encode("low rold")
    #expect(ids == [4, 5, 7, 0, 6, 5, 4, 1])
    #expect(dataset.decode(ids) == "low rold")
    #expect(dataset.decode([0, 99, -1]) == " \u{FFFD}\u{FFFD}")
    expectDataError(containing: ["'q'", "not in the vocabulary"]) { _ = try dataset.encode("quote") }
  }

  @Test("a text shorter than one window and its next character, or a length of 0, is refused")
  func tooShort() {
    expectDataError(containing: ["more than 5 characters", "has 5"]) {
      _ = try Dataset.text("hello", sequenceLength: 5)
    }
    expectDataError(containing: ["positive sequence length"]) { _ = try Dataset.text("hello", sequenceLength: 0) }
  }

  @Test("the fortunes corpus, when installed, splits into entries without separator lines")
  func fortunes() throws {
    let directory = "/usr/share/games/fortunes"
    guard access(directory, F_OK) == 0 else { return }
    let entries = try Dataset.fortuneEntries(directory: directory)
    #expect(entries.count > 1000)
    #expect(!entries.contains { $0.split(separator: "\n").contains("%") })
    let dataset = try Dataset.fortunes(directory: directory, sequenceLength: 64)
    #expect(dataset.count > 10_000)
  }

  @Test("a fortune file is cut at lines holding only '%', and index files are skipped")
  func fortuneFormat() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("quotes", text: "one\n%\ntwo\nlines\n%\n%\nthree\n")
    try directory.write("quotes.dat", [0, 1, 2, 255])
    #expect(try Dataset.fortuneEntries(directory: directory.path) == ["one\n", "two\nlines\n", "three\n"])
  }
}
