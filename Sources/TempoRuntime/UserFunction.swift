import TempoSyntax

/// A compiled `func` or closure body, shared by every closure value made from it.
final class FunctionTemplate {
  struct CompiledParameter {
    var label: String?
    var name: String
    var type: RuntimeType?
    var defaultValue: Node?
    var variable: LocalVariable
  }

  let name: String
  let file: SourceFile
  let range: SourceRange
  var parameters: [CompiledParameter] = []
  var parameterLabels: [String?] = []
  var returnType: RuntimeType?
  var body: [Statement] = []
  /// The body when it is one expression, whose value is the result (Swift's implicit return).
  var singleExpression: Node?
  var slotCount = 0
  var captureSources: [CaptureSource] = []
  /// Whether any parameter needs work at entry (a default, a type check, a box).
  var needsParameterPass = false
  var isClosure: Bool

  init(name: String, file: SourceFile, range: SourceRange, isClosure: Bool) {
    self.name = name
    self.file = file
    self.range = range
    self.isClosure = isClosure
  }

  var signatureText: String {
    let list = parameters.map { p -> String in
      var text = p.label == p.name ? p.name : "\(p.label ?? "_") \(p.name)"
      if let type = p.type { text += ": \(type)" }
      if p.defaultValue != nil { text += " = …" }
      return text
    }
    let result = returnType.map { " -> \($0)" } ?? ""
    return "func \(name)(\(list.joined(separator: ", ")))\(result)"
  }
}

/// Where a closure finds a captured variable when it is created.
enum CaptureSource {
  /// A boxed local slot of the enclosing function.
  case local(Int)
  /// One of the enclosing function's own captures.
  case capture(Int)
}

/// A function or closure value: its template and the boxes of the variables it captured.
final class UserFunction: Callable {
  let template: FunctionTemplate
  let captures: [Box]

  init(template: FunctionTemplate, captures: [Box]) {
    self.template = template
    self.captures = captures
    super.init(name: template.name)
  }

  override var parameterLabels: [String?] { template.parameterLabels }

  override var typeDescription: String {
    let parameters = template.parameters.map { $0.type?.description ?? "Any" }
    return "(" + parameters.joined(separator: ", ") + ") -> \(template.returnType?.description ?? "Any")"
  }

  override var documentation: Documentation? {
    Documentation(
      name: template.name, signatureText: template.signatureText,
      summary: "declared at \(template.file.location(of: template.range.start))")
  }

  override func invoke(_ m: Machine, argumentBase: Int, labels: [String?]?) throws -> Value {
    let t = template
    let count = t.parameters.count
    let labelsDiffer = !t.isClosure && labels.map { $0 != t.parameterLabels } ?? false
    if m.top - argumentBase != count || labelsDiffer {
      do {
        try bindArguments(m, argumentBase: argumentBase, labels: labels)
      } catch {
        m.pop(to: argumentBase)
        throw error
      }
    }
    if m.callDepth >= m.limits.maximumCallDepth || StackFloor.here() < m.stackFloor {
      m.pop(to: argumentBase)
      throw RuntimeError(
        .recursionError,
        m.callDepth >= m.limits.maximumCallDepth
          ? "maximum recursion depth (\(m.limits.maximumCallDepth) calls) exceeded in '\(t.name)'"
          : "the stack is exhausted after \(m.callDepth) nested calls in '\(t.name)'",
        help: "check that the recursion has a base case that is reached")
    }
    do {
      try m.reserve(t.slotCount - count)
    } catch {
      m.pop(to: argumentBase)
      throw error
    }
    let savedBase = m.base
    let savedFunction = m.function
    m.base = argumentBase
    m.function = self
    m.callDepth += 1
    defer {
      m.base = savedBase
      m.function = savedFunction
      m.callDepth -= 1
      m.pop(to: argumentBase)
    }
    do {
      if t.needsParameterPass { try prepareParameters(m) }
      var result: Value
      if let expression = t.singleExpression {
        result = try expression.eval(m)
      } else if try execute(t.body, m) == .returned {
        result = m.returnValue
        m.returnValue = .void
      } else {
        if let type = t.returnType, type.requiresReturn {
          throw RuntimeError(
            .typeError, "missing return in '\(t.name)' expected to return '\(type)'", at: t.range,
            help: "end every path through '\(t.name)' with 'return'")
        }
        result = .void
      }
      if let type = t.returnType, !type.holdsUnchanged(result) {
        guard let converted = type.coerce(result) else {
          throw RuntimeError(
            .typeError,
            "cannot convert return expression of type '\(result.typeName)' to return type '\(type)'",
            at: t.singleExpression?.range ?? t.range, help: "return a value of type '\(type)' from '\(t.name)'")
        }
        result = converted
      }
      return result
    } catch let error as RuntimeError {
      throw error.inFile(t.file)
    }
  }

  /// Evaluates omitted defaults, checks annotated types, and boxes captured parameters.
  private func prepareParameters(_ m: Machine) throws {
    for (index, parameter) in template.parameters.enumerated() {
      let slot = m.local(index)
      if case .undefined = slot.pointee, let defaultValue = parameter.defaultValue {
        slot.pointee = try defaultValue.eval(m)
      }
      if let type = parameter.type, !type.holdsUnchanged(slot.pointee) {
        guard let converted = type.coerce(slot.pointee) else {
          throw RuntimeError(
            .typeError,
            "cannot convert value of type '\(slot.pointee.typeName)' to expected argument type '\(type)'",
            help: "'\(parameter.name)' of '\(template.name)' is declared as '\(type)'")
        }
        slot.pointee = converted
      }
      if parameter.variable.isCaptured {
        slot.pointee = .cell(Box(slot.pointee))
      }
    }
  }

  /// Reorders arguments given with labels and skipped defaults into parameter order.
  private func bindArguments(_ m: Machine, argumentBase: Int, labels: [String?]?) throws {
    let given = Array(UnsafeBufferPointer(start: m.stack + argumentBase, count: m.top - argumentBase))
    m.pop(to: argumentBase)
    let specs = template.parameters.map {
      // The function converts and checks its arguments itself; the spec is for binding.
      ParameterSpec(
        $0.label, $0.name, .generic($0.type?.description ?? "Any"),
        default: $0.defaultValue == nil ? .required : .computed("…"))
    }
    let signature = Signature(specs, returns: template.returnType?.description ?? "Void")
    let labels = labels ?? Signature.positionalLabels(specs, count: given.count)
    if template.isClosure {
      // `{ (key, value) in … }` over pairs: one tuple argument spreads over the parameters.
      if given.count == 1, specs.count > 1, let elements = given[0].tupleElements, elements.count == specs.count {
        for value in elements { try m.push(value) }
        return
      }
      guard given.count == specs.count else {
        throw RuntimeError(
          .typeError,
          "closure expects \(specs.count) argument\(specs.count == 1 ? "" : "s"), but \(given.count) \(given.count == 1 ? "was" : "were") used",
          help: "give the closure \(given.count) parameter\(given.count == 1 ? "" : "s")")
      }
      for value in given { try m.push(value) }
      return
    }
    let bound = try signature.bind(labels: labels, values: given, function: template.name)
    for value in bound.values { try m.push(value ?? .undefined) }
  }
}

/// How a statement ended.
enum Flow {
  case normal, breakLoop, continueLoop, returned
}

/// Runs statements in order, polling the interrupt flag before each.
@inline(__always)
func execute(_ statements: [Statement], _ m: Machine) throws -> Flow {
  for statement in statements {
    try m.checkpoint()
    let flow = try statement.exec(m)
    if flow != .normal { return flow }
  }
  return .normal
}
