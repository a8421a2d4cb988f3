/// The bound arguments of a builtin call, read by parameter name.
///
/// Each accessor returns the given argument or, when it was omitted, the declared default, and
/// applies the parameter's declared check to a given one: `try args.double("learningRate")`.
/// Errors name the function and the parameter as the call wrote it (`'xscale' of 'plot'` for
/// a deprecated spelling), and a type error says which type the parameter takes.
public struct Arguments {
  public let function: String
  let signature: Signature
  /// One per parameter; nil where a defaulted argument was omitted.
  var values: [Value?]
  /// The deprecated label a call wrote for a parameter, if it wrote one.
  var writtenLabels: [String?]
  unowned let machine: Machine

  init(function: String, signature: Signature, binding: Signature.Binding, machine: Machine) {
    self.init(
      function: function, signature: signature, values: binding.values, writtenLabels: binding.writtenLabels,
      machine: machine)
  }

  init(function: String, signature: Signature, values: [Value?], writtenLabels: [String?], machine: Machine) {
    self.function = function
    self.signature = signature
    self.values = values
    self.writtenLabels = writtenLabels
    self.machine = machine
  }

  // MARK: - Parameters

  private func index(_ name: String) throws -> Int {
    guard let index = signature.parameters.firstIndex(where: { $0.name == name }) else {
      throw RuntimeError(.valueError, "internal error: '\(function)' has no parameter named '\(name)'")
    }
    return index
  }

  private func parameter(_ index: Int) -> ParameterSpec { signature.parameters[index] }

  /// The name a caller knows the parameter by: the label written, else its label, else its name.
  public func label(_ name: String) -> String {
    guard let index = try? index(name) else { return name }
    return label(at: index)
  }

  private func label(at index: Int) -> String {
    writtenLabels[index] ?? parameter(index).label ?? parameter(index).name
  }

  /// `'learningRate' of 'SGD'`: how errors about an argument begin.
  public func subject(_ name: String) -> String { "'\(label(name))' of '\(function)'" }

  /// Whether the argument was written in the call, even as `nil`.
  public func isGiven(_ name: String) -> Bool {
    guard let index = try? index(name) else { return false }
    return values[index] != nil
  }

  /// Whether the argument was written in the call and is not `nil`.
  public func has(_ name: String) -> Bool {
    guard let index = try? index(name), let value = values[index] else { return false }
    return !value.isNil
  }

  // MARK: - Errors

  /// `cannot convert value of type 'String' to expected argument type 'Double'`, with a help
  /// line naming the parameter and its declared type (and check).
  public func typeError(_ name: String, expected: String? = nil, got value: Value) -> RuntimeError {
    guard let index = try? index(name) else {
      return RuntimeError(.typeError, "cannot convert value of type '\(value.typeName)' in call to '\(function)'")
    }
    return typeError(at: index, expected: expected, got: value)
  }

  private func typeError(at index: Int, expected: String?, got value: Value) -> RuntimeError {
    let spec = parameter(index)
    let check = spec.check.map { " (\($0.description(for: spec.type)))" } ?? ""
    return RuntimeError(
      .typeError,
      "cannot convert value of type '\(value.typeName)' to expected argument type '\(expected ?? spec.type.description)'",
      help: "'\(label(at: index))' of '\(function)' takes \(spec.type)\(check)")
  }

  /// A ValueError about an argument: `'columns' of 'grid' must be at least 1, not 0`.
  public func invalid(_ name: String, _ problem: String, help: String? = nil) -> RuntimeError {
    RuntimeError(.valueError, "\(subject(name)) \(problem)", help: help)
  }

  // MARK: - Values

  /// The given argument, or the default value; nil when omitted and the default is computed.
  private func raw(_ index: Int) -> Value? {
    values[index] ?? parameter(index).defaultArgument?.value
  }

  /// Applies the declared check to a given argument (declared defaults pass their checks).
  private func checked(_ index: Int, _ value: Value) throws -> Value {
    guard values[index] != nil, let check = parameter(index).check else { return value }
    if let error = check.violation(of: value, subject: "'\(label(at: index))' of '\(function)'") { throw error }
    return value
  }

  private func required(_ index: Int) throws -> Value {
    guard let value = raw(index) else {
      throw RuntimeError(.typeError, "missing argument '\(label(at: index))' in call to '\(function)'")
    }
    return value
  }

