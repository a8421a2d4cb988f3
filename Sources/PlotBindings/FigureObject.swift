import Plotting
import TempoRuntime

/// A figure as a Tempo value: displayed as SVG (with its summary as `text/plain`), saved with
/// `save(fig, "file.svg")`, and extended with `fig.plot(…)`, `fig.scatter(…)`, … which return
/// a new figure with the series drawn over the last panel.
public final class FigureObject: HostObject {
  public let figure: Figure
  /// Rendered once, on first use: a figure is displayed and perhaps saved, never changed.
  private var cachedSVG: String?

  public init(_ figure: Figure) { self.figure = figure }

  public var typeName: String { "Figure" }
  public var description: String { figure.summary }

  public var svg: String {
    if let cachedSVG { return cachedSVG }
    let text = figure.svg
    cachedSVG = text
    return text
  }

  public func displayRepresentations() -> [String: String] { ["image/svg+xml": svg] }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  public static let memberTypes: [String: String] = [
    "hist": "-> Figure", "panels": "Int", "plot": "-> Figure", "regions": "-> Figure", "scatter": "-> Figure",
    "summary": "String", "svg": "String", "title": "String?",
  ]
  public var memberNames: [String] { Self.memberTypes.keys.sorted() }

  public func member(_ name: String) throws -> Value? {
    switch name {
    case "svg": return .string(svg)
    case "summary": return .string(figure.summary)
    case "title": return figure.title.map(Value.string) ?? figure.panels.first?.title.map(Value.string) ?? .nil
    case "panels": return .int(figure.panels.count)
    case "plot", "scatter", "hist", "regions":
      guard let builtin = PlotBuiltins.overlay(name, onto: figure) else { return nil }
      return .function(builtin)
    default: return nil
    }
  }

  public var documentation: Documentation? { Self.typeDocumentation }

  static let typeDocumentation = Documentation(
    name: "Figure",
    summary: "A chart made by plot, scatter, hist, heatmap, bar, images, regions or grid.",
    discussion:
      "As a cell's last expression, or passed to show, it is displayed as SVG; untrusted notebooks and terminals show its summary instead. fig.plot(…), fig.scatter(…), fig.hist(…) and fig.regions(…) take the same arguments as the functions and return a new figure with that series drawn over the last panel. fig.svg is the SVG text, fig.summary the description, fig.panels the number of panels.",
    example:
      "let fig = plot([3.0, 2.1, 1.7], label: \"train\").plot([3.2, 2.5, 2.2], label: \"test\")\nsave(fig, \"loss.svg\")",
    category: "Figures and tables")
}
