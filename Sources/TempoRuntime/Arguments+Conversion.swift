/// Converting arguments into the plain Swift values host libraries take (numbers, matrices,
/// labels, options), with errors that say which argument and which element is wrong and how
/// to fix it.
extension Arguments {
  /// An array or range of numbers as doubles; `nil` elements become NaN (a gap in a line).
  /// Empty when the argument is omitted.
  public func numbers(_ name: String) throws -> [Double] {
    guard let value = try optionalValue(name) else { return [] }
    return try numbers(from: value, parameter: name)
  }

  /// `value` (an element of argument `name`) as doubles, with errors naming that argument.
  public func numbers(from value: Value, parameter name: String) throws -> [Double] {
    if case .range = value {
      return try (Sequences.elements(of: value, limits: limits) ?? []).map { element in
        if case .int(let i) = element { return Double(i) }
        return .nan
      }
    }
    guard case .array(let elements) = value else {
      throw typeError(name, expected: "[Double]", got: value)
    }
    var result: [Double] = []
    result.reserveCapacity(elements.count)
    for (position, element) in elements.enumerated() {
      switch element {
      case .double(let d): result.append(d)
      case .int(let i): result.append(Double(i))
      case .nil: result.append(.nan)
      default:
        throw RuntimeError(
          .typeError, "\(subject(name)) must hold numbers; element \(position) is a \(element.typeName)",
          help: "pass an array of Int or Double values (nil marks a missing value)")
      }
    }
    return result
  }

  /// Whether a value is an array whose elements are arrays (several series, a matrix).
  public func isNested(_ value: Value) -> Bool {
    guard case .array(let elements) = value, let first = elements.first else { return false }
    if case .array = first { return true }
    return false
  }

  /// A matrix: an array of rows, each an array of numbers. Empty when omitted.
  public func matrix(_ name: String) throws -> [[Double]] {
    guard let value = try optionalValue(name) else { return [] }
    guard case .array(let rows) = value else { throw typeError(name, expected: "[[Double]]", got: value) }
    return try rows.map { try numbers(from: $0, parameter: name) }
  }

  /// An array of Int values (class labels), nil when omitted or `nil`.
  public func integers(_ name: String) throws -> [Int]? {
    guard let value = try optionalValue(name) else { return nil }
    guard case .array(let elements) = value else { throw typeError(name, expected: "[Int]", got: value) }
    return try elements.enumerated().map { position, element in
      guard case .int(let i) = element else {
        throw RuntimeError(
          .typeError, "\(subject(name)) must hold Int values; element \(position) is a \(element.typeName)",
          help: "class labels are whole numbers 0, 1, 2, …")
      }
      return i
    }
  }

  /// Any values as text, as string interpolation shows them (labels, class names); nil when
  /// omitted or `nil`.
  public func strings(_ name: String) throws -> [String]? {
    guard try optionalValue(name) != nil else { return nil }
    return try sequence(name).map { element in
      if case .string(let s) = element { return s }
      return element.description
    }
  }

  /// A `(low, high)` pair of numbers (axis limits, extents), or nil when omitted or `nil`.
  public func pair(_ name: String) throws -> (Double, Double)? {
    guard let value = try optionalValue(name) else { return nil }
    let parts: [Value]
    switch value {
    case .tuple(let elements), .labeledTuple(let elements, _), .array(let elements): parts = elements
    default: throw typeError(name, expected: "(Double, Double)", got: value)
    }
    guard parts.count == 2 else {
      throw invalid(name, "takes two numbers, (low, high); got \(parts.count)", help: "write it as (0, 1)")
    }
    let numbers = try numbers(from: .array(parts), parameter: name)
    guard numbers[0].isFinite, numbers[1].isFinite else {
      throw invalid(name, "must be finite numbers", help: "write it as (0, 1)")
    }
    return (numbers[0], numbers[1])
  }

  /// A symbol's word checked against `choices` known only when the call runs (the metrics of
  /// the runs being plotted), nil when omitted or `nil`; declared choices are checked by
  /// `symbol(_:)` itself.
  public func optionalSymbol(_ name: String, among choices: [String]) throws -> String? {
    guard let word = try optionalSymbol(name) else { return nil }
    if let error = ParameterCheck.choices(choices).violation(of: .string(word), subject: subject(name)) { throw error }
    return word
  }
}

extension Value {
  /// The text of a string value, nil for anything else.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}
