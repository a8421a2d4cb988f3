import TempoRuntime
import TestSupport
import Testing

struct CompletionTests {
  func complete(_ session: TestSession, _ marked: String) -> Completion {
    let (code, offsets) = LocationMarkers.extract(marked)
    return session.environment.complete(code, cursor: offsets["1️⃣"] ?? code.utf8.count)
  }

  @Test("names in scope, builtins and keywords complete, with the replaced range")
  func names() {
    let session = TestSession()
    session.run("let learningRate = 0.1\nlet layers = [1, 2]")
    let completion = complete(session, "print(lea1️⃣)")
    #expect(completion.matches == ["learningRate"])
    #expect(completion.start == 6 && completion.end == 9)
    #expect(complete(session, "wh1️⃣").matches == ["while"])
    #expect(complete(session, "sq1️⃣").matches == ["sqrt"])
  }

  @Test("after a dot, members of the value complete")
  func members() {
    let session = TestSession()
    session.run("let xs = [3, 1, 2]")
    #expect(complete(session, "xs.so1️⃣").matches == ["sort", "sorted"])
    #expect(complete(session, "xs.1️⃣").matches.contains("count"))
    #expect(complete(session, "Double.p1️⃣").matches == ["pi"])
  }

  @Test("after a dot, a labeled tuple's labels complete, also through a label")
  func tupleLabels() {
    let session = TestSession()
    session.run("let pair = (first: 10, second: (inner: 1, other: 2))")
    #expect(complete(session, "pair.1️⃣").matches == ["first", "second"])
    #expect(complete(session, "pair.second.i1️⃣").matches == ["inner"])
  }

  @Test("inside a call, argument labels complete")
  func labels() {
    let session = TestSession()
    session.run("func train(epochs: Int, batchSize: Int = 32) {}")
    #expect(complete(session, "train(epochs: 1, ba1️⃣").matches == ["batchSize:"])
    #expect(complete(session, "format(3.0, dig1️⃣").matches == ["digits:"])
  }

  @Test("names declared earlier in the same cell complete before it runs")
  func declaredInCell() {
    let session = TestSession()
    #expect(complete(session, "let momentum = 0.9\nprint(mom1️⃣").matches == ["momentum"])
  }

  @Test(
    "a cell is complete, incomplete (open bracket, brace or string) or invalid",
    arguments: [
      ("print(1)", Completeness.complete),
      ("func f() {", .incomplete(indent: "    ")),
      ("let a = [1,\n  [2,", .incomplete(indent: "        ")),
      ("let s = \"abc", .incomplete(indent: "")),
      ("let x = 1 +", .incomplete(indent: "")),
      ("let = 5", .invalid),
      ("print(1))", .invalid),
    ])
  func completeness(_ code: String, _ expected: Completeness) {
    #expect(Environment.isComplete(code) == expected)
  }

  @Test("inspection shows documentation of builtins and summaries of values")
  func inspection() {
    let session = TestSession()
    session.run("let weights = [0.5, 0.25]")
    #expect(session.environment.inspect("sqrt(2.0)", cursor: 2)?.hasPrefix("sqrt(_ x: Double) -> Double") == true)
    #expect(session.environment.inspect("print(", cursor: 6)?.contains("Writes the items to standard output.") == true)
    #expect(session.environment.inspect("weights", cursor: 3)?.hasPrefix("weights: [Double] = [0.5, 0.25]") == true)
    #expect(session.environment.inspect("nothingHere", cursor: 3) == nil)
    session.run("let bounds = (min: 1, max: 9)")
    #expect(
      session.environment.inspect("bounds", cursor: 3)?.hasPrefix("bounds: (min: Int, max: Int) = (min: 1, max: 9)")
        == true)
  }
}
