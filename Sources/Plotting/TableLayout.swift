/// A `Table` reduced to what every rendering needs — cell text, column alignment and the rows
/// left out — so HTML, Markdown and plain text show the same digits and the same gaps and
/// differ only in syntax.
///
/// Only the rows that are shown are read, so the cost of rendering is bounded by
/// `Table.rowLimit` however long the table is.
struct TableLayout {
  /// What a missing cell shows in every rendering.
  static let missingMark = "–"

  let title: String?
  /// Column names, one per column, including unnamed columns for cells beyond the header.
  let header: [String]
  /// Whether each column is numeric: right-aligned in every rendering.
  let isNumeric: [Bool]
  /// The rows before the omission, or all rows when none are omitted.
  let leadingRows: [[String]]
  /// The rows after the omission.
  let trailingRows: [[String]]
  let omittedRowCount: Int

  init(_ table: Table) {
    let limit = Table.rowLimit
    let omitsRows = table.rows.count > limit
    let leading = omitsRows ? Array(table.rows.prefix(limit / 2)) : table.rows
    let trailing = omitsRows ? Array(table.rows.suffix(limit - limit / 2)) : []
    let shown = leading + trailing
    let width = max(table.columns.count, shown.map(\.count).max() ?? 0)
    let header = (0..<width).map { $0 < table.columns.count ? table.columns[$0] : "" }

    var columnTexts: [[String]] = []
    var isNumeric: [Bool] = []
    for column in 0..<width {
      let cells = shown.map { column < $0.count ? $0[column] : .missing }
      let style = NumberColumnStyle(cells: cells, decimals: table.decimals[header[column]])
      columnTexts.append(cells.map { Self.text(for: $0, style: style) })
      isNumeric.append(Self.isNumeric(cells))
    }
    let rows = shown.indices.map { row in columnTexts.map { $0[row] } }

    self.title = table.title.map(Self.singleLine)
    self.header = header.map(Self.singleLine)
    self.isNumeric = isNumeric
    self.leadingRows = Array(rows.prefix(leading.count))
    self.trailingRows = Array(rows.dropFirst(leading.count))
    self.omittedRowCount = table.rows.count - shown.count
  }

  /// The text of the row standing in for the omitted ones, such as `… 12 rows omitted …`.
  var omissionText: String {
    "… \(omittedRowCount) \(omittedRowCount == 1 ? "row" : "rows") omitted …"
  }

  /// A column is numeric when it has a number and every cell that is not missing is one.
  private static func isNumeric(_ cells: [TableCell]) -> Bool {
    var hasNumber = false
    for cell in cells {
      switch cell {
      case .integer, .number: hasNumber = true
      case .text: return false
      case .missing: break
      }
    }
    return hasNumber
  }

  private static func text(for cell: TableCell, style: NumberColumnStyle) -> String {
    switch cell {
    case .missing: return missingMark
    case .text(let text): return singleLine(text)
    case .integer(let value): return style.text(for: value)
    case .number(let value): return style.text(for: value)
    }
  }

  /// Line breaks and tabs become spaces: one cell, one line, in every rendering.
  private static func singleLine(_ text: String) -> String {
    guard text.contains(where: { $0.isNewline || $0 == "\t" }) else { return text }
    return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
  }
}
