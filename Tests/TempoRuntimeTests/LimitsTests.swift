import TempoRuntime
import TestSupport
import Testing

/// No input may crash the process: each of these is an error, bounded in time and memory.
struct LimitsTests {
  @Test(
    "hostile programs end in a typed error",
    arguments: [
      ("func f(_ n: Int) -> Int { f(n + 1) }\nf(0)", ErrorFamily.recursionError),
      ("let r = Array(0..<Int.max)", .limitError),
      ("let r = (0...Int.max).map { $0 }", .limitError),
      ("var s = \"ab\"\nwhile true { s = s + s }", .limitError),
      ("var s = \"ab\"\nwhile true { s.append(s) }", .limitError),
      ("var a = [1]\nwhile true { a = a + a }", .limitError),
      ("let x = Int.max * 2", .overflowError),
      ("let x = -Int.min", .overflowError),
      ("let x = Int.min / -1", .overflowError),
      ("let x = 1 / 0", .zeroDivisionError),
      ("let x = 5 % 0", .zeroDivisionError),
      ("let x = Int(Double.nan)", .overflowError),
      ("let x = abs(Int.min)", .overflowError),
      ("let x = [1, 2, 3].reduce(Int.max, +)", .overflowError),
      ("let d = [\"a\": 1, \"a\": 2]", .keyError),
    ])
  func hostile(_ code: String, _ family: ErrorFamily) {
    let session = TestSession()
    #expect(session.run(code).error?.family == family, "\(code)")
  }

  @Test("a step limit stops an endless loop")
  func stepLimit() {
    let session = TestSession(maximumSteps: 10_000)
    #expect(session.run("while true { }").error?.family == .limitError)
  }

  @Test("deep but legal recursion works")
  func deepRecursion() {
    let session = TestSession()
    let value = session.run("func depth(_ n: Int) -> Int { n == 0 ? 0 : 1 + depth(n - 1) }\ndepth(9_000)").value
    #expect(value?.description == "9000")
  }

  @Test("mutual recursion between top-level functions of one cell resolves")
  func mutualRecursion() {
    let session = TestSession()
    let code = """
      func isEven(_ n: Int) -> Bool { n == 0 ? true : isOdd(n - 1) }
      func isOdd(_ n: Int) -> Bool { n == 0 ? false : isEven(n - 1) }
      isEven(10)
      """
    #expect(session.run(code).value?.description == "true")
  }
}

/// Values and expressions shaped to exhaust the native stack or memory end in errors.
struct DeepStructureTests {
  @Test(
    "values nested beyond the limit are refused when stored",
    arguments: [
      "var a: [Any] = [0]\nfor _ in 0..<100_000 { a = [a] }",
      "var a: [Any] = [0]\nfor _ in 0..<100_000 { a.append(a) }",
      "var d: [String: Any] = [:]\nfor _ in 0..<100_000 { d = [\"k\": d] }",
      "var t: Any = 0\nfor _ in 0..<100_000 { t = (t, 0) }",
    ])
  func deepValues(_ code: String) {
    let session = TestSession()
    // A lower limit keeps the test quick; the mechanism is the same.
    session.environment.limits.maximumNesting = 200
    #expect(session.run(code).error?.family == .limitError)
  }

  @Test("a long chain of closures is freed without exhausting the stack")
  func closureChain() {
    let session = TestSession()
    #expect(session.run("var f: () -> Int = { 0 }\nfor _ in 0..<200_000 { let g = f; f = { g() } }").error == nil)
    #expect(session.run("f()").error?.family == .recursionError)
  }

  @Test("a deeply nested result built by recursion is returned and freed safely")
  func deepResult() {
    let session = TestSession()
    let code = "func nest(_ n: Int) -> Any { n == 0 ? 0 : [[[[[[[[[[nest(n - 1)]]]]]]]]]] }\nnest(9_000)"
    do {
      // The caller's copy goes first; the session's goes with the next cell, on its stack.
      let outcome = session.run(code)
      #expect(outcome.error == nil)
      #expect(outcome.value?.description.hasSuffix("…" + String(repeating: "]", count: 2_001)) == true)
    }
    #expect(session.run("let next = 1").error == nil, "the previous result is released by the session")
  }

  @Test("a program that would exhaust memory stops with a LimitError")
  func memoryLimit() {
    let session = TestSession()
    session.environment.limits.maximumMemoryBytes = 64 << 20
    let error = session.run(
      "var rows: [[Int]] = []\nfor i in 0..<100 { rows.append(Array(repeating: i, count: 2_000_000)) }"
    ).error
    #expect(error?.family == .limitError)
    #expect(error?.message.hasPrefix("the session would use") == true)
  }

  @Test("deep expressions inside deep recursion run out of stack as a RecursionError")
  func stackExhaustion() {
    let terms = String(repeating: " + 0", count: 1_900)
    let code = "func f(_ n: Int) -> Int {\n  if n == 0 { return 0 }\n  return f(n - 1)\(terms)\n}\nf(9_000)"
    let error = TestSession().run(code).error
    #expect(error?.family == .recursionError)
  }

  @Test("an expression with thousands of operators is refused before it runs")
  func operatorChain() {
    let code = "let x = 1" + String(repeating: " + 1", count: 5_000)
    #expect(TestSession().run(code).error?.message == "expression has more than 2000 operators")
  }

  @Test(
    "text made from values respects the string limit",
    arguments: [
      "var s = \"0123456789\"\nfor _ in 0..<40 { s = String(describing: [s, s]) }",
      "var s = \"0123456789\"\nfor _ in 0..<40 { s = String([s, s]) }",
      "var s = \"0123456789\"\nfor _ in 0..<40 { s = \"\\([s, s])\" }",
      "var s = \"ab\"\nfor _ in 0..<40 { s = [s, s].joined(separator: \",\") }",
    ])
  func textLimits(_ code: String) {
    let session = TestSession()
    session.environment.limits.maximumStringBytes = 1 << 20
    #expect(session.run(code).error?.family == .limitError)
  }
}
