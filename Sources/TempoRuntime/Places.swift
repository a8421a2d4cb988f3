import TempoSyntax

/// Something that can be assigned to: a variable, an element, a member.
///
/// `modify` gives in-place access, so `a[i] += 1` on a large array changes one element
/// instead of copying the array. Index expressions are evaluated before the variable is
/// entered, so they may read the variable itself (`a[a.count - 1] = 0`).
class Place {
  let range: SourceRange
  /// The type the place was declared with (`var xs: [Double]` gives `xs[i]` the type
  /// `Double`); values stored into it are converted or rejected.
  var declaredType: RuntimeType?
  init(range: SourceRange) { self.range = range }

  func get(_ m: Machine) throws -> Value {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
  func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
  /// The storage of a plain variable (not captured, defined), for in-place integer updates.
  func directPointer(_ m: Machine) -> UnsafeMutablePointer<Value>? { nil }

  /// Stores a new value (promoting an Int into a variable that holds a Double, as a Swift
  /// literal would be). Subclasses call `checkStored` first.
  func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    var value = value
    if let type = declaredType, !type.holdsUnchanged(value) {
      guard let converted = type.coerce(value) else {
        throw RuntimeError(
          .typeError, "cannot assign value of type '\(value.typeName)' to type '\(type)'", at: range)
      }
      value = converted
    }
    try modify(m) { old in old = Assignment.converted(value, replacing: old) }
  }
}

enum Assignment {
  static func checkFirstInitialization(_ current: Value, name: String, at range: SourceRange) throws {
    var current = current
    if case .cell(let box) = current { current = box.value }
    guard case .undefined = current else {
      throw RuntimeError(
        .typeError, "immutable value '\(name)' may only be initialized once", at: range,
        help: "declare '\(name)' with 'var' to change it")
    }
  }

  static func constantError(_ name: String, isFunction: Bool, at range: SourceRange) -> RuntimeError {
    isFunction
      ? RuntimeError(
        .typeError, "cannot assign to value: '\(name)' is a function", at: range,
        help: "declare a variable with another name")
      : RuntimeError(
        .typeError, "cannot assign to value: '\(name)' is a 'let' constant", at: range,
        help: "change 'let' to 'var' where '\(name)' is declared")
  }

  /// What a variable holding `old` stores when given `value`, as Swift's static type would
  /// make it: an `Int` replacing a `Double` becomes a `Double`, and a tuple replacing a tuple of
  /// the same size takes its labels and converts its elements (`p = (3, 4)` on `var p = (x: 1.0,
  /// y: 2.0)` stores `(x: 3.0, y: 4.0)`), unless the two label an element differently.
  @inline(__always)
  static func converted(_ value: Value, replacing old: Value) -> Value {
    switch old {
    case .double: if case .int(let i) = value { return .double(Double(i)) }
    case .tuple, .labeledTuple: return convertedTuple(value, replacing: old)
    default: break
    }
    return value
  }

  private static func convertedTuple(_ value: Value, replacing old: Value) -> Value {
    guard let previous = old.tupleElements, let elements = value.tupleElements, elements.count == previous.count,
      !elements.isEmpty
    else { return value }
    let convertedElements = zip(elements, previous).map { converted($0, replacing: $1) }
    guard case .labeledTuple(_, let labels) = old else { return .tuple(convertedElements) }
    if case .labeledTuple(_, let given) = value, !TupleLabels.agree(labels, given) { return value }
    return .labeledTuple(convertedElements, labels: labels)
  }

  static func checked(_ value: Value, _ type: RuntimeType?, name: String, at range: SourceRange) throws
    -> Value
  {
    guard let type else { return value }
    guard let converted = type.coerce(value) else {
      throw RuntimeError(
        .typeError, "cannot assign value of type '\(value.typeName)' to type '\(type)'", at: range,
        help: "'\(name)' is declared as '\(type)'")
    }
    return converted
  }
}

