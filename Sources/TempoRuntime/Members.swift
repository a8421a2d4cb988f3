import TempoSyntax

/// Properties and methods of the built-in value types (`a.count`, `a.map { … }`,
/// `s.uppercased()`, `a.append(x)`), and the route to host objects' members.
enum Members {
  struct Method: Sendable {
    let documentation: Documentation
    let body: @Sendable (Value, inout Arguments) throws -> Value
  }

  static func get(_ value: Value, _ name: String, _ m: Machine) throws -> Value {
    if case .host(let object) = value {
      if let member = try object.member(name) { return member }
      if let type = object as? TypeObject {
        let near = Suggestions.closest(to: name, among: type.memberNames)
        throw RuntimeError(
          .typeError, "type '\(type.name)' has no member '\(name)'", help: near.map { "did you mean '\($0)'?" })
      }
      if let help = object.missingMemberHelp(name) {
        throw RuntimeError(.typeError, "value of type '\(value.typeName)' has no member '\(name)'", help: help)
      }
      throw noMember(value, name, candidates: object.memberNames)
    }
    if let property = try property(value, name) { return property }
    if let method = method(for: value, name) {
      let receiver = value
      let function = BuiltinFunction(
        name: name, signature: method.documentation.signature ?? Signature([]),
        documentation: method.documentation
      ) { arguments in try method.body(receiver, &arguments) }
      return .function(function)
    }
    throw noMember(value, name, candidates: names(of: value))
  }

  static func noMember(_ value: Value, _ name: String, candidates: [String]) -> RuntimeError {
    let near = Suggestions.closest(to: name, among: candidates)
    if let labels = value.tupleLabels {
      return RuntimeError(
        .typeError, "value of tuple type '\(value.typeName)' has no member '\(name)'",
        help: near.map { "did you mean '\($0)'?" } ?? tupleHelp(labels))
    }
    return RuntimeError(
      .typeError, "value of type '\(value.typeName)' has no member '\(name)'",
      help: near.map { "did you mean '\($0)'?" })
  }

  /// What a tuple's elements are called, for a member it does not have.
  private static func tupleHelp(_ labels: [String?]) -> String? {
    guard !labels.isEmpty else { return nil }
    let named = labels.compactMap { $0 }.map { "'\($0)'" }
    let positions = "'.0'" + (labels.count > 1 ? " through '.\(labels.count - 1)'" : "")
    if named.isEmpty { return "its elements have no labels; use \(positions)" }
    return "its labels are \(named.joined(separator: ", "))"
  }

  /// The members completion offers after `value.`.
  static func names(of value: Value) -> [String] {
    if case .host(let object) = value { return object.memberNames }
    var result = propertyNames(of: value)
    for table in tables(for: value) { result += table.keys }
    if isMutable(value) { result += mutatingNames(of: value) }
    return Array(Set(result)).sorted()
  }

  static func propertyNames(of value: Value) -> [String] {
    switch value {
    case .array: return ["count", "isEmpty", "first", "last", "indices"]
    case .string: return ["count", "isEmpty", "first", "last"]
    case .dictionary: return ["count", "isEmpty", "keys", "values"]
    case .range: return ["count", "isEmpty", "lowerBound", "upperBound"]
    case .labeledTuple(_, let labels): return labels.compactMap { $0 }
    case .double: return ["isNaN", "isFinite", "isInfinite", "truncatingRemainder", "rounded", "squareRoot"]
    default: return []
    }
  }

