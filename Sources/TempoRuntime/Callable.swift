import TempoSyntax

/// Anything that can be called: a user function or closure, or a builtin.
public class Callable {
  public let name: String

  init(name: String) { self.name = name }

  /// The type as diagnostics show it: `(Int, Double) -> Double`.
  public var typeDescription: String { "function" }

  /// The labels callers write, in order (nil for an unlabeled parameter).
  public var parameterLabels: [String?] { [] }

  /// Documentation for `help` and inspection.
  public var documentation: Documentation? { nil }

  /// Calls with the arguments on the machine's stack from `argumentBase` to `top`; pops them.
  ///
  /// `labels` nil means a positional call from a builtin (`map(f)`), where labels are not
  /// written, as when Swift calls a function value.
  func invoke(_ m: Machine, argumentBase: Int, labels: [String?]?) throws -> Value {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
}

/// A function implemented in Swift: a language builtin, or a method of a host object.
///
/// Arguments are matched to `signature` with Swift's rules (labels in order, defaults may be
/// skipped, one variadic parameter) before `body` runs, so a body never sees a wrong label.
public final class BuiltinFunction: Callable {
  public let signature: Signature
  private let doc: Documentation?
  let body: (inout Arguments) throws -> Value

  public init(
    name: String, signature: Signature, documentation: Documentation? = nil,
    body: @escaping (inout Arguments) throws -> Value
  ) {
    self.signature = signature
    self.doc = documentation
    self.body = body
    super.init(name: name)
  }

  /// A builtin whose signature and summary come from its documentation.
  public convenience init(
    _ documentation: Documentation, body: @escaping (inout Arguments) throws -> Value
  ) {
    self.init(
      name: documentation.name, signature: documentation.signature ?? Signature([]),
      documentation: documentation, body: body)
  }

  public override var documentation: Documentation? { doc }
  public override var parameterLabels: [String?] { signature.parameters.map(\.label) }
  public override var typeDescription: String {
    "(" + signature.parameters.map(\.type).joined(separator: ", ") + ") -> \(signature.returns)"
  }

  override func invoke(_ m: Machine, argumentBase: Int, labels: [String?]?) throws -> Value {
    let given = Array(UnsafeBufferPointer(start: m.stack + argumentBase, count: m.top - argumentBase))
    m.pop(to: argumentBase)
    let labels = labels ?? Signature.positionalLabels(signature.parameters, count: given.count)
    let bound = try signature.bind(labels: labels, values: given, function: name)
    var arguments = Arguments(function: name, signature: signature, values: bound, machine: m)
    return try body(&arguments)
  }
}

/// A parameter list, for binding calls and for documentation.
public struct Signature: Sendable {
  public var parameters: [ParameterSpec]
  /// The result type as documentation shows it.
  public var returns: String

  public init(_ parameters: [ParameterSpec], returns: String = "Void") {
    self.parameters = parameters
    self.returns = returns
  }

  /// `name(_ x: Double, digits: Int = 2) -> String`
  public func rendered(name: String) -> String {
    let list = parameters.map { p -> String in
      var text = p.label == p.name ? p.name : "\(p.label ?? "_") \(p.name)"
      text += ": \(p.type)\(p.isVariadic ? "..." : "")"
      if let d = p.defaultText { text += " = \(d)" }
      return text
    }
    return "\(name)(\(list.joined(separator: ", ")))" + (returns == "Void" ? "" : " -> \(returns)")
  }

  /// The label a trailing closure carries: it fills the next parameter that takes a
  /// closure or has no default, whatever that parameter's label (Swift's forward scan).
  static let trailingClosureLabel = "{trailing closure}"

  /// The labels a positional call stands for: each parameter's own, the variadic one repeated.
  static func positionalLabels(_ parameters: [ParameterSpec], count: Int) -> [String?] {
    var labels: [String?] = []
    var index = 0
    while labels.count < count, index < parameters.count {
      labels.append(parameters[index].label)
      if !parameters[index].isVariadic { index += 1 }
    }
    while labels.count < count { labels.append(nil) }
    return labels
  }

