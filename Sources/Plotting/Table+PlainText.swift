extension Table {
  /// Aligned columns for `text/plain`, what terminals and untrusted notebooks show: the title,
  /// the header, a rule under each column name, then the rows. Numeric columns are
  /// right-aligned and text left-aligned, widths counted in characters, two spaces apart, with
  /// no trailing spaces.
  public var plainText: String {
    let layout = TableLayout(self)
    var lines: [String] = []
    if let title = layout.title { lines.append(title) }
    guard !layout.header.isEmpty else { return (lines + ["(empty table)"]).joined(separator: "\n") }

    let rows = layout.leadingRows + layout.trailingRows
    let widths = layout.header.indices.map { column in
      rows.reduce(layout.header[column].count) { width, row in
        max(width, row[column].count)
      }
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.indices.map { column in
        let padding = String(repeating: " ", count: widths[column] - cells[column].count)
        return layout.isNumeric[column] ? padding + cells[column] : cells[column] + padding
      }
      return Self.droppingTrailingSpaces(padded.joined(separator: "  "))
    }

    lines.append(line(layout.header))
    lines.append(Self.droppingTrailingSpaces(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")))
    lines += layout.leadingRows.map(line)
    if layout.omittedRowCount > 0 { lines.append(layout.omissionText) }
    lines += layout.trailingRows.map(line)
    return lines.joined(separator: "\n")
  }

  private static func droppingTrailingSpaces(_ line: String) -> String {
    var trimmed = Substring(line)
    while trimmed.last == " " { trimmed.removeLast() }
    return String(trimmed)
  }
}
