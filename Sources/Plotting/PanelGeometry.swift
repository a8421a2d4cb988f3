import Glibc

/// Where a panel's parts go: its plot area, its scales and ticks, and room for labels,
/// colour bar and legend. Computed from the data and the theme before anything is drawn.
struct PanelGeometry {
  var frame: Rect
  var plot: Rect
  var xScale: Scale
  var yScale: Scale
  var xTicks: [Tick]
  var yTicks: [Tick]
  var legendOutside: Bool

  /// Extents of the data on each axis, and whether they are exact (heatmaps and decision
  /// regions fill the plot to the edge) or get round ends.
  struct Extents {
    var x: (Double, Double)?
    var y: (Double, Double)?
    var exactX = false
    var exactY = false
    var yIncludesZero = false
  }

  static func extents(of panel: Panel, histograms: [HistogramBins]) -> Extents {
    var e = Extents()
    let logX = panel.xScale == .log
    let logY = panel.yScale == .log
    var histogramIndex = 0
    var exactX: (Double, Double)?
    var exactY: (Double, Double)?
    for series in panel.series {
      switch series {
      case .line(let s):
        e.x = union(e.x, finiteExtent(s.x, positiveOnly: logX))
        e.y = union(e.y, finiteExtent(s.y, positiveOnly: logY))
      case .scatter(let s):
        // Points get room around them, so none sits on the frame.
        e.x = union(e.x, padded(finiteExtent(s.x, positiveOnly: logX), log: logX))
        e.y = union(e.y, padded(finiteExtent(s.y, positiveOnly: logY), log: logY))
      case .band(let s):
        e.x = union(e.x, finiteExtent(s.x, positiveOnly: logX))
        e.y = union(e.y, finiteExtent(s.lower + s.upper + (s.center ?? []), positiveOnly: logY))
      case .histogram:
        let bins = histograms[histogramIndex]
        histogramIndex += 1
        e.x = union(e.x, finiteExtent(bins.edges, positiveOnly: logX))
        e.y = union(e.y, finiteExtent(bins.counts.map(Double.init), positiveOnly: logY))
        e.yIncludesZero = !logY
      case .bars(let s):
        e.y = union(e.y, finiteExtent(s.groups.flatMap(\.values), positiveOnly: logY))
        e.yIncludesZero = !logY
      case .heatmap(let s):
        exactX = union(exactX, (min(s.xExtent.0, s.xExtent.1), max(s.xExtent.0, s.xExtent.1)))
        exactY = union(exactY, (min(s.yExtent.0, s.yExtent.1), max(s.yExtent.0, s.yExtent.1)))
      case .regions(let s):
        exactX = union(exactX, (min(s.xExtent.0, s.xExtent.1), max(s.xExtent.0, s.xExtent.1)))
        exactY = union(exactY, (min(s.yExtent.0, s.yExtent.1), max(s.yExtent.0, s.yExtent.1)))
      case .images:
        break
      }
    }
    // A heatmap or decision regions fill the plot to the edge: their grid sets the axes, and
    // points drawn over them that fall outside are clipped.
    if let exactX {
      e.x = exactX
      e.exactX = true
    }
    if let exactY {
      e.y = exactY
      e.exactY = true
    }
    return e
  }

  /// An extent widened by 4 % of its span on each side (multiplicatively on a log axis).
  static func padded(_ extent: (Double, Double)?, log: Bool) -> (Double, Double)? {
    guard let (low, high) = extent, low < high else { return extent }
    if log {
      let factor = pow(high / low, 0.04)
      return (low / factor, high * factor)
    }
    let pad = (high - low) * 0.04
    return (low - pad, high + pad)
  }

  /// The plot area and scales for `panel` inside `frame`, with `rightReserve` pixels kept
  /// free on the right (a legend placed outside, say).
  static func make(
    panel: Panel, frame: Rect, theme: Theme, histograms: [HistogramBins], rightReserve: Double
  ) -> PanelGeometry {
    let extents = extents(of: panel, histograms: histograms)
    let font = theme.fontSize
    let top = frame.y + titleHeight(of: panel, width: frame.width, theme: theme)
    var bottom = frame.maxY - (font + theme.tickLength + 10)
    if panel.xLabel != nil { bottom -= font + 6 }
    let plotHeight = max(20, bottom - top)

    let yDomain = domain(
      panel.yLimits, extent: extents.y, kind: panel.yScale, exact: extents.exactY, includeZero: extents.yIncludesZero,
      ticks: tickCount(plotHeight, theme))
    // Heatmaps put row 0 at the top, as a matrix is written.
    let yRange = panel.heatmap != nil ? (top, top + plotHeight) : (top + plotHeight, top)
    let yScale = Scale(kind: panel.yScale, domain: yDomain, range: yRange)
    var yTicks = yScale.ticks(count: tickCount(plotHeight, theme))
    if let heatmap = panel.heatmap {
      yTicks =
        labelledTicks(heatmap.rowLabels, extent: heatmap.yExtent, count: heatmap.rowCount)
        ?? integerTicks(yTicks, extent: heatmap.yExtent, count: heatmap.rowCount)
    }

    let widestYLabel = yTicks.map { Double($0.label.count) }.max() ?? 1
    var left = frame.x + widestYLabel * font * theme.characterWidth + theme.tickLength + 8
    if panel.yLabel != nil { left += font + 8 }
    var right = frame.maxX - 16 - rightReserve
    if panel.heatmap != nil { right -= 64 }
    let plotWidth = max(20, right - left)
    if plotWidth == 20 { left = right - 20 }

    let wholeNumbers = panel.xWholeNumbers && panel.xScale == .linear
    var xDomain = domain(
      panel.xLimits, extent: extents.x, kind: panel.xScale, exact: extents.exactX, includeZero: false,
      ticks: tickCount(plotWidth, theme))
    if wholeNumbers, panel.xLimits == nil, let (low, high) = extents.x, low == high {
      xDomain = (low - 0.5, high + 0.5)
    }
    let xScale = Scale(kind: panel.xScale, domain: xDomain, range: (left, left + plotWidth))
    var xTicks = xScale.ticks(count: tickCount(plotWidth, theme))
    if wholeNumbers { xTicks = wholeNumberTicks(xTicks, domain: xDomain) }
    if let heatmap = panel.heatmap {
      xTicks =
        labelledTicks(heatmap.columnLabels, extent: heatmap.xExtent, count: heatmap.columnCount)
        ?? integerTicks(xTicks, extent: heatmap.xExtent, count: heatmap.columnCount)
    }
    // Keep labels from overlapping: thin the ticks until the widest label fits its slot.
    let widestXLabel = (xTicks.map { Double($0.label.count) }.max() ?? 1) * font * theme.characterWidth
    if xTicks.count > 2, widestXLabel + 8 > plotWidth / Double(xTicks.count - 1) {
      let keepEvery = Int((Double(xTicks.count) * (widestXLabel + 8) / plotWidth).rounded(.up))
      xTicks = xTicks.enumerated().filter { $0.offset % max(1, keepEvery) == 0 }.map(\.element)
    }
    return PanelGeometry(
      frame: frame, plot: Rect(x: left, y: top, width: plotWidth, height: plotHeight), xScale: xScale,
      yScale: yScale, xTicks: xTicks, yTicks: yTicks, legendOutside: rightReserve > 0)
  }