  /// Matches call arguments to parameters with Swift's rules.
  ///
  /// - Returns: one value per parameter (a variadic parameter gets an array); nil where a
  ///   defaulted parameter was not given.
  /// - Throws: `TypeError` naming the label that is wrong, missing or extra.
  func bind(labels: [String?], values: [Value], function: String) throws -> [Value?] {
    var bound = [Value?](repeating: nil, count: parameters.count)
    var variadic: [Value] = []
    var p = 0
    for (label, value) in zip(labels, values) {
      var matched = false
      if label == Signature.trailingClosureLabel {
        // Prefer a parameter that takes a closure or needs an argument; otherwise the next.
        let start = p
        var chosen: Int?
        for index in p..<parameters.count {
          let parameter = parameters[index]
          if !parameter.hasDefault || parameter.type.contains("->") || parameter.type == "function" {
            chosen = index
            break
          }
        }
        if chosen == nil, start < parameters.count { chosen = start }
        guard let chosen else {
          throw RuntimeError(
            .typeError, "extra trailing closure passed in call to '\(function)'",
            help: "'\(function)' is declared as \(rendered(name: function))")
        }
        bound[chosen] = value
        p = chosen + 1
        continue
      }
      let scanStart = p
      while p < parameters.count {
        let parameter = parameters[p]
        if parameter.label == label {
          if parameter.isVariadic {
            variadic.append(value)
          } else {
            bound[p] = value
            p += 1
          }
          matched = true
          break
        }
        if parameter.hasDefault || parameter.isVariadic {
          p += 1
          continue
        }
        break
      }
      if !matched {
        throw labelError(label: label, at: p, scanStart: scanStart, function: function)
      }
    }
    for (index, parameter) in parameters.enumerated() where bound[index] == nil {
      if parameter.isVariadic {
        bound[index] = .array(variadic)
      } else if !parameter.hasDefault {
        let shown = parameter.label.map { "'\($0):'" } ?? "'\(parameter.name)'"
        throw RuntimeError(
          .typeError, "missing argument for parameter \(shown) in call to '\(function)'",
          help: "'\(function)' is declared as \(rendered(name: function))")
      }
    }
    return bound
  }

  private func labelError(label: String?, at p: Int, scanStart: Int, function: String) -> RuntimeError {
    let declared = "'\(function)' is declared as \(rendered(name: function))"
    // A label close to one of the parameters it could have meant is a typo: say which.
    if let label, scanStart < parameters.count,
      let near = Suggestions.closest(to: label, among: parameters[scanStart...].compactMap(\.label))
    {
      return RuntimeError(
        .typeError, "incorrect argument label in call to '\(function)' (have '\(label):', expected '\(near):')",
        help: "did you mean '\(near):'? \(declared)")
    }
    if p >= parameters.count {
      let lastIsVariadic = parameters.last?.isVariadic ?? false
      if let label, !lastIsVariadic || parameters.last?.label != nil {
        let labels = parameters.compactMap(\.label)
        if let near = Suggestions.closest(to: label, among: labels) {
          return RuntimeError(
            .typeError, "incorrect argument label in call to '\(function)' (have '\(label):')",
            help: "did you mean '\(near):'? \(declared)")
        }
        return RuntimeError(
          .typeError, "extra argument '\(label)' in call to '\(function)'", help: declared)
      }
      return RuntimeError(.typeError, "extra argument in call to '\(function)'", help: declared)
    }
    let expected = parameters[p]
    switch (label, expected.label) {
    case (nil, let want?):
      return RuntimeError(
        .typeError, "missing argument label '\(want):' in call to '\(function)'",
        help: "write '\(want): …'; \(declared)")
    case (let have?, nil):
      return RuntimeError(
        .typeError, "extraneous argument label '\(have):' in call to '\(function)'",
        help: "remove the label; \(declared)")
    case (let have?, let want?):
      let labels = parameters.compactMap(\.label)
      let near = Suggestions.closest(to: have, among: labels) ?? want
      return RuntimeError(
        .typeError,
        "incorrect argument label in call to '\(function)' (have '\(have):', expected '\(want):')",
        help: "did you mean '\(near):'? \(declared)")
    case (nil, nil):
      return RuntimeError(.typeError, "extra argument in call to '\(function)'", help: declared)
    }
  }
}

public struct ParameterSpec: Sendable {
  /// The label callers write; nil for `_`.
  public var label: String?
  public var name: String
  /// The type as documentation shows it.
  public var type: String
  /// The default as documentation shows it; nil when the argument is required.
  public var defaultText: String?
  public var isVariadic: Bool
  /// One line for the parameter list in `help`.
  public var summary: String

  public var hasDefault: Bool { defaultText != nil }

