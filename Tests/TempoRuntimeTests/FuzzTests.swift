import Foundation
import TempoRuntime
import TempoSyntax
import TestSupport
import Testing

/// Random token sequences and random bytes thrown at the parser and evaluator: every input
/// ends in a value or a diagnostic, never a crash. Seeded, so a failure reproduces.
struct FuzzTests {
  /// Programs per seed; `TEMPO_FUZZ_SCALE=20 swift test --filter Fuzz` runs a longer campaign.
  static let scale = Int(ProcessInfo.processInfo.environment["TEMPO_FUZZ_SCALE"] ?? "") ?? 1

  /// SplitMix64: a small generator whose sequence is fixed by its seed on every machine.
  struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let vocabulary = [
    "let", "var", "func", "return", "if", "else", "for", "in", "while", "repeat", "break", "continue", "guard",
    "true", "false", "nil", "_", "x", "y", "f", "a", "print", "map", "sum", "$0", "0", "1", "-1", "2.5", "1e308",
    "9223372036854775807", "\"s\"", "\"\\(x)\"", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "->", "=",
    "+=", "+", "-", "*", "/", "%", "==", "<", "&&", "||", "!", "?", "??", "..<", "...", "\n", " ", ".count",
    ".append(1)", "[0]", "(1, 2)", "{ $0 }", "x = x + 1", "0..<3", "Int.max",
  ]

  @Test("random token sequences give values or diagnostics", arguments: 0..<4)
  func randomTokens(seed: UInt64) {
    var generator = SeededGenerator(state: seed)
    let session = TestSession(maximumSteps: 20_000)
    for _ in 0..<(400 * Self.scale) {
      let length = Int.random(in: 1...40, using: &generator)
      let code = (0..<length).map { _ in Self.vocabulary.randomElement(using: &generator) ?? "" }.joined(separator: " ")
      let outcome = session.run(code)
      if let error = outcome.error { #expect(!error.rendered.isEmpty) }
    }
  }

  @Test("random bytes, valid UTF-8 or not, never crash the lexer and parser", arguments: 0..<4)
  func randomBytes(seed: UInt64) {
    var generator = SeededGenerator(state: seed &+ 1000)
    for _ in 0..<(300 * Self.scale) {
      let length = Int.random(in: 0...200, using: &generator)
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      switch SourceDecoding.decode(bytes) {
      case .success(let text):
        let parsed = Parser.parse(SourceFile(name: "fuzz", text: text))
        _ = DiagnosticRenderer.render(parsed.diagnostics, in: SourceFile(name: "fuzz", text: text))
      case .failure(let error):
        #expect(error.offset < bytes.count)
      }
      // Swift's repairing decoder turns bad bytes into U+FFFD; that text must be handled too.
      let repaired = String(decoding: bytes, as: UTF8.self)
      _ = TestSession(maximumSteps: 20_000).run(repaired)
    }
  }

  @Test("mutated valid programs give values or diagnostics")
  func mutations() {
    var generator = SeededGenerator(state: 42)
    let program = """
      func fib(_ n: Int) -> Int { n < 2 ? n : fib(n - 1) + fib(n - 2) }
      var totals: [String: Int] = [:]
      for (i, word) in ["a", "b", "a"].enumerated() { totals[word, default: 0] += i }
      let xs = (0..<10).map { $0 * $0 }.filter { $0 % 2 == 0 }
      print(fib(10), totals, xs.sum(), "\\(xs.count) items")
      """
    let characters = Array(program)
    let session = TestSession(maximumSteps: 50_000)
    for _ in 0..<(500 * Self.scale) {
      var mutated = characters
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let index = Int.random(in: 0..<mutated.count, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: mutated.remove(at: index)
        case 1: mutated.insert(characters.randomElement(using: &generator) ?? " ", at: index)
        default: mutated.swapAt(index, Int.random(in: 0..<mutated.count, using: &generator))
        }
      }
      let outcome = session.run(String(mutated))
      if let error = outcome.error { #expect(!error.rendered.isEmpty) }
    }
  }
}
