/// Draws one panel into an `SVGWriter`: grid, axes, series (in layers, so regions and bands
/// stay under lines and points), legend and labels.
struct PanelRenderer {
  let panel: Panel
  let theme: Theme
  let frame: Rect
  let histograms: [HistogramBins]
  /// The bins of the histogram at each series index, counted once in `init`.
  let binsBySeries: [Int: HistogramBins]
  /// Palette index per series, in `panel.series` order (nil for kinds coloured otherwise).
  let colors: [Int?]

  init(panel: Panel, theme: Theme, frame: Rect) {
    self.panel = panel
    self.theme = theme
    self.frame = frame
    var histograms: [HistogramBins] = []
    var binsBySeries: [Int: HistogramBins] = [:]
    var colors: [Int?] = []
    var next = 0
    for (index, series) in panel.series.enumerated() {
      switch series {
      case .line(let s): colors.append(s.colorIndex ?? next)
      case .band(let s): colors.append(s.colorIndex ?? next)
      case .histogram(let s):
        let bins = HistogramBins(s)
        histograms.append(bins)
        binsBySeries[index] = bins
        colors.append(s.colorIndex ?? next)
      case .scatter(let s) where s.classes == nil: colors.append(s.colorIndex ?? next)
      default: colors.append(nil)
      }
      if let last = colors.last, let index = last, index >= next { next = index + 1 }
    }
    self.histograms = histograms
    self.binsBySeries = binsBySeries
    self.colors = colors
  }

  /// The height this panel wants for `width`: image grids grow with their rows; charts take
  /// the theme's panel height, plus the extra lines of a title that wraps.
  static func preferredHeight(of panel: Panel, width: Double, theme: Theme) -> Double {
    let titleLines = PanelGeometry.titleLines(of: panel, width: width, theme: theme).count
    guard case .imageGrid = panel.layout else {
      // A title that wraps takes its extra lines from above the plot, not from the plot.
      return theme.panelHeight + Double(max(0, titleLines - 1)) * theme.titleLineHeight
    }
    var height = panel.title == nil ? 8.0 : PanelGeometry.titleHeight(of: panel, width: width, theme: theme)
    for case .images(let grid) in panel.series {
      let cell = ImageGridRenderer.cellSize(grid, width: width - 16, theme: theme)
      let rows = (grid.images.count + grid.columns - 1) / grid.columns
      height += Double(rows) * cell.height
    }
    return max(height + 8, 40)
  }

  func draw(into svg: inout SVGWriter) {
    svg.open("g", ["class": "panel"])
    if case .imageGrid = panel.layout {
      drawTitle(into: &svg, centeredOver: frame)
      var top =
        frame.y + (panel.title == nil ? 8 : PanelGeometry.titleHeight(of: panel, width: frame.width, theme: theme))
      for case .images(let grid) in panel.series {
        top = ImageGridRenderer(grid: grid, theme: theme).draw(
          into: &svg, origin: Point(x: frame.x + 8, y: top), width: frame.width - 16)
      }
      svg.close("g")
      return
    }
    let entries = panel.showsLegend ? legendEntries() : []
    var geometry = PanelGeometry.make(
      panel: panel, frame: frame, theme: theme, histograms: histograms, rightReserve: 0)
    var legendOrigin: Point?
    if !entries.isEmpty {
      let size = LegendPlacement.size(of: entries, theme: theme)
      legendOrigin = LegendPlacement.insideCorner(
        plot: geometry.plot, size: size, points: samplePoints(geometry))
      if legendOrigin == nil {
        geometry = PanelGeometry.make(
          panel: panel, frame: frame, theme: theme, histograms: histograms, rightReserve: size.width + 8)
        legendOrigin = Point(x: geometry.plot.maxX + 12, y: geometry.plot.y)
      }
    }
    drawTitle(into: &svg, centeredOver: geometry.plot)
    AxesRenderer(panel: panel, geometry: geometry, theme: theme).drawGrid(into: &svg)
    drawSeries(into: &svg, geometry: geometry)
    AxesRenderer(panel: panel, geometry: geometry, theme: theme).drawAxes(into: &svg)
    if let heatmap = panel.heatmap {
      HeatmapRenderer(heatmap: heatmap, theme: theme).drawColorbar(into: &svg, plot: geometry.plot)
    }
    if let legendOrigin { drawLegend(entries, at: legendOrigin, into: &svg) }
    svg.close("g")
  }

