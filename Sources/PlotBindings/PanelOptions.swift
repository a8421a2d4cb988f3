import Plotting
import TempoRuntime

/// The labelled arguments every chart takes: title, axis labels, scales and limits.
struct PanelOptions {
  /// The labels are Swift's camelCase; matplotlib's spellings (`xlabel:`, `xlim:`) still work
  /// for one release, with a warning.
  static let parameters = [
    ParameterSpec("title", .optional(.string), default: nil, "the chart's title"),
    ParameterSpec("xLabel", .optional(.string), default: nil, formerly: "xlabel", "the x axis title"),
    ParameterSpec("yLabel", .optional(.string), default: nil, formerly: "ylabel", "the y axis title"),
    ParameterSpec(
      "xScale", .symbol, default: .symbol("linear"), check: .choices(["linear", "log"]), formerly: "xscale",
      "the x axis scale; .log is base 10"),
    ParameterSpec(
      "yScale", .symbol, default: .symbol("linear"), check: .choices(["linear", "log"]), formerly: "yscale",
      "the y axis scale; .log is base 10"),
    ParameterSpec(
      "xLimits", .optional(.pair), default: nil, formerly: "xlim", "fixed x range; (high, low) flips the axis"),
    ParameterSpec("yLimits", .optional(.pair), default: nil, formerly: "ylim", "fixed y range"),
    ParameterSpec("legend", .bool, default: true, "show a legend for named series"),
  ]

  var title: String?
  var xLabel: String?
  var yLabel: String?
  var xScale: AxisScale?
  var yScale: AxisScale?
  var xLimits: (Double, Double)?
  var yLimits: (Double, Double)?
  var showsLegend: Bool?

  /// Reads the options from `args`, whose parameters include `parameters`. Only what was
  /// given is set, so adding a series to a figure keeps its other settings.
  init(_ args: Arguments) throws {
    title = try args.optionalString("title")
    xLabel = try args.optionalString("xLabel")
    yLabel = try args.optionalString("yLabel")
    if args.has("xScale") { xScale = AxisScale(rawValue: try args.symbol("xScale")) }
    if args.has("yScale") { yScale = AxisScale(rawValue: try args.symbol("yScale")) }
    xLimits = try args.pair("xLimits")
    yLimits = try args.pair("yLimits")
    if args.has("legend") { showsLegend = try args.bool("legend") }
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