  /// The argument as given (checked), or the default value. An omitted argument whose default
  /// the builtin computes is an error: ask `isGiven` first.
  public func value(_ name: String) throws -> Value {
    let index = try index(name)
    return try checked(index, try required(index))
  }

  /// The argument, or nil when omitted (without a default value) or `nil`.
  public func optionalValue(_ name: String) throws -> Value? {
    let index = try index(name)
    guard let value = raw(index), !value.isNil else { return nil }
    return try checked(index, value)
  }

  public func int(_ name: String) throws -> Int {
    let index = try index(name)
    let value = try required(index)
    guard case .int(let v) = value else { throw typeError(at: index, expected: "Int", got: value) }
    _ = try checked(index, value)
    return v
  }

  /// An Int, or nil when omitted or `nil`.
  public func optionalInt(_ name: String) throws -> Int? {
    guard try optionalValue(name) != nil else { return nil }
    return try int(name)
  }

  /// A Double; an Int argument is converted.
  public func double(_ name: String) throws -> Double {
    let index = try index(name)
    let value = try required(index)
    let x: Double
    switch value {
    case .double(let v): x = v
    case .int(let v): x = Double(v)
    default: throw typeError(at: index, expected: "Double", got: value)
    }
    _ = try checked(index, .double(x))
    return x
  }

  /// A Double, or nil when omitted or `nil`.
  public func optionalDouble(_ name: String) throws -> Double? {
    guard try optionalValue(name) != nil else { return nil }
    return try double(name)
  }

  public func bool(_ name: String) throws -> Bool {
    let index = try index(name)
    let value = try required(index)
    guard case .bool(let v) = value else { throw typeError(at: index, expected: "Bool", got: value) }
    return v
  }

  public func string(_ name: String) throws -> String {
    let index = try index(name)
    let value = try required(index)
    guard case .string(let v) = value else { throw typeError(at: index, expected: "String", got: value) }
    _ = try checked(index, value)
    return v
  }

  /// A String, or nil when omitted or `nil`.
  public func optionalString(_ name: String) throws -> String? {
    guard try optionalValue(name) != nil else { return nil }
    return try string(name)
  }

  /// The word of a symbol (`.log`, or the string `"log"`), checked against the declared choices.
  public func symbol(_ name: String) throws -> String {
    let index = try index(name)
    let value = try required(index)
    guard let word = ParameterCheck.word(value) else { throw typeError(at: index, expected: "Symbol", got: value) }
    _ = try checked(index, value)
    return word
  }

  /// A symbol's word, or nil when omitted or `nil`.
  public func optionalSymbol(_ name: String) throws -> String? {
    guard try optionalValue(name) != nil else { return nil }
    return try symbol(name)
  }

  /// The argument as an array of values; ranges, strings and dictionaries are turned into
  /// their elements as `for … in` would. A variadic parameter gives its arguments.
  public func sequence(_ name: String) throws -> [Value] {
    let index = try index(name)
    guard let value = raw(index), !(values[index] == nil && value.isNil) else { return [] }
    guard let elements = try Sequences.elements(of: value, limits: machine.limits) else {
      throw typeError(at: index, expected: "a sequence", got: value)
    }
    return elements
  }

  /// A function or closure.
  public func function(_ name: String) throws -> Value {
    let index = try index(name)
    let value = try required(index)
    guard case .function = value else { throw typeError(at: index, expected: "a function or closure", got: value) }
    return value
  }

  /// A function or closure, or nil when omitted or `nil`.
  public func optionalFunction(_ name: String) throws -> Value? {
    guard try optionalValue(name) != nil else { return nil }
    return try function(name)
  }

  /// Calls a function value (a closure argument, say) with positional arguments.
  public func call(_ function: Value, _ arguments: [Value]) throws -> Value {
    try machine.call(function, arguments)
  }

  /// The arguments without the first parameter's, for a method called through a free
  /// function (`map(xs) { … }` is `xs.map { … }`).
  func droppingFirst(signature rest: Signature) -> Arguments {
    Arguments(
      function: function, signature: rest, values: Array(values.dropFirst()),
      writtenLabels: Array(writtenLabels.dropFirst()), machine: machine)
  }

  // MARK: - Session

  /// Where output goes.
  public var output: OutputSink { machine.output }

  public var limits: ExecutionLimits { machine.limits }

  /// The session's environment.
  public var environment: Environment { machine.environment }
}
