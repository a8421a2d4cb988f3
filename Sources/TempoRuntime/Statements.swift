import TempoSyntax

/// A compiled statement.
class Statement {
  let range: SourceRange
  init(range: SourceRange) { self.range = range }
  func exec(_ m: Machine) throws -> Flow {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
}

final class ExpressionStatement: Statement {
  let expression: Node
  init(_ expression: Node) {
    self.expression = expression
    super.init(range: expression.range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    _ = try expression.eval(m)
    return .normal
  }
}

/// The last expression of a cell: its value is the cell's result.
final class ResultStatement: Statement {
  let expression: Node
  init(_ expression: Node) {
    self.expression = expression
    super.init(range: expression.range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    m.returnValue = try expression.eval(m)
    return .normal
  }
}

/// Where a declaration puts what it binds.
indirect enum Binder {
  case local(LocalVariable)
  case global(slot: Int, name: String)
  case discard
  case tuple([Binder], SourceRange)

  func bind(_ value: Value, _ m: Machine, at range: SourceRange) throws {
    if value.isContainer {
      do {
        try Limits.checkNesting(value, m.limits)
      } catch let error as RuntimeError {
        throw error.located(at: range)
      }
    }
    switch self {
    case .local(let variable):
      let slot = m.local(variable.slot)
      guard variable.isCaptured else {
        slot.pointee = value
        return
      }
      // A closure made earlier in the block may already hold this variable's box.
      if case .cell(let box) = slot.pointee, case .undefined = box.value {
        box.value = value
      } else {
        slot.pointee = .cell(Box(value))
      }
    case .global(let slot, _):
      m.globals.storage[slot] = value
    case .discard:
      break
    case .tuple(let binders, let patternRange):
      guard let elements = value.tupleElements, elements.count == binders.count else {
        throw RuntimeError(
          .typeError,
          "cannot destructure value of type '\(value.typeName)' into \(binders.count) names",
          at: patternRange,
          help: "the pattern needs a tuple of exactly \(binders.count) elements")
      }
      for (binder, element) in zip(binders, elements) { try binder.bind(element, m, at: range) }
    }
  }
}

final class DeclarationStatement: Statement {
  let binder: Binder
  let value: Node?
  let type: RuntimeType?
  let name: String
  init(binder: Binder, value: Node?, type: RuntimeType?, name: String, range: SourceRange) {
    self.binder = binder
    self.value = value
    self.type = type
    self.name = name
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    guard let value else {
      try binder.bind(.undefined, m, at: range)
      return .normal
    }
    var result = try value.eval(m)
    if let type {
      guard let converted = type.coerce(result) else {
        throw RuntimeError(
          .typeError, "cannot convert value of type '\(result.typeName)' to specified type '\(type)'",
          at: value.range, help: "'\(name)' is declared as '\(type)'")
      }
      result = converted
    }
    try binder.bind(result, m, at: range)
    return .normal
  }
}

final class AssignmentStatement: Statement {
  let place: Place
  let op: BinaryOperator?
  let value: Node
  let opRange: SourceRange
  init(place: Place, op: BinaryOperator?, value: Node, opRange: SourceRange, range: SourceRange) {
    self.place = place
    self.op = op
    self.value = value
    self.opRange = opRange
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    let newValue = try value.eval(m)
    guard let op else {
      do {
        try place.set(m, newValue)
      } catch let error as RuntimeError {
        throw error.located(at: range)
      }
      return .normal
    }
    // `i += 1` on an Int variable: updated in place, the common case in loops.
    if case .int(let y) = newValue, let pointer = place.directPointer(m), case .int(let x) = pointer.pointee {
      let result: (partialValue: Int, overflow: Bool)
      switch op {
      case .add: result = x.addingReportingOverflow(y)
      case .subtract: result = x.subtractingReportingOverflow(y)
      case .multiply: result = x.multipliedReportingOverflow(by: y)
      default: result = (0, true)
      }
      if !result.overflow {
        pointer.pointee = .int(result.partialValue)
        return .normal
      }
    }
    do {
      let type = place.declaredType
      try place.modify(m) { current in
        let result = try Operators.binary(op, current, newValue, limits: m.limits)
        if let type {
          guard let converted = type.coerce(result) else {
            throw RuntimeError(
              .typeError,
              "cannot convert value of type '\(result.typeName)' to expected argument type '\(type)'",
              help: "the place is declared as '\(type)'")
          }
          current = converted
        } else {
          current = result
        }
      }
    } catch let error as RuntimeError {
      throw error.located(at: opRange)
    }
    return .normal
  }
}

/// `(a, b) = (b, a)`: the right side is evaluated whole, then each place is assigned.
final class TupleAssignmentStatement: Statement {
  let places: [Place]
  let value: Node
  init(places: [Place], value: Node, range: SourceRange) {
    self.places = places
    self.value = value
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    let result = try value.eval(m)
    guard let elements = result.tupleElements, elements.count == places.count else {
      throw RuntimeError(
        .typeError, "cannot assign value of type '\(result.typeName)' to a tuple of \(places.count) places",
        at: value.range, help: "the right side must be a tuple of \(places.count) elements")
    }
    for (place, element) in zip(places, elements) { try place.set(m, element) }
    return .normal
  }
}

/// A compiled `if`, `guard` or `while` condition.
enum CompiledCondition {
  case expression(Node)
  case binding(LocalVariable, Node)
  indirect case all([CompiledCondition])

