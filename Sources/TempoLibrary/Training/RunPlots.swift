import Plotting
import TempoRuntime
import Training

/// `plot(runs, metric:)`: learning curves of runs and groups.
enum RunPlots {
  /// The metric to plot when `value` holds runs; nil when it holds numbers (an ordinary plot).
  static func metric(_ args: Arguments, _ value: Value, index: Int) throws -> Metric? {
    guard containsRuns(value) else { return nil }
    let word = try args.choice(index, among: Metric.allCases.map(\.rawValue), default: Metric.testAccuracy.rawValue)
    return Metric(rawValue: word)
  }

  static func containsRuns(_ value: Value) -> Bool {
    switch value {
    case .host(let object): return object is RunObject || object is RunGroupObject
    case .array(let elements): return elements.first.map(containsRuns) ?? false
    case .dictionary(let map): return map.values.first.map(containsRuns) ?? false
    default: return false
    }
  }

  static func series(_ args: Arguments, _ value: Value, metric: Metric) throws -> [Series] {
    RunFigures.series(try entries(value, function: args.function), metric: metric)
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
