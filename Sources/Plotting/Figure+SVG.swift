extension Figure {
  /// The figure as a self-contained SVG document: no scripts, no external references, no
  /// ids, generic font families; the same figure always gives the same text.
  ///
  /// The document has a fixed `width` and `height` (a notebook shows it at that size, crisp,
  /// as an image) of at most `theme.maxFigureWidth`: panels side by side are narrowed to share
  /// it, and lowered in proportion down to `theme.minimumHeightScale`.
  public var svg: String {
    let theme = fittedTheme
    let cellWidth = theme.panelWidth
    let width = cellWidth * Double(columns)
    let titleLines =
      title.map {
        TextLines.wrapped($0, width: width - 16, fontSize: theme.titleFontSize + 1, bold: true)
      } ?? []
    let titleHeight =
      titleLines.isEmpty ? 0.0 : theme.titleFontSize + 14 + Double(titleLines.count - 1) * theme.titleLineHeight
    var rowHeights: [Double] = []
    for row in 0..<rows {
      let members = panels.dropFirst(row * columns).prefix(columns)
      rowHeights.append(
        members.map { PanelRenderer.preferredHeight(of: $0, width: cellWidth, theme: theme) }.max() ?? theme.panelHeight
      )
    }
    let height = titleHeight + rowHeights.reduce(0, +)
    var writer = SVGWriter(width: width, height: height, theme: theme)
    writer.element(
      "rect", ["width": SVGWriter.number(width), "height": SVGWriter.number(height), "fill": theme.background])
    if !titleLines.isEmpty {
      writer.lines(
        titleLines, x: width / 2, y: theme.titleFontSize + 6, lineHeight: theme.titleLineHeight,
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

  /// The theme with panels narrowed (and lowered) so that `columns` of them fit in
  /// `maxFigureWidth`; unchanged when they already fit.
  var fittedTheme: Theme {
    var fitted = theme
    let widest = theme.maxFigureWidth / Double(columns)
    guard widest > 0, widest < theme.panelWidth else { return fitted }
    let scale = widest / theme.panelWidth
    fitted.panelWidth = widest
    fitted.panelHeight = (theme.panelHeight * max(scale, theme.minimumHeightScale)).rounded()
    return fitted
  }
}
