import Glibc

enum BinaryOperator: String {
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">="
  case halfOpenRange = "..<", closedRange = "..."

  init?(compound: String) {
    guard compound.count == 2, compound.hasSuffix("=") else { return nil }
    self.init(rawValue: String(compound.prefix(1)))
  }
}

/// The meaning of each operator on each pair of types, following Swift; where Swift would
/// refuse to mix `Int` and `Double`, Tempo converts the `Int`.
enum Operators {
  static func prefix(_ op: String, _ value: Value) throws -> Value {
    switch (op, value) {
    case ("-", .int(let v)):
      guard v != Int.min else {
        throw RuntimeError(.overflowError, "arithmetic overflow: -(\(v)) does not fit in Int")
      }
      return .int(-v)
    case ("-", .double(let v)): return .double(-v)
    case ("+", .int), ("+", .double): return value
    case ("!", .bool(let b)): return .bool(!b)
    default:
      throw RuntimeError(
        .typeError, "unary operator '\(op)' cannot be applied to an operand of type '\(value.typeName)'")
    }
  }

  static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, limits: ExecutionLimits) throws -> Value {
    switch op {
    case .equal: return .bool(equal(a, b))
    case .notEqual: return .bool(!equal(a, b))
    case .less, .lessEqual, .greater, .greaterEqual:
      guard let order = compare(a, b) else { throw mismatch(op, a, b) }
      switch op {
      case .less: return .bool(order == .less)
      case .lessEqual: return .bool(order == .less || order == .equal)
      case .greater: return .bool(order == .greater)
      default: return .bool(order == .greater || order == .equal)
      }
    case .halfOpenRange, .closedRange:
      guard case .int(let lower) = a, case .int(let upper) = b else {
        throw RuntimeError(
          .typeError, "ranges are made of Int bounds, not '\(a.typeName)' and '\(b.typeName)'",
          help: "for Double steps use stride(from:to:by:)")
      }
      let isClosed = op == .closedRange
      guard isClosed ? lower <= upper : lower <= upper else {
        throw RuntimeError(
          .valueError, "range requires lowerBound <= upperBound, but \(lower) > \(upper)",
          help: "for a descending sequence use stride(from: \(lower), to: \(upper), by: -1)")
      }
      return .range(lower: lower, upper: upper, isClosed: isClosed)
    default:
      return try arithmetic(op, a, b, limits: limits)
    }
  }

  static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, limits: ExecutionLimits) throws
    -> Value
  {
    switch (a, b) {
    case (.int(let x), .int(let y)): return try integer(op, x, y)
    case (.double(let x), .double(let y)): return try floating(op, x, y, a, b)
    case (.int(let x), .double(let y)): return try floating(op, Double(x), y, a, b)
    case (.double(let x), .int(let y)): return try floating(op, x, Double(y), a, b)
    case (.string(let x), .string(let y)) where op == .add:
      let bytes = x.utf8.count + y.utf8.count
      if bytes > limits.maximumStringBytes { throw Limits.stringTooLong(bytes, limits) }
      return .string(x + y)
    case (.array(let x), .array(let y)) where op == .add:
      let count = x.count + y.count
      if count > limits.maximumCollectionCount { throw Limits.collectionTooLarge(count, limits) }
      return .array(x + y)
    case (.host(let object), _):
      if let result = try object.applying(op.rawValue, to: b) { return result }
      throw mismatch(op, a, b)
    default:
      throw mismatch(op, a, b)
    }
  }

  static func integer(_ op: BinaryOperator, _ x: Int, _ y: Int) throws -> Value {
    let result: (partialValue: Int, overflow: Bool)
    switch op {
    case .add: result = x.addingReportingOverflow(y)
    case .subtract: result = x.subtractingReportingOverflow(y)
    case .multiply: result = x.multipliedReportingOverflow(by: y)
    case .divide, .remainder:
      guard y != 0 else {
        throw RuntimeError(
          .zeroDivisionError, op == .divide ? "division by zero" : "division by zero in remainder operation",
          help: "check the divisor before dividing, or use Double, where x / 0 is infinity")
      }
      result = op == .divide ? x.dividedReportingOverflow(by: y) : x.remainderReportingOverflow(dividingBy: y)
    default:
      throw RuntimeError(.typeError, "'\(op.rawValue)' is not an arithmetic operator")
    }
    guard !result.overflow else {
      throw RuntimeError(
        .overflowError, "arithmetic overflow: \(x) \(op.rawValue) \(y) does not fit in Int",
        help: "Int holds -9223372036854775808...9223372036854775807; use Double for larger values")
    }
    return .int(result.partialValue)
  }

  static func floating(_ op: BinaryOperator, _ x: Double, _ y: Double, _ a: Value, _ b: Value) throws
    -> Value
  {
    switch op {
    case .add: return .double(x + y)
    case .subtract: return .double(x - y)
    case .multiply: return .double(x * y)
    case .divide: return .double(x / y)
    case .remainder:
      throw RuntimeError(
        .typeError, "'%' is unavailable: For floating point numbers use truncatingRemainder instead",
        help: "write x.truncatingRemainder(dividingBy: y)")
    default: throw mismatch(op, a, b)
    }
  }

  static func mismatch(_ op: BinaryOperator, _ a: Value, _ b: Value) -> RuntimeError {
    var help: String?
    if op == .add, case .string = a { help = "convert with String(…) or use interpolation: \"\\(x)\"" }
    if op == .add, case .string = b { help = "convert with String(…) or use interpolation: \"\\(x)\"" }
    if a.isNil || b.isNil { help = "the value is nil; give a default with '??'" }
    return RuntimeError(
      .typeError,
      "binary operator '\(op.rawValue)' cannot be applied to operands of type '\(a.typeName)' and '\(b.typeName)'",
      help: help)
  }

  /// Structural equality; an Int equals the Double of the same value.
  static func equal(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    case (.double(let x), .double(let y)): return x == y
    case (.int(let x), .double(let y)): return Double(x) == y
    case (.double(let x), .int(let y)): return x == Double(y)
    case (.bool(let x), .bool(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.nil, .nil): return true
    // Labels do not take part, as in Swift: `(a: 1, b: 2) == (c: 1, d: 2)` is true.
    case (.array(let x), .array(let y)), (.tuple(let x), .tuple(let y)), (.tuple(let x), .labeledTuple(let y, _)),
      (.labeledTuple(let x, _), .tuple(let y)), (.labeledTuple(let x, _), .labeledTuple(let y, _)):
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    case (.dictionary(let x), .dictionary(let y)):
      guard x.count == y.count else { return false }
      for (key, value) in zip(x.keys, x.values) {
        guard let hashKey = key.hashKey, let other = y[hashKey], equal(value, other) else { return false }
      }
      return true
    case (.range(let l1, let u1, let c1), .range(let l2, let u2, let c2)):
      return l1 == l2 && u1 == u2 && c1 == c2
    case (.function(let f), .function(let g)): return f === g
    case (.host(let x), .host(let y)): return x === y
    default: return false
    }
  }

  /// How two values order: as Swift's `<` would decide, with `unordered` for NaN (every
  /// comparison with NaN is false).
  enum Order {
    case less, equal, greater, unordered
  }

  /// Ordering for `<` and `sorted()`; nil when the types cannot be compared.
  static func compare(_ a: Value, _ b: Value) -> Order? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? .less : x == y ? .equal : .greater
    case (.double(let x), .double(let y)): return order(x, y)
    case (.int(let x), .double(let y)): return order(Double(x), y)
    case (.double(let x), .int(let y)): return order(x, Double(y))
    case (.string(let x), .string(let y)): return x < y ? .less : x == y ? .equal : .greater
    case (.bool(let x), .bool(let y)): return x == y ? .equal : (!x ? .less : .greater)
    case (.tuple(let x), .tuple(let y)), (.tuple(let x), .labeledTuple(let y, _)),
      (.labeledTuple(let x, _), .tuple(let y)), (.labeledTuple(let x, _), .labeledTuple(let y, _)),
      (.array(let x), .array(let y)):
      // Like Swift's tuple '<': the first elements that are not equal decide; labels do not count.
      for (p, q) in zip(x, y) {
        guard let c = compare(p, q) else { return nil }
        if c != .equal { return c }
      }
      return x.count < y.count ? .less : x.count == y.count ? .equal : .greater
    default: return nil
    }
  }

  private static func order(_ x: Double, _ y: Double) -> Order {
    x < y ? .less : x > y ? .greater : x == y ? .equal : .unordered
  }
}
