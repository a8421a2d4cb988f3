extension Table {
  /// A `<table>` for `text/html`, small and self-contained because JupyterLab embeds it in its
  /// own page: inline style attributes only, no `<style>` block, no script. Every cell states
  /// its alignment, since JupyterLab's stylesheet right-aligns table cells by default, and
  /// tabular figures make digits line up.
  public var html: String {
    let layout = TableLayout(self)
    var html = "<table style=\"font-variant-numeric:tabular-nums\">"
    if let title = layout.title { html += "<caption>\(Self.htmlEscaped(title))</caption>" }
    guard !layout.header.isEmpty else { return html + "<tbody><tr><td>(empty table)</td></tr></tbody></table>" }

    func row(_ cells: [String], tag: String) -> String {
      let cells = cells.indices.map { column in
        let alignment = layout.isNumeric[column] ? "right" : "left"
        return "<\(tag) style=\"text-align:\(alignment)\">\(Self.htmlEscaped(cells[column]))</\(tag)>"
      }
      return "<tr>" + cells.joined() + "</tr>\n"
    }
    html += "\n<thead>\n" + row(layout.header, tag: "th") + "</thead>\n<tbody>\n"
    html += layout.leadingRows.map { row($0, tag: "td") }.joined()
    if layout.omittedRowCount > 0 {
      html += "<tr><td colspan=\"\(layout.header.count)\" style=\"text-align:center\">"
      html += Self.htmlEscaped(layout.omissionText) + "</td></tr>\n"
    }
    html += layout.trailingRows.map { row($0, tag: "td") }.joined()
    return html + "</tbody>\n</table>"
  }

  /// Text safe inside an element or an attribute value: no cell can open a tag or end a quote.
  static func htmlEscaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
