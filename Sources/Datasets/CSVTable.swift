/// The cells of a comma-separated file, as byte ranges into its text, with their line numbers.
///
/// Enough of RFC 4180 for data files: fields separated by commas, `\n` or `\r\n` line ends,
/// double-quoted fields with `""` for a quote (but no line break inside quotes), blank lines
/// skipped. Numbers are parsed straight from the bytes, with a fast path for whole numbers,
/// so a 5,000 × 785 table of pixels loads without making a string per cell.
struct CSVTable {
  struct Row {
    /// 1-based line number in the file, for errors.
    var line: Int
    var cells: [Cell]
  }

  struct Cell {
    var start: Int
    var end: Int
    var quoted: Bool
  }

  let bytes: [UInt8]
  private(set) var rows: [Row] = []

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    var line = 1
    var position = 0
    while position < bytes.count {
      var cells: [Cell] = []
      var lineEnd = position
      while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      var end = lineEnd
      if end > position, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
      if end > position {
        var start = position
        while true {
          var cell = Cell(start: start, end: start, quoted: false)
          if start < end, bytes[start] == UInt8(ascii: "\"") {
            cell.quoted = true
            cell.start = start + 1
            var cursor = start + 1
            while cursor < end {
              if bytes[cursor] == UInt8(ascii: "\"") {
                if cursor + 1 < end, bytes[cursor + 1] == UInt8(ascii: "\"") {
                  cursor += 2
                  continue
                }
                break
              }
              cursor += 1
            }
            cell.end = cursor
            start = cursor + 1
            while start < end, bytes[start] != UInt8(ascii: ",") { start += 1 }
          } else {
            while start < end, bytes[start] != UInt8(ascii: ",") { start += 1 }
            cell.end = start
          }
          cells.append(cell)
          if start >= end { break }
          start += 1
          if start == end {
            cells.append(Cell(start: end, end: end, quoted: false))
            break
          }
        }
        rows.append(Row(line: line, cells: cells))
      }
      position = lineEnd + 1
      line += 1
    }
  }

  /// The text of a cell, without its quotes, `""` read as `"`, surrounding spaces trimmed.
  func text(_ cell: Cell) -> String {
    var text = String(decoding: bytes[cell.start..<cell.end], as: UTF8.self)
    if cell.quoted { text = text.replacing("\"\"", with: "\"") }
    return String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }

  /// The cell as a finite number, or `nil`.
  func number(_ cell: Cell) -> Double? {
    var start = cell.start
    var end = cell.end
    while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
    while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
    guard start < end else { return nil }
    var negative = false
    var cursor = start
    if bytes[cursor] == UInt8(ascii: "-") || bytes[cursor] == UInt8(ascii: "+") {
      negative = bytes[cursor] == UInt8(ascii: "-")
      cursor += 1
    }
    if cursor < end, end - cursor <= 15 {
      var whole = 0
      var allDigits = true
      for index in cursor..<end {
        let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
        guard (0...9).contains(digit) else {
          allDigits = false
          break
        }
        whole = whole * 10 + digit
      }
      if allDigits { return Double(negative ? -whole : whole) }
    }
    guard let value = Double(String(decoding: bytes[start..<end], as: UTF8.self)), value.isFinite else { return nil }
    return value
  }
}
