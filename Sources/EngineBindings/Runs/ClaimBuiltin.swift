import JSONValue
import PlotBindings
import Plotting
import TempoRuntime
import Training

/// `claim(…)`: one claim of a paper beside what a notebook measured, with a verdict the cell
/// computed. `make reproduce` gathers every claim of the executed notebooks into
/// docs/reproductions.md from the JSON each one carries, so the report is never typed by hand.
enum ClaimBuiltin {
  static let verdicts = ["reproduced", "partly", "notReproduced"]

  static var claim: BuiltinFunction {
    let measured = ParameterType.oneOf([.host("RunGroup"), .host("Run"), .double, .string])
    return trainingBuiltin(
      "claim",
      [
        ParameterSpec(nil, "id", .string, "the report's row: M1…M7, A1…A4, MA, or a sub-id such as M5b"),
        ParameterSpec(nil, "statement", .string, "what the paper claims, in one sentence"),
        ParameterSpec("figure", .string, "where the paper shows it, e.g. \"MR Fig. 8, Table A5\""),
        ParameterSpec("paper", .string, "the paper's numbers, as it reports them"),
        ParameterSpec("ours", measured, "what we measured: a RunGroup or Run (its metric), a number or a text"),
        ParameterSpec(
          "against", .optional(measured), default: nil, "the baseline the claim is about (nil: none)"),
        ParameterSpec(
          "metric", .symbol, default: .symbol("testAccuracy"),
          check: .choices(Metric.allCases.map(\.rawValue)), "the metric read from runs"),
        ParameterSpec(
          "verdict", .symbol, check: .choices(verdicts),
          "computed in the cell from the numbers, by a criterion fixed before looking"),
        ParameterSpec("why", .string, "one honest sentence: what did or did not reproduce, and why"),
      ], returns: "Claim", category: "Training",
      "A paper's claim beside what this notebook measured, with its verdict: a row of the reproduction report.",
      discussion:
        "A RunGroup is shown as its metric's mean [min, max] over the completed seeds, a Run as its final value. Shown as a one-row table; `make reproduce` collects the claims of every executed notebook into docs/reproductions.md.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet sgd = seeds(2) { s in fit(MLP([64, 32, 10]), on: data, optimizer: SGD(learningRate: 0.1), seed: s, progress: false) }\nlet adam = seeds(2) { s in fit(MLP([64, 32, 10]), on: data, optimizer: Adam(), seed: s, progress: false) }\nlet better = adam.testAccuracy[\"mean\"]! > sgd.testAccuracy[\"mean\"]!\nclaim(\"X1\", \"Adam beats SGD on digits\", figure: \"none\", paper: \"—\", ours: adam, against: sgd, verdict: better ? .reproduced : .notReproduced, why: \"two seeds only\")"
    ) { args in
      let metric = Metric(rawValue: try args.symbol("metric")) ?? .testAccuracy
      let ours = try measurement(try args.value("ours"), metric: metric, args: args, parameter: "ours")
      let against = try args.optionalValue("against").map {
        try measurement($0, metric: metric, args: args, parameter: "against")
      }
      return .host(
        ClaimObject(
          Claim(
            id: try args.string("id"), statement: try args.string("statement"), figure: try args.string("figure"),
            paper: try args.string("paper"), ours: ours, against: against, metric: metric.displayName,
            verdict: try args.symbol("verdict"), why: try args.string("why"))))
    }
  }

  /// A measured value as the report shows it: "0.912 [0.897, 0.925] over 5 seeds (GroupName)".
  static func measurement(_ value: Value, metric: Metric, args: Arguments, parameter: String) throws -> String {
    switch value {
    case .string(let text): return text
    case .double(let number): return format(number, metric)
    case .int(let number): return String(number)
    case .host(let group as RunGroupObject):
      guard let summary = group.records.finalSummary(metric) else {
        throw args.invalid(
          parameter, "'\(group.name)' has no completed run with a \(metric.displayName)",
          help: "check that its runs finished (group.runs[i].status) or choose another metric:")
      }
      let stopped = group.runs.count - group.completed.count
      let extra = stopped > 0 ? ", \(stopped) stopped" : ""
      return
        "\(group.name): \(format(summary.mean, metric)) [\(format(summary.minimum, metric)), \(format(summary.maximum, metric))] over \(summary.count) seeds\(extra)"
    case .host(let run as RunObject):
      guard let final = run.record.history.last?[metric] else {
        throw args.invalid(parameter, "'\(run.name)' has no \(metric.displayName)", help: "check run.status")
      }
      return "\(run.name): \(format(final, metric))"
    default:
      throw args.typeError(parameter, expected: "RunGroup, Run, Double or String", got: value)
    }
  }

  static func format(_ value: Double, _ metric: Metric) -> String {
    metric.isAccuracy ? Format.percent(value) : Format.number(value)
  }
}

/// One claim and its verdict: the fields the report needs.
struct Claim {
  var id, statement, figure, paper, ours: String
  var against: String?
  var metric, verdict, why: String

  var verdictText: String {
    switch verdict {
    case "reproduced": return "reproduced"
    case "partly": return "partly"
    default: return "not reproduced"
    }
  }

  var json: JSON {
    var fields: [String: JSON] = [
      "id": .string(id), "statement": .string(statement), "figure": .string(figure), "paper": .string(paper),
      "ours": .string(ours), "metric": .string(metric), "verdict": .string(verdict), "why": .string(why),
    ]
    if let against { fields["against"] = .string(against) }
    return .object(fields)
  }

  var table: Table {
    Table(
      columns: ["claim", "paper", "ours", "verdict"],
      rows: [
        [
          .text("\(id): \(statement) (\(figure))"), .text(paper),
          .text(against.map { "\(ours); against \($0)" } ?? ours), .text("\(verdictText) — \(why)"),
        ]
      ], title: "Claim \(id)")
  }
}

/// A claim as a Tempo value: a one-row table for people, JSON for `make reproduce`.
final class ClaimObject: HostObject {
  static let mimeType = "application/vnd.tempo.claim+json"
  let claim: Claim

  init(_ claim: Claim) { self.claim = claim }

  var typeName: String { "Claim" }
  var description: String { claim.table.plainText }

  func displayRepresentations() -> [String: String] {
    ["text/html": claim.table.html, "text/markdown": claim.table.markdown, Self.mimeType: claim.json.text]
  }

  static let memberTypes: [String: String] = ["id": "String", "verdict": "Symbol"]
  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "id": return .string(claim.id)
    case "verdict": return .host(Symbol(claim.verdict))
    default: return nil
    }
  }
}
