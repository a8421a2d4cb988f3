import Foundation
import TempoRuntime
import TestSupport
import Testing

/// Runs every program under `Fixtures/` and checks its inline expectations:
/// `// expect: …` (stdout lines), `// error: …` (a compile-time diagnostic on that line) and
/// `// expect runtime error: Family: message` (the cell fails on that line). `// %%` separates
/// cells of one session; a failing cell does not stop the next.
struct FixtureCorpusTests {
  static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  static var fixtureNames: [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: fixturesDirectory.path) else { return [] }
    return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".tempo") }.sorted()
  }

  @Test("the corpus is large enough to cover the language")
  func corpusSize() {
    #expect(Self.fixtureNames.count >= 150)
  }

  @Test("every fixture program behaves as its comments say", arguments: fixtureNames)
  func fixture(_ name: String) throws {
    let path = Self.fixturesDirectory.appendingPathComponent(name).path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let expectations = FixtureExpectations(text)
    #expect(!expectations.isEmpty, "\(name) states no expectation")
    let session = TestSession(maximumSteps: 50_000_000)
    var errors: [(line: Int, text: String)] = []
    for cell in CellSplitter.split(text) {
      if let error = session.run(cell.textAtFileLines, name: name).error {
        errors += FixtureExpectations.errorLines(error)
      }
    }
    let printed = session.output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    let printedLines = printed.last == "" ? Array(printed.dropLast()) : printed
    #expect(printedLines == expectations.output, "standard output of \(name)")
    let expectedErrors = expectations.errors.sorted { $0.line < $1.line }
    #expect(
      errors.map { "\($0.line): \($0.text)" } == expectedErrors.map { "\($0.line): \($0.text)" },
      "errors of \(name)")
  }
}

struct FixtureExpectations {
  var output: [String] = []
  var errors: [(line: Int, text: String)] = []

  var isEmpty: Bool { output.isEmpty && errors.isEmpty }

  init(_ text: String) {
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      if let range = line.range(of: "// expect runtime error: ") {
        errors.append((index + 1, "runtime " + String(line[range.upperBound...])))
      } else if let range = line.range(of: "// expect:") {
        var rest = line[range.upperBound...]
        if rest.hasPrefix(" ") { rest = rest.dropFirst() }
        output.append(String(rest))
      } else if let range = line.range(of: "// error: ") {
        errors.append((index + 1, String(line[range.upperBound...])))
      }
    }
  }

  /// The `line: message` pairs of a rendered cell error: every `FILE:L:C: error: M` line;
  /// a runtime failure is reported as `runtime Family: message` on its line.
  static func errorLines(_ error: CellError) -> [(line: Int, text: String)] {
    var result: [(Int, String)] = []
    for line in error.rendered.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
      guard parts.count == 5, let lineNumber = Int(parts[1]), Int(parts[2]) != nil,
        parts[3] == " error"
      else { continue }
      let message = String(parts[4].dropFirst())
      result.append((lineNumber, error.isRuntimeFailure ? "runtime \(error.family.rawValue): \(message)" : message))
    }
    return result
  }
}
