@testable import Plotting

/// Figures built from the data that breaks plotting code: nothing, one value, NaN and
/// infinities everywhere, constants, values a log axis cannot show, limits that make no
/// sense. Each must still render a well-formed SVG with no non-finite number in it.
enum EdgeCaseFigures {
  static var all: [(name: String, figure: Figure)] {
    [
      ("no-panels", Figure(panels: [])),
      ("empty-panel", Figure(Panel(title: "Nothing yet"))),
      ("all-nan-line", line(y: [.nan, .nan, .nan])),
      ("infinite-line", line(y: [.infinity, -.infinity, .infinity])),
      ("empty-line", line(y: [])),
      ("single-point-line", line(y: [3])),
      ("constant-line", line(y: [2, 2, 2, 2])),
      ("zero-constant-line", line(y: [0, 0, 0])),
      ("mismatched-lengths-line", Figure(Panel(series: [.line(LineSeries(x: [0, 1, 2, 3, 4], y: [1, 2]))]))),
      ("negative-on-log-axis", line(y: [-1, -2, 0, -5], yScale: .log)),
      ("nan-x-on-log-axis", Figure(Panel(xScale: .log, series: [.line(LineSeries(x: [.nan, 0, -1], y: [1, 2, 3]))]))),
      // So wide that `stop - start` overflows to infinity.
      ("overflowing-values", line(y: [-1e308, 1e308, 0])),
      ("huge-values", line(y: [-1e300, 1e300, 0])),
      ("tiny-range", line(y: [1e-300, 2e-300, 3e-300])),
      ("nan-limits", line(y: [1, 2, 3], xLimits: (.nan, 4), yLimits: (0, .infinity))),
      ("equal-limits", line(y: [1, 2, 3], xLimits: (2, 2), yLimits: (5, 5))),
      ("reversed-limits", line(y: [1, 2, 3], xLimits: (2, 0), yLimits: (3, 1))),
      ("log-limits-through-zero", line(y: [1, 10, 100], yScale: .log, yLimits: (0, 100))),
      (
        "all-nan-scatter",
        Figure(
          Panel(series: [.scatter(ScatterSeries(name: "s", x: [.nan, 1], y: [2, .nan], sizes: [.nan, .infinity]))]))
      ),
      ("empty-scatter", Figure(Panel(series: [.scatter(ScatterSeries(x: [], y: [], classes: []))]))),
      (
        "nan-band",
        Figure(
          Panel(series: [
            .band(
              BandSeries(name: "b", lower: [.nan, 1, .nan, 2], upper: [.nan, 2, .infinity, 3], center: [.nan] + [1.5]))
          ]))
      ),
      (
        "nan-bars",
        Figure(Panel(series: [.bars(BarSeries(categories: ["a", "b"], groups: [("g", [.nan, .infinity])]))]))
      ),
      ("no-categories", Figure(Panel(series: [.bars(BarSeries(categories: [], groups: []))]))),
      (
        "all-nan-histogram",
        Figure(Panel(series: [.histogram(HistogramSeries(values: [.nan, .infinity, -.infinity]))]))
      ),
      ("empty-histogram", Figure(Panel(series: [.histogram(HistogramSeries(values: [], binCount: 0))]))),
      ("constant-histogram", Figure(Panel(series: [.histogram(HistogramSeries(values: [4, 4, 4]))]))),
      (
        "non-positive-log-histogram",
        Figure(Panel(xScale: .log, series: [.histogram(HistogramSeries(values: [0, -1, 5], logarithmicBins: true))]))
      ),
      ("all-nan-heatmap", Figure(Panel(series: [.heatmap(HeatmapSeries(values: [[.nan, .nan], [.nan, .nan]]))]))),
      ("empty-heatmap", Figure(Panel(series: [.heatmap(HeatmapSeries(values: []))]))),
      ("ragged-heatmap", Figure(Panel(series: [.heatmap(HeatmapSeries(values: [[1, 2, 3], [], [4]]))]))),
      (
        "constant-heatmap-nan-range",
        Figure(Panel(series: [.heatmap(HeatmapSeries(values: [[1, 1], [1, 1]], valueRange: (.nan, 1)))]))
      ),
      ("no-images", Figure(Panel(series: [.images(ImageGridSeries(images: []))]))),
      // Data far beyond explicit limits: positions billions of pixels away must neither trap
      // converting to Int nor stall sampling points for the legend.
      (
        "named-line-far-beyond-limits",
        Figure(
          Panel(
            xLimits: (0, 1), series: [.line(LineSeries(name: "far", x: [0, 1e300], y: [0, 1]))]))
      ),
      (
        "bar-far-beyond-limits",
        Figure(
          Panel(
            yLimits: (0, 1),
            series: [.bars(BarSeries(categories: ["a"], groups: [("big", [1e300]), ("small", [0.5])]))]))
      ),
      (
        "huge-scatter-radius", Figure(Panel(series: [.scatter(ScatterSeries(x: [0.5], y: [0.5], sizes: [1e300]))]))
      ),
      (
        "heatmap-extent-beyond-limits",
        Figure(Panel(xLimits: (0, 1), series: [.heatmap(HeatmapSeries(values: [[1, 2]], xExtent: (0, 1e300)))]))
      ),
      (
        "nan-image",
        Figure(
          Panel(series: [
            .images(ImageGridSeries(images: [RasterImage(width: 2, height: 2, pixels: [.nan, .infinity, -1, 2])]))
          ]))
      ),
      (
        "awkward-text",
        Figure(
          panels: [
            Panel(
              title: "a < b & \"c\" > d", xLabel: "tab\there", yLabel: "bell\u{7}",
              series: [.line(LineSeries(name: "<script>alert('x')</script>", y: [1, 2]))]),
            Panel(series: [
              .bars(BarSeries(categories: ["&amp;", "\"q\""], groups: [("<g>", [1, 2]), ("&", [2, 1])]))
            ]),
          ], title: "]]> <!-- -->")
      ),
      (
        "empty-regions",
        Figure(Panel(series: [.regions(DecisionRegions(classes: [], xExtent: (0, 1), yExtent: (0, 1)))]))
      ),
    ]
  }

  static func line(
    y: [Double], yScale: AxisScale = .linear, xLimits: (Double, Double)? = nil, yLimits: (Double, Double)? = nil
  ) -> Figure {
    Figure(
      Panel(
        xLabel: "x", yLabel: "y", yScale: yScale, xLimits: xLimits, yLimits: yLimits,
        series: [.line(LineSeries(name: "data", y: y, markers: true))]))
  }
}

/// Sample and edge-case figures together, looked up by name so parameterized tests show a
/// readable argument.
enum AllFigures {
  static var all: [(name: String, figure: Figure)] { SampleFigures.all + EdgeCaseFigures.all }
  static var names: [String] { all.map(\.name) }

  static func named(_ name: String) -> Figure? { all.first { $0.name == name }?.figure }
}
