import PlotBindings
import Plotting
import TempoRuntime
import Training

/// `plot(runs, metric:)`: learning curves of runs and groups, epochs on the x axis.
protocol RunCurves: CurvePlottable {}

extension RunCurves {
  static var metricNames: [String] { Metric.allCases.map(\.rawValue) }
  static var defaultMetric: String { Metric.testAccuracy.rawValue }
  static var stepTitle: String { "epoch" }

  static func axisTitle(metric: String) -> String { Metric(rawValue: metric)?.displayName ?? metric }

  static func series(_ value: Value, metric: String, function: String) throws -> [Series] {
    guard let metric = Metric(rawValue: metric) else { return [] }
    let entries = try RunPlots.entries(value, function: function)
    if metric.isBitsPerCharacter,
      !entries.contains(where: { $0.runs.contains { $0.history.contains { $0[metric] != nil } } })
    {
      throw RuntimeError(
        .valueError, "'\(function)' was asked for \(metric.displayName), but no run here was trained on text",
        help: "bits per character are recorded for runs on Text(…) data; use .testLoss for other runs")
    }
    return RunFigures.series(entries, metric: metric)
  }
}

extension RunObject: RunCurves {}
extension RunGroupObject: RunCurves {}

/// Runs and groups gathered from the values `plot` and `compare` take.
enum RunPlots {
  static func containsRuns(_ value: Value) -> Bool {
    switch value {
    case .host(let object): return object is RunObject || object is RunGroupObject
    case .array(let elements): return elements.first.map(containsRuns) ?? false
    case .dictionary(let map): return map.values.first.map(containsRuns) ?? false
    default: return false
    }
  }

  /// Named entries from a run, a group, an array of them, or a dictionary of names to them.
  static func entries(_ value: Value, function: String) throws -> [RunFigures.Entry] {
    switch value {
    case .host(let run as RunObject): return [RunFigures.Entry(name: run.name, runs: [run.record])]
    case .host(let group as RunGroupObject): return [RunFigures.Entry(name: group.name, runs: group.records)]
    case .array(let elements):
      return try elements.enumerated().flatMap { position, element in
        guard containsRuns(element), !(element.isArrayOrDictionary) else {
          throw RuntimeError(
            .typeError, "element \(position) passed to '\(function)' is a \(element.typeName), not a Run or RunGroup",
            help: "pass runs from fit and groups from seeds")
        }
        return try entries(element, function: function)
      }
    case .dictionary(let map):
      return try zip(map.keys, map.values).flatMap { key, element in
        let name = key.stringValue ?? key.description
        return try entries(element, function: function).map { RunFigures.Entry(name: name, runs: $0.runs) }
      }
    default:
      throw RuntimeError(
        .typeError, "'\(function)' needs runs, not a \(value.typeName)",
        help: "pass runs from fit and groups from seeds")
    }
  }
}

extension Value {
  var isArrayOrDictionary: Bool {
    switch self {
    case .array, .dictionary: return true
    default: return false
    }
  }
}
