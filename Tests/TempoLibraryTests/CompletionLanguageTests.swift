import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

/// A session with a value of every kind a cell produces (it trains three tiny runs).
private func makeSession() -> LibrarySession {
  let session = LibrarySession()
  _ = session.value(
    """
    let net = MLP([64, 16, 10])
    let data = Digits().split(0.8, seed: 0)
    let run = fit(net, on: data, epochs: 1, progress: false)
    let runs = seeds(2) { s in fit(net, on: data, epochs: 1, seed: s, progress: false) }
    let fig = plot([1.0, 2.0, 3.0])
    let t = Trainer(net, optimizer: SGD(learningRate: 0.1), data: data)
    let xs = [3, 1, 2]
    let scores = ["a": 0.5]
    let words = "abc"
    var calls = 0
    func makeNet() -> Model { MLP([64, 10]) }
    func bump() -> String { calls += 1; return "x" }
    """)
  return session
}

private func completing(_ code: String, in session: LibrarySession) -> [String] {
  session.environment.complete(code, cursor: code.utf8.count).matches
}

@Suite("Completion of every value kind, after a name, a call, a subscript or a member chain")
struct CompletionLanguageTests {
  /// The code up to the cursor, and member names the matches must include (and, for short
  /// lists, be exactly).
  static let cases: [(code: String, includes: [String], exactly: Bool)] = [
    // After a call: what the builtin declares it returns, nothing run.
    ("SGD(learningRate: 0.1).", ["learningRate"], true),
    ("SGD(learningRate: 0.1).lea", ["learningRate"], true),
    ("Adam().learningRate.", ["isFinite", "rounded", "squareRoot"], false),
    ("MLP([64, 10]).", ["head", "trunk", "summary", "parameters", "replacingHead"], false),
    ("MLP([64, 10]).he", ["head"], true),
    ("MLP([64, 10]).head.", ["count", "paths"], true),
    ("MLP([64, 10]).parameters(matching: \"1.*\").", ["count", "paths"], true),
    ("Digits().", ["classCounts", "normalized", "split", "shape"], false),
    ("Digits().split(0.8).", ["train", "test", "patched"], false),
    ("Digits().split(0.8).train.normalized().", ["count", "shape", "subset"], false),
    ("FashionMNIST().", ["train", "test"], false),
    ("fit(net, on: data, epochs: 100000).", ["testAccuracy", "model", "stepLosses", "speedup"], false),
    ("fit(net, on: data).model.head.", ["count", "paths"], true),
    ("fit(net, on: data).stepLosses.", ["count", "map", "sorted"], false),
    ("fit(net, on: data).wallTime.", ["rounded"], false),
    ("seeds(3) { s in fit(net, on: data, seed: s) }.", ["runs", "testAccuracy", "on"], false),
    ("seeds(3) { s in fit(net, on: data, seed: s) }[0].", ["model", "stepLosses"], false),
    ("Trainer(net, optimizer: SGD(), data: data).", ["step", "loss", "model"], false),
    ("plot([1.0, 2.0]).", ["plot", "svg", "summary"], false),
    ("plot([1.0, 2.0]).plot([2.0, 1.0]).", ["scatter", "svg"], false),
    ("table([[1, 2]]).", ["csv", "markdown", "rowCount"], false),
    ("compare([\"a\": run]).", ["csv", "markdown"], false),
    ("evaluate(run.model, on: data.test).", ["keys", "values"], false),
    ("stepDecay(every: 2).", [], true),
    // After names, subscripts and member chains of values: read, never called.
    ("run.", ["testAccuracy", "model"], false),
    ("run.model.summary.", ["csv", "columns"], false),
    ("run.stepLosses[0].", ["isFinite"], false),
    ("runs[1].", ["stepLosses"], false),
    ("runs.runs[0].model.", ["head"], false),
    ("data.train.", ["classes", "labels"], false),
    ("fig.", ["plot", "svg"], false),
    ("t.model.", ["head"], false),
    ("xs.sorted().", ["count", "first"], false),
    ("xs[0].", [], false),
    ("scores[\"a\"]!.", ["isNaN"], false),
    ("words.uppercased().", ["count", "hasPrefix"], false),
    ("\"text\".", ["count", "uppercased"], false),
    ("[1, 2].", ["count", "map"], false),
    ("(1.5).", ["squareRoot"], false),
    // Names in scope complete from any prefix, builtins and data sets alike.
    ("Fashion", ["FashionMNIST"], true),
    ("Dig", ["Digits"], true),
    ("comp", ["compare"], true),
    // A user function's declared result type, the function not called.
    ("makeNet().", ["head", "trunk"], false),
    ("bump().", ["count", "uppercased"], false),
    // Declared earlier in the cell, before it has run.
    ("let o = Adam(learningRate: 0.01)\no.", ["learningRate"], true),
    ("let r = fit(net, on: data)\nprint(r.model.", ["head", "trunk"], false),
  ]

