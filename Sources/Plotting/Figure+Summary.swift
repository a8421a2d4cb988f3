/// The figure in words, for `text/plain`: JupyterLab shows this instead of the SVG in an
/// untrusted notebook, and a terminal shows nothing else, so it says what the picture holds.
extension Figure {
  public var summary: String {
    var lines: [String] = []
    let panelWord = panels.count == 1 ? "1 panel" : "\(panels.count) panels in \(rows) × \(columns)"
    lines.append("Figure" + (title.map { " \"\($0)\"" } ?? "") + ": " + panelWord)
    for panel in panels {
      lines.append(contentsOf: panel.summaryLines(indent: panels.count == 1 ? "  " : "  "))
    }
    return lines.joined(separator: "\n")
  }
}

extension Panel {
  /// `kind chart "title"`, the axes, then one line per series.
  func summaryLines(indent: String) -> [String] {
    var lines: [String] = []
    let kinds = Array(Set(series.map(\.kind))).sorted()
    var head = indent + (kinds.isEmpty ? "empty" : kinds.joined(separator: " + ")) + " chart"
    if let title { head += " \"\(title)\"" }
    lines.append(head)
    if case .cartesian = layout {
      lines.append(indent + "  x: " + axisText(label: xLabel, scale: xScale))
      lines.append(indent + "  y: " + axisText(label: yLabel, scale: yScale))
    }
    var histogramIndex = 0
    for s in series {
      lines.append(indent + "  " + seriesText(s, histogramIndex: &histogramIndex))
    }
    return lines
  }

  private func axisText(label: String?, scale: AxisScale) -> String {
    (label.map { "\"\($0)\" " } ?? "") + (scale == .log ? "log" : "linear")
  }

  private func seriesText(_ series: Series, histogramIndex: inout Int) -> String {
    switch series {
    case .line(let s):
      return named(s.name, "line") + ": \(pointsText(s.y.count))" + rangeText(x: s.x, y: s.y)
    case .scatter(let s):
      var text = named(s.name, "scatter") + ": \(pointsText(min(s.x.count, s.y.count)))" + rangeText(x: s.x, y: s.y)
      if let classes = s.classes { text += ", \(Set(classes).count) classes" }
      return text
    case .band(let s):
      let range = finiteExtent(s.lower + s.upper, positiveOnly: yScale == .log)
      return named(s.name, "band") + ": \(pointsText(s.x.count))" + (s.center == nil ? "" : " with a centre line")
        + (range.map { ", y \(short($0.0))…\(short($0.1))" } ?? "")
    case .bars(let s):
      let groups = s.groups.map { "\($0.name) [" + $0.values.map(short).joined(separator: ", ") + "]" }
      return "bars over \(s.categories.count) categories (" + s.categories.joined(separator: ", ") + "): "
        + groups.joined(separator: "; ")
    case .histogram(let s):
      let bins = HistogramBins(s)
      var text =
        named(s.name, "histogram") + ": \(s.values.count) values in \(bins.counts.count)"
        + (s.logarithmicBins ? " log" : "") + " bins"
      if let first = bins.edges.first, let last = bins.edges.last { text += " from \(short(first)) to \(short(last))" }
      if let peak = bins.counts.max() { text += ", tallest \(peak)" }
      if bins.skipped > 0 { text += ", \(bins.skipped) left out" }
      return text
    case .heatmap(let s):
      let range = finiteExtent(s.values.joined(), positiveOnly: false)
      return "heatmap \(s.rowCount) × \(s.columnCount)" + (s.colorbarLabel.map { " of \($0)" } ?? "")
        + (range.map { ", values \(short($0.0))…\(short($0.1))" } ?? ", no finite values")
        + (s.markedCount > 0 ? ", \(s.markedCount) marked" : "")
    case .images(let s):
      let size = s.images.first.map { " of \($0.width)×\($0.height)" + ($0.channels >= 3 ? " RGB" : " grey") } ?? ""
      return "\(s.images.count) images\(size) in \(s.columns) columns"
        + (s.captions.map { ": " + $0.prefix(12).joined(separator: ", ") + ($0.count > 12 ? ", …" : "") } ?? "")
    case .regions(let s):
      return
        "decision regions \(s.classes.count) × \(s.classes.first?.count ?? 0), \(Set(s.classes.joined()).count) classes"
    }
  }

  private func named(_ name: String?, _ kind: String) -> String {
    name.map { "\(kind) \"\($0)\"" } ?? kind
  }

  private func pointsText(_ count: Int) -> String { count == 1 ? "1 point" : "\(count) points" }

  /// `, x 0…99, y 0.12…2.3, 3 not shown` — the data's extent and what could not be drawn.
  private func rangeText(x: [Double], y: [Double]) -> String {
    var text = ""
    if let e = finiteExtent(x, positiveOnly: false) { text += ", x \(short(e.0))…\(short(e.1))" }
    if let e = finiteExtent(y, positiveOnly: false) { text += ", y \(short(e.0))…\(short(e.1))" }
    let hidden = zip(x, y).filter { point in
      !point.0.isFinite || !point.1.isFinite || (xScale == .log && point.0 <= 0) || (yScale == .log && point.1 <= 0)
    }.count
    if hidden > 0 {
      text += ", \(hidden) not shown (missing\(xScale == .log || yScale == .log ? " or ≤ 0 on a log axis" : ""))"
    }
    return text
  }

  private func short(_ value: Double) -> String { NumberFormat.short(value) }
}
