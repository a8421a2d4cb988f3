/// How values print: exactly as Swift prints them (`5.0`, `[1, 4, 9]`, `["a": 1]`).
extension Value: CustomStringConvertible, CustomDebugStringConvertible {
  /// What `print` and string interpolation show.
  public var description: String {
    switch self {
    case .int(let v): return String(v)
    // Interpolation, as print uses it: it keeps the sign of a negative nan, description does not.
    case .double(let v): return "\(v)"
    case .bool(let v): return v ? "true" : "false"
    case .string(let v): return v
    case .nil: return "nil"
    case .array(let elements):
      return "[" + elements.map(\.debugDescription).joined(separator: ", ") + "]"
    case .dictionary(let map):
      if map.count == 0 { return "[:]" }
      var parts: [String] = []
      for (key, value) in zip(map.keys, map.values) {
        parts.append("\(key.debugDescription): \(value.debugDescription)")
      }
      return "[" + parts.joined(separator: ", ") + "]"
    case .tuple(let elements):
      return "(" + elements.map(\.debugDescription).joined(separator: ", ") + ")"
    case .range(let lower, let upper, let isClosed):
      return "\(lower)\(isClosed ? "..." : "..<")\(upper)"
    case .function: return "(Function)"
    case .host(let object): return object.description
    case .cell(let box): return box.value.description
    case .undefined: return "<undefined>"
    }
  }

  /// How a value prints inside a collection: strings quoted and escaped.
  public var debugDescription: String {
    if case .string(let v) = self { return String(reflecting: v) }
    return description
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