final class LocalPlace: Place {
  let slot: Int
  let name: String
  let type: RuntimeType?
  let initializesOnce: Bool
  init(_ variable: LocalVariable, range: SourceRange) {
    slot = variable.slot
    name = variable.name
    type = variable.type
    initializesOnce = variable.initializesOnce
    super.init(range: range)
  }
  override func get(_ m: Machine) throws -> Value {
    var value = m.local(slot).pointee
    if case .cell(let box) = value { value = box.value }
    if case .undefined = value {
      throw RuntimeError(
        .nameError, "variable '\(name)' used before being initialized", at: range,
        help: "assign '\(name)' a value before this line")
    }
    return value
  }
  override func directPointer(_ m: Machine) -> UnsafeMutablePointer<Value>? {
    let pointer = m.local(slot)
    if case .int = pointer.pointee { return pointer }
    return nil
  }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    let pointer = m.local(slot)
    if case .cell(let box) = pointer.pointee {
      try body(&box.value)
    } else {
      try body(&pointer.pointee)
    }
  }
  override func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    let value = try Assignment.checked(value, type, name: name, at: range)
    let pointer = m.local(slot)
    if initializesOnce { try Assignment.checkFirstInitialization(pointer.pointee, name: name, at: range) }
    if case .cell(let box) = pointer.pointee {
      box.value = Assignment.converted(value, replacing: box.value)
    } else {
      pointer.pointee = Assignment.converted(value, replacing: pointer.pointee)
    }
  }
}

final class CapturePlace: Place {
  let index: Int
  let name: String
  let type: RuntimeType?
  init(index: Int, name: String, type: RuntimeType?, range: SourceRange) {
    self.index = index
    self.name = name
    self.type = type
    super.init(range: range)
  }
  func box(_ m: Machine) throws -> Box {
    guard let function = m.function, index < function.captures.count else {
      throw RuntimeError(.nameError, "captured variable '\(name)' is not available", at: range)
    }
    return function.captures[index]
  }
  override func get(_ m: Machine) throws -> Value { try box(m).value }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    try body(&box(m).value)
  }
  override func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    let value = try Assignment.checked(value, type, name: name, at: range)
    let box = try box(m)
    box.value = Assignment.converted(value, replacing: box.value)
  }
}

final class GlobalPlace: Place {
  let slot: Int
  let name: String
  init(slot: Int, name: String, range: SourceRange) {
    self.slot = slot
    self.name = name
    super.init(range: range)
  }
  override func get(_ m: Machine) throws -> Value {
    let value = m.globals.storage[slot]
    if case .undefined = value { throw m.environment.unknownName(name, at: range) }
    return value
  }
  override func directPointer(_ m: Machine) -> UnsafeMutablePointer<Value>? {
    let pointer = m.globals.storage + slot
    if case .int = pointer.pointee, !m.globals.constantSlots[slot] { return pointer }
    return nil
  }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    if case .undefined = m.globals.storage[slot] { throw m.environment.unknownName(name, at: range) }
    let info = m.globals.info[slot]
    if info.isConstant, Members.isMutable(m.globals.storage[slot]) || !info.isFunction {
      throw Assignment.constantError(name, isFunction: info.isFunction, at: range)
    }
    try body(&m.globals.storage[slot])
  }
  override func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    let pointer = m.globals.storage + slot
    if case .undefined = pointer.pointee, !m.globals.info[slot].isDeclared {
      throw m.environment.unknownName(name, at: range)
    }
    let info = m.globals.info[slot]
    // A later cell may have made the name a constant or a function since this code compiled.
    if info.initializesOnce {
      try Assignment.checkFirstInitialization(pointer.pointee, name: name, at: range)
    } else if info.isConstant {
      throw Assignment.constantError(name, isFunction: info.isFunction, at: range)
    }
    let value = try Assignment.checked(value, info.type, name: name, at: range)
    pointer.pointee = Assignment.converted(value, replacing: pointer.pointee)
  }
}

