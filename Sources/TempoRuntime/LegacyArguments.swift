// Temporary: the positional API TempoLibrary still uses until its builtins are converted to
// named parameters (this file goes away with that conversion).

extension ParameterSpec {
  public init(
    _ label: String?, _ name: String? = nil, type: String, default defaultText: String? = nil,
    variadic: Bool = false, _ summary: String = ""
  ) {
    self.init(
      label, name ?? label ?? "value", type.contains("->") ? .function(type) : .generic(type),
      default: defaultText.map { .computed($0) } ?? .required,
      variadic: variadic, summary)
  }
}

extension Arguments {
  public subscript(index: Int) -> Value? { values[index] }

  public func parameterName(_ index: Int) -> String {
    let parameter = signature.parameters[index]
    return writtenLabels[index] ?? parameter.label ?? parameter.name
  }

  public func typeError(_ index: Int, expected: String, got value: Value) -> RuntimeError {
    typeError(signature.parameters[index].name, expected: expected, got: value)
  }

  public func int(_ index: Int, default fallback: Int? = nil) throws -> Int {
    guard values[index] != nil else {
      if let fallback { return fallback }
      return try int(signature.parameters[index].name)
    }
    return try int(signature.parameters[index].name)
  }

  public func double(_ index: Int, default fallback: Double? = nil) throws -> Double {
    guard values[index] != nil else {
      if let fallback { return fallback }
      return try double(signature.parameters[index].name)
    }
    return try double(signature.parameters[index].name)
  }

  public func string(_ index: Int, default fallback: String? = nil) throws -> String {
    guard values[index] != nil else {
      if let fallback { return fallback }
      return try string(signature.parameters[index].name)
    }
    return try string(signature.parameters[index].name)
  }

  public func bool(_ index: Int, default fallback: Bool? = nil) throws -> Bool {
    guard values[index] != nil else {
      if let fallback { return fallback }
      return try bool(signature.parameters[index].name)
    }
    return try bool(signature.parameters[index].name)
  }

  public func sequence(_ index: Int) throws -> [Value] { try sequence(signature.parameters[index].name) }

  public func function(_ index: Int) throws -> Value { try function(signature.parameters[index].name) }
}
