import TempoSyntax

/// How values print: exactly as Swift prints them (`5.0`, `[1, 4, 9]`, `["a": 1]`, `(x: 1, 2)`).
extension Value: CustomStringConvertible, CustomDebugStringConvertible {
  /// What `print` and string interpolation show.
  public var description: String {
    var writer = DescriptionWriter(limit: Int.max)
    writer.write(self, quoted: false)
    return writer.output
  }

  /// How a value prints inside a collection: strings quoted and escaped.
  public var debugDescription: String {
    var writer = DescriptionWriter(limit: Int.max)
    writer.write(self, quoted: true)
    return writer.output
  }

  /// The description, or a `LimitError` when it would be longer than `limit` bytes (checked
  /// while writing, so a huge value is never turned into a huge string first).
  public func description(limit: Int) throws -> String {
    var writer = DescriptionWriter(limit: limit)
    writer.write(self, quoted: false)
    if writer.exceeded {
      throw RuntimeError(
        .limitError, "the text of this value is longer than the limit of \(limit) bytes",
        help: "print a part of it, such as 'xs.prefix(100)'")
    }
    return writer.output
  }

  /// The type name in diagnostics, Swift's sugared spelling: `Int`, `[Double]`, `[String: Int]`.
  public var typeName: String {
    switch self {
    case .int: return "Int"
    case .double: return "Double"
    case .bool: return "Bool"
    case .string: return "String"
    case .nil: return "nil"
    case .array(let elements): return "[\(Value.commonTypeName(elements))]"
    case .dictionary(let map):
      return "[\(Value.commonTypeName(map.keys)): \(Value.commonTypeName(map.values))]"
    case .tuple(let elements):
      return "(" + elements.map(\.typeName).joined(separator: ", ") + ")"
    case .labeledTuple(let elements, let labels):
      return TupleLabels.spelled(elements.map(\.typeName), labels: labels)
    case .range(_, _, let isClosed): return isClosed ? "ClosedRange<Int>" : "Range<Int>"
    case .function(let f): return f.typeDescription
    case .host(let object): return object.typeName
    case .cell(let box): return box.value.typeName
    case .undefined: return "<undefined>"
    }
  }

  /// The name `type(of:)` prints: Swift's unsugared spelling (`Array<Int>`).
  public var swiftTypeName: String {
    switch self {
    case .array(let elements): return "Array<\(Value.commonSwiftTypeName(elements))>"
    case .dictionary(let map):
      return
        "Dictionary<\(Value.commonSwiftTypeName(map.keys)), \(Value.commonSwiftTypeName(map.values))>"
    case .tuple(let elements):
      return "(" + elements.map(\.swiftTypeName).joined(separator: ", ") + ")"
    case .labeledTuple(let elements, let labels):
      return TupleLabels.spelled(elements.map(\.swiftTypeName), labels: labels)
    case .nil: return "Optional<Any>"
    default: return typeName
    }
  }

  static func commonTypeName(_ values: [Value]) -> String {
    guard let first = values.first else { return "Any" }
    let name = first.typeName
    return values.allSatisfy { $0.typeName == name } ? name : "Any"
  }

  static func commonSwiftTypeName(_ values: [Value]) -> String {
    guard let first = values.first else { return "Any" }
    let name = first.swiftTypeName
    return values.allSatisfy { $0.swiftTypeName == name } ? name : "Any"
  }
}

/// Writes descriptions in one pass into one string (linear in the size of the value, where
/// joining the parts of every level would be quadratic in its depth).
struct DescriptionWriter {
  var output = ""
  let limit: Int
  var exceeded = false

  init(limit: Int) { self.limit = limit }

  mutating func append(_ text: String) {
    guard !exceeded else { return }
    if output.utf8.count + text.utf8.count > limit {
      exceeded = true
      return
    }
    output += text
  }

  /// How deep the writer goes before writing `…` (bounding its stack on any thread).
  static let maximumDepth = 2_000
  var depth = 0

  mutating func write(_ value: Value, quoted: Bool) {
    guard !exceeded else { return }
    if depth > DescriptionWriter.maximumDepth, value.isContainer {
      append("…")
      return
    }
    depth += 1
    defer { depth -= 1 }
    switch value {
    case .int(let v): append(String(v))
    // Interpolation, as print uses it: it keeps the sign of a negative nan, description does not.
    case .double(let v): append("\(v)")
    case .bool(let v): append(v ? "true" : "false")
    case .string(let v): append(quoted ? String(reflecting: v) : v)
    case .nil: append("nil")
    case .array(let elements): writeList(elements, open: "[", close: "]")
    case .tuple(let elements): writeList(elements, open: "(", close: ")")
    case .labeledTuple(let elements, let labels): writeList(elements, labels: labels, open: "(", close: ")")
    case .dictionary(let map):
      if map.count == 0 {
        append("[:]")
        return
      }
      append("[")
      for (index, (key, element)) in zip(map.keys, map.values).enumerated() {
        if index > 0 { append(", ") }
        write(key, quoted: true)
        append(": ")
        write(element, quoted: true)
        if exceeded { return }
      }
      append("]")
    case .range(let lower, let upper, let isClosed): append("\(lower)\(isClosed ? "..." : "..<")\(upper)")
    case .function: append("(Function)")
    case .host(let object): append(object.description)
    case .cell(let box): write(box.value, quoted: quoted)
    case .undefined: append("<undefined>")
    }
  }

  private mutating func writeList(_ elements: [Value], labels: [String?] = [], open: String, close: String) {
    append(open)
    for (index, element) in elements.enumerated() {
      if index > 0 { append(", ") }
      if index < labels.count, let label = labels[index] { append(label + ": ") }
      write(element, quoted: true)
      if exceeded { return }
    }
    append(close)
  }
}
