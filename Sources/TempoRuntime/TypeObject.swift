/// A type used as a value: `Int(x)` converts, `Int.max` is a constant, `type(of: x)` prints
/// as `Double`, and `[Int]()` makes an empty array.
public final class TypeObject: HostObject {
  public let name: String
  let constants: [String: Value]
  let doc: Documentation?
  let construct: (@Sendable (inout Arguments) throws -> Value)?

  init(
    name: String, constants: [String: Value] = [:], documentation: Documentation? = nil,
    construct: (@Sendable (inout Arguments) throws -> Value)? = nil
  ) {
    self.name = name
    self.constants = constants
    self.doc = documentation
    self.construct = construct
  }

  public var typeName: String { "\(name).Type" }
  public var description: String { name }
  public var documentation: Documentation? { doc }
  public var memberNames: [String] { constants.keys.sorted() }

  public func member(_ member: String) throws -> Value? {
    if let constant = constants[member] { return constant }
    if member == "callAsFunction", let construct {
      let signature = doc?.signature ?? Signature([ParameterSpec(nil, "value", .any)], returns: name)
      return .function(BuiltinFunction(name: name, signature: signature, documentation: doc, body: construct))
    }
    return nil
  }

  /// The object for a type name that `type(of:)` returns.
  static func named(_ name: String) -> TypeObject {
    standardTypes.first { $0.name == name } ?? TypeObject(name: name)
  }

  static func doc(
    _ name: String, _ parameters: [ParameterSpec], _ summary: String, example: String
  ) -> Documentation {
    Documentation(
      name: name, signature: Signature(parameters, returns: name), summary: summary, example: example,
      category: "Types")
  }

  static let value = ParameterSpec(nil, "value", .any)

  static var standardTypes: [TypeObject] {
    [
      TypeObject(
        name: "Int", constants: ["max": .int(Int.max), "min": .int(Int.min)],
        documentation: doc(
          "Int", [value],
          "Converts a Double (truncating toward zero), a Bool or a String to Int; a String that is not a number gives nil.",
          example: "Int(3.9)  // 3\nInt(\"42\")  // 42")
      ) { args in
        let value = try args.value("value")
        switch value {
        case .int: return value
        case .double(let d):
          guard d.isFinite, d > -9.3e18, d < 9.3e18, let i = Int(exactly: d.rounded(.towardZero)) else {
            throw RuntimeError(
              .overflowError, "\(d) cannot be converted to Int", help: "check for nan, inf or values beyond ±9.2e18")
          }
          return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .string(let s): return Int(s).map { .int($0) } ?? .nil
        default: throw RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' to 'Int'")
        }
      },
      TypeObject(
        name: "Double",
        constants: [
          "pi": .double(Double.pi), "infinity": .double(Double.infinity), "nan": .double(Double.nan),
          "greatestFiniteMagnitude": .double(Double.greatestFiniteMagnitude), "ulpOfOne": .double(Double.ulpOfOne),
        ],
        documentation: doc(
          "Double", [value], "Converts an Int or a String to Double; a String that is not a number gives nil.",
          example: "Double(3)  // 3.0")
      ) { args in
        let value = try args.value("value")
        switch value {
        case .double: return value
        case .int(let i): return .double(Double(i))
        case .string(let s): return Double(s).map { .double($0) } ?? .nil
        default: throw RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' to 'Double'")
        }
      },
      TypeObject(
        name: "String",
        documentation: doc(
          "String",
          [
            ParameterSpec(nil, "value", .any, default: .computed("none"), "a value, or a sequence of characters"),
            ParameterSpec("describing", "subject", .any, default: .computed("none"), "any value"),
          ], "The value as text, as print shows it; a sequence of characters becomes the text they spell.",
          example: "String(2.5)  // \"2.5\"\nString(\"abc\".reversed())  // \"cba\"")
      ) { args in
        let limit = args.limits.maximumStringBytes
        if args.isGiven("subject") { return .string(try args.value("subject").description(limit: limit)) }
        let value = args.isGiven("value") ? try args.value("value") : .string("")
        if case .array(let elements) = value, !elements.isEmpty,
          elements.allSatisfy({ if case .string(let s) = $0 { return s.count == 1 } else { return false } })
        {
          return .string(try Builtins.joinedText(elements, separator: "", args))
        }
        return .string(try value.description(limit: limit))
      },
      TypeObject(
        name: "Bool",
        documentation: doc(
          "Bool", [value], "Converts \"true\" or \"false\" to Bool; other strings give nil.",
          example: "Bool(\"true\")  // true")
      ) { args in
        let value = try args.value("value")
        switch value {
        case .bool: return value
        case .string(let s): return s == "true" ? .bool(true) : s == "false" ? .bool(false) : .nil
        default: throw RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' to 'Bool'")
        }
      },
      TypeObject(
        name: "Array",
        documentation: doc(
          "Array",
          [
            ParameterSpec(
              nil, "elements", .sequence, default: .computed("none"), "a range, array, string or dictionary"),
            ParameterSpec("repeating", "element", .any, default: .computed("none"), "the value to repeat"),
            ParameterSpec("count", .int, default: .computed("none"), check: .nonNegative, "how many copies"),
          ], "The elements of a sequence as an array, or `count` copies of one value.",
          example: "Array(0..<3)  // [0, 1, 2]\nArray(repeating: 0.0, count: 2)  // [0.0, 0.0]")
      ) { args in
        if args.isGiven("elements") { return .array(try args.sequence("elements")) }
        guard args.isGiven("element") else {
          if args.isGiven("count") { throw RuntimeError(.typeError, "'count:' needs 'repeating:'") }
          return .array([])
        }
        let element = try args.value("element")
        let count = try args.int("count")
        guard count <= args.limits.maximumCollectionCount else {
          throw Limits.collectionTooLarge(count, args.limits)
        }
        try MemoryUse.check(args.limits, adding: count * MemoryLayout<Value>.stride)
        return .array(Array(repeating: element, count: count))
      },
    ]
  }
}
