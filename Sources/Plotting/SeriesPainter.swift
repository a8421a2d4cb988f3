/// Draws the data series of a cartesian or categorical panel.
struct SeriesPainter {
  let geometry: PanelGeometry
  let theme: Theme

  private var plot: Rect { geometry.plot }
  /// Lines may touch the frame, half a line width beyond the axes, but no further.
  private var clip: Rect { plot.insetBy(-1) }

  func drawLine(_ series: LineSeries, color: String, into svg: inout SVGWriter) {
    let segments = Polyline.segments(x: series.x, y: series.y, xScale: geometry.xScale, yScale: geometry.yScale)
    var path = PathBuilder(reservingPoints: min(series.y.count, 8 * Int(plot.width)))
    var isolated: [Point] = []
    for segment in segments {
      if segment.count == 1 {
        // A lone value between gaps has no line to draw: show it as a dot, not as nothing.
        if clip.contains(segment[0]) { isolated.append(segment[0]) }
        continue
      }
      Polyline.append(Polyline.decimated(segment), to: &path, clippedTo: clip)
    }
    var attributes = [("class", "series line")]
    if let name = series.name { attributes.append(("data-name", name)) }
    svg.open("g", attributes: attributes)
    if !path.isEmpty {
      var line = [
        ("d", path.data), ("fill", "none"), ("stroke", color), ("stroke-width", SVGWriter.number(theme.lineWidth)),
        ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
      ]
      if series.dashed { line.append(("stroke-dasharray", "6 4")) }
      svg.open("path", attributes: line, closed: true)
    }
    var dots = isolated
    if series.markers {
      dots = segments.flatMap { $0.count > 400 ? [] : $0 }.filter(clip.contains)
    }
    if !dots.isEmpty { drawDots(dots, radius: theme.markerRadius, color: color, into: &svg) }
    svg.close("g")
  }

  /// Dots as zero-length path segments with round caps: about 12 bytes a point instead of
  /// a 50-byte `<circle>`.
  private func drawDots(_ points: [Point], radius: Double, color: String, into svg: inout SVGWriter) {
    var path = PathBuilder(reservingPoints: points.count)
    var seen = Set<Int>()
    for p in points {
      // Points that land on the same half-pixel draw the same dot: keep one.
      let key = Int((p.x * 2).rounded()) &* 1_000_003 &+ Int((p.y * 2).rounded())
      guard seen.insert(key).inserted else { continue }
      path.move(p.x, p.y)
      path.raw("h0")
    }
    svg.element(
      "path",
      [
        "class": "dots", "d": path.data, "stroke": color, "stroke-width": SVGWriter.number(2 * radius),
        "stroke-linecap": "round", "fill": "none",
      ])
  }

  func drawScatter(_ series: ScatterSeries, color: String, into svg: inout SVGWriter) {
    var attributes = [("class", "series scatter")]
    if let name = series.name { attributes.append(("data-name", name)) }
    svg.open("g", attributes: attributes.map { ($0.0, $0.1) })
    let n = min(series.x.count, series.y.count)
    var groups: [Int: [Int]] = [:]
    for i in 0..<n { groups[series.classes.map { i < $0.count ? $0[i] : -1 } ?? -1, default: []].append(i) }
    for key in groups.keys.sorted() {
      let groupColor = key >= 0 ? theme.color(key) : color
      var points: [Point] = []
      var radii: [Double] = []
      for i in groups[key] ?? [] {
        guard let x = geometry.xScale.position(series.x[i]), let y = geometry.yScale.position(series.y[i]) else {
          continue
        }
        let p = Point(x: x, y: y)
        guard clip.contains(p) else { continue }
        points.append(p)
        if let sizes = series.sizes { radii.append(i < sizes.count && sizes[i].isFinite ? max(0.5, sizes[i]) : 1) }
      }
      guard !points.isEmpty else { continue }
      if series.sizes == nil {
        drawDots(points, radius: theme.markerRadius, color: groupColor, into: &svg)
      } else {
        svg.open("g", ["class": "dots", "fill": groupColor, "fill-opacity": "0.7"])
        for (p, r) in zip(points, radii) {
          svg.element("circle", ["cx": SVGWriter.number(p.x), "cy": SVGWriter.number(p.y), "r": SVGWriter.number(r)])
        }
        svg.close("g")
      }
    }
    svg.close("g")
  }

