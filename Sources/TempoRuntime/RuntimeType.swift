import TempoSyntax

/// A type annotation resolved for checking at run time.
///
/// Tempo is dynamically typed; annotations are promises that are checked when a value
/// crosses them (a declaration, an argument, a return). An `Int` crossing a `Double`
/// annotation becomes a `Double`, as an integer literal would in Swift.
public indirect enum RuntimeType: Sendable, CustomStringConvertible {
  case any
  case int
  case double
  case bool
  case string
  case array(RuntimeType)
  case dictionary(RuntimeType, RuntimeType)
  /// A tuple type; `labels` has one entry per element, nil where it has none.
  case tuple([RuntimeType], labels: [String?])
  case optional(RuntimeType)
  /// A function type, with its written form for messages: `(Int) -> Int`.
  case function(String)
  case range
  /// A host type, matched by `HostObject.typeName`.
  case host(String)

  public var description: String {
    switch self {
    case .any: return "Any"
    case .int: return "Int"
    case .double: return "Double"
    case .bool: return "Bool"
    case .string: return "String"
    case .array(let e): return "[\(e)]"
    case .dictionary(let k, let v): return "[\(k): \(v)]"
    case .tuple(let elements, let labels): return TupleLabels.spelled(elements.map(\.description), labels: labels)
    case .optional(let w): return "\(w)?"
    case .function(let text): return text
    case .range: return "Range<Int>"
    case .host(let name): return name
    }
  }

  /// Whether a function declared to return this type must end in `return` (Void, Any and
  /// optionals may fall off the end).
  var requiresReturn: Bool {
    switch self {
    case .any, .optional: return false
    case .tuple(let elements, _): return !elements.isEmpty
    default: return true
    }
  }

  /// Swift's unsugared spelling, as `type(of:)` prints it: `Array<Int>`.
  public var swiftName: String {
    switch self {
    case .array(let e): return "Array<\(e.swiftName)>"
    case .dictionary(let k, let v): return "Dictionary<\(k.swiftName), \(v.swiftName)>"
    case .tuple(let elements, let labels): return TupleLabels.spelled(elements.map(\.swiftName), labels: labels)
    case .optional(let w): return "Optional<\(w.swiftName)>"
    default: return description
    }
  }

  /// The names a type annotation may use besides host types.
  static let builtinNames: [String: RuntimeType] = [
    "Any": .any, "Int": .int, "Double": .double, "Float": .double, "Bool": .bool,
    "String": .string, "Range": .range, "ClosedRange": .range, "Void": .tuple([], labels: []),
  ]

  /// Whether the value already has this scalar type, so no conversion is needed (the check
  /// every typed call and return makes, kept cheap).
  @inline(__always)
  func holdsUnchanged(_ value: Value) -> Bool {
    switch self {
    case .any: return true
    case .int: if case .int = value { return true }
    case .double: if case .double = value { return true }
    case .bool: if case .bool = value { return true }
    case .string: if case .string = value { return true }
    default: return false
    }
    return false
  }

  /// The value converted to this type, or nil when it does not have it.
  public func coerce(_ value: Value) -> Value? {
    switch (self, value) {
    case (.any, _): return value
    case (.int, .int), (.double, .double), (.bool, .bool), (.string, .string), (.function, .function),
      (.range, .range):
      return value
    case (.double, .int(let i)): return .double(Double(i))
    case (.optional, .nil): return value
    case (.optional(let wrapped), _): return wrapped.coerce(value)
    case (.array(let element), .array(let elements)):
      var converted: [Value] = []
      converted.reserveCapacity(elements.count)
      for e in elements {
        guard let c = element.coerce(e) else { return nil }
        converted.append(c)
      }
      return .array(converted)
    case (.dictionary(let keyType, let valueType), .dictionary(let map)):
      var result = OrderedMap()
      for (k, v) in zip(map.keys, map.values) {
        guard let ck = keyType.coerce(k), let cv = valueType.coerce(v), let h = ck.hashKey else {
          return nil
        }
        result.set(cv, for: ck, hashKey: h)
      }
      return .dictionary(result)
    case (.tuple(let types, let labels), _):
      // As in Swift, a tuple converts when no element is labeled differently on the two
      // sides, and takes the labels of the type: `(1, 2)` stored as `(x: Int, y: Int)` prints
      // `(x: 1, y: 2)`.
      guard let elements = value.tupleElements, types.count == elements.count else { return nil }
      if case .labeledTuple(_, let given) = value, !TupleLabels.agree(labels, given) { return nil }
      var converted: [Value] = []
      converted.reserveCapacity(elements.count)
      for (t, e) in zip(types, elements) {
        guard let c = t.coerce(e) else { return nil }
        converted.append(c)
      }
      return .tuple(converted, labels: labels)
    case (.host(let name), .host(let object)) where object.typeName == name: return value
    default: return nil
    }
  }
}
