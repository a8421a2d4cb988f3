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
