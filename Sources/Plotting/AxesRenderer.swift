/// Grid lines, axis lines, ticks, tick labels and axis titles of a panel.
struct AxesRenderer {
  let panel: Panel
  let geometry: PanelGeometry
  let theme: Theme

  private var plot: Rect { geometry.plot }

  /// Light lines at the ticks, under the data.
  func drawGrid(into svg: inout SVGWriter) {
    var path = PathBuilder()
    if case .cartesian = panel.layout, panel.heatmap == nil {
      for tick in geometry.xTicks {
        guard let x = geometry.xScale.position(tick.value) else { continue }
        path.move(x, plot.y)
        path.line(x, plot.maxY)
      }
    }
    if panel.heatmap == nil {
      for tick in geometry.yTicks {
        guard let y = geometry.yScale.position(tick.value) else { continue }
        path.move(plot.x, y)
        path.line(plot.maxX, y)
      }
    }
    guard !path.isEmpty else { return }
    svg.element("path", ["class": "grid", "d": path.data, "stroke": theme.gridLine, "fill": "none"])
  }

  func drawAxes(into svg: inout SVGWriter) {
    let font = theme.fontSize
    svg.element(
      "path",
      [
        "class": "axis", "d": "M\(n(plot.x)) \(n(plot.y))V\(n(plot.maxY))H\(n(plot.maxX))", "stroke": theme.axis,
        "fill": "none",
      ])

    svg.open("g", ["class": "x ticks", "fill": theme.mutedText, "text-anchor": "middle"])
    var marks = PathBuilder()
    switch panel.layout {
    case .categorical(let categories):
      let slot = plot.width / Double(max(categories.count, 1))
      let fits = Int(slot / (font * theme.characterWidth))
      for (i, category) in categories.enumerated() {
        let x = plot.x + (Double(i) + 0.5) * slot
        marks.move(x, plot.maxY)
        marks.line(x, plot.maxY + theme.tickLength)
        svg.label(Self.shortened(category, to: max(fits, 3)), x: x, y: plot.maxY + theme.tickLength + font + 2)
      }
    default:
      for tick in geometry.xTicks {
        guard let x = geometry.xScale.position(tick.value) else { continue }
        marks.move(x, plot.maxY)
        marks.line(x, plot.maxY + theme.tickLength)
        svg.label(tick.label, x: x, y: plot.maxY + theme.tickLength + font + 2)
      }
    }
    svg.close("g")

    svg.open("g", ["class": "y ticks", "fill": theme.mutedText, "text-anchor": "end"])
    for tick in geometry.yTicks {
      guard let y = geometry.yScale.position(tick.value) else { continue }
      marks.move(plot.x - theme.tickLength, y)
      marks.line(plot.x, y)
      svg.label(tick.label, x: plot.x - theme.tickLength - 3, y: y + font * 0.35)
    }
    svg.close("g")
    if !marks.isEmpty { svg.element("path", ["class": "tick-marks", "d": marks.data, "stroke": theme.axis]) }

    if let xLabel = panel.xLabel {
      svg.label(
        xLabel, x: plot.x + plot.width / 2, y: plot.maxY + theme.tickLength + 2 * font + 10,
        ["class": "x label", "text-anchor": "middle", "fill": theme.text])
    }
    if let yLabel = panel.yLabel {
      let x = geometry.frame.x + font + 2
      let y = plot.y + plot.height / 2
      svg.label(
        yLabel, x: x, y: y,
        [
          "class": "y label", "text-anchor": "middle", "fill": theme.text,
          "transform": "rotate(-90 \(n(x)) \(n(y)))",
        ])
    }
  }

  private func n(_ value: Double) -> String { SVGWriter.number(value) }

  /// A category name cut to `limit` characters with an ellipsis, so labels never overlap.
  static func shortened(_ text: String, to limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
  }
}
