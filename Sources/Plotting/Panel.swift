/// One chart: axes with their scales and labels, the series drawn on them, a title and a
/// legend.
public struct Panel: Sendable {
  public var title: String?
  public var xLabel: String?
  public var yLabel: String?
  public var xScale: AxisScale
  public var yScale: AxisScale
  /// Fixed axis ranges; nil fits the data with round ends. A reversed pair flips the axis.
  public var xLimits: (Double, Double)?
  public var yLimits: (Double, Double)?
  public var series: [Series]
  public var showsLegend: Bool
  /// The x axis counts whole things (epochs, steps): ticks only at whole numbers, and a
  /// single value gets an axis one unit wide around it instead of `0.9 … 1.1`.
  public var xWholeNumbers: Bool

  public init(
    title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, xScale: AxisScale = .linear,
    yScale: AxisScale = .linear, xLimits: (Double, Double)? = nil, yLimits: (Double, Double)? = nil,
    series: [Series] = [], showsLegend: Bool = true, xWholeNumbers: Bool = false
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xScale = xScale
    self.yScale = yScale
    self.xLimits = xLimits
    self.yLimits = yLimits
    self.series = series
    self.showsLegend = showsLegend
    self.xWholeNumbers = xWholeNumbers
  }

  /// What the panel's axes show: data coordinates, categories (bars), or no axes (images).
  enum Layout {
    case cartesian
    case categorical([String])
    case imageGrid
  }

  var layout: Layout {
    for series in series {
      if case .images = series { return .imageGrid }
      if case .bars(let bars) = series { return .categorical(bars.categories) }
    }
    return .cartesian
  }

  var heatmap: HeatmapSeries? {
    for series in series { if case .heatmap(let map) = series { return map } }
    return nil
  }
}

/// A picture of one or more panels in a grid, written as SVG by `svg` and described in words
/// by `summary` (what a notebook shows when it does not trust SVG).
public struct Figure: Sendable {
  public var panels: [Panel]
  public var columns: Int
  public var title: String?
  public var theme: Theme

  public init(panels: [Panel], columns: Int? = nil, title: String? = nil, theme: Theme = .standard) {
    self.panels = panels
    self.columns = max(1, min(columns ?? panels.count, max(panels.count, 1)))
    self.title = title
    self.theme = theme
  }

  public init(_ panel: Panel, theme: Theme = .standard) {
    self.init(panels: [panel], theme: theme)
  }

  /// Several figures side by side (`columns` per row), each keeping its panels.
  public static func grid(_ figures: [Figure], columns: Int? = nil, title: String? = nil) -> Figure {
    let panels = figures.flatMap(\.panels)
    return Figure(
      panels: panels, columns: columns ?? min(panels.count, 3), title: title, theme: figures.first?.theme ?? .standard)
  }

  public var rows: Int { panels.isEmpty ? 1 : (panels.count + columns - 1) / columns }
}
