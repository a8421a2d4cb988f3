import Plotting
import TempoRuntime

/// Host objects that `plot` draws as curves of a metric rather than as numbers — runs and
/// groups of runs, bound in `EngineBindings` — so the plot bindings need not know the engine.
///
/// `plot(value, metric:)` takes one such object, or an array or a dictionary of them (the keys
/// naming the curves); the first element decides which kind the whole value is.
public protocol CurvePlottable: HostObject {
  /// The names `metric:` accepts, in the order a mistake's help lists them.
  static var metricNames: [String] { get }
  /// The metric drawn when `metric:` is not given.
  static var defaultMetric: String { get }
  /// The x axis title (what one step along the curve is).
  static var stepTitle: String { get }
  /// The y axis title for `metric`.
  static func axisTitle(metric: String) -> String
  /// The curves of `metric` in `value`, one colour per entry.
  ///
  /// - Parameters:
  ///   - value: an object of this kind, or an array or dictionary of them.
  ///   - metric: one of `metricNames`.
  ///   - function: the builtin's name, for errors.
  /// - Throws: a `RuntimeError` naming the element that is not of this kind.
  static func series(_ value: Value, metric: String, function: String) throws -> [Series]
}

enum CurvePlots {
  /// The kind of curves `value` holds, nil when it holds numbers (an ordinary plot).
  static func kind(of value: Value) -> (any CurvePlottable.Type)? {
    switch value {
    case .host(let object as any CurvePlottable): return type(of: object)
    case .array(let elements): return elements.first.flatMap(kind(of:))
    case .dictionary(let map): return map.values.first.flatMap(kind(of:))
    default: return nil
    }
  }

  /// The metric `metric:` chooses, checked against `kind`'s names; the kind's default when omitted.
  static func metric(_ args: Arguments, kind: any CurvePlottable.Type) throws -> String {
    try args.optionalSymbol("metric", among: kind.metricNames) ?? kind.defaultMetric
  }
}
