/// A type used as a value: `Int(x)` converts, `Int.max` is a constant, `type(of: x)` prints
/// as `Double`.
public final class TypeObject: HostObject {
  public let name: String
  let convert: ((Value, Arguments) throws -> Value)?
  let constants: [String: Value]
  let doc: Documentation?

  init(
    name: String, constants: [String: Value] = [:], documentation: Documentation? = nil,
    convert: ((Value, Arguments) throws -> Value)? = nil
  ) {
    self.name = name
    self.constants = constants
    self.doc = documentation
    self.convert = convert
  }

  public var typeName: String { "Type" }
  public var description: String { name }
  public var documentation: Documentation? { doc }
  public var memberNames: [String] { constants.keys.sorted() }

  public func member(_ member: String) throws -> Value? {
    if let constant = constants[member] { return constant }
    if member == "callAsFunction", let convert {
      let signature = doc?.signature ?? Signature([ParameterSpec(nil, "value", type: "Any")], returns: name)
      return .function(
        BuiltinFunction(name: name, signature: signature, documentation: doc) { args in
          try convert(args[0] ?? .nil, args)
        })
    }
    return nil
  }

  /// The object for a type name that `type(of:)` returns.
  static func named(_ name: String) -> TypeObject {
    standardTypes.first { $0.name == name } ?? TypeObject(name: name)
  }

  static func conversionDoc(_ name: String, _ summary: String, example: String) -> Documentation {
    Documentation(
      name: name, signature: Signature([ParameterSpec(nil, "value", type: "Any")], returns: name), summary: summary,
      example: example, category: "Types")
  }

  static var standardTypes: [TypeObject] {
    [
      TypeObject(
        name: "Int", constants: ["max": .int(Int.max), "min": .int(Int.min)],
        documentation: conversionDoc(
          "Int",
          "Converts a Double (truncating toward zero), a Bool or a String to Int; a String that is not a number gives nil.",
          example: "Int(3.9)  // 3\nInt(\"42\")  // 42")
      ) { value, _ in
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
        documentation: conversionDoc(
          "Double", "Converts an Int or a String to Double; a String that is not a number gives nil.",
          example: "Double(3)  // 3.0")
      ) { value, _ in
        switch value {
        case .double: return value
        case .int(let i): return .double(Double(i))
        case .string(let s): return Double(s).map { .double($0) } ?? .nil
        default: throw RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' to 'Double'")
        }
      },
      TypeObject(
        name: "String",
        documentation: conversionDoc(
          "String", "The value as text, as print shows it.", example: "String(2.5)  // \"2.5\"")
      ) { value, _ in
        // String("abc".reversed()): a sequence of characters becomes the text they spell.
        if case .array(let elements) = value, !elements.isEmpty,
          elements.allSatisfy({ if case .string(let s) = $0 { return s.count == 1 } else { return false } })
        {
          return .string(elements.map(\.description).joined())
        }
        return .string(value.description)
      },
      TypeObject(
        name: "Bool",
        documentation: conversionDoc(
          "Bool", "Converts \"true\" or \"false\" to Bool; other strings give nil.", example: "Bool(\"true\")  // true")
      ) { value, _ in
        switch value {
        case .bool: return value
        case .string(let s): return s == "true" ? .bool(true) : s == "false" ? .bool(false) : .nil
        default: throw RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' to 'Bool'")
        }
      },
      TypeObject(
        name: "Array",
        documentation: conversionDoc(
          "Array", "The elements of a sequence as an array.", example: "Array(0..<3)  // [0, 1, 2]")
      ) { value, args in
        guard let elements = try Sequences.elements(of: value, limits: args.limits) else {
          throw RuntimeError(.typeError, "cannot make an Array from a value of type '\(value.typeName)'")
        }
        return .array(elements)
      },
    ]
  }
}
