extension Table {
  /// A GitHub-flavoured pipe table for `text/markdown`, with the title in bold above it.
  /// Numeric columns are marked `---:` and text `:---`, since some renderers (JupyterLab among
  /// them) right-align unmarked cells. Markdown punctuation in text is backslash-escaped, so
  /// `|` cannot end a cell and `*`, `_` or `<` cannot turn a name into emphasis or HTML.
  public var markdown: String {
    let layout = TableLayout(self)
    var lines: [String] = []
    if let title = layout.title { lines += ["**\(Self.markdownEscaped(title))**", ""] }
    guard !layout.header.isEmpty else { return (lines + ["(empty table)"]).joined(separator: "\n") }

    func line(_ cells: [String]) -> String {
      "| " + cells.map(Self.markdownEscaped).joined(separator: " | ") + " |"
    }
    lines.append(line(layout.header))
    lines.append("| " + layout.isNumeric.map { $0 ? "---:" : ":---" }.joined(separator: " | ") + " |")
    lines += layout.leadingRows.map(line)
    if layout.omittedRowCount > 0 {
      lines.append(line([layout.omissionText] + Array(repeating: "", count: layout.header.count - 1)))
    }
    lines += layout.trailingRows.map(line)
    return lines.joined(separator: "\n")
  }

  /// Characters that would change how CommonMark or GitHub read inline text.
  private static let markdownPunctuation: Set<Character> = ["\\", "|", "`", "*", "_", "~", "[", "]", "<", ">", "&"]

  /// Text that Markdown shows literally: each character of `markdownPunctuation` behind a backslash.
  static func markdownEscaped(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if markdownPunctuation.contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
