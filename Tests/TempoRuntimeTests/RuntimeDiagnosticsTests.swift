import TempoRuntime
import TestSupport
import Testing

/// Errors found while compiling or running a cell, as the exact text a notebook shows, with
/// the expected place marked in the source.
struct RuntimeDiagnosticsTests {
  func rendered(_ session: TestSession, _ marked: String, name: String) -> (String?, Int?, Int?) {
    let (code, offsets) = LocationMarkers.extract(marked)
    let error = session.run(code, name: name).error
    let markerLine = offsets["1️⃣"].map { offset in code.utf8.prefix(offset).filter { $0 == 10 }.count + 1 }
    return (error?.rendered, error?.location?.line, markerLine)
  }

  @Test("an unknown name is reported before the cell runs, with the closest name")
  func unknownName() {
    let session = TestSession()
    session.run("let learningRate = 0.01", name: "<cell 1>")
    let (text, line, expectedLine) = rendered(session, "print(\"start\")\nlet lr = 1️⃣learningRat * 2", name: "<cell 2>")
    #expect(line == expectedLine)
    #expect(session.output.standardOutput == "", "nothing ran")
    #expect(
      text == """
        NameError: cannot find 'learningRat' in scope

        <cell 2>:2:10: error: cannot find 'learningRat' in scope
        1 | print("start")
        2 | let lr = learningRat * 2
          |          `- error: cannot find 'learningRat' in scope
        help: did you mean 'learningRate'?
        """)
  }

  @Test("a wrong argument label names both labels and suggests the right one")
  func wrongLabel() {
    let session = TestSession()
    let (text, _, _) = rendered(session, "let s = format(3.14159, digit: 2)", name: "<cell 1>")
    #expect(
      text == """
        TypeError: incorrect argument label in call to 'format' (have 'digit:', expected 'digits:')

        <cell 1>:1:9: error: incorrect argument label in call to 'format' (have 'digit:', expected 'digits:')
        1 | let s = format(3.14159, digit: 2)
          |         `- error: incorrect argument label in call to 'format' (have 'digit:', expected 'digits:')
        help: did you mean 'digits:'? 'format' is declared as format(_ x: Double, digits: Int = 2) -> String
        """)
  }

  @Test("a runtime error inside a function points into the cell that declared it")
  func errorInEarlierCell() {
    let session = TestSession()
    session.run("func lastLoss(_ history: [Double]) -> Double {\n  history[history.count]\n}", name: "<cell 1>")
    let error = session.run("let l = lastLoss([0.5, 0.25])", name: "<cell 2>").error
    #expect(
      error?.rendered == """
        IndexError: index 2 is out of range for a collection of 2 elements

        <cell 1>:2:3: error: index 2 is out of range for a collection of 2 elements
        1 | func lastLoss(_ history: [Double]) -> Double {
        2 |   history[history.count]
          |   `- error: index 2 is out of range for a collection of 2 elements
        note: called from <cell 2>:1:9
        help: valid indices are 0...1
        """)
  }

  @Test("recursion through one call site is one traceback line with a count")
  func recursionTraceback() {
    let session = TestSession()
    let error = session.run("func down(_ n: Int) -> Int { down(n - 1) }\nlet r = down(3)", name: "<cell 1>").error
    #expect(
      error?.rendered.hasSuffix(
        """
        note: called from <cell 1>:1:30 (9999 times)
        note: called from <cell 1>:2:9
        help: check that the recursion has a base case that is reached
        """) == true)
  }

  @Test("assigning to a constant says how to make it a variable")
  func assignToLet() {
    let session = TestSession()
    let (text, line, expectedLine) = rendered(session, "let epochs = 3\n1️⃣epochs += 1", name: "<cell 1>")
    #expect(line == expectedLine)
    #expect(text?.hasSuffix("help: change 'let' to 'var' where 'epochs' is declared") == true)
  }

  @Test("a misspelled tuple label names the tuple's type and suggests the label")
  func misspelledTupleLabel() {
    let session = TestSession()
    let (text, _, _) = rendered(session, "let pair = (first: 10, second: 20)\nprint(pair.frist)", name: "<cell 1>")
    #expect(
      text == """
        TypeError: value of tuple type '(first: Int, second: Int)' has no member 'frist'

        <cell 1>:2:12: error: value of tuple type '(first: Int, second: Int)' has no member 'frist'
        1 | let pair = (first: 10, second: 20)
        2 | print(pair.frist)
          |            `- error: value of tuple type '(first: Int, second: Int)' has no member 'frist'
        help: did you mean 'first'?
        """)
    let (far, _, _) = rendered(session, "print(pair.total)", name: "<cell 2>")
    #expect(far?.hasSuffix("help: its labels are 'first', 'second'") == true)
    let (unlabeled, _, _) = rendered(session, "print((1, 2).x)", name: "<cell 3>")
    #expect(unlabeled?.hasSuffix("help: its elements have no labels; use '.0' through '.1'") == true)
  }

  @Test("changing a labeled element of a let tuple, or a tuple parameter, says how to make it a variable")
  func assignToLetTupleElement() {
    let session = TestSession()
    let (text, line, expectedLine) = rendered(
      session, "let pair = (first: 1, second: 2)\n1️⃣pair.first = 3", name: "<cell 1>")
    #expect(line == expectedLine)
    #expect(text?.hasPrefix("TypeError: cannot assign to property: 'pair' is a 'let' constant") == true)
    #expect(text?.hasSuffix("help: change 'let' to 'var' where 'pair' is declared") == true)
    let (parameter, _, _) = rendered(
      session, "func move(_ p: (x: Int, y: Int)) {\n  p.x += 1\n}", name: "<cell 2>")
    #expect(parameter?.hasSuffix("help: parameters are constants; copy it first: 'var p = p'") == true)
  }

  @Test("division by zero names the operator's place")
  func divisionByZero() {
    let session = TestSession()
    let (text, _, _) = rendered(session, "let batches = 0\nlet perBatch = 600 / batches", name: "<cell 1>")
    #expect(
      text == """
        ZeroDivisionError: division by zero

        <cell 1>:2:20: error: division by zero
        1 | let batches = 0
        2 | let perBatch = 600 / batches
          |                    `- error: division by zero
        help: check the divisor before dividing, or use Double, where x / 0 is infinity
        """)
  }
}
