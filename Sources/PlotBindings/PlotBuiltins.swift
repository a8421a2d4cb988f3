import Plotting
import TempoRuntime

/// `plot`, `scatter`, `hist`, `heatmap`, `bar`, `images`, `regions` and `grid`.
///
/// Each chart builtin is a description (its own parameters and documentation) plus a function
/// that turns its arguments into series; the common options and the figure around the series
/// are handled once, in `chart`. The same description gives the figure methods
/// (`fig.plot(…)`), which draw over an existing figure's last panel.
enum PlotBuiltins {
  struct Chart: Sendable {
    var name: String
    var parameters: [ParameterSpec]
    var summary: String
    var discussion: String? = nil
    var example: String
    /// Settings the chart implies (a histogram's y axis counts), applied before the caller's.
    var defaults: @Sendable (inout Panel, Arguments) throws -> Void = { _, _ in }
    var makeSeries: @Sendable (inout Arguments) throws -> [Series]
    /// A closure parameter placed after the common options, so a trailing closure can follow
    /// them (`regions(x:y:title:) { x, y in … }`); `makeSeries` reads it by name.
    var trailingClosure: ParameterSpec? = nil
  }

  static var all: [BuiltinFunction] {
    charts.map { builtin(for: $0, onto: nil) } + [gridBuiltin]
  }

  static var charts: [Chart] {
    [
      PlotCharts.plot, PlotCharts.scatter, PlotCharts.hist, PlotCharts.heatmap, PlotCharts.bar, PlotCharts.images,
      PlotCharts.regions,
    ]
  }

  /// `fig.name(…)`: the chart drawn over `figure`'s last panel (nil for charts that need a
  /// panel of their own).
  static func overlay(_ name: String, onto figure: Figure) -> BuiltinFunction? {
    guard ["plot", "scatter", "hist", "regions"].contains(name), let chart = charts.first(where: { $0.name == name })
    else { return nil }
    return builtin(for: chart, onto: figure)
  }

  static func builtin(for chart: Chart, onto base: Figure?) -> BuiltinFunction {
    let parameters = chart.parameters + PanelOptions.parameters + (chart.trailingClosure.map { [$0] } ?? [])
    let documentation = Documentation(
      name: chart.name, signature: Signature(parameters, returns: "Figure"), summary: chart.summary,
      discussion: chart.discussion, example: chart.example, category: "Figures and tables")
    return BuiltinFunction(documentation) { args in
      let series = try chart.makeSeries(&args)
      let options = try PanelOptions(args)
      var figure = base ?? Figure(Panel())
      var panel = figure.panels.last ?? Panel()
      if base == nil { try chart.defaults(&panel, args) }
      panel.series += series
      options.apply(to: &panel)
      if figure.panels.isEmpty { figure.panels = [panel] } else { figure.panels[figure.panels.count - 1] = panel }
      return .host(FigureObject(figure))
    }
  }

  static var gridBuiltin: BuiltinFunction {
    let documentation = Documentation(
      name: "grid",
      signature: Signature(
        [
          ParameterSpec(nil, "figures", .array(.host("Figure")), "the figures, in reading order"),
          ParameterSpec(
            "columns", .optional(.int), default: nil, check: .positive, "panels per row (nil: up to 3)"),
          ParameterSpec("title", .optional(.string), default: nil, "a title over the whole grid"),
        ], returns: "Figure"),
      summary: "Several figures side by side in one picture.",
      discussion: "Each figure keeps its own axes, legend and title; the panels fill rows left to right.",
      example: "grid([plot([1, 2, 3], title: \"loss\"), hist([0.1, 0.4, 0.5, 0.9], title: \"weights\")], columns: 2)",
      category: "Figures and tables")
    return BuiltinFunction(documentation) { args in
      let elements = try args.sequence("figures")
      var figures: [Figure] = []
      for (position, element) in elements.enumerated() {
        guard case .host(let object as FigureObject) = element else {
          throw RuntimeError(
            .typeError, "element \(position) of the figures passed to 'grid' is a \(element.typeName), not a Figure",
            help: "make each element with plot, scatter, hist, heatmap, bar, images or regions")
        }
        figures.append(object.figure)
      }
      guard !figures.isEmpty else {
        throw RuntimeError(.valueError, "'grid' needs at least one figure", help: "pass an array such as [fig1, fig2]")
      }
      return .host(
        FigureObject(
          Figure.grid(figures, columns: try args.optionalInt("columns"), title: try args.optionalString("title"))))
    }
  }
}