  @Test("members of the value or declared type complete", arguments: cases)
  func completes(_ entry: (code: String, includes: [String], exactly: Bool)) {
    let matches = completing(entry.code, in: makeSession())
    if entry.exactly {
      #expect(matches == entry.includes, "\(entry.code)")
    } else {
      for name in entry.includes { #expect(matches.contains(name), "\(entry.code) offers \(name): \(matches)") }
      #expect(!matches.isEmpty || entry.includes.isEmpty, "\(entry.code)")
    }
  }

  @Test("completing after a call runs nothing: no training, no output, no side effect")
  func nothingRuns() throws {
    let session = makeSession()
    let before = (session.output.standardOutput, session.output.displayEvents.count)
    _ = completing("fit(net, on: data, epochs: 3, progress: true).", in: session)
    _ = completing("{ () -> Int in calls += 1; return calls }().", in: session)
    _ = completing("print(\"side effect\").", in: session)
    _ = completing("bump().", in: session)
    #expect(session.output.standardOutput == before.0)
    #expect(session.output.displayEvents.count == before.1)
    #expect(session.value("calls")?.description == "0")
  }

  @Test("every host type's declared members are the members its values have, with the types they give")
  func declaredMembersMatchValues() throws {
    let session = makeSession()
    let samples: [(String, String)] = [
      ("Model", "run.model"), ("Parameters", "net.head"), ("Dataset", "data.train"), ("DataSplit", "data"),
      ("Run", "run"), ("RunGroup", "runs"), ("Trainer", "t"), ("Optimizer", "SGD()"), ("Figure", "fig"),
      ("Table", "run.model.summary"), ("PatchedData", "data.patched(side: 2)"),
    ]
    for (type, code) in samples {
      let value = try #require(session.value(code))
      guard case .host(let object) = value else {
        Issue.record("\(code) is not a host value")
        continue
      }
      #expect(object.typeName == type)
      let declared = try #require(session.environment.hostMemberTypes[type], "\(type) declares its members")
      #expect(declared.keys.sorted() == object.memberNames.sorted(), "\(type)")
      for (name, declaredType) in declared where declaredType.hasPrefix("->") {
        guard case .function(let function as BuiltinFunction)? = try? object.member(name) else { continue }
        #expect(
          "-> " + function.signature.returns == declaredType || function.signature.returns == "Any",
          "\(type).\(name) returns \(function.signature.returns), declared \(declaredType)")
      }
      for (name, declaredType) in declared where !declaredType.hasPrefix("->") {
        guard let member = try? object.member(name), !member.isNil else { continue }
        let shown = declaredType.hasSuffix("?") ? String(declaredType.dropLast()) : declaredType
        let actual = member.typeName
        #expect(
          actual == shown || actual.contains("Any") || shown.contains("?"),
          "\(type).\(name) is \(actual), declared \(declaredType)")
      }
    }
  }
}
