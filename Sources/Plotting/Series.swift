/// One thing drawn in a panel. Values are plain `Double`s; NaN and infinities are allowed
/// everywhere and shown as gaps, never as broken paths.
public enum Series: Sendable {
  case line(LineSeries)
  case scatter(ScatterSeries)
  case band(BandSeries)
  case bars(BarSeries)
  case histogram(HistogramSeries)
  case heatmap(HeatmapSeries)
  case images(ImageGridSeries)
  case regions(DecisionRegions)

  /// The class name in the SVG (`series line`) and the word in a figure's summary.
  public var kind: String {
    switch self {
    case .line: return "line"
    case .scatter: return "scatter"
    case .band: return "band"
    case .bars: return "bars"
    case .histogram: return "histogram"
    case .heatmap: return "heatmap"
    case .images: return "images"
    case .regions: return "regions"
    }
  }
}

/// A line through (x, y) points; a non-finite value breaks the line there.
public struct LineSeries: Sendable {
  public var name: String?
  public var x: [Double]
  public var y: [Double]
  public var markers: Bool
  public var dashed: Bool
  /// Palette index; nil takes the next colour.
  public var colorIndex: Int?

  /// Points `0, 1, 2, …` on the x axis when `x` is nil.
  public init(
    name: String? = nil, x: [Double]? = nil, y: [Double], markers: Bool = false, dashed: Bool = false,
    colorIndex: Int? = nil
  ) {
    self.name = name
    self.x = x ?? y.indices.map(Double.init)
    self.y = y
    self.markers = markers
    self.dashed = dashed
    self.colorIndex = colorIndex
  }
}

/// Points, optionally coloured by class and sized by a value.
public struct ScatterSeries: Sendable {
  public var name: String?
  public var x: [Double]
  public var y: [Double]
  /// A class index per point (colour by class); nil draws every point in the series colour.
  public var classes: [Int]?
  /// Names for class indices in the legend (`classNames[k]` for class k).
  public var classNames: [String]?
  /// A radius in pixels per point; nil uses the theme's marker radius.
  public var sizes: [Double]?
  public var colorIndex: Int?

  public init(
    name: String? = nil, x: [Double], y: [Double], classes: [Int]? = nil, classNames: [String]? = nil,
    sizes: [Double]? = nil, colorIndex: Int? = nil
  ) {
    self.name = name
    self.x = x
    self.y = y
    self.classes = classes
    self.classNames = classNames
    self.sizes = sizes
    self.colorIndex = colorIndex
  }
}

/// A shaded range around an optional centre line: min–max or mean ± std over seeds.
public struct BandSeries: Sendable {
  public var name: String?
  public var x: [Double]
  public var lower: [Double]
  public var upper: [Double]
  /// Drawn as a line in the band's colour (the mean over seeds, say).
  public var center: [Double]?
  public var colorIndex: Int?

  public init(
    name: String? = nil, x: [Double]? = nil, lower: [Double], upper: [Double], center: [Double]? = nil,
    colorIndex: Int? = nil
  ) {
    self.name = name
    self.x = x ?? lower.indices.map(Double.init)
    self.lower = lower
    self.upper = upper
    self.center = center
    self.colorIndex = colorIndex
  }
}

/// Bars over named categories; several groups give grouped bars side by side.
public struct BarSeries: Sendable {
  public var categories: [String]
  /// One value per category for each group; the group's name goes in the legend.
  public var groups: [(name: String, values: [Double])]

  public init(categories: [String], groups: [(name: String, values: [Double])]) {
    self.categories = categories
    self.groups = groups
  }
}

/// Counts of values in bins, linear or logarithmic.
public struct HistogramSeries: Sendable {
  public var name: String?
  public var values: [Double]
  /// About how many bins; linear bins snap to round edges, so the count may differ a little.
  public var binCount: Int
  /// Bins of equal width in log10(value) (for learning rates, say); values ≤ 0 are left out.
  public var logarithmicBins: Bool
  public var colorIndex: Int?

