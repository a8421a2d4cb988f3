extension Table {
  /// Comma-separated values (RFC 4180) for saving: every row (no omission), numbers at full
  /// precision rather than the display's rounded digits, missing cells empty, and fields with
  /// commas, quotes or line breaks quoted.
  public var csv: String {
    func field(_ text: String) -> String {
      guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
      return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }
    func cell(_ cell: TableCell) -> String {
      switch cell {
      case .text(let text): return field(text)
      case .integer(let value): return String(value)
      case .number(let value): return value.isFinite ? String(value) : NumberFormat.nonFinite(value)
      case .missing: return ""
      }
    }
    var lines = [columns.map(field).joined(separator: ",")]
    for row in rows {
      lines.append(row.map(cell).joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }
}

extension String {
  /// Every occurrence of `target` replaced (Foundation's `replacingOccurrences` without
  /// Foundation).
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var result = ""
    for character in self {
      if character == target { result += replacement } else { result.append(character) }
    }
    return result
  }
}
