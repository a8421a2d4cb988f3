import TempoSyntax

/// What completion knows about the expression before a `.`: its value when reading it has no
/// effect (a variable, a literal, a member of a value), otherwise only its type, inferred from
/// what builtins declare they return (`SGD(learningRate: 0.1)` is an `Optimizer`, `fit(…)` a
/// `Run`). Nothing is ever called: completing `fit(net, on: data).` must not train.
enum Inferred {
  case value(Value)
  /// A type as documentation spells it: `Optimizer`, `[Run]`, `Double?`, `Dataset or DataSplit`.
  case type(String)
}

extension Environment {
  /// The members to offer after `receiver.`, where `receiver` is source text (`SGD(…)`,
  /// `runs[0].model`, `"abc"`); `earlier` is the cell's text before the current statement, whose
  /// `let x = …` declarations count as they would once run. Nil when nothing is known.
  func memberCompletions(of receiver: String, earlier: String) -> [String]? {
    let parsed = Parser.parse(SourceFile(name: "<completion>", text: receiver))
    guard parsed.diagnostics.isEmpty, parsed.statements.count == 1,
      case .expression(let expression) = parsed.statements[0].kind
    else { return nil }
    var inference = CompletionInference(environment: self)
    inference.declare(Parser.parse(SourceFile(name: "<completion>", text: earlier)).statements)
    return inference.infer(expression).map(memberNames(of:))
  }

  /// The member names of an inferred value or type.
  func memberNames(of inferred: Inferred) -> [String] {
    switch inferred {
    case .value(let value): return Members.names(of: value)
    case .type(let type): return memberNames(ofType: type)
    }
  }

  func memberNames(ofType type: String) -> [String] {
    let alternatives = CompletionInference.alternatives(type)
    if alternatives.count > 1 {
      return Array(Set(alternatives.flatMap { memberNames(ofType: $0) })).sorted()
    }
    let type = CompletionInference.unwrapped(type)
    if let members = hostMemberTypes[type] { return members.keys.sorted() }
    if let sample = CompletionInference.sample(ofType: type) { return Members.names(of: sample) }
    return []
  }
}

/// Static inference over one expression, for completion.
struct CompletionInference {
  let environment: Environment
  /// Declarations earlier in the cell, not yet run: their initial expressions.
  var declared: [String: Expr] = [:]
  /// Bounds the work on self-referential declarations (`let a = a.b`).
  private var depth = 0

  init(environment: Environment) { self.environment = environment }

  mutating func declare(_ statements: [Stmt]) {
    for statement in statements {
      if case .declaration(_, .name(let name, _), _, let value?) = statement.kind { declared[name] = value }
    }
  }

  mutating func infer(_ expression: Expr) -> Inferred? {
    depth += 1
    defer { depth -= 1 }
    guard depth < 32 else { return nil }
    switch expression.kind {
    case .integer(let n): return .value(.int(n))
    case .float(let x): return .value(.double(x))
    case .bool(let b): return .value(.bool(b))
    case .string(let parts):
      if parts.count == 1, case .text(let text) = parts[0] { return .value(.string(text)) }
      return .type("String")
    case .array: return .value(.array([]))
    case .dictionary: return .value(.dictionary(OrderedMap()))
    case .tuple(let elements, let labels) where elements.count == 1 && labels == [nil]:
      return infer(elements[0])
    case .name(let name):
      if let declaration = declared[name] {
        declared[name] = nil
        defer { declared[name] = declaration }
        return infer(declaration)
      }
      return environment.globals.value(named: name).map(Inferred.value)
    case .member(let base, let name, _): return member(name, of: infer(base))
    case .call(let callee, _): return result(of: callee)
    case .subscriptAccess(let base, let arguments): return element(of: infer(base), at: arguments)
    case .tupleElement(let base, let index):
      guard case .value(let value)? = infer(base), let elements = value.tupleElements, elements.indices.contains(index)
      else { return nil }
      return .value(elements[index])
    case .forceUnwrap(let inner):
      switch infer(inner) {
      case .type(let type)?: return .type(Self.unwrapped(type))
      case let other: return other
      }
    default: return nil
    }
  }

  /// `base.name`, read without calling anything.
  private func member(_ name: String, of base: Inferred?) -> Inferred? {
    switch base {
    case .value(.host(let object))?:
      if let member = try? object.member(name) { return .value(member) }
      return nil
    case .value(let value)?:
      if let property = try? Members.property(value, name) { return .value(property) }
      return nil
    case .type(let type)?:
      guard let declared = memberType(name, of: type) else { return nil }
      // A method read without a call is a function: nothing to offer after it.
      return declared.hasPrefix("->") ? nil : .type(declared)
    case nil: return nil
    }
  }

  /// What calling `callee` returns, from its declaration; the call is never made.
  private mutating func result(of callee: Expr) -> Inferred? {
    if case .member(let base, let name, _) = callee.kind {
      let receiver = infer(base)
      if case .type(let type)? = receiver {
        guard let declared = memberType(name, of: type) else { return nil }
        return .type(declared.hasPrefix("->") ? String(declared.dropFirst(2)).trimmed : declared)
      }
      guard case .value(let value)? = receiver else { return nil }
      if case .host(let object) = value {
        if let type = environment.hostMemberTypes[object.typeName]?[name], type.hasPrefix("->") {
          return .type(String(type.dropFirst(2)).trimmed)
        }
        guard let method = try? object.member(name) else { return nil }
        return returned(by: method)
      }
      guard let method = Members.method(for: value, name), let returns = method.documentation.signature?.returns,
        Self.isConcrete(returns)
      else { return nil }
      return .type(returns)
    }
    guard case .value(let value)? = infer(callee) else { return nil }
    return returned(by: value)
  }

