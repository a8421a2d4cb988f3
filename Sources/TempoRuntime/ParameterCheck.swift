/// What a given argument must satisfy beyond its type: a sign, an interval, one of some symbols.
///
/// `Arguments` applies the check when it reads a given argument, so a body never sees a
/// learning rate below zero or an unknown `.symbol`, and every builtin words the error the
/// same way: `'learningRate' of 'SGD' must be a finite number ≥ 0, not -1.0`. Documentation
/// states the check next to the default (`≥ 0`, `in 0..<1`, `one of .linear, .log`).
public struct ParameterCheck: Sendable {
  enum Rule: Sendable {
    case positive
    case nonNegative
    case unitInterval
    case openUnitInterval
    case range(ClosedRange<Double>)
    case choices([String])
  }

  let rule: Rule
  /// The `help:` line of the error.
  public var help: String?
  /// The whole message, given the offending value as text, for wording that tests pin.
  var message: (@Sendable (String) -> String)?

  init(_ rule: Rule, help: String? = nil) {
    self.rule = rule
    self.help = help
  }

  /// More than zero: at least 1 for an Int, a finite number > 0 for a Double.
  public static let positive = ParameterCheck(.positive)
  /// Zero or more (finite, for a Double).
  public static let nonNegative = ParameterCheck(.nonNegative)
  /// In 0..<1: a probability that may be zero but not one (dropout, Adam's betas).
  public static let unitInterval = ParameterCheck(.unitInterval)
  /// Strictly between 0 and 1: a share of the data.
  public static let openUnitInterval = ParameterCheck(.openUnitInterval)

  /// Within `bounds`, both ends included.
  public static func range(_ bounds: ClosedRange<Int>, help: String? = nil) -> ParameterCheck {
    ParameterCheck(.range(Double(bounds.lowerBound)...Double(bounds.upperBound)), help: help)
  }

  public static func range(_ bounds: ClosedRange<Double>, help: String? = nil) -> ParameterCheck {
    ParameterCheck(.range(bounds), help: help)
  }

  /// One of some symbols (`.linear`, `.log`), written without the dot.
  public static func choices(_ names: [String]) -> ParameterCheck { ParameterCheck(.choices(names)) }

  /// The same check with its own message (`message(value)`), where existing wording is pinned.
  public func message(_ text: @escaping @Sendable (String) -> String) -> ParameterCheck {
    var copy = self
    copy.message = text
    return copy
  }

  /// As documentation states it: `≥ 0`, `in 0..<1`, `in 1...10000`, `one of .linear, .log`.
  public var description: String {
    switch rule {
    case .positive: return "> 0"
    case .nonNegative: return "≥ 0"
    case .unitInterval: return "in 0..<1"
    case .openUnitInterval: return "strictly between 0 and 1"
    case .range(let bounds): return "in \(Self.number(bounds.lowerBound))...\(Self.number(bounds.upperBound))"
    case .choices(let names): return "one of " + names.map { "." + $0 }.joined(separator: ", ")
    }
  }

  /// How an Int parameter's documentation states it (`≥ 1` rather than `> 0`).
  func description(for type: ParameterType) -> String {
    if case .positive = rule, type.isInteger { return "≥ 1" }
    return description
  }

  /// The error for `value` of the parameter `subject` names (`'learningRate' of 'SGD'`), or
  /// nil when the check passes or does not apply to a value of this kind (the type error
  /// comes from the accessor).
  func violation(of value: Value, subject: String) -> RuntimeError? {
    let problem: String?
    switch (rule, value) {
    case (.positive, .int(let v)): problem = v >= 1 ? nil : "must be at least 1, not \(v)"
    case (.positive, .double(let v)): problem = v.isFinite && v > 0 ? nil : "must be a finite number > 0, not \(v)"
    case (.nonNegative, .int(let v)): problem = v >= 0 ? nil : "must be ≥ 0, not \(v)"
    case (.nonNegative, .double(let v)): problem = v.isFinite && v >= 0 ? nil : "must be a finite number ≥ 0, not \(v)"
    case (.unitInterval, _):
      guard let x = Self.double(value) else { return nil }
      problem = (0..<1).contains(x) ? nil : "must be in 0..<1, not \(value)"
    case (.openUnitInterval, _):
      guard let x = Self.double(value) else { return nil }
      problem = x > 0 && x < 1 ? nil : "must be strictly between 0 and 1, not \(value)"
    case (.range(let bounds), _):
      guard let x = Self.double(value) else { return nil }
      problem =
        bounds.contains(x)
        ? nil : "must be between \(Self.number(bounds.lowerBound)) and \(Self.number(bounds.upperBound)), not \(value)"
    case (.choices(let names), _):
      guard let word = Self.word(value) else { return nil }
      guard !names.contains(word) else { return nil }
      return RuntimeError(
        .valueError, message?(".\(word)") ?? "\(subject) has no option '.\(word)'",
        help: help ?? "use " + names.map { "." + $0 }.joined(separator: " or "))
    default: return nil
    }
    guard let problem else { return nil }
    return RuntimeError(.valueError, message?(value.description) ?? "\(subject) \(problem)", help: help)
  }

  /// Whether `value` passes the check (a value of a kind the check does not apply to does).
  public func accepts(_ value: Value) -> Bool { violation(of: value, subject: "") == nil }

  static func double(_ value: Value) -> Double? {
    switch value {
    case .int(let v): return Double(v)
    case .double(let v): return v
    default: return nil
    }
  }

  /// The word of a symbol argument (`.log`, or `"log"`).
  static func word(_ value: Value) -> String? {
    switch value {
    case .host(let symbol as Symbol): return symbol.name
    case .string(let text): return text
    default: return nil
    }
  }

  /// A bound as written: `1`, not `1.0`.
  static func number(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
  }
}

extension ParameterType {
  /// Whether values of the type are whole numbers.
  var isInteger: Bool {
    switch self {
    case .int: return true
    case .optional(let wrapped): return wrapped.isInteger
    default: return false
    }
  }
}
