import Plotting
import TempoRuntime

/// The labelled arguments every chart takes: title, axis labels, scales and limits.
struct PanelOptions {
  static let parameters = [
    ParameterSpec("title", type: "String?", default: "nil", "the chart's title"),
    ParameterSpec("xlabel", type: "String?", default: "nil", "the x axis title"),
    ParameterSpec("ylabel", type: "String?", default: "nil", "the y axis title"),
    ParameterSpec("xscale", type: "Symbol", default: ".linear", ".linear or .log (base 10)"),
    ParameterSpec("yscale", type: "Symbol", default: ".linear", ".linear or .log (base 10)"),
    ParameterSpec("xlim", type: "(Double, Double)?", default: "nil", "fixed x range; (high, low) flips the axis"),
    ParameterSpec("ylim", type: "(Double, Double)?", default: "nil", "fixed y range"),
    ParameterSpec("legend", type: "Bool", default: "true", "show a legend for named series"),
  ]

  var title: String?
  var xLabel: String?
  var yLabel: String?
  var xScale: AxisScale?
  var yScale: AxisScale?
  var xLimits: (Double, Double)?
  var yLimits: (Double, Double)?
  var showsLegend: Bool?

  /// Reads the options from `args`, whose parameters end with `parameters` from `start`.
  /// Only what was given is set, so adding a series to a figure keeps its other settings.
  init(_ args: Arguments, from start: Int) throws {
    title = try args.optionalString(start)
    xLabel = try args.optionalString(start + 1)
    yLabel = try args.optionalString(start + 2)
    if args.has(start + 3) {
      xScale = AxisScale(rawValue: try args.choice(start + 3, among: ["linear", "log"], default: "linear"))
    }
    if args.has(start + 4) {
      yScale = AxisScale(rawValue: try args.choice(start + 4, among: ["linear", "log"], default: "linear"))
    }
    xLimits = try args.pair(start + 5)
    yLimits = try args.pair(start + 6)
    if args.has(start + 7) { showsLegend = try args.bool(start + 7) }
  }

  func apply(to panel: inout Panel) {
    if let title { panel.title = title }
    if let xLabel { panel.xLabel = xLabel }
    if let yLabel { panel.yLabel = yLabel }
    if let xScale { panel.xScale = xScale }
    if let yScale { panel.yScale = yScale }
    if let xLimits { panel.xLimits = xLimits }
    if let yLimits { panel.yLimits = yLimits }
    if let showsLegend { panel.showsLegend = showsLegend }
  }
}