  /// The title centred over `area` (the plot), moved sideways only as far as it takes to keep
  /// its widest line inside the frame; a title wider than the frame wraps onto more lines.
  private func drawTitle(into svg: inout SVGWriter, centeredOver area: Rect) {
    let lines = PanelGeometry.titleLines(of: panel, width: frame.width, theme: theme)
    guard !lines.isEmpty else { return }
    let widest = lines.map { TextLines.width($0, fontSize: theme.titleFontSize, bold: true) }.max() ?? 0
    let half = min(widest, frame.width - 16) / 2
    let x = clamp(area.x + area.width / 2, frame.x + 8 + half, frame.maxX - 8 - half)
    svg.lines(
      lines, x: x, y: frame.y + theme.titleFontSize + 4, lineHeight: theme.titleLineHeight,
      [
        "class": "title", "text-anchor": "middle", "font-size": SVGWriter.number(theme.titleFontSize),
        "font-weight": "600", "fill": theme.text,
      ])
  }

  /// Series in drawing order: filled areas first, then bars, lines and points on top.
  private func drawSeries(into svg: inout SVGWriter, geometry: PanelGeometry) {
    func layer(_ series: Series) -> Int {
      switch series {
      case .regions: return 0
      case .heatmap: return 1
      case .histogram, .bars: return 2
      case .band: return 3
      case .line: return 4
      case .scatter: return 5
      case .images: return 6
      }
    }
    let order = panel.series.indices.sorted { (layer(panel.series[$0]), $0) < (layer(panel.series[$1]), $1) }
    let painter = SeriesPainter(geometry: geometry, theme: theme)
    for index in order {
      let color = colors[index].map(theme.color) ?? theme.color(0)
      switch panel.series[index] {
      case .line(let s): painter.drawLine(s, color: color, into: &svg)
      case .scatter(let s): painter.drawScatter(s, color: color, into: &svg)
      case .band(let s): painter.drawBand(s, color: color, into: &svg)
      case .bars(let s): painter.drawBars(s, into: &svg)
      case .histogram(let s):
        if let bins = binsBySeries[index] { painter.drawHistogram(s, bins: bins, color: color, into: &svg) }
      case .heatmap(let s): HeatmapRenderer(heatmap: s, theme: theme).drawCells(into: &svg, geometry: geometry)
      case .regions(let s): painter.drawRegions(s, into: &svg)
      case .images: break
      }
    }
  }

  func legendEntries() -> [LegendEntry] {
    var entries: [LegendEntry] = []
    for (index, series) in panel.series.enumerated() {
      let color = colors[index].map(theme.color) ?? theme.color(0)
      switch series {
      case .line(let s):
        if let name = s.name { entries.append(LegendEntry(name: name, color: color, swatch: .line(dashed: s.dashed))) }
      case .band(let s):
        if let name = s.name {
          entries.append(LegendEntry(name: name, color: color, swatch: s.center == nil ? .box : .line(dashed: false)))
        }
      case .histogram(let s):
        if let name = s.name { entries.append(LegendEntry(name: name, color: color, swatch: .box)) }
      case .scatter(let s):
        if let classes = s.classes {
          for k in Set(classes).sorted() where k >= 0 {
            let name = s.classNames.flatMap { k < $0.count ? $0[k] : nil } ?? "class \(k)"
            entries.append(LegendEntry(name: name, color: theme.color(k), swatch: .dot))
          }
        } else if let name = s.name {
          entries.append(LegendEntry(name: name, color: color, swatch: .dot))
        }
      case .bars(let s) where s.groups.count > 1:
        for (g, group) in s.groups.enumerated() {
          entries.append(LegendEntry(name: group.name, color: theme.color(g), swatch: .box))
        }
      default: break
      }
    }
    return entries
  }

