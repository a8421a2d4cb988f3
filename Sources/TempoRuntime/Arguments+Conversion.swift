/// Converting arguments into the plain Swift values host libraries take (numbers, matrices,
/// labels, options), with errors that say which argument and which element is wrong and how
/// to fix it.
extension Arguments {
  /// Whether argument `index` was given.
  public func has(_ index: Int) -> Bool { self[index] != nil && !(self[index]?.isNil ?? true) }

  /// An array or range of numbers as doubles; `nil` elements become NaN (a gap in a line).
  public func numbers(_ index: Int) throws -> [Double] {
    guard let value = self[index] else { return [] }
    return try numbers(from: value, parameter: index)
  }

  /// `value` (an element of argument `index`) as doubles, with errors naming that argument.
  public func numbers(from value: Value, parameter index: Int) throws -> [Double] {
    if case .range = value {
      return try sequence(index).map { element in
        if case .int(let i) = element { return Double(i) }
        return .nan
      }
    }
    guard case .array(let elements) = value else {
      throw typeError(index, expected: "[Double]", got: value)
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
          .typeError,
          "'\(parameterName(index))' of '\(function)' must hold numbers; element \(position) is a \(element.typeName)",
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

  /// A matrix: an array of rows, each an array of numbers.
  public func matrix(_ index: Int) throws -> [[Double]] {
    guard let value = self[index] else { return [] }
    guard case .array(let rows) = value else { throw typeError(index, expected: "[[Double]]", got: value) }
    return try rows.map { try numbers(from: $0, parameter: index) }
  }

  /// An array of Int values (class labels), nil when not given.
  public func integers(_ index: Int) throws -> [Int]? {
    guard has(index), let value = self[index] else { return nil }
    guard case .array(let elements) = value else { throw typeError(index, expected: "[Int]", got: value) }
    return try elements.enumerated().map { position, element in
      guard case .int(let i) = element else {
        throw RuntimeError(
          .typeError,
          "'\(parameterName(index))' of '\(function)' must hold Int values; element \(position) is a \(element.typeName)",
          help: "class labels are whole numbers 0, 1, 2, …")
      }
      return i
    }
  }

  /// Any values as text, as string interpolation shows them (labels, class names).
  public func strings(_ index: Int) throws -> [String]? {
    guard has(index), let value = self[index] else { return nil }
    return try sequence(index).map { element in
      if case .string(let s) = element { return s }
      return element.description
    }
  }

  /// A string, nil when not given or `nil`.
  public func optionalString(_ index: Int) throws -> String? {
    guard has(index) else { return nil }
    return try string(index)
  }

  /// A `(low, high)` pair of numbers (axis limits, extents), or nil when not given.
  public func pair(_ index: Int) throws -> (Double, Double)? {
    guard has(index), let value = self[index] else { return nil }
    let parts: [Value]
    switch value {
    case .tuple(let elements), .array(let elements): parts = elements
    default: throw typeError(index, expected: "(Double, Double)", got: value)
    }
    guard parts.count == 2 else {
      throw RuntimeError(
        .valueError, "'\(parameterName(index))' of '\(function)' takes two numbers, (low, high); got \(parts.count)",
        help: "write it as (0, 1)")
    }
    let numbers = try numbers(from: .array(parts), parameter: index)
    guard numbers[0].isFinite, numbers[1].isFinite else {
      throw RuntimeError(
        .valueError, "'\(parameterName(index))' of '\(function)' must be finite numbers",
        help: "write it as (0, 1)")
    }
    return (numbers[0], numbers[1])
  }

  /// A symbol such as `.log` (or the same word as a string), checked against `choices`.
  public func choice(_ index: Int, among choices: [String], default fallback: String) throws -> String {
    guard has(index), let value = self[index] else { return fallback }
    let word: String
    switch value {
    case .host(let object as Symbol): word = object.name
    case .string(let s): word = s
    default: throw typeError(index, expected: choices.map { "." + $0 }.joined(separator: " or "), got: value)
    }
    guard choices.contains(word) else {
      throw RuntimeError(
        .valueError, "'\(parameterName(index))' of '\(function)' has no option '.\(word)'",
        help: "use " + choices.map { "." + $0 }.joined(separator: " or "))
    }
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
