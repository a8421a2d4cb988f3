import Plotting
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

@Suite("Library parameters")
struct LibraryParameterTests {
  /// The documentation of every library builtin, and of the methods host objects hand out
  /// (data sets and splits, models, figures).
  static var allDocumentation: [Documentation] {
    let session = LibrarySession()
    var docs = Array(session.environment.documentation.values)
    let objects = ["Digits()", "Digits().split(0.5)", "MLP([4, 3])", "plot([1])"].compactMap {
      code -> (any HostObject)? in
      guard case .host(let object)? = session.value(code) else { return nil }
      return object
    }
    for object in objects {
      for name in object.memberNames {
        if case .function(let function)? = try? object.member(name), let doc = function.documentation {
          docs.append(doc)
        }
      }
    }
    return docs
  }

  @Test("every library builtin's and method's declared default is of its type and passes its check")
  func defaultsPassTheirChecks() {
    for doc in Self.allDocumentation {
      for parameter in doc.signature?.parameters ?? [] {
        guard let value = parameter.defaultArgument?.value else { continue }
        #expect(parameter.type.accepts(value), "\(doc.name)(\(parameter.name):) default \(value.debugDescription)")
        #expect(parameter.check?.accepts(value) ?? true, "\(doc.name)(\(parameter.name):) default fails its check")
      }
    }
  }

  @Test("every library signature names its parameters uniquely, and no old spelling is a current label")
  func namesAreUnique() {
    for doc in Self.allDocumentation {
      let parameters = doc.signature?.parameters ?? []
      #expect(Set(parameters.map(\.name)).count == parameters.count, "\(doc.name)")
      let labels = Set(parameters.compactMap(\.label))
      #expect(parameters.compactMap(\.deprecatedLabel).allSatisfy { !labels.contains($0) }, "\(doc.name)")
    }
  }

  @Test("no current label is one of the old matplotlib spellings")
  func noOldSpellings() {
    for doc in Self.allDocumentation {
      for label in (doc.signature?.parameters ?? []).compactMap(\.label) {
        #expect(Self.deprecated[label] == nil, "\(doc.name)(\(label):) is an old spelling")
      }
    }
  }

  /// The old spellings and what they are now.
  static let deprecated = [
    "xlabel": "xLabel", "ylabel": "yLabel", "xscale": "xScale", "yscale": "yScale", "xlim": "xLimits",
    "ylim": "yLimits",
  ]

