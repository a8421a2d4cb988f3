import Foundation
import Plotting
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

@Suite("Text in the language: consecutive splits and bits per character")
struct TextLanguageTests {
  /// A directory holding a short repetitive text in two files, and a session that trained two
  /// seeds of a tiny character model on its first 80 %, validating on the last 10 %.
  func trainedSession() throws -> (LibrarySession, String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-text-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let line = "the cat sat on the mat. a dog ate the hat!\n"
    try String(repeating: line, count: 8).write(
      to: directory.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
    try String(repeating: line, count: 4).write(
      to: directory.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
    let session = LibrarySession()
    _ = session.value(
      """
      let (train, validation, test) = Text("\(directory.path)", length: 8).splitInOrder([0.8, 0.1, 0.1])
      let group = seeds(2, name: "tiny") { s in
        fit(CharLM(embedding: 8, hidden: 16), on: train, validate: test, optimizer: SGD(learningRate: 0.5),
            epochs: 2, batchSize: 4, seed: s, progress: false)
      }
      let run = group[0]
      """)
    return (session, directory.path)
  }

  func number(_ value: Value?) -> Double? {
    switch value {
    case .double(let number)?: return number
    case .int(let number)?: return Double(number)
    default: return nil
    }
  }

  @Test("splitInOrder destructures into consecutive parts of a directory's text, named by their shares")
  func parts() throws {
    let (session, path) = try trainedSession()
    defer { try? FileManager.default.removeItem(atPath: path) }
    // 12 lines of 43 characters in windows of 8: 64 windows, split 51 / 7 / 6.
    #expect(session.value("[train.count, validation.count, test.count]")?.description == "[51, 7, 6]")
    let name = URL(fileURLWithPath: path).lastPathComponent
    #expect(session.value("test.name")?.description == "\(name) 90–100 %")
    let error = try #require(session.error("train.splitInOrder([0.5, 0.6])"))
    #expect(error.rendered.contains("add up to 1"), "\(error.rendered)")
  }

  @Test("runs and groups on text have bits per character: the cross-entropy divided by ln 2")
  func runMembers() throws {
    let (session, path) = try trainedSession()
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard case .array(let bits)? = session.value("run.testBitsPerCharacter"),
      case .array(let losses)? = session.value("run.testLoss")
    else {
      Issue.record("run.testBitsPerCharacter or run.testLoss is not an array")
      return
    }
    #expect(bits.count == 2 && losses.count == 2)
    for (bit, loss) in zip(bits, losses) {
      #expect(abs((number(bit) ?? .nan) * log(2.0) - (number(loss) ?? 0)) < 1e-12)
    }
    #expect(number(session.value("run.bitsPerCharacter")) == number(bits.last))
    let again = try #require(number(session.value("evaluate(run, on: test)[\"bitsPerCharacter\"]")))
    #expect(abs(again - (number(bits.last) ?? 0)) < 1e-9)
    #expect(number(session.value("run.history[1][\"trainBitsPerCharacter\"]")) != nil)
    let mean = try #require(number(session.value("group.testBitsPerCharacter[\"mean\"]")))
    let second = try #require(number(session.value("group[1].bitsPerCharacter")))
    #expect(abs(mean - ((number(bits.last) ?? 0) + second) / 2) < 1e-12)
    // Other data have none.
    _ = session.value(
      "let digits = fit(MLP([64, 8, 10]), on: Digits().split(0.8, seed: 0), epochs: 1, progress: false)")
    #expect(session.value("digits.bitsPerCharacter")?.description == "nil")
    #expect(session.value("evaluate(digits, on: Digits())[\"bitsPerCharacter\"]")?.description == "nil")
  }

  @Test("compare adds bits-per-character columns for text runs, plot draws them, and refuses them for other runs")
  func compareAndPlot() throws {
    let (session, path) = try trainedSession()
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard case .host(let table as TableObject)? = session.value("compare([group])") else {
      Issue.record("compare did not return a table")
      return
    }
    let columns = table.table.columns
    let position = try #require(columns.firstIndex(of: "test bits/char"))
    #expect(Array(columns[position...]) == ["test bits/char", "bits/char min", "bits/char max", "train bits/char"])
    if case .number(let value) = table.table.rows[0][position] {
      let mean = try #require(number(session.value("group.testBitsPerCharacter[\"mean\"]")))
      #expect(abs(value - mean) < 1e-12)
    } else {
      Issue.record("the bits column holds \(table.table.rows[0][position])")
    }
    let figure = try #require(session.figure("plot(group, metric: .testBitsPerCharacter)"))
    #expect(figure.panels[0].yLabel == "test bits per character")
    _ = session.value(
      "let digits = fit(MLP([64, 8, 10]), on: Digits().split(0.8, seed: 0), epochs: 1, progress: false)")
    guard case .host(let plain as TableObject)? = session.value("compare([digits])") else {
      Issue.record("compare did not return a table")
      return
    }
    #expect(!plain.table.columns.contains("test bits/char"))
    let error = try #require(session.error("plot(digits, metric: .testBitsPerCharacter)"))
    #expect(error.rendered.contains("no run here was trained on text"), "\(error.rendered)")
  }

  @Test("a claim reads bits per character from a group trained on text, and refuses them for other runs")
  func claimInBits() throws {
    let (session, path) = try trainedSession()
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard
      case .host(let object as ClaimObject)? = session.value(
        """
        claim("A1c", "bits", figure: "f", paper: "p", ours: group, metric: .testBitsPerCharacter,
              verdict: .partly, why: "w")
        """)
    else {
      Issue.record("claim did not return a Claim")
      return
    }
    let mean = try #require(number(session.value("group.testBitsPerCharacter[\"mean\"]")))
    #expect(object.claim.metric == "test bits per character")
    #expect(object.claim.ours.hasPrefix("tiny: \(Format.number(mean)) ["), "\(object.claim.ours)")
    _ = session.value(
      "let digits = seeds(1) { s in fit(MLP([64, 8, 10]), on: Digits().split(0.8, seed: 0), epochs: 1, seed: s, progress: false) }"
    )
    let error = try #require(
      session.error(
        "claim(\"X\", \"s\", figure: \"f\", paper: \"p\", ours: digits, metric: .testBitsPerCharacter, verdict: .partly, why: \"w\")"
      ))
    #expect(error.rendered.contains("no completed run with a test bits per character"), "\(error.rendered)")
  }

  @Test("with several validation sets, a run viewed on one reads that set's bits per character")
  func namedSets() throws {
    let (session, path) = try trainedSession()
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = session.value(
      """
      let both = fit(CharLM(embedding: 8, hidden: 16), on: train, validate: ["test": test, "validation": validation],
                     optimizer: SGD(learningRate: 0.5), epochs: 1, batchSize: 4, progress: false)
      """)
    let onTest = try #require(number(session.value("both.bitsPerCharacter")))
    let onValidation = try #require(number(session.value("both.on(\"validation\").bitsPerCharacter")))
    let loss = try #require(number(session.value("evaluate(both, on: validation)[\"loss\"]")))
    #expect(abs(onValidation * log(2.0) - loss) < 1e-9)
    #expect(onTest != onValidation)
  }
}
