import TempoRuntime
import TestSupport
import Testing

/// A builtin declared as library builtins are: typed, named parameters with defaults, checks
/// and a deprecated spelling.
func configureBuiltin() -> BuiltinFunction {
  let documentation = Documentation(
    name: "configure",
    signature: Signature(
      [
        ParameterSpec(nil, "size", .int, check: .positive, "how many"),
        ParameterSpec("learningRate", .double, default: 0.01, check: .nonNegative, "the step size"),
        ParameterSpec("schedule", .symbol, default: .symbol("constant"), check: .choices(["constant", "cosine"])),
        ParameterSpec("dropout", .double, default: 0, check: .unitInterval),
        ParameterSpec("bins", .int, default: 20, check: .range(1...100, help: "about 20 bins suit most data")),
        ParameterSpec("xLabel", .optional(.string), default: nil, formerly: "xlabel", "the x axis title"),
        ParameterSpec("terminator", .string, default: "\n"),
      ], returns: "String"),
    summary: "Describes its arguments.", example: "configure(3)")
  return BuiltinFunction(documentation) { args in
    let parts = [
      "\(try args.int("size"))", "\(try args.double("learningRate"))", try args.symbol("schedule"),
      "\(try args.double("dropout"))", "\(try args.int("bins"))", try args.optionalString("xLabel") ?? "nil",
      try args.string("terminator").debugDescription,
    ]
    return .string(parts.joined(separator: " "))
  }
}

@Suite("Parameter declarations")
struct ParameterDeclarationTests {
  func session() -> TestSession {
    let session = TestSession()
    let builtin = configureBuiltin()
    session.environment.define("configure", value: .function(builtin), documentation: builtin.documentation)
    return session
  }

