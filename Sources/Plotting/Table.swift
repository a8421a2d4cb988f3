/// One cell of a `Table`. Numbers stay numbers until rendering, so a whole column can be
/// written with the same number of decimals.
public enum TableCell: Sendable, Equatable {
  case text(String)
  case integer(Int)
  case number(Double)
  /// No value: rendered as an en dash (`–`) in every format, so a gap reads as a gap and
  /// never as an empty string or a zero.
  case missing
}

extension TableCell: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  /// `"adam"` in a row literal is `.text("adam")`.
  public init(stringLiteral value: String) { self = .text(value) }
  /// `3` in a row literal is `.integer(3)`.
  public init(integerLiteral value: Int) { self = .integer(value) }
  /// `0.25` in a row literal is `.number(0.25)`.
  public init(floatLiteral value: Double) { self = .number(value) }
}

/// Rows and named columns shown in a notebook as HTML (`html`), Markdown (`markdown`) or
/// aligned text (`plainText`): the output of the language's `table(…)` and of a training
/// comparison.
///
/// All three renderings write each column's numbers with the same number of decimals (see
/// `NumberColumnStyle`), align numeric columns right and text left, show a missing cell as
/// `–`, and show at most `rowLimit` rows.
///
/// Rows need not match the header: a short row is padded with `.missing`, and cells beyond
/// the header get columns with an empty name, so nothing passed in is silently hidden.
public struct Table: Sendable {
  /// More rows than this and a rendering shows the first and last `rowLimit / 2` rows around
  /// a "… N rows omitted …" row, so a notebook never receives megabytes.
  public static let rowLimit = 1_000

  /// Shown above the table: the first line of `plainText`, bold above the Markdown table, the
  /// `<caption>` in HTML.
  public var title: String?
  /// Column names, left to right.
  public var columns: [String]
  /// Cells, row by row, in the order of `columns`.
  public var rows: [[TableCell]]
  /// Fixed decimals for the numbers of a column, by column name, instead of the automatic
  /// choice; a column of integers only keeps printing them exactly.
  public var decimals: [String: Int]

  /// A table from a header and rows; see the type's documentation for rows of the wrong length.
  public init(columns: [String], rows: [[TableCell]], title: String? = nil, decimals: [String: Int] = [:]) {
    self.title = title
    self.columns = columns
    self.rows = rows
    self.decimals = decimals
  }

  /// A table from records, one per row, each an ordered list of (column, value) pairs — the
  /// shape of a list of dictionaries in the language. Columns appear in the order their names
  /// are first seen; a record without a column has `.missing` there, and a name repeated
  /// within a record keeps its last value.
  public init(
    records: [[(String, TableCell)]], title: String? = nil, decimals: [String: Int] = [:]
  ) {
    var names: [String] = []
    var index: [String: Int] = [:]
    for record in records {
      for (name, _) in record where index[name] == nil {
        index[name] = names.count
        names.append(name)
      }
    }
    let rows = records.map { record in
      var row = [TableCell](repeating: .missing, count: names.count)
      for (name, cell) in record {
        if let column = index[name] { row[column] = cell }
      }
      return row
    }
    self.init(columns: names, rows: rows, title: title, decimals: decimals)
  }

  /// A table from named columns, left to right — the shape of a training comparison, where
  /// each metric is collected as a list. Shorter columns are padded with `.missing`.
  public init(
    namedColumns: [(String, [TableCell])], title: String? = nil, decimals: [String: Int] = [:]
  ) {
    let height = namedColumns.map(\.1.count).max() ?? 0
    let rows = (0..<height).map { row in
      namedColumns.map { _, cells in row < cells.count ? cells[row] : .missing }
    }
    self.init(columns: namedColumns.map(\.0), rows: rows, title: title, decimals: decimals)
  }
}