  @Test("fit's default optimizer is the declared value, and the documentation shows it as written")
  func fitDefaultOptimizer() throws {
    let session = LibrarySession()
    #expect(
      session.value("fit(MLP([64, 10]), on: Digits(), progress: false).optimizer")?.description
        == "SGD(learningRate: 0.01, momentum: 0.9)")
    let doc = try #require(session.environment.documentation["fit"])
    let declared =
      "optimizer: Optimizer or [Parameters: Optimizer or Symbol] = SGD(learningRate: 0.01, momentum: 0.9)"
    #expect(doc.signatureText.contains(declared))
  }

  @Test(
    "library checks name the function and the parameter",
    arguments: [
      ("SGD(learningRate: -1)", "'learningRate' of 'SGD' must be a finite number ≥ 0, not -1.0"),
      ("Adam(beta1: 1)", "'beta1' of 'Adam' must be in 0..<1, not 1.0"),
      ("MLP([4, 2], dropout: 1)", "'dropout' of 'MLP' must be in 0..<1, not 1.0"),
      ("MLP([4, 2], activation: .swish)", "'activation' of 'MLP' has no option '.swish'"),
      ("Linear(0, 3)", "'inputs' of 'Linear' must be at least 1, not 0"),
      ("Conv2d(1, 4, padding: -1)", "'padding' of 'Conv2d' must be ≥ 0, not -1"),
      ("Blobs(seed: -1)", "'seed' of 'Blobs' must be ≥ 0, not -1"),
      ("Digits().split(1.5)", "'fraction' of 'split' must be strictly between 0 and 1, not 1.5"),
      ("grid([plot([1])], columns: 0)", "'columns' of 'grid' must be at least 1, not 0"),
      ("SGD(schedule: .exponential)", "'schedule' of 'SGD' has no option '.exponential'"),
    ])
  func checks(code: String, message: String) throws {
    let error = try #require(LibrarySession().error(code))
    #expect(error.family == .valueError)
    #expect(error.message == message)
  }

  @Test("a wrong type names the parameter and the type it takes; a wrong label gets did-you-mean")
  func typeAndLabelErrors() throws {
    let session = LibrarySession()
    let type = try #require(session.error("SGD(learningRate: \"fast\")"))
    #expect(type.message == "cannot convert value of type 'String' to expected argument type 'Double'")
    #expect(type.rendered.contains("help: 'learningRate' of 'SGD' takes Double (≥ 0)"))
    let label = try #require(session.error("SGD(learningrate: 0.1)"))
    #expect(
      label.message == "incorrect argument label in call to 'SGD' (have 'learningrate:', expected 'learningRate:')")
    let method = try #require(session.error("Digits().split(0.8, sed: 1)"))
    #expect(method.rendered.contains("did you mean 'seed:'?"))
  }

  @Test(
    "an argument written after one it must precede is named with where to move it",
    arguments: [
      (
        "plot([1.0, 2.0], lower: [0.0, 1.0], upper: [2.0, 3.0], label: \"x\")",
        "argument 'label:' must precede argument 'lower:' in call to 'plot'", "help: move 'label:' before 'lower:'"
      ),
      (
        "fit(MLP([64, 8, 10]), on: Digits(), loss: .crossEntropy, epochs: 1, progress: false)",
        "argument 'epochs:' must precede argument 'loss:' in call to 'fit'", "help: move 'epochs:' before 'loss:'"
      ),
    ])
  func misplacedArgument(_ call: (code: String, message: String, help: String)) throws {
    let error = try #require(LibrarySession().error(call.code))
    #expect(error.message == call.message)
    #expect(error.rendered.contains(call.help), "\(error.rendered)")
    #expect(!error.rendered.contains("did you mean"), "a label that exists is not a typo")
  }

  @Test("the chart options take Swift's labels")
  func camelCaseOptions() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure(
        "plot([1, 10, 100], xLabel: \"step\", yLabel: \"loss\", xScale: .linear, yScale: .log, xLimits: (0, 2), yLimits: (1, 100))"
      ))
    let panel = try #require(figure.panels.first)
    #expect(panel.xLabel == "step")
    #expect(panel.yLabel == "loss")
    #expect(panel.yScale == .log)
    #expect(panel.xLimits.map { [$0.0, $0.1] } == [0, 2])
    #expect(panel.yLimits.map { [$0.0, $0.1] } == [1, 100])
    #expect(session.output.standardError.isEmpty)
  }

  @Test(
    "the matplotlib spellings still work for one release, with a warning on standard error",
    arguments: [
      ("xlabel: \"step\"", "xlabel", "xLabel"), ("ylabel: \"loss\"", "ylabel", "yLabel"),
      ("xscale: .log", "xscale", "xScale"), ("yscale: .log", "yscale", "yScale"),
      ("xlim: (1, 2)", "xlim", "xLimits"), ("ylim: (1, 2)", "ylim", "yLimits"),
    ])
  func deprecatedSpellings(argument: String, old: String, new: String) throws {
    let session = LibrarySession()
    let oldFigure = try #require(session.figure("plot([1, 2, 3], \(argument))"))
    #expect(
      session.output.standardError
        == "warning: '\(old):' of 'plot' is now '\(new):'; the old spelling will be removed in the next release\n")
    let newFigure = try #require(
      session.figure("plot([1, 2, 3], \(argument.replacingOccurrences(of: old + ":", with: new + ":")))"))
    #expect(oldFigure.svg == newFigure.svg)
  }

  @Test("an old spelling is warned about once per cell, also when a figure method uses it")
  func oneWarningPerCell() throws {
    let session = LibrarySession()
    _ = session.figure("plot([1, 2], xlabel: \"a\").plot([2, 1], xlabel: \"b\")")
    #expect(session.output.standardError.components(separatedBy: "warning:").count == 2)
  }
}