  /// A panel title's lines at a frame `width`: wrapped to the frame less a margin each side.
  static func titleLines(of panel: Panel, width: Double, theme: Theme) -> [String] {
    guard let title = panel.title else { return [] }
    return TextLines.wrapped(title, width: width - 16, fontSize: theme.titleFontSize, bold: true)
  }

  /// The room above a panel's plot (or its images): the title's lines, or a small margin.
  static func titleHeight(of panel: Panel, width: Double, theme: Theme) -> Double {
    let lines = titleLines(of: panel, width: width, theme: theme).count
    guard lines > 0 else { return 12 }
    return theme.titleFontSize + 16 + Double(lines - 1) * theme.titleLineHeight
  }

  static func tickCount(_ pixels: Double, _ theme: Theme) -> Int {
    max(2, Int((pixels / 100 * theme.ticksPer100Pixels * 4).rounded() / 4 + 1))
  }

  private static func domain(
    _ limits: (Double, Double)?, extent: (Double, Double)?, kind: AxisScale, exact: Bool, includeZero: Bool,
    ticks: Int
  ) -> (Double, Double) {
    if let limits, limits.0 != limits.1, limits.0.isFinite, limits.1.isFinite,
      kind == .linear || (limits.0 > 0 && limits.1 > 0)
    {
      return limits
    }
    if exact, let extent, extent.0 != extent.1 { return extent }
    return Scale.domain(covering: extent, kind: kind, tickCount: ticks, includingZero: includeZero)
  }

  /// Ticks for an axis that counts: the nice ticks when they are all whole numbers (a step
  /// of 1, 2, 5, 10, …), else every whole number in the domain — an axis from 1 to 2 reads
  /// `1, 2`, not `1.0, 1.2, … 2.0`. None when the domain holds no whole number.
  static func wholeNumberTicks(_ ticks: [Tick], domain: (Double, Double)) -> [Tick] {
    if !ticks.isEmpty, ticks.allSatisfy({ $0.value == $0.value.rounded() }) { return ticks }
    let low = min(domain.0, domain.1).rounded(.up)
    let high = max(domain.0, domain.1).rounded(.down)
    guard low.isFinite, high.isFinite, low <= high, high - low < 10_000 else { return [] }
    // `+ 0` turns the -0 of rounding -0.5 up into 0, so no label reads `-0`.
    let values = stride(from: low, through: high, by: 1).map { $0 + 0 }
    return (domain.0 <= domain.1 ? values : values.reversed()).map {
      Tick(value: $0, label: NumberFormat.fixed($0, decimals: 0))
    }
  }

  /// A heatmap whose rows or columns have names: one tick per cell, at its centre, with its
  /// name (nil: no names, or an extent other than the default 0…count that they would not fit).
  private static func labelledTicks(_ labels: [String]?, extent: (Double, Double), count: Int) -> [Tick]? {
    guard let labels, extent == (0, Double(count)) else { return nil }
    return labels.prefix(count).enumerated().map { Tick(value: Double($0.offset) + 0.5, label: $0.element) }
  }

  /// A heatmap's axes count cells: ticks only at whole cells, centred on them and labelled
  /// as whole numbers (`1`, not the `1.0` of a 0…2 axis), when the extent is the default
  /// 0…count.
  private static func integerTicks(_ ticks: [Tick], extent: (Double, Double), count: Int) -> [Tick] {
    guard extent == (0, Double(count)) else { return ticks }
    return ticks.filter { $0.value == $0.value.rounded() && $0.value >= 0 && $0.value < Double(count) }.map {
      Tick(value: $0.value + 0.5, label: NumberFormat.fixed($0.value, decimals: 0))
    }
  }
}