  public init(
    name: String? = nil, values: [Double], binCount: Int = 20, logarithmicBins: Bool = false, colorIndex: Int? = nil
  ) {
    self.name = name
    self.values = values
    self.binCount = binCount
    self.logarithmicBins = logarithmicBins
    self.colorIndex = colorIndex
  }
}

/// A matrix of values as coloured cells with a colour bar: row 0 at the top, as a matrix is
/// written (classifier copies × steps, say).
public struct HeatmapSeries: Sendable {
  public var values: [[Double]]
  /// The x value at the left edge of column 0 and at the right edge of the last column.
  public var xExtent: (Double, Double)
  /// The y value at the top edge of row 0 and at the bottom edge of the last row.
  public var yExtent: (Double, Double)
  public var colorbarLabel: String?
  /// Colour range; nil uses the finite minimum and maximum.
  public var valueRange: (Double, Double)?
  /// Names of the rows, top first, written on the y axis in place of row numbers (a grid of
  /// runs: one learning rate per row, say).
  public var rowLabels: [String]?
  /// Names of the columns, left first, written on the x axis in place of column numbers.
  public var columnLabels: [String]?
  /// When set, every finite value is written in its cell with this many decimals.
  public var decimals: Int?
  /// A short text for special cells (`"NaN"` for a run that diverged), written in the cell in
  /// place of its value; a marked cell without a finite value is drawn grey and crossed out,
  /// so it reads as a failure, not as a cell nobody ran (which stays blank).
  public var marks: [[String?]]

  public init(
    values: [[Double]], xExtent: (Double, Double)? = nil, yExtent: (Double, Double)? = nil,
    colorbarLabel: String? = nil, valueRange: (Double, Double)? = nil, rowLabels: [String]? = nil,
    columnLabels: [String]? = nil, decimals: Int? = nil, marks: [[String?]] = []
  ) {
    self.values = values
    let columns = values.map(\.count).max() ?? 0
    self.xExtent = xExtent ?? (0, Double(columns))
    self.yExtent = yExtent ?? (0, Double(values.count))
    self.colorbarLabel = colorbarLabel
    self.valueRange = valueRange
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.decimals = decimals
    self.marks = marks
  }

  /// The mark of the cell in row `row`, column `column`, if it has one.
  public func mark(row: Int, column: Int) -> String? {
    guard marks.indices.contains(row), marks[row].indices.contains(column) else { return nil }
    return marks[row][column]
  }

  /// How many cells carry a mark.
  public var markedCount: Int { marks.joined().filter { $0 != nil }.count }

  public var rowCount: Int { values.count }
  public var columnCount: Int { values.map(\.count).max() ?? 0 }
}

/// A small image: grey (one channel) or RGB (three), values in 0…1, row-major, top row first.
public struct RasterImage: Sendable {
  public var width: Int
  public var height: Int
  public var channels: Int
  public var pixels: [Double]

  public init(width: Int, height: Int, channels: Int = 1, pixels: [Double]) {
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }
}

/// Samples of a data set in a grid, each with an optional caption (its label).
public struct ImageGridSeries: Sendable {
  public var images: [RasterImage]
  public var captions: [String]?
  public var columns: Int

  public init(images: [RasterImage], captions: [String]? = nil, columns: Int? = nil) {
    self.images = images
    self.captions = captions
    self.columns = max(1, columns ?? min(images.count, 8))
  }
}

/// The class a model predicts over a grid of the input plane, drawn as light class colours
/// under a scatter of the data.
public struct DecisionRegions: Sendable {
  /// `classes[i][j]`: the class at row i (from the bottom, low y) and column j (low x first).
  public var classes: [[Int]]
  public var xExtent: (Double, Double)
  public var yExtent: (Double, Double)

  public init(classes: [[Int]], xExtent: (Double, Double), yExtent: (Double, Double)) {
    self.classes = classes
    self.xExtent = xExtent
    self.yExtent = yExtent
  }
}
