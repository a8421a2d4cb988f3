/// The cells of a comma-separated file, as byte ranges into its text, with their line numbers.
///
/// Enough of RFC 4180 for data files: fields separated by commas, `\n` or `\r\n` line ends,
/// double-quoted fields with `""` for a quote and line breaks kept inside them (review texts
/// hold paragraphs), blank lines skipped. A quote that is never closed runs to the end of the
/// file. Numbers are parsed straight from the bytes, with a fast path for whole numbers, so a
/// 5,000 × 785 table of pixels loads without making a string per cell.
struct CSVTable {
  struct Row {
    /// 1-based line number in the file where the row starts, for errors.
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

  private static let quote = UInt8(ascii: "\"")
  private static let comma = UInt8(ascii: ",")
  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    let count = bytes.count
    var line = 1
    var position = 0
    while position < count {
      if bytes[position] == Self.newline {
        position += 1
        line += 1
        continue
      }
      if bytes[position] == Self.carriageReturn, position + 1 < count, bytes[position + 1] == Self.newline {
        position += 2
        line += 1
        continue
      }
      let rowLine = line
      var cells: [Cell] = []
      while true {
        if position < count, bytes[position] == Self.quote {
          var cursor = position + 1
          while cursor < count {
            if bytes[cursor] == Self.quote {
              if cursor + 1 < count, bytes[cursor + 1] == Self.quote {
                cursor += 2
                continue
              }
              break
            }
            if bytes[cursor] == Self.newline { line += 1 }
            cursor += 1
          }
          cells.append(Cell(start: position + 1, end: cursor, quoted: true))
          // Anything between the closing quote and the separator is dropped.
          position = min(cursor + 1, count)
          while position < count, bytes[position] != Self.comma, bytes[position] != Self.newline { position += 1 }
        } else {
          let start = position
          while position < count, bytes[position] != Self.comma, bytes[position] != Self.newline { position += 1 }
          var end = position
          let endsLine = position == count || bytes[position] == Self.newline
          if endsLine, end > start, bytes[end - 1] == Self.carriageReturn { end -= 1 }
          cells.append(Cell(start: start, end: end, quoted: false))
        }
        guard position < count, bytes[position] == Self.comma else { break }
        position += 1
      }
      rows.append(Row(line: rowLine, cells: cells))
      if position < count {
        position += 1
        line += 1
      }
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
