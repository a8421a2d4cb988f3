extension Figure {
  /// The figure as a self-contained SVG document: no scripts, no external references, no
  /// ids, generic font families; the same figure always gives the same text.
  public var svg: String {
    let cellWidth = theme.panelWidth
    let titleHeight = title == nil ? 0.0 : theme.titleFontSize + 14
    var rowHeights: [Double] = []
    for row in 0..<rows {
      let members = panels.dropFirst(row * columns).prefix(columns)
      rowHeights.append(
        members.map { PanelRenderer.preferredHeight(of: $0, width: cellWidth, theme: theme) }.max() ?? theme.panelHeight
      )
    }
    let width = cellWidth * Double(columns)
    let height = titleHeight + rowHeights.reduce(0, +)
    var writer = SVGWriter(width: width, height: height, theme: theme)
    writer.element(
      "rect", ["width": SVGWriter.number(width), "height": SVGWriter.number(height), "fill": theme.background])
    if let title {
      writer.label(
        title, x: width / 2, y: theme.titleFontSize + 6,
        [
          "class": "figure-title", "text-anchor": "middle", "font-size": SVGWriter.number(theme.titleFontSize + 1),
          "font-weight": "600", "fill": theme.text,
        ])
    }
    var y = titleHeight
    for (row, rowHeight) in rowHeights.enumerated() {
      for column in 0..<columns {
        let index = row * columns + column
        guard index < panels.count else { break }
        let frame = Rect(x: Double(column) * cellWidth, y: y, width: cellWidth, height: rowHeight)
        PanelRenderer(panel: panels[index], theme: theme, frame: frame).draw(into: &writer)
      }
      y += rowHeight
    }
    return writer.finish()
  }
}
