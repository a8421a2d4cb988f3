import Plotting
import TempoRuntime

/// `table(…)`; `save(…)` writes tables too (`Saving`).
enum TableBuiltins {
  static var all: [BuiltinFunction] { [table, Saving.save] }

  static var table: BuiltinFunction {
    let documentation = Documentation(
      name: "table",
      signature: Signature(
        [
          ParameterSpec(nil, "data", .any, "columns (name → array), records ([[name: value]]), or rows ([[Any]])"),
          ParameterSpec("columns", .optional(.array(.string)), default: nil, "column names for rows"),
          ParameterSpec("title", .optional(.string), default: nil, "a caption above the table"),
          ParameterSpec(
            "decimals", .optional(.oneOf([.int, .dictionary(.string, .int)])), default: nil,
            "fixed decimals for every or some columns"),
        ], returns: "Table"),
      summary: "A table, shown as HTML in a notebook, from columns, records or rows.",
      discussion:
        "Each column's numbers are written with the same number of decimals (enough for four significant digits of its largest value, unless decimals: says otherwise) and right-aligned; nil shows as –. A dictionary of single values gives a two-column key/value table.",
      example:
        "table([\"optimizer\": [\"SGD\", \"Alrao\"], \"accuracy\": [0.9123, 0.9051]], title: \"Test accuracy\")\ntable([[\"SGD\", 0.91], [\"Adam\", 0.9]], columns: [\"optimizer\", \"accuracy\"])",
      category: "Figures and tables")
    return BuiltinFunction(documentation) { args in
      .host(TableObject(try makeTable(args)))
    }
  }

  static func makeTable(_ args: Arguments) throws -> Table {
    let title = try args.optionalString("title")
    var decimals: [String: Int] = [:]
    var allDecimals: Int?
    switch try args.optionalValue("decimals") {
    case .int(let d)?: allDecimals = d
    case .dictionary(let map)?:
      for (key, value) in zip(map.keys, map.values) {
        guard case .int(let d) = value else {
          throw args.typeError("decimals", expected: "[String: Int]", got: value)
        }
        decimals[key.stringValue ?? key.description] = d
      }
    case nil: break
    case let other?: throw args.typeError("decimals", expected: "Int or [String: Int]", got: other)
    }
    var table: Table
    let data = try args.value("data")
    switch data {
    case .dictionary(let map):
      let isColumns = map.values.contains { if case .array = $0 { return true } else { return false } }
      if isColumns {
        table = Table(
          namedColumns: try zip(map.keys, map.values).map { key, value in
            let name = key.stringValue ?? key.description
            guard case .array(let cells) = value else {
              throw RuntimeError(
                .typeError, "column '\(name)' of the table is a \(value.typeName), not an array",
                help: "give every column an array of values, all of the same length")
            }
            return (name, cells.map(cell))
          }, title: title)
      } else {
        table = Table(
          columns: ["key", "value"], rows: zip(map.keys, map.values).map { [cell($0), cell($1)] }, title: title)
      }
    case .array(let elements):
      if elements.allSatisfy({ if case .dictionary = $0 { return true } else { return false } }), !elements.isEmpty {
        table = Table(
          records: elements.map { element in
            guard case .dictionary(let map) = element else { return [] }
            return zip(map.keys, map.values).map { ($0.stringValue ?? $0.description, cell($1)) }
          }, title: title)
      } else {
        let rows: [[TableCell]] = elements.map { element in
          switch element {
          case .array(let cells), .tuple(let cells), .labeledTuple(let cells, _): return cells.map(cell)
          default: return [cell(element)]
          }
        }
        let width = rows.map(\.count).max() ?? 0
        let columns = try args.strings("columns") ?? (1...max(width, 1)).map { "\($0)" }
        table = Table(columns: columns, rows: rows, title: title)
      }
    default:
      throw args.typeError(
        "data", expected: "a dictionary of columns, an array of records, or an array of rows", got: data)
    }
    if let allDecimals {
      for column in table.columns { table.decimals[column] = allDecimals }
    }
    table.decimals.merge(decimals) { $1 }
    return table
  }

  static func cell(_ value: Value) -> TableCell {
    switch value {
    case .int(let i): return .integer(i)
    case .double(let d): return .number(d)
    case .string(let s): return .text(s)
    case .nil: return .missing
    default: return .text(value.description)
    }
  }
}