  /// The area between `lower` and `upper` as one closed polygon per run of drawable points,
  /// with the centre line on top.
  func drawBand(_ series: BandSeries, color: String, into svg: inout SVGWriter) {
    var attributes = [("class", "series band")]
    if let name = series.name { attributes.append(("data-name", name)) }
    svg.open("g", attributes: attributes)
    let n = min(series.x.count, series.lower.count, series.upper.count)
    var path = PathBuilder()
    var run: [(Double, Double, Double)] = []
    // A value with no neighbour (one epoch, or one between gaps) has no area: it gets a
    // whisker from lower to upper instead, and its centre a dot.
    var whiskers = PathBuilder()
    func flush() {
      defer { run.removeAll(keepingCapacity: true) }
      if run.count == 1, let (x, low, high) = run.first, x >= plot.x, x <= plot.maxX {
        whiskers.move(x, clamp(low, clip.y, clip.maxY))
        whiskers.line(x, clamp(high, clip.y, clip.maxY))
      }
      guard run.count > 1 else { return }
      let thinned = thinnedBand(run)
      for (i, p) in thinned.enumerated() {
        if i == 0 {
          path.move(clamp(p.0, plot.x, plot.maxX), clamp(p.2, clip.y, clip.maxY))
        } else {
          path.line(clamp(p.0, plot.x, plot.maxX), clamp(p.2, clip.y, clip.maxY))
        }
      }
      for p in thinned.reversed() { path.line(clamp(p.0, plot.x, plot.maxX), clamp(p.1, clip.y, clip.maxY)) }
      path.closePath()
    }
    for i in 0..<n {
      if let x = geometry.xScale.position(series.x[i]), let low = geometry.yScale.position(series.lower[i]),
        let high = geometry.yScale.position(series.upper[i])
      {
        run.append((x, low, high))
      } else {
        flush()
      }
    }
    flush()
    if !path.isEmpty {
      svg.element(
        "path", ["d": path.data, "fill": color, "fill-opacity": SVGWriter.number(theme.bandOpacity), "stroke": "none"])
    }
    if !whiskers.isEmpty {
      svg.element(
        "path",
        [
          "class": "whiskers", "d": whiskers.data, "stroke": color, "stroke-opacity": "0.5",
          "stroke-width": SVGWriter.number(2 * theme.lineWidth), "stroke-linecap": "round", "fill": "none",
        ])
    }
    if let center = series.center {
      var line = PathBuilder()
      var isolated: [Point] = []
      for segment in Polyline.segments(x: series.x, y: center, xScale: geometry.xScale, yScale: geometry.yScale) {
        if segment.count == 1 {
          if clip.contains(segment[0]) { isolated.append(segment[0]) }
          continue
        }
        Polyline.append(Polyline.decimated(segment), to: &line, clippedTo: clip)
      }
      if !isolated.isEmpty { drawDots(isolated, radius: theme.markerRadius, color: color, into: &svg) }
      if !line.isEmpty {
        svg.element(
          "path",
          [
            "d": line.data, "fill": "none", "stroke": color, "stroke-width": SVGWriter.number(theme.lineWidth),
            "stroke-linejoin": "round",
          ])
      }
    }
    svg.close("g")
  }

  /// One (x, lowest lower, highest upper) per pixel column, so a long band stays small and
  /// still covers every value.
  private func thinnedBand(_ run: [(Double, Double, Double)]) -> [(Double, Double, Double)] {
    guard run.count > Int(plot.width) * 2 else { return run }
    var result: [(Double, Double, Double)] = []
    var column = run[0].0.rounded(.down)
    var current = run[0]
    for p in run.dropFirst() {
      if p.0.rounded(.down) == column {
        // Pixel y grows downwards: "lower" values sit at larger y.
        current = (current.0, max(current.1, p.1), min(current.2, p.2))
      } else {
        result.append(current)
        column = p.0.rounded(.down)
        current = p
      }
    }
    result.append(current)
    return result
  }

