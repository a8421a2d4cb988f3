/// An implicit member value such as `.tanh` or `.testLoss`: a name that a builtin interprets
/// (an activation, a metric) in the context it is passed to.
public final class Symbol: HostObject {
  public let name: String
  public init(_ name: String) { self.name = name }
  public var typeName: String { "Symbol" }
  public var description: String { ".\(name)" }
}

/// Operators used as function values: `reduce(0, +)`, `sorted(by: >)`.
enum OperatorFunctions {
  static func function(for op: String) -> BuiltinFunction {
    let signature = Signature(
      [ParameterSpec(nil, "lhs", .any), ParameterSpec(nil, "rhs", .any)], returns: "Any")
    return BuiltinFunction(name: op, signature: signature) { args in
      let a = try args.value("lhs")
      let b = try args.value("rhs")
      switch op {
      case "&&", "||":
        let x = try Conditions.bool(a)
        let y = try Conditions.bool(b)
        return .bool(op == "&&" ? x && y : x || y)
      case "??": return a.isNil ? b : a
      default:
        guard let binary = BinaryOperator(rawValue: op) else {
          throw RuntimeError(.typeError, "'\(op)' cannot be used as a function")
        }
        return try Operators.binary(binary, a, b, limits: args.limits)
      }
    }
  }
}
