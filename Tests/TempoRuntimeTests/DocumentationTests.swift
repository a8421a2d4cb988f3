import Foundation
import TempoRuntime
import TestSupport
import Testing

struct DocumentationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test("every builtin documents its signature, a summary and its parameters")
  func everyBuiltinIsDocumented() {
    let environment = Environment()
    for name in environment.allNames {
      let doc = environment.documentation[name]
      #expect(doc != nil, "\(name) has no documentation")
      #expect(doc?.summary.isEmpty == false, "\(name) has no summary")
    }
  }

  static var documentedExamples: [Documentation] {
    let environment = Environment()
    let members = BuiltinReference.memberDocumentation
    return (Array(environment.documentation.values) + members).filter { $0.example != nil && $0.name != "input" }
      .sorted { $0.name < $1.name }
  }

  @Test("every builtin and member shows an example")
  func everyBuiltinHasAnExample() {
    let environment = Environment()
    for doc in Array(environment.documentation.values) + BuiltinReference.memberDocumentation {
      #expect(doc.example != nil, "\(doc.name) has no example")
    }
  }

  /// An example line `code  // value` must evaluate to `value` (or print it, when the code
  /// returns nothing); lines without a comment must run without error.
  @Test("every builtin example runs and gives what its comment says", arguments: documentedExamples)
  func builtinExample(_ doc: Documentation) {
    let session = TestSession(maximumSteps: 1_000_000, terminal: true)
    var pending: [String] = []
    for line in (doc.example ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
      var code = String(line)
      var expected: String?
      if let marker = code.range(of: "  // ", options: .backwards) {
        expected = String(code[marker.upperBound...]).trimmingCharacters(in: .whitespaces)
        code = String(code[..<marker.lowerBound])
      }
      pending.append(code)
      let cell = pending.joined(separator: "\n")
      guard Environment.isComplete(cell) == .complete else { continue }
      pending = []
      let before = session.output.standardOutput
      let outcome = session.run(cell)
      #expect(outcome.error == nil, "\(doc.name): \(cell)\n\(outcome.error?.rendered ?? "")")
      guard let expected, !expected.hasPrefix("prints:"), let value = outcome.value else { continue }
      if value.isVoid {
        let printed = String(session.output.standardOutput.dropFirst(before.count))
        #expect(printed == expected + "\n", "\(doc.name): \(cell)")
      } else {
        #expect(value.debugDescription == expected, "\(doc.name): \(cell)")
      }
    }
    #expect(pending.isEmpty, "\(doc.name): the example ends inside an unfinished statement")
  }

  /// Each ```swift block of docs/language.md runs in a fresh session and must print exactly
  /// the ```output block that follows it.
  @Test("every example in docs/language.md runs and prints what the page says")
  func languageReferenceExamples() throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
    let examples = MarkdownExamples.pairs(in: text)
    #expect(examples.count >= 20)
    for example in examples {
      let session = TestSession(maximumSteps: 10_000_000, terminal: true)
      for cell in CellSplitter.split(example.code) {
        let outcome = session.run(cell.text, name: "<example line \(example.line)>")
        #expect(outcome.error == nil, "example at line \(example.line): \(outcome.error?.rendered ?? "")")
      }
      #expect(session.output.standardOutput == example.output, "example at line \(example.line)")
    }
  }
}

extension DocumentationTests {
  /// Each ```swift-error block of docs/language.md must fail with exactly the ```text block
  /// that follows it, as `tempo run -` prints it.
  @Test("every error example in docs/language.md shows the error it produces")
  func languageReferenceErrors() throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
    let examples = MarkdownExamples.pairs(in: text, code: "```swift-error", output: "```text")
    #expect(examples.count >= 5)
    for example in examples {
      let session = TestSession(maximumSteps: 10_000_000, terminal: true)
      var rendered: String?
      for cell in CellSplitter.split(example.code) where rendered == nil {
        rendered = session.run(cell.textAtFileLines, name: "<stdin>").error?.rendered
      }
      #expect(rendered.map { $0 + "\n" } == example.output, "error example at line \(example.line)")
    }
  }
}

enum MarkdownExamples {
  struct Example {
    var code: String
    var output: String
    var line: Int
  }

  static func pairs(in text: String, code opening: String = "```swift", output outputOpening: String = "```output")
    -> [Example]
  {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var examples: [Example] = []
    var index = 0
    func block(from start: Int) -> (body: [String], next: Int) {
      var body: [String] = []
      var i = start + 1
      while i < lines.count, lines[i] != "```" {
        body.append(lines[i])
        i += 1
      }
      return (body, i + 1)
    }
    while index < lines.count {
      guard lines[index] == opening else {
        index += 1
        continue
      }
      let codeLine = index + 1
      let (code, next) = block(from: index)
      var outputStart = next
      while outputStart < lines.count, lines[outputStart].isEmpty { outputStart += 1 }
      if outputStart < lines.count, lines[outputStart] == outputOpening {
        let (output, after) = block(from: outputStart)
        examples.append(
          Example(
            code: code.joined(separator: "\n"), output: output.isEmpty ? "" : output.joined(separator: "\n") + "\n",
            line: codeLine))
        index = after
      } else {
        index = next
      }
    }
    return examples
  }
}