  func drawBars(_ series: BarSeries, into svg: inout SVGWriter) {
    svg.open("g", ["class": "series bars"])
    let slots = max(series.categories.count, 1)
    let slot = plot.width / Double(slots)
    let groups = max(series.groups.count, 1)
    let barWidth = slot * 0.8 / Double(groups)
    let base = geometry.yScale.position(0) ?? plot.maxY
    for (g, group) in series.groups.enumerated() {
      var attributes = [("class", "group"), ("fill", theme.color(g))]
      if series.groups.count > 1 { attributes.append(("data-name", group.name)) }
      svg.open("g", attributes: attributes)
      for (i, value) in group.values.prefix(slots).enumerated() {
        guard let top = geometry.yScale.position(value) else { continue }
        let x = plot.x + Double(i) * slot + slot * 0.1 + Double(g) * barWidth
        let y0 = clamp(min(top, base), plot.y, plot.maxY)
        let y1 = clamp(max(top, base), plot.y, plot.maxY)
        svg.element(
          "rect",
          [
            "x": SVGWriter.number(x), "y": SVGWriter.number(y0), "width": SVGWriter.number(max(barWidth - 1, 1)),
            "height": SVGWriter.number(y1 - y0),
          ])
      }
      svg.close("g")
    }
    svg.close("g")
  }

  func drawHistogram(_ series: HistogramSeries, bins: HistogramBins, color: String, into svg: inout SVGWriter) {
    var attributes = [("class", "series histogram"), ("fill", color), ("fill-opacity", "0.75")]
    if let name = series.name { attributes.append(("data-name", name)) }
    svg.open("g", attributes: attributes)
    let base = geometry.yScale.position(geometry.yScale.kind == .log ? 1 : 0) ?? plot.maxY
    for (i, count) in bins.counts.enumerated() where count > 0 {
      guard let left = geometry.xScale.position(bins.edges[i]),
        let right = geometry.xScale.position(bins.edges[i + 1]),
        let top = geometry.yScale.position(Double(count))
      else { continue }
      let x0 = clamp(min(left, right), plot.x, plot.maxX)
      let x1 = clamp(max(left, right), plot.x, plot.maxX)
      let y0 = clamp(min(top, base), plot.y, plot.maxY)
      let y1 = clamp(max(top, base), plot.y, plot.maxY)
      svg.element(
        "rect",
        [
          "x": SVGWriter.number(x0), "y": SVGWriter.number(y0), "width": SVGWriter.number(max(x1 - x0 - 0.5, 0.5)),
          "height": SVGWriter.number(y1 - y0),
        ])
    }
    svg.close("g")
  }

  /// Class colours under the data: one rectangle per run of equal classes in a grid row.
  func drawRegions(_ regions: DecisionRegions, into svg: inout SVGWriter) {
    svg.open("g", ["class": "series regions", "shape-rendering": "crispEdges"])
    let rows = regions.classes.count
    for (i, row) in regions.classes.enumerated() {
      let columns = row.count
      guard columns > 0 else { continue }
      let y0 = regions.yExtent.0 + (regions.yExtent.1 - regions.yExtent.0) * Double(i) / Double(rows)
      let y1 = regions.yExtent.0 + (regions.yExtent.1 - regions.yExtent.0) * Double(i + 1) / Double(rows)
      var start = 0
      while start < columns {
        var end = start + 1
        while end < columns, row[end] == row[start] { end += 1 }
        let x0 = regions.xExtent.0 + (regions.xExtent.1 - regions.xExtent.0) * Double(start) / Double(columns)
        let x1 = regions.xExtent.0 + (regions.xExtent.1 - regions.xExtent.0) * Double(end) / Double(columns)
        if row[start] >= 0, let px0 = geometry.xScale.position(x0), let px1 = geometry.xScale.position(x1),
          let py0 = geometry.yScale.position(y0), let py1 = geometry.yScale.position(y1)
        {
          svg.element(
            "rect",
            [
              "x": SVGWriter.number(min(px0, px1)), "y": SVGWriter.number(min(py0, py1)),
              "width": SVGWriter.number(abs(px1 - px0) + 0.3), "height": SVGWriter.number(abs(py1 - py0) + 0.3),
              "fill": theme.tint(theme.color(row[start]), amount: 0.22),
            ])
        }
        start = end
      }
    }
    svg.close("g")
  }
}

func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double { min(max(value, low), high) }