final class SubscriptPlace: Place {
  let base: Place
  let index: Node
  let defaultValue: Node?
  init(base: Place, index: Node, defaultValue: Node?, range: SourceRange) {
    self.base = base
    self.index = index
    self.defaultValue = defaultValue
    super.init(range: range)
  }
  override func get(_ m: Machine) throws -> Value {
    let container = try base.get(m)
    let key = try index.eval(m)
    do {
      if let value = try Subscripts.get(container, key, m) { return value }
      return try defaultValue?.eval(m) ?? .nil
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    let key = try index.eval(m)
    let fallback = try defaultValue?.eval(m)
    do {
      try base.modify(m) { container in
        try Subscripts.modify(&container, key, default: fallback, m, body)
      }
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
  override func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    let key = try index.eval(m)
    var value = value
    if let type = declaredType, !value.isNil {
      guard let converted = type.coerce(value) else {
        throw RuntimeError(
          .typeError, "cannot assign value of type '\(value.typeName)' to subscript of type '\(type)'", at: range)
      }
      value = converted
    }
    do {
      try base.modify(m) { container in try Subscripts.set(&container, key, value, m) }
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
}

final class TupleElementPlace: Place {
  let base: Place
  let index: Int
  init(base: Place, index: Int, range: SourceRange) {
    self.base = base
    self.index = index
    super.init(range: range)
  }
  override func get(_ m: Machine) throws -> Value {
    let value = try base.get(m)
    guard let elements = value.tupleElements, index < elements.count else {
      throw RuntimeError(.indexError, "tuple '\(value.typeName)' has no element \(index)", at: range)
    }
    return elements[index]
  }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    try base.modify(m) { value in
      guard var elements = value.tupleElements, index < elements.count else {
        throw RuntimeError(
          .indexError, "tuple '\(value.typeName)' has no element \(index)", at: range,
          help: "its elements are .0 through .\(max(0, (value.tupleCount ?? 1) - 1))")
      }
      let labels: [String?]? = if case .labeledTuple(_, let labels) = value { labels } else { nil }
      // Emptied while the element changes, so the elements' storage is not shared and
      // changes in place.
      value = .undefined
      defer { value = labels.map { .labeledTuple(elements, labels: $0) } ?? .tuple(elements) }
      try body(&elements[index])
    }
  }
}

/// `pair.first = value` on a labeled tuple's element, or `object.name = value` on a host
/// object (other values have no settable members).
final class MemberPlace: Place {
  /// Where the member's owner comes from. A place, when the base can be one, lets a labeled
  /// tuple's element change inside the variable that holds the tuple; `constantName` is the
  /// `let` the place is rooted in, whose tuples cannot change (its host objects can).
  enum Base {
    case value(Node)
    case place(Place, constantName: String?, help: String?)
  }

  let base: Base
  let name: String
  init(base: Base, name: String, range: SourceRange) {
    self.base = base
    self.name = name
    super.init(range: range)
  }
  override func get(_ m: Machine) throws -> Value {
    switch base {
    case .value(let node): return try Members.get(try node.eval(m), name, m)
    case .place(let place, _, _): return try Members.get(try place.get(m), name, m)
    }
  }
  override func modify(_ m: Machine, _ body: (inout Value) throws -> Void) throws {
    try withTarget(m, element: body) { object in
      var value = try Members.get(object, name, m)
      try body(&value)
      try setMember(object, value)
    }
  }
  override func set(_ m: Machine, _ value: Value) throws {
    if value.isContainer { try Limits.checkNesting(value, m.limits) }
    var element = value
    if let type = declaredType, !type.holdsUnchanged(value) {
      guard let converted = type.coerce(value) else {
        throw RuntimeError(
          .typeError, "cannot assign value of type '\(value.typeName)' to type '\(type)'", at: range)
      }
      element = converted
    }
    try withTarget(m, element: { old in old = Assignment.converted(element, replacing: old) }) { object in
      try setMember(object, value)
    }
  }

  /// Runs `element` on the labeled tuple element this place names, changing it inside the
  /// base; for any other base value, runs `member` with it.
  private func withTarget(
    _ m: Machine, element: (inout Value) throws -> Void, member: (Value) throws -> Void
  ) throws {
    let place: Place
    let constantName: String?
    let help: String?
    switch base {
    case .value(let node): return try member(try node.eval(m))
    case .place(let basePlace, let constant, let constantHelp):
      (place, constantName, help) = (basePlace, constant, constantHelp)
    }
    if let constantName {
      let object = try place.get(m)
      guard case .labeledTuple(_, let labels) = object, labels.contains(name) else { return try member(object) }
      throw RuntimeError(
        .typeError, "cannot assign to property: '\(constantName)' is a 'let' constant", at: range, help: help)
    }
    var other: Value?
    try place.modify(m) { value in
      guard case .labeledTuple(var elements, let labels) = value, let index = labels.firstIndex(of: name) else {
        other = value
        return
      }
      value = .undefined
      defer { value = .labeledTuple(elements, labels: labels) }
      try element(&elements[index])
    }
    if let other { try member(other) }
  }

  private func setMember(_ object: Value, _ value: Value) throws {
    guard case .host(let host) = object else {
      if object.tupleElements != nil {
        throw Members.noMember(object, name, candidates: Members.names(of: object)).located(at: range)
      }
      throw RuntimeError(
        .typeError, "cannot assign to property: '\(name)' of '\(object.typeName)' is read-only",
        at: range)
    }
    do {
      try host.setMember(name, to: value)
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
}