  private func returned(by callee: Value) -> Inferred? {
    switch callee {
    case .function(let function):
      // A user function says what it returns by its declared type (`func f() -> Model`).
      let declared = (function as? UserFunction)?.template.returnType?.description
      guard
        let returns = declared ?? (function as? BuiltinFunction)?.signature.returns
          ?? function.documentation?.signature?.returns
      else { return nil }
      return Self.isConcrete(returns) ? .type(returns) : nil
    case .host(let type as TypeObject): return .type(type.name)
    default: return nil
    }
  }

  /// `base[…]`: an element of a value when the index is a literal, else the element type.
  private mutating func element(of base: Inferred?, at arguments: [Argument]) -> Inferred? {
    let index = arguments.first.flatMap { argument -> Value? in
      guard case .value(let value)? = infer(argument.value) else { return nil }
      return value
    }
    switch base {
    case .value(.array(let elements))?:
      if case .int(let i)? = index, elements.indices.contains(i) { return .value(elements[i]) }
      return elements.first.map(Inferred.value)
    case .value(.string)?: return .type("String")
    case .value(.dictionary(let map))?:
      if let index, let found = map.keys.firstIndex(where: { Self.sameKey($0, index) }) {
        return .value(map.values[found])
      }
      return map.values.first.map(Inferred.value)
    case .value(.host(let object))?:
      if let declared = environment.hostMemberTypes[object.typeName]?["subscript"] {
        return .type(String(declared.dropFirst(2)).trimmed)
      }
      return nil
    case .type(let type)?:
      let type = Self.unwrapped(type)
      if type.hasPrefix("["), type.hasSuffix("]") {
        let inside = String(type.dropFirst().dropLast())
        if let colon = Self.topLevelColon(inside) {
          return .type(String(inside[inside.index(after: colon)...]).trimmed + "?")
        }
        return .type(inside)
      }
      if let declared = memberType("subscript", of: type) { return .type(String(declared.dropFirst(2)).trimmed) }
      return nil
    case .value?, nil: return nil
    }
  }

  private func memberType(_ name: String, of type: String) -> String? {
    for part in Self.alternatives(type).map(Self.unwrapped) {
      if let declared = environment.hostMemberTypes[part]?[name] { return declared }
      if let sample = Self.sample(ofType: part), let value = try? Members.property(sample, name) {
        return value.typeName
      }
      if let sample = Self.sample(ofType: part), let method = Members.method(for: sample, name),
        let returns = method.documentation.signature?.returns, Self.isConcrete(returns)
      {
        return "-> " + returns
      }
    }
    return nil
  }

  /// Whether two literal keys are equal (strings and whole numbers are what keys are written as).
  static func sameKey(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    default: return false
    }
  }

  /// A value standing for a built-in type, whose member names are that type's.
  static func sample(ofType type: String) -> Value? {
    switch type {
    case "Int": return .int(0)
    case "Double": return .double(0)
    case "Bool": return .bool(false)
    case "String": return .string("")
    default:
      guard type.hasPrefix("["), type.hasSuffix("]") else { return nil }
      return topLevelColon(String(type.dropFirst().dropLast())) == nil ? .array([]) : .dictionary(OrderedMap())
    }
  }

  /// The types of `A, B or C` (documentation's spelling of a choice), split outside brackets.
  static func alternatives(_ type: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var depth = 0
    for character in unwrapped(type) {
      switch character {
      case "[", "(": depth += 1
      case "]", ")": depth -= 1
      default: break
      }
      current.append(character)
      if depth == 0 {
        for separator in [", ", " or "] where current.hasSuffix(separator) {
          parts.append(String(current.dropLast(separator.count)))
          current = ""
        }
      }
    }
    parts.append(current)
    return parts.map(\.trimmed).filter { !$0.isEmpty }
  }

  /// `Run?` and `(Run)?` as `Run`.
  static func unwrapped(_ type: String) -> String {
    var type = type.trimmed
    while type.hasSuffix("?") { type.removeLast() }
    if type.hasPrefix("("), type.hasSuffix(")"), !type.contains(",") { type = String(type.dropFirst().dropLast()) }
    return type
  }

  /// Whether a declared result names a type (not `Any`, `Void` or a generic placeholder).
  static func isConcrete(_ type: String) -> Bool {
    !["Any", "Void", "T", "Element", "U", "Value"].contains(unwrapped(type))
  }

  /// The `:` of `[K: V]` at bracket depth zero.
  static func topLevelColon(_ text: String) -> String.Index? {
    var depth = 0
    for index in text.indices {
      switch text[index] {
      case "[", "(": depth += 1
      case "]", ")": depth -= 1
      case ":" where depth == 0: return index
      default: break
      }
    }
    return nil
  }
}

extension String {
  var trimmed: String {
    var text = Substring(self)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
  }

  /// The pieces between occurrences of `separator` (no Foundation in this module).
  func components(_ separator: String) -> [String] {
    var pieces: [String] = []
    var rest = Substring(self)
    while let range = rest.firstRange(of: separator) {
      pieces.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    pieces.append(String(rest))
    return pieces
  }
}
