import Testing

@testable import Plotting

@Suite("Table")
struct TableTests {
  /// The training comparison a notebook shows most: a text column, a metric, a count.
  let comparison = Table(
    columns: ["optimizer", "accuracy", "steps"],
    rows: [["sgd", 0.8934, 120], ["adam", 0.9012, 95], ["lion", .missing, 7]],
    title: "Comparison")

  /// The texts a one-column table shows for `cells`, top to bottom.
  func columnTexts(_ cells: [TableCell], decimals: Int? = nil) -> [String] {
    let table = Table(columns: ["x"], rows: cells.map { [$0] }, decimals: decimals.map { ["x": $0] } ?? [:])
    return TableLayout(table).leadingRows.map { $0[0] }
  }

  // MARK: - Renderings

  @Test("plain text aligns numbers right and text left under a rule, without trailing spaces")
  func plainText() {
    let expected = """
      Comparison
      optimizer  accuracy  steps
      ─────────  ────────  ─────
      sgd          0.8934    120
      adam         0.9012     95
      lion              –      7
      """
    #expect(comparison.plainText == expected)
  }

  @Test("markdown is a pipe table with right-aligned numeric columns")
  func markdown() {
    let expected = """
      **Comparison**

      | optimizer | accuracy | steps |
      | :--- | ---: | ---: |
      | sgd | 0.8934 | 120 |
      | adam | 0.9012 | 95 |
      | lion | – | 7 |
      """
    #expect(comparison.markdown == expected)
  }

  @Test("HTML puts the header in thead, the rows in tbody and states each cell's alignment")
  func html() {
    let table = Table(columns: ["name", "loss"], rows: [["a", 0.5], ["b", .missing]], title: "Run")
    let expected = """
      <table style="font-variant-numeric:tabular-nums"><caption>Run</caption>
      <thead>
      <tr><th style="text-align:left">name</th><th style="text-align:right">loss</th></tr>
      </thead>
      <tbody>
      <tr><td style="text-align:left">a</td><td style="text-align:right">0.5</td></tr>
      <tr><td style="text-align:left">b</td><td style="text-align:right">–</td></tr>
      </tbody>
      </table>
      """
    #expect(table.html == expected)
  }

  @Test("HTML right-aligns exactly the numeric columns' header and cells")
  func htmlAlignment() {
    let html = comparison.html
    // Two numeric columns: a header and three cells each.
    #expect(html.split(separator: "text-align:right").count - 1 == 8)
    #expect(html.split(separator: "text-align:left").count - 1 == 4)
    #expect(html.contains("<th style=\"text-align:left\">optimizer</th>"))
    #expect(html.contains("<td style=\"text-align:right\">0.9012</td>"))
    #expect(!html.contains("<style") && !html.contains("<script"))
  }

  @Test("HTML escapes markup in the title, the header and the cells")
  func htmlEscaping() {
    let table = Table(
      columns: ["<th>"], rows: [["<b>\"R&D\"</b> 'x'"]], title: "a < b & c > \"d\"")
    let html = table.html
    #expect(html.contains("<caption>a &lt; b &amp; c &gt; &quot;d&quot;</caption>"))
    #expect(html.contains(">&lt;th&gt;</th>"))
    #expect(html.contains(">&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#39;x&#39;</td>"))
    #expect(!html.contains("<b>"))
  }

  @Test("markdown escapes pipes and markup and puts each cell on one line")
  func markdownEscaping() {
    let table = Table(columns: ["a|b", "note"], rows: [["x|y", "first\nsecond *bold* <i>"]])
    let expected = """
      | a\\|b | note |
      | :--- | :--- |
      | x\\|y | first second \\*bold\\* \\<i\\> |
      """
    #expect(table.markdown == expected)
  }

  @Test("line breaks and tabs in text become spaces in plain text")
  func plainTextSingleLine() {
    let table = Table(columns: ["note"], rows: [["one\ntwo\r\nthree\tfour"]])
    #expect(table.plainText == "note\n──────────────────\none two three four")
  }

  // MARK: - Digits

  @Test(
    "every number in a column shows the same decimals, chosen from the column",
    arguments: [
      ([0.8934, 0.9012], ["0.8934", "0.9012"]),
      ([0.5, 0.25, 0.125], ["0.500", "0.250", "0.125"]),
      ([1234.5, 12.25], ["1234.5", "12.3"]),
      ([123.456, 7.0], ["123.5", "7.0"]),
      ([1.0, 2.0, 30.0], ["1", "2", "30"]),
      ([0.1 + 0.2, 0.1], ["0.3", "0.1"]),
      ([-0.25, 0.5], ["-0.25", "0.50"]),
      ([0.0, 0.0], ["0", "0"]),
      ([1.2345e-5, 2e-5, 0], ["1.235e-05", "2.000e-05", "0.000e+00"]),
      ([1e-5, 2e-5], ["1e-05", "2e-05"]),
      ([2.5e12, 1e9], ["2.5e+12", "1.0e+09"]),
      ([0.5, .nan, .infinity, -.infinity], ["0.5", "nan", "inf", "-inf"]),
    ] as [([Double], [String])])
  func consistentDecimals(values: [Double], expected: [String]) {
    #expect(columnTexts(values.map(TableCell.number)) == expected)
  }

  @Test("integers print exactly, and like the numbers when a column mixes both")
  func integers() {
    #expect(columnTexts([.integer(1_000_000_007), .integer(-3), .missing]) == ["1000000007", "-3", "–"])
    #expect(columnTexts([.integer(1), .number(2.5), .integer(10)]) == ["1.0", "2.5", "10.0"])
    #expect(columnTexts([.integer(2_000_000_000), .number(0.25)]) == ["2.0e+09", "2.5e-01"])
  }