  @Test("an omitted argument gets the declared default, a given one is used as given")
  func defaults() {
    let session = session()
    #expect(session.run("configure(3)").value?.description == "3 0.01 constant 0.0 20 nil \"\\n\"")
    #expect(
      session.run("configure(3, learningRate: 1, schedule: .cosine, xLabel: \"epoch\")").value?.description
        == "3 1.0 cosine 0.0 20 epoch \"\\n\"")
  }

  @Test(
    "a declared check is enforced with an error naming the function and the parameter",
    arguments: [
      ("configure(0)", "'size' of 'configure' must be at least 1, not 0"),
      ("configure(1, learningRate: -1)", "'learningRate' of 'configure' must be a finite number ≥ 0, not -1.0"),
      ("configure(1, learningRate: Double.nan)", "'learningRate' of 'configure' must be a finite number ≥ 0, not nan"),
      ("configure(1, dropout: 1)", "'dropout' of 'configure' must be in 0..<1, not 1.0"),
      ("configure(1, bins: 101)", "'bins' of 'configure' must be between 1 and 100, not 101"),
      ("configure(1, schedule: .linear)", "'schedule' of 'configure' has no option '.linear'"),
    ])
  func checks(code: String, message: String) throws {
    let error = try #require(session().run(code).error)
    #expect(error.family == .valueError)
    #expect(error.message == message)
  }

  @Test("a check's help and the choices appear in the error")
  func checkHelp() throws {
    let session = session()
    #expect(session.run("configure(1, bins: 0)").error?.rendered.contains("help: about 20 bins suit most data") == true)
    #expect(
      session.run("configure(1, schedule: .linear)").error?.rendered.contains("help: use .constant or .cosine") == true)
  }

  @Test("a wrong label gets did-you-mean from the binder")
  func wrongLabel() throws {
    let error = try #require(session().run("configure(1, learningrate: 0.1)").error)
    #expect(error.family == .typeError)
    #expect(
      error.message
        == "incorrect argument label in call to 'configure' (have 'learningrate:', expected 'learningRate:')")
    #expect(error.rendered.contains("help: did you mean 'learningRate:'?"))
  }

  @Test("a wrong type names the parameter, the type it takes and its check")
  func wrongType() throws {
    let error = try #require(session().run("configure(1, learningRate: \"fast\")").error)
    #expect(error.family == .typeError)
    #expect(error.message == "cannot convert value of type 'String' to expected argument type 'Double'")
    #expect(error.rendered.contains("help: 'learningRate' of 'configure' takes Double (≥ 0)"))
    let symbol = try #require(session().run("configure(1, schedule: 2)").error)
    #expect(symbol.rendered.contains("help: 'schedule' of 'configure' takes Symbol (one of .constant, .cosine)"))
  }

  @Test("a deprecated label works, warns once per cell on standard error, and errors name it as written")
  func deprecatedLabel() throws {
    let session = session()
    let outcome = session.run("configure(1, xlabel: \"epoch\")\nconfigure(2, xlabel: \"step\")")
    #expect(outcome.value?.description == "2 0.01 constant 0.0 20 step \"\\n\"")
    #expect(
      session.output.standardError
        == "warning: 'xlabel:' of 'configure' is now 'xLabel:'; the old spelling will be removed in the next release\n")
    let error = try #require(session.run("configure(1, xlabel: 3)").error)
    #expect(error.rendered.contains("help: 'xlabel' of 'configure' takes String?"))
    #expect(session.run("configure(1, xLabel: \"epoch\")").error == nil)
    #expect(session.output.standardError.components(separatedBy: "warning:").count == 3, "one more for the new cell")
  }

  @Test("documentation renders defaults from their values and states checks and old spellings")
  func documentation() throws {
    let doc = try #require(configureBuiltin().documentation)
    #expect(
      doc.signatureText
        == "configure(_ size: Int, learningRate: Double = 0.01, schedule: Symbol = .constant, dropout: Double = 0.0, bins: Int = 20, xLabel: String? = nil, terminator: String = \"\\n\") -> String"
    )
    #expect(doc.text.contains("  _ size: Int (≥ 1) — how many"))
    #expect(doc.text.contains("  learningRate: Double (default 0.01; ≥ 0) — the step size"))
    #expect(doc.text.contains("  schedule: Symbol (default .constant; one of .constant, .cosine)"))
    #expect(doc.markdown.contains("- `bins`: `Int` (default `20`; in 1...100)"))
    #expect(doc.markdown.contains("- `xLabel`: `String?` (default `nil`; formerly `xlabel:`) — the x axis title"))
  }

  @Test("completion offers the current labels, not the deprecated ones")
  func completion() {
    let session = session()
    let code = "configure(1, x"
    #expect(session.environment.complete(code, cursor: code.utf8.count).matches == ["xLabel:"])
  }

  /// Every parameter of every builtin and member of the core language.
  static var allParameters: [(String, ParameterSpec)] {
    let docs = Array(Environment().documentation.values) + BuiltinReference.memberDocumentation
    return docs.flatMap { doc in (doc.signature?.parameters ?? []).map { (doc.name, $0) } }
  }

  @Test("every builtin's declared default is of the parameter's type and passes its check")
  func defaultsPassTheirChecks() {
    for (function, parameter) in Self.allParameters {
      guard let value = parameter.defaultArgument?.value else { continue }
      #expect(parameter.type.accepts(value), "\(function)(\(parameter.name):) default \(value.debugDescription)")
      #expect(parameter.check?.accepts(value) ?? true, "\(function)(\(parameter.name):) default fails its check")
    }
  }

  @Test("every builtin's parameter names are unique, and no old spelling is a current label")
  func namesAreUnique() {
    let docs = Array(Environment().documentation.values) + BuiltinReference.memberDocumentation
    for doc in docs {
      let parameters = doc.signature?.parameters ?? []
      #expect(Set(parameters.map(\.name)).count == parameters.count, "\(doc.name)")
      let labels = Set(parameters.compactMap(\.label))
      #expect(parameters.compactMap(\.deprecatedLabel).allSatisfy { !labels.contains($0) }, "\(doc.name)")
    }
  }
}