  /// Data points in pixels, with extra points along lines, to find a free corner for the
  /// legend. At most a few thousand per series: enough to see where the data are.
  private func samplePoints(_ geometry: PanelGeometry) -> [Point] {
    var points: [Point] = []
    func add(_ x: [Double], _ y: [Double], connected: Bool) {
      let stride = max(1, min(x.count, y.count) / 2000)
      for segment in Polyline.segments(x: x, y: y, xScale: geometry.xScale, yScale: geometry.yScale) {
        var previous: Point?
        for i in Swift.stride(from: 0, to: segment.count, by: stride) {
          let p = segment[i]
          // Only the visible part of a segment can cover a corner; clipping first also keeps
          // far-off points (data beyond explicit limits) from asking for billions of samples.
          if connected, let q = previous, let (a, b) = Polyline.clip(q, p, to: geometry.plot) {
            let steps = Int(max(abs(b.x - a.x), abs(b.y - a.y)) / 6)
            for s in 0..<min(steps, 200) {
              let t = Double(s) / Double(max(steps, 1))
              points.append(Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
            }
          }
          points.append(p)
          previous = p
        }
      }
    }
    for (index, series) in panel.series.enumerated() {
      switch series {
      case .line(let s): add(s.x, s.y, connected: true)
      case .scatter(let s): add(s.x, s.y, connected: false)
      case .band(let s):
        add(s.x, s.lower, connected: true)
        add(s.x, s.upper, connected: true)
      case .histogram:
        guard let bins = binsBySeries[index] else { break }
        let centers = zip(bins.edges, bins.edges.dropFirst()).map { ($0 + $1) / 2 }
        for (center, count) in zip(centers, bins.counts) {
          add([center, center], [0, Double(count)], connected: true)
        }
      case .bars(let s):
        // Bars fill the plot from the baseline: sample each bar's whole rectangle.
        let slot = geometry.plot.width / Double(max(s.categories.count, 1))
        for group in s.groups {
          for (i, value) in group.values.prefix(s.categories.count).enumerated() {
            guard let top = geometry.yScale.position(value), let base = geometry.yScale.position(0) else { continue }
            // A bar beyond explicit limits is drawn cut at the frame; sample what is drawn.
            let low = clamp(min(top, base), geometry.plot.y, geometry.plot.maxY)
            let high = clamp(max(top, base), geometry.plot.y, geometry.plot.maxY)
            for x in Swift.stride(from: 0.1, through: 0.9, by: 0.1) {
              for y in Swift.stride(from: low, through: high, by: 6) {
                points.append(Point(x: geometry.plot.x + (Double(i) + x) * slot, y: y))
              }
            }
          }
        }
      case .heatmap, .regions, .images: break
      }
    }
    return points
  }

  private func drawLegend(_ entries: [LegendEntry], at origin: Point, into svg: inout SVGWriter) {
    let size = LegendPlacement.size(of: entries, theme: theme)
    svg.open("g", ["class": "legend"])
    svg.element(
      "rect",
      [
        "x": SVGWriter.number(origin.x - 4), "y": SVGWriter.number(origin.y - 4),
        "width": SVGWriter.number(size.width + 4), "height": SVGWriter.number(size.height + 2),
        "fill": theme.background, "fill-opacity": "0.85", "stroke": theme.gridLine,
      ])
    let rowHeight = theme.fontSize + 6
    for (i, entry) in entries.enumerated() {
      let y = origin.y + 4 + Double(i) * rowHeight + rowHeight / 2
      svg.open("g", ["class": "entry"])
      switch entry.swatch {
      case .line(let dashed):
        var attributes = [
          ("x1", SVGWriter.number(origin.x + 2)), ("y1", SVGWriter.number(y)), ("x2", SVGWriter.number(origin.x + 22)),
          ("y2", SVGWriter.number(y)), ("stroke", entry.color),
          ("stroke-width", SVGWriter.number(theme.lineWidth + 0.4)),
        ]
        if dashed { attributes.append(("stroke-dasharray", "5 3")) }
        svg.open("line", attributes: attributes, closed: true)
      case .dot:
        svg.element(
          "circle",
          [
            "cx": SVGWriter.number(origin.x + 12), "cy": SVGWriter.number(y),
            "r": SVGWriter.number(theme.markerRadius + 1),
            "fill": entry.color,
          ])
      case .box:
        svg.element(
          "rect",
          [
            "x": SVGWriter.number(origin.x + 6), "y": SVGWriter.number(y - 5), "width": "12", "height": "10",
            "fill": entry.color, "fill-opacity": "0.75",
          ])
      }
      svg.label(
        entry.name, x: origin.x + 28, y: y + theme.fontSize * 0.35, ["fill": theme.text])
      svg.close("g")
    }
    svg.close("g")
  }
}