  @Test("a caller's decimals replace the automatic choice, except for integers alone")
  func decimalsOverride() {
    #expect(columnTexts([0.8934, 0.5, .integer(1)], decimals: 2) == ["0.89", "0.50", "1.00"])
    #expect(columnTexts([1.2345e-5], decimals: 6) == ["0.000012"])
    #expect(columnTexts([.integer(7)], decimals: 2) == ["7"])
  }

  @Test("each column of a table chooses its own decimals")
  func decimalsPerColumn() {
    let table = Table(
      columns: ["run", "accuracy", "wall s", "lr", "steps/s"],
      rows: [
        ["a", 0.5, 1234.5, 1e-5, 812],
        ["b", 0.25, 12.25, 3e-4, 1_024.5],
        ["c", 0.125, .missing, 2e-5, .number(.nan)],
      ],
      decimals: ["lr": 5])
    let expected = """
      run  accuracy  wall s       lr  steps/s
      ───  ────────  ──────  ───────  ───────
      a       0.500  1234.5  0.00001    812.0
      b       0.250    12.3  0.00030   1024.5
      c       0.125       –  0.00002      nan
      """
    #expect(table.plainText == expected)
  }

  // MARK: - Shape

  @Test("widths count characters, so accented and combined letters take one column")
  func unicodeWidth() {
    let table = Table(columns: ["name", "n"], rows: [["café", 1], ["cafe\u{301}s", 22], ["x", 3]])
    let expected = """
      name    n
      ─────  ──
      café    1
      cafés  22
      x       3
      """
    #expect(table.plainText == expected)
  }

  @Test("short rows are padded with missing cells and long rows get unnamed columns")
  func rowPadding() {
    let table = Table(columns: ["a", "b"], rows: [["x"], ["y", 2, "extra"]])
    let expected = """
      a  b
      ─  ─  ─────
      x  –  –
      y  2  extra
      """
    #expect(table.plainText == expected)
    #expect(table.markdown.hasPrefix("| a | b |  |\n| :--- | ---: | :--- |"))
  }

  @Test("records make columns in first-seen order and leave absent keys missing")
  func records() {
    let table = Table(records: [
      [("optimizer", "sgd"), ("accuracy", 0.91)],
      [("optimizer", "adam"), ("time", 12), ("accuracy", 0.93)],
      [("time", 3), ("time", 4)],
    ])
    #expect(table.columns == ["optimizer", "accuracy", "time"])
    #expect(table.rows == [["sgd", 0.91, .missing], ["adam", 0.93, 12], [.missing, .missing, 4]])
  }

  @Test("named columns of unequal length are padded with missing cells")
  func namedColumns() {
    let table = Table(namedColumns: [("step", [1, 2, 3]), ("loss", [0.5, 0.25])])
    #expect(table.columns == ["step", "loss"])
    #expect(table.rows == [[1, 0.5], [2, 0.25], [3, .missing]])
  }

  @Test("a table without rows shows its header, one without columns says so")
  func emptyTables() {
    let headerOnly = Table(columns: ["a", "bb"], rows: [])
    #expect(headerOnly.plainText == "a  bb\n─  ──")
    #expect(headerOnly.markdown == "| a | bb |\n| :--- | :--- |")
    #expect(headerOnly.html.contains("<thead>") && !headerOnly.html.contains("<td"))
    // An unnamed, empty last column must not leave spaces at the ends of lines.
    #expect(Table(columns: ["a", ""], rows: []).plainText == "a\n─")

    let nothing = Table(columns: [], rows: [], title: "T")
    #expect(nothing.plainText == "T\n(empty table)")
    #expect(nothing.markdown == "**T**\n\n(empty table)")
    #expect(nothing.html.contains("(empty table)"))
  }

  // MARK: - Limits

  @Test(
    "long tables show the first and last rows around a count of the rows left out",
    arguments: [(1_000, 0), (1_001, 1), (2_345, 1_345)])
  func truncation(rowCount: Int, omitted: Int) {
    let rows: [[TableCell]] = (0..<rowCount).map { [.text("row \($0)"), .integer($0)] }
    let table = Table(columns: ["name", "index"], rows: rows)
    let layout = TableLayout(table)
    #expect(layout.omittedRowCount == omitted)
    #expect(layout.leadingRows.count + layout.trailingRows.count == min(rowCount, Table.rowLimit))

    let lines = table.plainText.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[2].hasPrefix("row 0 "))
    #expect(lines.last?.hasPrefix("row \(rowCount - 1) ") == true)
    guard omitted > 0 else {
      #expect(lines.count == 2 + rowCount)
      return
    }
    let notice = "… \(omitted) \(omitted == 1 ? "row" : "rows") omitted …"
    let half = Table.rowLimit / 2
    #expect(lines.count == 2 + Table.rowLimit + 1)
    #expect(lines[2 + half - 1].hasPrefix("row \(half - 1) "))
    #expect(lines[2 + half] == notice)
    #expect(lines[2 + half + 1].hasPrefix("row \(rowCount - half) "))
    #expect(table.markdown.contains("| \(notice) |  |"))
    #expect(table.html.contains("<td colspan=\"2\" style=\"text-align:center\">\(notice)</td>"))
    #expect(!table.html.contains(">row \(half)<"))
  }
}