  static func property(_ value: Value, _ name: String) throws -> Value? {
    switch (value, name) {
    case (.labeledTuple(let elements, let labels), _):
      return labels.firstIndex(of: name).map { elements[$0] }
    case (.array(let e), "count"): return .int(e.count)
    case (.array(let e), "isEmpty"): return .bool(e.isEmpty)
    case (.array(let e), "first"): return e.first ?? .nil
    case (.array(let e), "last"): return e.last ?? .nil
    case (.array(let e), "indices"): return .range(lower: 0, upper: e.count, isClosed: false)
    case (.string(let s), "count"): return .int(s.count)
    case (.string(let s), "isEmpty"): return .bool(s.isEmpty)
    case (.string(let s), "first"): return s.first.map { .string(String($0)) } ?? .nil
    case (.string(let s), "last"): return s.last.map { .string(String($0)) } ?? .nil
    case (.dictionary(let d), "count"): return .int(d.count)
    case (.dictionary(let d), "isEmpty"): return .bool(d.count == 0)
    case (.dictionary(let d), "keys"): return .array(d.keys)
    case (.dictionary(let d), "values"): return .array(d.values)
    case (.range(let l, let u, let c), "count"):
      let (span, overflow) = u.subtractingReportingOverflow(l)
      if overflow || (c && span == Int.max) {
        throw RuntimeError(.overflowError, "the range \(value) has more than Int.max elements")
      }
      return .int(c ? span + 1 : span)
    case (.range(let l, let u, let c), "isEmpty"): return .bool(!c && l == u)
    case (.range(let l, _, _), "lowerBound"): return .int(l)
    case (.range(_, let u, _), "upperBound"): return .int(u)
    case (.double(let x), "isNaN"): return .bool(x.isNaN)
    case (.double(let x), "isFinite"): return .bool(x.isFinite)
    case (.double(let x), "isInfinite"): return .bool(x.isInfinite)
    default: return nil
    }
  }

  static func tables(for value: Value) -> [[String: Method]] {
    switch value {
    case .double: return [NumberMethods.all]
    case .array, .range: return [SequenceMethods.all]
    case .string: return [StringMethods.all, SequenceMethods.all]
    case .dictionary: return [DictionaryMethods.all, SequenceMethods.all]
    default: return []
    }
  }

  static func method(for value: Value, _ name: String) -> Method? {
    for table in tables(for: value) {
      if let method = table[name] { return method }
    }
    return nil
  }

  // MARK: - Mutating methods

  static func isMutable(_ value: Value) -> Bool {
    switch value {
    case .array, .dictionary, .string: return true
    default: return false
    }
  }

  static func mutatingNames(of value: Value) -> [String] {
    switch value {
    case .array: return Array(MutatingMethods.array.keys)
    case .dictionary: return Array(MutatingMethods.dictionary.keys)
    case .string: return Array(MutatingMethods.string.keys)
    default: return []
    }
  }

  static func isMutating(_ name: String, on value: Value) -> Bool {
    mutatingMethod(name, on: value) != nil
  }

  static func mutatingMethod(_ name: String, on value: Value) -> MutatingMethods.Method? {
    switch value {
    case .array: return MutatingMethods.array[name]
    case .dictionary: return MutatingMethods.dictionary[name]
    case .string: return MutatingMethods.string[name]
    default: return nil
    }
  }

  static func callMutating(
    _ value: inout Value, _ name: String, _ arguments: [Value], _ labels: [String?], _ m: Machine
  ) throws -> Value {
    guard let method = mutatingMethod(name, on: value), let signature = method.documentation.signature
    else {
      throw noMember(value, name, candidates: names(of: value))
    }
    let binding = try signature.bind(labels: labels, values: arguments, function: name)
    m.warnAboutDeprecatedLabels(binding, function: name)
    var args = Arguments(function: name, signature: signature, binding: binding, machine: m)
    return try method.body(&value, &args)
  }

  /// All documentation of members, for `docs/builtins.md`.
  static var allDocumentation: [(String, [Documentation])] {
    [
      ("Sequence members (arrays, ranges, strings, dictionaries)", SequenceMethods.all.values.map(\.documentation)),
      ("Array mutating members", MutatingMethods.array.values.map(\.documentation)),
      (
        "String members",
        StringMethods.all.values.map(\.documentation) + MutatingMethods.string.values.map(\.documentation)
      ),
      ("Double members", NumberMethods.all.values.map(\.documentation)),
      (
        "Dictionary members",
        DictionaryMethods.all.values.map(\.documentation) + MutatingMethods.dictionary.values.map(\.documentation)
      ),
      ("DisplayHandle members", DisplayHandle.memberDocumentation),
    ].map { ($0.0, $0.1.sorted { $0.name < $1.name }) }
  }
}