  /// Evaluates the condition, binding the name when an optional binding succeeds.
  @inline(__always)
  func holds(_ m: Machine) throws -> Bool {
    switch self {
    case .expression(let node):
      return try Conditions.bool(try node.eval(m), at: node.range)
    case .binding(let variable, let node):
      let value = try node.eval(m)
      if case .nil = value { return false }
      try Binder.local(variable).bind(value, m, at: node.range)
      return true
    case .all(let conditions):
      for condition in conditions where !(try condition.holds(m)) { return false }
      return true
    }
  }
}

final class IfStatement: Statement {
  let branches: [(CompiledCondition, [Statement])]
  let elseBody: [Statement]?
  init(branches: [(CompiledCondition, [Statement])], elseBody: [Statement]?, range: SourceRange) {
    self.branches = branches
    self.elseBody = elseBody
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    for (condition, body) in branches where try condition.holds(m) {
      return try execute(body, m)
    }
    if let elseBody { return try execute(elseBody, m) }
    return .normal
  }
}

final class GuardStatement: Statement {
  let condition: CompiledCondition
  let elseBody: [Statement]
  init(condition: CompiledCondition, elseBody: [Statement], range: SourceRange) {
    self.condition = condition
    self.elseBody = elseBody
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    if try condition.holds(m) { return .normal }
    return try execute(elseBody, m)
  }
}

final class WhileStatement: Statement {
  var label: String?
  let condition: CompiledCondition
  let body: [Statement]
  init(condition: CompiledCondition, body: [Statement], range: SourceRange) {
    self.condition = condition
    self.body = body
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    while try condition.holds(m) {
      try m.checkpoint()
      if case .exit(let flow) = LoopStep.after(try execute(body, m), label: label, m) { return flow }
    }
    return .normal
  }
}

final class RepeatWhileStatement: Statement {
  var label: String?
  let condition: Node
  let body: [Statement]
  init(condition: Node, body: [Statement], range: SourceRange) {
    self.condition = condition
    self.body = body
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    repeat {
      try m.checkpoint()
      if case .exit(let flow) = LoopStep.after(try execute(body, m), label: label, m) { return flow }
    } while try Conditions.bool(try condition.eval(m), at: condition.range)
    return .normal
  }
}

final class ForStatement: Statement {
  var label: String?
  /// The `where` clause: iterations where it is false are skipped.
  var filter: Node?
  let binder: Binder
  let sequence: Node
  let body: [Statement]
  init(binder: Binder, sequence: Node, body: [Statement], range: SourceRange) {
    self.binder = binder
    self.sequence = sequence
    self.body = body
    super.init(range: range)
  }

  override func exec(_ m: Machine) throws -> Flow {
    let value = try sequence.eval(m)
    if case .range(let lower, let upper, let isClosed) = value {
      return try loopOverRange(lower, upper, isClosed, m)
    }
    guard let elements = try Sequences.elements(of: value, limits: m.limits) else {
      throw RuntimeError(
        .typeError, "for-in loop requires a sequence, but '\(value.typeName)' is not one",
        at: sequence.range, help: "loop over a range '0..<n', an array, a dictionary or a string")
    }
    for element in elements {
      try m.checkpoint()
      try binder.bind(element, m, at: range)
      if try skips(m) { continue }
      if case .exit(let flow) = LoopStep.after(try execute(body, m), label: label, m) { return flow }
    }
    return .normal
  }

  /// Whether the `where` clause rejects the current element.
  @inline(__always)
  private func skips(_ m: Machine) throws -> Bool {
    guard let filter else { return false }
    return !(try Conditions.bool(try filter.eval(m), at: filter.range))
  }

  private func loopOverRange(_ lower: Int, _ upper: Int, _ isClosed: Bool, _ m: Machine) throws -> Flow {
    if isClosed ? lower > upper : lower >= upper { return .normal }
    var i = lower
    // A plain local loop variable is written straight into its slot.
    if case .local(let variable) = binder, !variable.isCaptured {
      let slot = variable.slot
      while true {
        try m.checkpoint()
        m.local(slot).pointee = .int(i)
        if try !skips(m), case .exit(let flow) = LoopStep.after(try execute(body, m), label: label, m) {
          return flow
        }
        if isClosed ? i == upper : i + 1 == upper { return .normal }
        i += 1
      }
    }
    while true {
      try m.checkpoint()
      try binder.bind(.int(i), m, at: range)
      if try !skips(m), case .exit(let flow) = LoopStep.after(try execute(body, m), label: label, m) {
        return flow
      }
      if isClosed ? i == upper : i + 1 == upper { return .normal }
      i += 1
    }
  }
}

/// `break` or `continue`, optionally naming the loop it acts on.
final class JumpStatement: Statement {
  let flow: Flow
  let label: String?
  init(flow: Flow, label: String?, range: SourceRange) {
    self.flow = flow
    self.label = label
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    m.flowLabel = label
    return flow
  }
}

/// `switch`: the first case whose pattern matches the subject (and whose `where` holds) runs.
final class SwitchStatement: Statement {
  /// Stands in `Compiler`'s loop labels for a switch, so that `break` may appear in it.
  static let breakTarget = "{switch}"

