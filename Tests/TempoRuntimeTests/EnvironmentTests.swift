import TempoRuntime
import TestSupport
import Testing

/// A host object as later modules will make them: members, a method, documentation.
final class Counter: HostObject {
  var count = 0
  var typeName: String { "Counter" }
  var description: String { "Counter(\(count))" }
  var memberNames: [String] { ["count", "increment"] }
  var documentation: Documentation? { Documentation(name: "Counter", summary: "counts things") }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(count)
    case "increment":
      let signature = Signature([ParameterSpec("by", .int, default: 1)], returns: "Int")
      return .function(
        BuiltinFunction(name: "increment", signature: signature) { [self] args in
          count += try args.int("by")
          return .int(count)
        })
    default: return nil
    }
  }

  func setMember(_ name: String, to value: Value) throws {
    guard name == "count", case .int(let v) = value else {
      throw RuntimeError(.typeError, "cannot set '\(name)'")
    }
    count = v
  }
}

struct EnvironmentTests {
  @Test("variables persist across cells, and re-declaring a name replaces it")
  func persistence() {
    let session = TestSession()
    session.run("let x = 1\nfunc show() -> Int { x * 10 }")
    #expect(session.printed("print(show())") == "10\n")
    session.run("let x = 2")
    #expect(session.printed("print(x, show())") == "2 20\n")
    session.run("var x = \"now a string\"")
    #expect(session.environment.value(named: "x")?.description == "now a string")
  }

  @Test("the last expression of a cell is its result; statements give Void")
  func results() {
    let session = TestSession()
    #expect(session.run("let a = [1, 2]\na.count").value?.description == "2")
    #expect(session.run("print(1)").value?.isVoid == true)
    #expect(session.run("let b = 3").value?.isVoid == true)
  }

  @Test("a cell with a syntax error runs nothing")
  func syntaxErrorRunsNothing() {
    let session = TestSession()
    let outcome = session.run("var n = 1\nprint(\"ran\")\nlet = 2")
    #expect(outcome.error?.family == .syntaxError)
    #expect(session.output.standardOutput == "")
    #expect(session.environment.value(named: "n") == nil)
  }

  @Test("a runtime error keeps what the completed statements did")
  func runtimeErrorKeepsState() {
    let session = TestSession()
    let outcome = session.run("var n = 1\nn = 2\nlet z = [1][3]\nn = 3")
    #expect(outcome.error?.family == .indexError)
    #expect(session.environment.value(named: "n")?.description == "2")
  }

  @Test("an interrupt stops the cell at the next statement with KeyboardInterrupt")
  func interrupt() {
    let session = TestSession()
    let environment = session.environment
    environment.define(
      "pressStop",
      value: .function(
        BuiltinFunction(name: "pressStop", signature: Signature([])) { _ in
          environment.interrupt.raise()
          return .void
        }))
    let outcome = session.run("var n = 1\nn = 2\npressStop()\nn = 3")
    #expect(outcome.error?.family == .keyboardInterrupt)
    #expect(environment.value(named: "n")?.description == "2")
    // The flag is cleared for the next cell.
    #expect(session.run("n = 4").error == nil)
    let loop = session.run("var i = 0\nwhile true { i += 1; if i == 1000 { pressStop() } }")
    #expect(loop.error?.family == .keyboardInterrupt)
    #expect(environment.value(named: "i")?.description == "1000")
  }

  @Test("host objects expose members, methods, settable properties and documentation")
  func hostObjects() {
    let session = TestSession()
    session.environment.registerType("Counter")
    session.environment.define("counter", value: .host(Counter()))
    #expect(
      session.printed("counter.increment()\ncounter.increment(by: 5)\nprint(counter.count, counter)")
        == "6 Counter(6)\n")
    #expect(session.printed("counter.count = 10\nprint(counter.count)") == "10\n")
    #expect(session.run("let c: Counter = counter\nc.count").value?.description == "10")
    #expect(
      session.run("let n: Int = counter").error?.message
        == "cannot convert value of type 'Counter' to specified type 'Int'")
    let error = session.run("counter.incremnt()").error
    #expect(error?.message == "value of type 'Counter' has no member 'incremnt'")
    #expect(error?.rendered.contains("help: did you mean 'increment'?") == true)
    session.run("help(counter)")
    #expect(session.output.helpTexts.last?.contains("counts things") == true)
  }

  @Test("input reads from the host; without one it is a clear InputError")
  func input() {
    let answered = TestSession(input: ["42"])
    #expect(answered.run("let n = Int(input(\"n? \")) ?? 0\nn + 1").value?.description == "43")
    let none = TestSession()
    let error = none.run("let s = input(\"name: \")").error
    #expect(error?.family == .inputError)
    #expect(error?.message == "input(…) needs standard input, and this session has none")
  }

  @Test("show, warn, clear and help reach the output sink")
  func outputSink() {
    let session = TestSession()
    session.run("show([1, 2])\nwarn(\"careful\")\nprint(\"x\")\nclear()\nprint(\"y\")\nsqrt?")
    #expect(session.output.displayed.map(\.description) == ["[1, 2]"])
    #expect(session.output.standardError == "careful\n")
    #expect(session.output.standardOutput == "y\n")
    #expect(session.output.helpTexts.first?.hasPrefix("sqrt(_ x: Double) -> Double") == true)
  }

  @Test("a type annotation is checked at run time and converts Int to Double")
  func annotations() {
    let session = TestSession()
    #expect(session.printed("let x: Double = 1\nprint(x)") == "1.0\n")
    #expect(
      session.run("let s: String = 5").error?.message == "cannot convert value of type 'Int' to specified type 'String'"
    )
    #expect(session.run("func f(_ x: Int) -> Int { x }\nf(\"a\")").error?.family == .typeError)
    #expect(session.run("let q: Tensr = 1").error?.message == "cannot find type 'Tensr' in scope")
  }

  @Test("errors inside a function from an earlier cell point into that cell")
  func errorsPointToTheirCell() {
    let session = TestSession()
    session.run("func boom(_ a: [Int]) -> Int { a[5] }", name: "<cell 1>")
    let error = session.run("let r = boom([1])", name: "<cell 2>").error
    #expect(error?.location?.file == "<cell 1>")
    #expect(error?.location?.line == 1)
  }
}
