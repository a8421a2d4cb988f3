import Foundation
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import TempoLibrary

/// Pre-train a character language model, then fine-tune it to classify texts, in the language.
@Suite("Text fine-tuning in the language")
struct TextFineTuningLanguageTests {
  /// A folder with a tiny fortune file and a CSV of labelled texts (some characters the fortunes lack).
  static func files() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-text-\(UUID())")
    let fortunes = folder.appendingPathComponent("fortunes")
    try FileManager.default.createDirectory(at: fortunes, withIntermediateDirectories: true)
    let entries = (0..<40).map { "a good day is a fine day \($0 % 10)\nbad days are dull\n" }
    try entries.joined(separator: "%\n").write(
      to: fortunes.appendingPathComponent("days"), atomically: true, encoding: .utf8)
    try Data([0, 1, 2]).write(to: fortunes.appendingPathComponent("days.dat"))
    var rows = ["category,filename,text,movie_name"]
    for index in 0..<40 {
      rows.append(index % 2 == 0 ? "fresh,f\(index),\"good, fine ü\",M" : "rotten,r\(index),bad and dull,N")
    }
    try rows.joined(separator: "\n").write(
      to: folder.appendingPathComponent("reviews.csv"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test("Fortunes → Transformer LM → replacingHead(pooling: .mean) → fine-tuned on TextClassification, fast head")
  func pretrainThenFineTune() throws {
    let folder = try Self.files()
    defer { try? FileManager.default.removeItem(at: folder) }
    let session = LibrarySession()
    _ = session.value(
      """
      let corpus = Fortunes(directory: "\(folder.path)/fortunes", length: 16)
      let lm = fit(Transformer(width: 8, heads: 2, layers: 2, feedforward: 16), on: corpus, epochs: 1, batchSize: 8, progress: false)
      let reviews = TextClassification("\(folder.path)/reviews.csv", label: "category", length: 16, vocabulary: corpus)
      let net = lm.model.replacingHead(outputs: 2, pooling: .mean, seed: 1)
      let tuned = fit(net, on: reviews.split(0.5, seed: 0), optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 2, fast: net.parameters(matching: "3.*") + net.head), epochs: 2, batchSize: 4, progress: false)
      """)
    #expect(session.value("reviews.classes")?.description == "[\"fresh\", \"rotten\"]")
    #expect(session.value("reviews.shape")?.description == "[16]")
    #expect(session.value("corpus.count")?.description == "\((40 * 45 + 39 - 1) / 16)")
    #expect(session.value("net.layers.count")?.description == "6")
    #expect(session.value("net.head.paths")?.description == "[\"5.weight\", \"5.bias\"]")
    #expect(session.value("tuned.history.count")?.description == "2")
    #expect(session.value("tuned.accuracy") != nil)
    // A Transformer classifier also trains from scratch on the same data: its vocabulary comes from the data.
    #expect(
      session.value(
        "fit(Transformer(width: 8, heads: 2, layers: 1, classes: 2), on: reviews, epochs: 1, progress: false).steps")?
        .description == "2")
  }

  @Test("RottenTomatoes(path:) reads the corpus's columns; bad arguments say what to pass")
  func rottenTomatoesAndErrors() throws {
    let folder = try Self.files()
    defer { try? FileManager.default.removeItem(at: folder) }
    let session = LibrarySession()
    _ = session.value(
      """
      let corpus = Fortunes(directory: "\(folder.path)/fortunes", length: 16)
      let reviews = RottenTomatoes(path: "\(folder.path)/reviews.csv", length: 8, vocabulary: corpus, unknown: "y")
      """)
    #expect(session.value("reviews.count")?.description == "40")
    #expect(session.value("reviews.classes")?.description == "[\"fresh\", \"rotten\"]")
    let strict = try #require(
      session.error(
        "RottenTomatoes(path: \"\(folder.path)/reviews.csv\", length: 16, vocabulary: corpus, unknown: nil)"))
    #expect(strict.rendered.contains("got ',' in text 0"))
    #expect(strict.rendered.contains("unknown:"))
    let notText = try #require(
      session.error("TextClassification(\"\(folder.path)/reviews.csv\", label: \"category\", vocabulary: Digits())"))
    #expect(notText.rendered.contains("has no vocabulary"))
    let twoCharacters = try #require(
      session.error("TextClassification(\"\(folder.path)/reviews.csv\", label: \"category\", padding: \"ab\")"))
    #expect(twoCharacters.rendered.contains("must be one character"))
    let missing = try #require(session.error("Fortunes(directory: \"\(folder.path)/none\")"))
    #expect(missing.rendered.contains("apt-get install fortunes"))
    let pooledTwice = try #require(
      session.error(
        "fit(Transformer(width: 8, heads: 2, layers: 1, classes: 2), on: reviews, epochs: 1, progress: false).model.replacingHead(outputs: 2, pooling: .mean)"
      ))
    #expect(pooledTwice.rendered.contains("already"))
  }
}
