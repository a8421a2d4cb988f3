/// Splits a file into cells at `// %%` lines, the convention of `tempo run`, the fixture
/// corpus and editors that run Swift-like scripts cell by cell.
public enum CellSplitter {
  public struct Cell: Sendable {
    public var text: String
    /// The file line of the cell's first line (1-based).
    public var firstLine: Int

    /// The cell's text preceded by blank lines, so that positions in it are the file's.
    public var textAtFileLines: String { String(repeating: "\n", count: firstLine - 1) + text }
  }

  public static func split(_ text: String) -> [Cell] {
    var cells: [Cell] = []
    var current: [Substring] = []
    var firstLine = 1
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    for (index, line) in lines.enumerated() {
      if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("// %%") {
        cells.append(Cell(text: current.joined(separator: "\n"), firstLine: firstLine))
        current = []
        firstLine = index + 2
      } else {
        current.append(line)
      }
    }
    cells.append(Cell(text: current.joined(separator: "\n"), firstLine: firstLine))
    return cells
  }
}
