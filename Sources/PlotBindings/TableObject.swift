import Plotting
import TempoRuntime

/// A table as a Tempo value: shown as HTML in a notebook (with Markdown and aligned text for
/// other frontends), saved as .html, .md, .txt or .csv.
public final class TableObject: HostObject {
  public let table: Table

  public init(_ table: Table) { self.table = table }

  public var typeName: String { "Table" }
  public var description: String { table.plainText }

  public func displayRepresentations() -> [String: String] {
    ["text/html": table.html, "text/markdown": table.markdown]
  }

  /// Each member and what it gives, for completion.
  public static let memberTypes: [String: String] = [
    "columns": "[String]", "csv": "String", "html": "String", "markdown": "String", "rowCount": "Int", "text": "String",
  ]
  public var memberNames: [String] { Self.memberTypes.keys.sorted() }

  public func member(_ name: String) throws -> Value? {
    switch name {
    case "columns": return .array(table.columns.map(Value.string))
    case "rowCount": return .int(table.rows.count)
    case "html": return .string(table.html)
    case "markdown": return .string(table.markdown)
    case "csv": return .string(table.csv)
    case "text": return .string(table.plainText)
    default: return nil
    }
  }

  public var documentation: Documentation? {
    Documentation(
      name: "Table", summary: "Rows and named columns made by table(…), shown as an HTML table in a notebook.",
      discussion:
        "Numbers in a column share one number of decimals and are right-aligned. Members: columns, rowCount, and the renderings html, markdown, csv and text.",
      example: "let t = table([\"optimizer\": [\"SGD\", \"Alrao\"], \"accuracy\": [0.912, 0.905]])\nt.rowCount  // 2",
      category: "Figures and tables")
  }
}
