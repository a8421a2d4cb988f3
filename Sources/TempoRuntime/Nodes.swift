import TempoSyntax

/// A compiled expression: evaluated by a virtual call, with names already resolved to slots.
class Node {
  let range: SourceRange

  init(range: SourceRange) { self.range = range }

  func eval(_ m: Machine) throws -> Value {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
}

/// A local variable of a function or cell, resolved at compile time to a stack slot.
final class LocalVariable {
  let name: String
  let slot: Int
  let isConstant: Bool
  let type: RuntimeType?
  let range: SourceRange
  /// A closure refers to it, so it lives in a `Box` (`Value.cell`) from its declaration on.
  var isCaptured = false
  /// A function parameter (constant, and said so in messages).
  var isParameter = false
  /// A `let` declared without a value: it may be assigned once.
  var initializesOnce = false
  /// It was declared with `func`.
  var isFunction = false
  /// The type its initial value is known to have (not enforced; see `Compiler.staticType`).
  var inferredType: RuntimeType?

  init(name: String, slot: Int, isConstant: Bool, type: RuntimeType?, range: SourceRange) {
    self.name = name
    self.slot = slot
    self.isConstant = isConstant
    self.type = type
    self.range = range
  }
}

final class ConstantNode: Node {
  let value: Value
  init(_ value: Value, range: SourceRange) {
    self.value = value
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value { value }
}

final class LocalGet: Node {
  let slot: Int
  let name: String
  init(_ variable: LocalVariable, range: SourceRange) {
    slot = variable.slot
    name = variable.name
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = m.local(slot).pointee
    switch value {
    case .cell(let box):
      if case .undefined = box.value { throw uninitialized() }
      return box.value
    case .undefined: throw uninitialized()
    default: return value
    }
  }
  func uninitialized() -> RuntimeError {
    RuntimeError(
      .nameError, "variable '\(name)' used before being initialized", at: range,
      help: "assign '\(name)' a value before this line")
  }
}

final class CaptureGet: Node {
  let index: Int
  let name: String
  init(index: Int, name: String, range: SourceRange) {
    self.index = index
    self.name = name
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    guard let function = m.function, index < function.captures.count else {
      throw RuntimeError(.nameError, "captured variable '\(name)' is not available", at: range)
    }
    let value = function.captures[index].value
    if case .undefined = value {
      throw RuntimeError(
        .nameError, "variable '\(name)' used before being initialized", at: range,
        help: "assign '\(name)' a value before the closure runs")
    }
    return value
  }
}

final class GlobalGet: Node {
  let slot: Int
  let name: String
  init(slot: Int, name: String, range: SourceRange) {
    self.slot = slot
    self.name = name
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = m.globals.storage[slot]
    if case .undefined = value {
      if m.globals.info[slot].isDeclared {
        throw RuntimeError(
          .nameError, "variable '\(name)' used before being initialized", at: range,
          help: "assign '\(name)' a value before this line")
      }
      throw m.environment.unknownName(name, at: range)
    }
    return value
  }
}

final class InterpolationNode: Node {
  enum Part {
    case text(String)
    case value(Node)
  }
  let parts: [Part]
  init(parts: [Part], range: SourceRange) {
    self.parts = parts
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    var result = ""
    for part in parts {
      switch part {
      case .text(let text): result += text
      case .value(let node):
        do {
          result += try node.eval(m).description(limit: m.limits.maximumStringBytes - result.utf8.count)
        } catch let error as RuntimeError {
          throw error.located(at: node.range)
        }
      }
      if result.utf8.count > m.limits.maximumStringBytes {
        throw Limits.stringTooLong(result.utf8.count, m.limits).located(at: range)
      }
    }
    return .string(result)
  }
}

final class ArrayLiteralNode: Node {
  let elements: [Node]
  init(elements: [Node], range: SourceRange) {
    self.elements = elements
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    var values: [Value] = []
    values.reserveCapacity(elements.count)
    var hasDouble = false
    var hasInt = false
    for element in elements {
      let value = try element.eval(m)
      if case .double = value { hasDouble = true }
      if case .int = value { hasInt = true }
      values.append(value)
    }
    // Swift types `[1, 2.5]` as [Double]: the integer literals become 1.0.
    if hasDouble && hasInt { values = values.map(Numbers.promotingInt) }
    return .array(values)
  }
}

final class DictionaryLiteralNode: Node {
  let keys: [Node]
  let values: [Node]
  init(keys: [Node], values: [Node], range: SourceRange) {
    self.keys = keys
    self.values = values
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    var map = OrderedMap()
    var entries: [(Value, Value, HashKey, SourceRange)] = []
    var hasDouble = false
    var hasInt = false
    for (keyNode, valueNode) in zip(keys, values) {
      let key = try keyNode.eval(m)
      let value = try valueNode.eval(m)
      guard let hashKey = key.hashKey else {
        throw RuntimeError(
          .typeError, "value of type '\(key.typeName)' cannot be a dictionary key", at: keyNode.range,
          help: "use an Int, Double, Bool, String, or a tuple or array of them")
      }
      if case .double = value { hasDouble = true }
      if case .int = value { hasInt = true }
      entries.append((key, value, hashKey, keyNode.range))
    }
    for (key, value, hashKey, keyRange) in entries {
      if map[hashKey] != nil {
        throw RuntimeError(
          .keyError, "dictionary literal contains duplicate key \(key.debugDescription)", at: keyRange,
          help: "each key may appear once")
      }
      map.set(hasDouble && hasInt ? Numbers.promotingInt(value) : value, for: key, hashKey: hashKey)
    }
    return .dictionary(map)
  }
}

final class TupleLiteralNode: Node {
  let elements: [Node]
  /// One per element, nil where it has none; empty for a tuple without labels.
  let labels: [String?]
  init(elements: [Node], labels: [String?], range: SourceRange) {
    self.elements = elements
    self.labels = labels.contains { $0 != nil } ? labels : []
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    var values: [Value] = []
    values.reserveCapacity(elements.count)
    for element in elements { values.append(try element.eval(m)) }
    return labels.isEmpty ? .tuple(values) : .labeledTuple(values, labels: labels)
  }
}

final class PrefixNode: Node {
  let op: String
  let operand: Node
  init(op: String, operand: Node, range: SourceRange) {
    self.op = op
    self.operand = operand
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try operand.eval(m)
    do {
      return try Operators.prefix(op, value)
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
}

final class BinaryNode: Node {
  let op: BinaryOperator
  let lhs: Node
  let rhs: Node
  let opRange: SourceRange
  init(op: BinaryOperator, lhs: Node, rhs: Node, opRange: SourceRange, range: SourceRange) {
    self.op = op
    self.lhs = lhs
    self.rhs = rhs
    self.opRange = opRange
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let a = try lhs.eval(m)
    let b = try rhs.eval(m)
    // The common case, integers, without leaving this function.
    if case .int(let x) = a, case .int(let y) = b {
      switch op {
      case .add:
        let (r, o) = x.addingReportingOverflow(y)
        if !o { return .int(r) }
      case .subtract:
        let (r, o) = x.subtractingReportingOverflow(y)
        if !o { return .int(r) }
      case .multiply:
        let (r, o) = x.multipliedReportingOverflow(by: y)
        if !o { return .int(r) }
      case .less: return .bool(x < y)
      case .lessEqual: return .bool(x <= y)
      case .greater: return .bool(x > y)
      case .greaterEqual: return .bool(x >= y)
      case .equal: return .bool(x == y)
      case .notEqual: return .bool(x != y)
      default: break
      }
    }
    do {
      return try Operators.binary(op, a, b, limits: m.limits)
    } catch let error as RuntimeError {
      throw error.located(at: opRange)
    }
  }
}

final class LogicalNode: Node {
  let isAnd: Bool
  let lhs: Node
  let rhs: Node
  init(isAnd: Bool, lhs: Node, rhs: Node, range: SourceRange) {
    self.isAnd = isAnd
    self.lhs = lhs
    self.rhs = rhs
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let left = try Conditions.bool(try lhs.eval(m), at: lhs.range)
    if left != isAnd { return .bool(left) }
    return .bool(try Conditions.bool(try rhs.eval(m), at: rhs.range))
  }
}

final class NilCoalescingNode: Node {
  let lhs: Node
  let rhs: Node
  /// The left side is a `Double?`, so an Int default becomes a Double (as a literal would).
  var promotesDefault = false
  init(lhs: Node, rhs: Node, range: SourceRange) {
    self.lhs = lhs
    self.rhs = rhs
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try lhs.eval(m)
    if case .nil = value {
      let fallback = try rhs.eval(m)
      return promotesDefault ? Numbers.promotingInt(fallback) : fallback
    }
    return value
  }
}

final class TernaryNode: Node {
  let condition: Node
  let then: Node
  let otherwise: Node
  init(condition: Node, then: Node, otherwise: Node, range: SourceRange) {
    self.condition = condition
    self.then = then
    self.otherwise = otherwise
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    try Conditions.bool(try condition.eval(m), at: condition.range)
      ? try then.eval(m) : try otherwise.eval(m)
  }
}

final class CallNode: Node {
  let callee: Node
  let arguments: [Node]
  let labels: [String?]
  init(callee: Node, arguments: [Node], labels: [String?], range: SourceRange) {
    self.callee = callee
    self.arguments = arguments
    self.labels = labels
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let function = try Calls.function(from: try callee.eval(m), at: callee.range)
    let argumentBase = m.top
    do {
      for argument in arguments { try m.push(try argument.eval(m)) }
    } catch {
      m.pop(to: argumentBase)
      throw error
    }
    do {
      return try function.invoke(m, argumentBase: argumentBase, labels: labels)
    } catch let error as RuntimeError {
      throw error.called(at: range)
    }
  }
}

final class SubscriptNode: Node {
  let base: Node
  let index: Node
  let label: String?
  let defaultValue: Node?
  init(base: Node, index: Node, label: String?, defaultValue: Node?, range: SourceRange) {
    self.base = base
    self.index = index
    self.label = label
    self.defaultValue = defaultValue
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let container = try base.eval(m)
    let key = try index.eval(m)
    do {
      if let defaultValue {
        return try Subscripts.get(container, key, m) ?? defaultValue.eval(m)
      }
      return try Subscripts.get(container, key, m) ?? .nil
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
}

final class MemberNode: Node {
  let base: Node
  let name: String
  let nameRange: SourceRange
  init(base: Node, name: String, nameRange: SourceRange, range: SourceRange) {
    self.base = base
    self.name = name
    self.nameRange = nameRange
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try base.eval(m)
    do {
      return try Members.get(value, name, m)
    } catch let error as RuntimeError {
      throw error.located(at: nameRange)
    }
  }
}

final class TupleElementNode: Node {
  let base: Node
  let index: Int
  init(base: Node, index: Int, range: SourceRange) {
    self.base = base
    self.index = index
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try base.eval(m)
    guard let elements = value.tupleElements else {
      throw RuntimeError(
        .typeError, "value of type '\(value.typeName)' has no member '\(index)'", at: range,
        help: "'.\(index)' picks an element of a tuple")
    }
    guard index < elements.count else {
      throw RuntimeError(
        .indexError, "tuple '\(value.typeName)' has no element \(index)", at: range,
        help: "its elements are .0 through .\(max(0, elements.count - 1))")
    }
    return elements[index]
  }
}

final class ClosureNode: Node {
  let template: FunctionTemplate
  init(template: FunctionTemplate, range: SourceRange) {
    self.template = template
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    var boxes: [Box] = []
    boxes.reserveCapacity(template.captureSources.count)
    for source in template.captureSources {
      switch source {
      case .local(let slot):
        let pointer = m.local(slot)
        if case .cell(let box) = pointer.pointee {
          boxes.append(box)
        } else {
          let box = Box(pointer.pointee)
          pointer.pointee = .cell(box)
          boxes.append(box)
        }
      case .capture(let index):
        guard let function = m.function, index < function.captures.count else {
          throw RuntimeError(.nameError, "a captured variable is not available", at: range)
        }
        boxes.append(function.captures[index])
      }
    }
    return .function(UserFunction(template: template, captures: boxes))
  }
}

/// `type(of: x)` for a variable declared with a type.
final class TypeOfDeclaredNode: Node {
  let subject: Node
  let declared: RuntimeType
  init(subject: Node, declared: RuntimeType, range: SourceRange) {
    self.subject = subject
    self.declared = declared
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try subject.eval(m)
    if case .any = declared { return .host(TypeObject.named(value.swiftTypeName)) }
    if case .optional = declared, !value.isNil { return .host(TypeObject.named(value.swiftTypeName)) }
    return .host(TypeObject.named(declared.swiftName))
  }
}

/// `x!`: nil is an error instead of a crash.
final class ForceUnwrapNode: Node {
  let base: Node
  init(base: Node, range: SourceRange) {
    self.base = base
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try base.eval(m)
    if case .nil = value {
      throw RuntimeError(
        .valueError, "unexpectedly found nil while unwrapping an Optional value", at: range,
        help: "check for nil first: 'if let x = …' or give a default with '??'")
    }
    return value
  }
}

/// `x?` and `help(x)`: documentation to the pager.
final class HelpNode: Node {
  let subject: Node
  let text: String
  init(subject: Node, text: String, range: SourceRange) {
    self.subject = subject
    self.text = text
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let value = try subject.eval(m)
    m.output.showHelp(m.environment.helpText(for: value, name: text))
    return .void
  }
}

/// Accessing a member while the base is a value in a variable that a mutating method changes.
final class MutatingCallNode: Node {
  let place: Place
  let name: String
  let nameRange: SourceRange
  let arguments: [Node]
  let labels: [String?]
  let constantName: String?
  /// The element type of a typed array receiver: appended values are converted to it.
  var elementType: RuntimeType?
  init(
    place: Place, name: String, nameRange: SourceRange, arguments: [Node], labels: [String?],
    constantName: String?, range: SourceRange
  ) {
    self.place = place
    self.name = name
    self.nameRange = nameRange
    self.arguments = arguments
    self.labels = labels
    self.constantName = constantName
    super.init(range: range)
  }
  override func eval(_ m: Machine) throws -> Value {
    let current = try place.get(m)
    if case .nil = current, place is SubscriptPlace {
      // `d["missing"].append(x)`: a missing key, reported as when assigning through it.
      try place.modify(m) { _ in }
    }
    var values: [Value] = []
    values.reserveCapacity(arguments.count)
    for argument in arguments { values.append(try argument.eval(m)) }
    do {
      guard Members.isMutating(name, on: current) else {
        // Not a value-type mutation (a host object's method, say): an ordinary call.
        let member = try Members.get(current, name, m)
        let function = try Calls.function(from: member, at: nameRange)
        let argumentBase = m.top
        do {
          for value in values { try m.push(value) }
        } catch {
          m.pop(to: argumentBase)
          throw error
        }
        return try function.invoke(m, argumentBase: argumentBase, labels: labels)
      }
      if let constantName {
        throw RuntimeError(
          .typeError,
          "cannot use mutating member '\(name)' on immutable value: '\(constantName)' is a 'let' constant",
          at: nameRange, help: "change 'let' to 'var' where '\(constantName)' is declared")
      }
      if let elementType, name == "append" || name == "insert", !values.isEmpty {
        values = try values.enumerated().map { index, value in
          let label = index < labels.count ? labels[index] : nil
          guard label == nil || label == "contentsOf" else { return value }
          return try convertElement(value, to: elementType, isSequence: label == "contentsOf", m)
        }
      }
      var result: Value = .void
      try place.modify(m) { value in
        result = try Members.callMutating(&value, name, values, labels, m)
      }
      return result
    } catch let error as RuntimeError {
      throw error.located(at: range)
    }
  }
}

extension MutatingCallNode {
  func convertElement(_ value: Value, to type: RuntimeType, isSequence: Bool, _ m: Machine) throws -> Value {
    if isSequence {
      guard let elements = try Sequences.elements(of: value, limits: m.limits) else { return value }
      return .array(try elements.map { try convertElement($0, to: type, isSequence: false, m) })
    }
    guard let converted = type.coerce(value) else {
      throw RuntimeError(
        .typeError, "cannot convert value of type '\(value.typeName)' to expected argument type '\(type)'",
        at: range, help: "the array holds '\(type)' elements")
    }
    return converted
  }
}

/// Turns whatever is being called into something invocable.
enum Calls {
  static func function(from value: Value, at range: SourceRange) throws -> Callable {
    switch value {
    case .function(let function): return function
    case .array(let elements) where elements.count == 1:
      // `[Int]()`, `[Double](repeating: 0, count: 3)`: an array type used as a constructor.
      if case .host(let type) = elements[0], type is TypeObject,
        case .function(let function)? = try TypeObject.named("Array").member("callAsFunction")
      {
        return function
      }
      throw RuntimeError(.typeError, "cannot call value of non-function type '\(value.typeName)'", at: range)
    case .dictionary(let map) where map.count == 1:
      // `[String: Int]()`: an empty dictionary.
      if case .host(let type) = map.keys[0], type is TypeObject {
        return BuiltinFunction(name: "Dictionary", signature: Signature([], returns: "Dictionary")) { _ in
          .dictionary(OrderedMap())
        }
      }
      throw RuntimeError(.typeError, "cannot call value of non-function type '\(value.typeName)'", at: range)
    case .host(let object):
      if case .function(let function)? = try object.member("callAsFunction") { return function }
      throw RuntimeError(
        .typeError, "cannot call value of type '\(object.typeName)'", at: range)
    default:
      throw RuntimeError(
        .typeError, "cannot call value of non-function type '\(value.typeName)'", at: range)
    }
  }
}

enum Conditions {
  @inline(__always)
  static func bool(_ value: Value, at range: SourceRange? = nil) throws -> Bool {
    if case .bool(let b) = value { return b }
    var help = "write a comparison, such as 'x != 0'"
    if value.isNil { help = "compare with nil: 'x != nil', or bind it: 'if let y = x'" }
    throw RuntimeError(
      .typeError, "type '\(value.typeName)' cannot be used as a boolean", at: range, help: help)
  }
}

enum Numbers {
  static func promotingInt(_ value: Value) -> Value {
    if case .int(let i) = value { return .double(Double(i)) }
    return value
  }
}

enum Limits {
  /// Rejects a value about to be stored when it nests deeper than the limit.
  @inline(__always)
  static func checkNesting(_ value: Value, _ limits: ExecutionLimits) throws {
    guard value.isContainer, value.nestsDeeper(than: limits.maximumNesting) else { return }
    throw RuntimeError(
      .limitError, "the value nests arrays, tuples or dictionaries more than \(limits.maximumNesting) levels deep",
      help: "keep data flat: an array of rows, or a dictionary of arrays")
  }

  static func stringTooLong(_ bytes: Int, _ limits: ExecutionLimits) -> RuntimeError {
    RuntimeError(
      .limitError, "string of \(bytes) bytes exceeds the limit of \(limits.maximumStringBytes) bytes",
      help: "build smaller strings, or write the data to a file")
  }

  static func collectionTooLarge(_ count: Int, _ limits: ExecutionLimits) -> RuntimeError {
    RuntimeError(
      .limitError,
      "collection of \(count) elements exceeds the limit of \(limits.maximumCollectionCount) elements",
      help: "iterate over the range with 'for … in' instead of building it")
  }
}