  enum Pattern {
    /// Equal to the value, or inside it when it is a range.
    case value(Node)
    /// Anything, optionally bound to a variable.
    case any(LocalVariable?)
  }

  struct Case {
    var patterns: [Pattern]
    var guardNode: Node?
    var body: [Statement]
    var isDefault: Bool
  }

  let subject: Node
  let cases: [Case]
  init(subject: Node, cases: [Case], range: SourceRange) {
    self.subject = subject
    self.cases = cases
    super.init(range: range)
  }

  override func exec(_ m: Machine) throws -> Flow {
    let value = try subject.eval(m)
    for switchCase in cases where try matches(switchCase, value, m) {
      let flow = try execute(switchCase.body, m)
      // An unlabeled `break` ends the switch; anything else goes on outwards.
      if flow == .breakLoop, m.flowLabel == nil { return .normal }
      return flow
    }
    return .normal
  }

  private func matches(_ switchCase: Case, _ value: Value, _ m: Machine) throws -> Bool {
    if switchCase.isDefault { return true }
    for pattern in switchCase.patterns {
      switch pattern {
      case .any(let variable):
        if let variable { try Binder.local(variable).bind(value, m, at: range) }
      case .value(let node):
        let candidate = try node.eval(m)
        guard SwitchStatement.value(value, matches: candidate) else { continue }
      }
      if let guardNode = switchCase.guardNode {
        guard try Conditions.bool(try guardNode.eval(m), at: guardNode.range) else { continue }
      }
      return true
    }
    return false
  }

  /// Swift's `~=`: a range matches the numbers inside it, anything else matches what equals it.
  static func value(_ value: Value, matches pattern: Value) -> Bool {
    if case .range(let lower, let upper, let isClosed) = pattern {
      switch value {
      case .int(let x): return x >= lower && (isClosed ? x <= upper : x < upper)
      case .double(let x): return x >= Double(lower) && (isClosed ? x <= Double(upper) : x < Double(upper))
      default: return false
      }
    }
    return Operators.equal(value, pattern)
  }
}

/// What a loop does after its body ended with `flow`.
enum LoopStep {
  case next
  case exit(Flow)

  /// `break` and `continue` act on this loop when they name it or name no loop; otherwise
  /// they pass outwards to the loop they name.
  @inline(__always)
  static func after(_ flow: Flow, label: String?, _ m: Machine) -> LoopStep {
    switch flow {
    case .normal: return .next
    case .returned: return .exit(.returned)
    case .breakLoop:
      if m.flowLabel == nil || m.flowLabel == label {
        m.flowLabel = nil
        return .exit(.normal)
      }
      return .exit(.breakLoop)
    case .continueLoop:
      if m.flowLabel == nil || m.flowLabel == label {
        m.flowLabel = nil
        return .next
      }
      return .exit(.continueLoop)
    }
  }
}

final class ReturnStatement: Statement {
  let value: Node?
  /// The function's declared result type.
  var type: RuntimeType?
  var functionName = ""
  init(value: Node?, range: SourceRange) {
    self.value = value
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    var result = try value?.eval(m) ?? .void
    if let type, !type.holdsUnchanged(result) {
      guard let converted = type.coerce(result) else {
        throw RuntimeError(
          .typeError, "cannot convert return expression of type '\(result.typeName)' to return type '\(type)'",
          at: value?.range ?? range, help: "return a value of type '\(type)' from '\(functionName)'")
      }
      result = converted
    }
    m.returnValue = result
    return .returned
  }
}

/// `func name(…) { … }`: makes the function value and binds it. The name is bound to a box
/// first, so a nested function can call itself.
final class FunctionStatement: Statement {
  let binder: Binder
  let closure: ClosureNode
  init(binder: Binder, closure: ClosureNode, range: SourceRange) {
    self.binder = binder
    self.closure = closure
    super.init(range: range)
  }
  override func exec(_ m: Machine) throws -> Flow {
    if case .local(let variable) = binder, variable.isCaptured {
      let slot = m.local(variable.slot)
      let box: Box
      if case .cell(let existing) = slot.pointee, case .undefined = existing.value {
        box = existing
      } else {
        box = Box(.undefined)
        slot.pointee = .cell(box)
      }
      box.value = try closure.eval(m)
      return .normal
    }
    try binder.bind(try closure.eval(m), m, at: range)
    return .normal
  }
}