  public init(
    _ label: String?, _ name: String? = nil, type: String, default defaultText: String? = nil,
    variadic: Bool = false, _ summary: String = ""
  ) {
    self.label = label
    self.name = name ?? label ?? "value"
    self.type = type
    self.defaultText = defaultText
    self.isVariadic = variadic
    self.summary = summary
  }
}

/// The bound arguments of a builtin call, with typed accessors whose errors name the parameter.
public struct Arguments {
  public let function: String
  let signature: Signature
  public var values: [Value?]
  unowned let machine: Machine

  init(function: String, signature: Signature, values: [Value?], machine: Machine) {
    self.function = function
    self.signature = signature
    self.values = values
    self.machine = machine
  }

  public var count: Int { values.count }

  /// The argument for parameter `index`, or nil when a defaulted argument was omitted.
  public subscript(index: Int) -> Value? { values[index] }

  /// The name a caller knows parameter `index` by: its label, or its name when unlabeled.
  public func parameterName(_ index: Int) -> String {
    let parameter = signature.parameters[index]
    return parameter.label ?? parameter.name
  }

  public func typeError(_ index: Int, expected: String, got value: Value) -> RuntimeError {
    let parameter = signature.parameters[index]
    return RuntimeError(
      .typeError,
      "cannot convert value of type '\(value.typeName)' to expected argument type '\(expected)'",
      help: "'\(parameter.label ?? parameter.name)' of '\(function)' takes \(parameter.type)")
  }

  public func int(_ index: Int, default fallback: Int? = nil) throws -> Int {
    guard let value = values[index] else {
      if let fallback { return fallback }
      throw RuntimeError(.typeError, "missing argument '\(signature.parameters[index].name)'")
    }
    guard case .int(let v) = value else { throw typeError(index, expected: "Int", got: value) }
    return v
  }

  public func double(_ index: Int, default fallback: Double? = nil) throws -> Double {
    guard let value = values[index] else {
      if let fallback { return fallback }
      throw RuntimeError(.typeError, "missing argument '\(signature.parameters[index].name)'")
    }
    switch value {
    case .double(let v): return v
    case .int(let v): return Double(v)
    default: throw typeError(index, expected: "Double", got: value)
    }
  }

  public func string(_ index: Int, default fallback: String? = nil) throws -> String {
    guard let value = values[index] else {
      if let fallback { return fallback }
      throw RuntimeError(.typeError, "missing argument '\(signature.parameters[index].name)'")
    }
    guard case .string(let v) = value else { throw typeError(index, expected: "String", got: value) }
    return v
  }

  public func bool(_ index: Int, default fallback: Bool? = nil) throws -> Bool {
    guard let value = values[index] else {
      if let fallback { return fallback }
      throw RuntimeError(.typeError, "missing argument '\(signature.parameters[index].name)'")
    }
    guard case .bool(let v) = value else { throw typeError(index, expected: "Bool", got: value) }
    return v
  }

  /// The argument as an array of values; ranges, strings and dictionaries are turned into
  /// their elements as `for … in` would.
  public func sequence(_ index: Int) throws -> [Value] {
    guard let value = values[index] else { return [] }
    guard let elements = try Sequences.elements(of: value, limits: machine.limits) else {
      throw typeError(index, expected: "a sequence", got: value)
    }
    return elements
  }

  public func function(_ index: Int) throws -> Value {
    guard let value = values[index] else {
      throw RuntimeError(.typeError, "missing argument '\(signature.parameters[index].name)'")
    }
    guard case .function = value else {
      throw typeError(index, expected: "a function or closure", got: value)
    }
    return value
  }

  /// Calls a function value (a closure argument, say) with positional arguments.
  public func call(_ function: Value, _ arguments: [Value]) throws -> Value {
    try machine.call(function, arguments)
  }

  /// Where output goes.
  public var output: OutputSink { machine.output }

  public var limits: ExecutionLimits { machine.limits }

  /// The session's environment.
  public var environment: Environment { machine.environment }
}

extension Machine {
  /// Calls a function value with positional arguments (from builtins such as `map`).
  func call(_ callee: Value, _ arguments: [Value]) throws -> Value {
    guard case .function(let function) = callee else {
      throw RuntimeError(
        .typeError, "cannot call value of non-function type '\(callee.typeName)'")
    }
    let argumentBase = top
    do {
      for argument in arguments { try push(argument) }
    } catch {
      pop(to: argumentBase)
      throw error
    }
    return try function.invoke(self, argumentBase: argumentBase, labels: nil)
  }
}
