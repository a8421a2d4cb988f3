import TempoSyntax

extension Compiler {
  func compileExpression(_ expression: Expr) -> Node {
    let range = expression.range
    switch expression.kind {
    case .integer(let v): return ConstantNode(.int(v), range: range)
    case .float(let v): return ConstantNode(.double(v), range: range)
    case .bool(let v): return ConstantNode(.bool(v), range: range)
    case .nilLiteral: return ConstantNode(.nil, range: range)
    case .string(let parts):
      if parts.count == 1, case .text(let text) = parts[0] { return ConstantNode(.string(text), range: range) }
      return InterpolationNode(
        parts: parts.map {
          switch $0 {
          case .text(let text): return .text(text)
          case .expression(let e): return .value(compileExpression(e))
          }
        }, range: range)
    case .name(let name):
      return nameNode(name, at: range)
    case .anonymousParameter(let index):
      if scope.isCell {
        error(.syntaxError, "anonymous closure argument not contained in a closure", at: range)
        return ConstantNode(.nil, range: range)
      }
      if scope.hasExplicitParameters {
        error(
          .syntaxError, "anonymous closure arguments cannot be used inside a closure that has explicit arguments",
          at: range, help: "use the parameter names the closure declares")
        return ConstantNode(.nil, range: range)
      }
      return nameNode("$\(index)", at: range)
    case .implicitMember(let name):
      return ConstantNode(.host(Symbol(name)), range: range)
    case .array(let elements):
      return ArrayLiteralNode(elements: elements.map(compileExpression), range: range)
    case .dictionary(let entries):
      return DictionaryLiteralNode(
        keys: entries.map { compileExpression($0.key) }, values: entries.map { compileExpression($0.value) },
        range: range)
    case .tuple(let elements, let labels):
      return TupleLiteralNode(elements: elements.map(compileExpression), labels: labels, range: range)
    case .prefix(let op, let operand):
      return PrefixNode(op: op, operand: compileExpression(operand), range: range)
    case .binary(let op, let lhs, let rhs, let opRange):
      let left = compileExpression(lhs)
      let right = compileExpression(rhs)
      switch op {
      case "&&", "||": return LogicalNode(isAnd: op == "&&", lhs: left, rhs: right, range: range)
      case "??":
        let node = NilCoalescingNode(lhs: left, rhs: right, range: range)
        if case .double? = staticType(lhs) { node.promotesDefault = true }
        return node
      default:
        guard let binary = BinaryOperator(rawValue: op) else {
          error(.syntaxError, "unknown operator '\(op)'", at: opRange)
          return left
        }
        return BinaryNode(op: binary, lhs: left, rhs: right, opRange: opRange, range: range)
      }
    case .ternary(let condition, let then, let otherwise):
      return TernaryNode(
        condition: compileExpression(condition), then: compileExpression(then),
        otherwise: compileExpression(otherwise), range: range)
    case .call(let callee, let arguments):
      return compileCall(callee, arguments, range: range)
    case .subscriptAccess(let base, let arguments):
      let (index, defaultValue) = compileSubscriptArguments(arguments, range: range)
      return SubscriptNode(
        base: compileExpression(base), index: index, label: nil, defaultValue: defaultValue, range: range)
    case .member(let base, let name, let nameRange):
      return MemberNode(base: compileExpression(base), name: name, nameRange: nameRange, range: range)
    case .tupleElement(let base, let index):
      return TupleElementNode(base: compileExpression(base), index: index, range: range)
    case .closure(let closure):
      return compileFunction(
        name: "closure", parameters: closure.parameters, returnType: closure.returnType, body: closure.body,
        range: range, isClosure: true, hasExplicitParameters: closure.hasExplicitParameters)
    case .forceUnwrap(let base):
      return ForceUnwrapNode(base: compileExpression(base), range: range)
    case .operatorFunction(let op):
      return ConstantNode(.function(OperatorFunctions.function(for: op)), range: range)
    case .help(let subject):
      return HelpNode(
        subject: compileExpression(subject), text: file.slice(subject.range.start..<subject.range.end), range: range)
    }
  }

  func nameNode(_ name: String, at range: SourceRange) -> Node {
    switch resolveUse(name, at: range) {
    case .local(let variable): return LocalGet(variable, range: range)
    case .capture(let index, _): return CaptureGet(index: index, name: name, range: range)
    case .global(let slot): return GlobalGet(slot: slot, name: name, range: range)
    }
  }

  func compileSubscriptArguments(_ arguments: [Argument], range: SourceRange) -> (Node, Node?) {
    var positional: [Node] = []
    var defaultValue: Node?
    for argument in arguments {
      if argument.label == "default" {
        defaultValue = compileExpression(argument.value)
      } else if let label = argument.label {
        error(
          .syntaxError, "extraneous argument label '\(label):' in subscript", at: argument.labelRange ?? range,
          help: "subscripts take positions, and 'default:' for dictionaries")
      } else {
        positional.append(compileExpression(argument.value))
      }
    }
    if positional.count == 1 { return (positional[0], defaultValue) }
    if positional.isEmpty {
      error(.syntaxError, "expected an index in the subscript", at: range)
      return (ConstantNode(.nil, range: range), defaultValue)
    }
    return (TupleLiteralNode(elements: positional, labels: [], range: range), defaultValue)
  }

  func compileCall(_ callee: Expr, _ arguments: [Argument], range: SourceRange) -> Node {
    let argumentNodes = arguments.map { compileExpression($0.value) }
    let labels = arguments.map { $0.isTrailingClosure ? Signature.trailingClosureLabel : $0.label }
    if case .member(let base, let name, let nameRange) = callee.kind, MutatingMethods.allNames.contains(name),
      base.isAssignable, let (place, constantName) = compilePlaceQuietly(base)
    {
      if let constantName {
        switch staticType(base) {
        case .array?, .dictionary?, .string?:
          error(
            .typeError,
            "cannot use mutating member '\(name)' on immutable value: '\(constantName)' is a 'let' constant",
            at: nameRange, help: "change 'let' to 'var' where '\(constantName)' is declared")
        default: break
        }
      }
      let node = MutatingCallNode(
        place: place, name: name, nameRange: nameRange, arguments: argumentNodes, labels: labels,
        constantName: constantName, range: range)
      if case .array(let element)? = place.declaredType { node.elementType = element }
      return node
    }
    if case .name("type") = callee.kind, arguments.count == 1, arguments[0].label == "of",
      resolve("type", in: scope) == nil, !isShadowedGlobal("type"), let declared = declaredType(arguments[0].value)
    {
      // An annotated variable has the type it was declared with, even when empty: `[Int]`.
      return TypeOfDeclaredNode(subject: argumentNodes[0], declared: declared, range: range)
    }
    if case .name("help") = callee.kind, arguments.count == 1, arguments[0].label == nil,
      resolve("help", in: scope) == nil, !isShadowedGlobal("help")
    {
      let subject = arguments[0].value
      return HelpNode(
        subject: argumentNodes[0], text: file.slice(subject.range.start..<subject.range.end), range: range)
    }
    return CallNode(callee: compileExpression(callee), arguments: argumentNodes, labels: labels, range: range)
  }

  /// Whether a name refers to a function declared with `func` or a builtin function.
  func isFunctionName(_ name: String) -> Bool {
    switch resolve(name, in: scope) {
    case .local(let variable)?: return variable.isFunction
    case .capture?: return false
    default:
      if cellFunctionNames.contains(name) { return true }
      if cellDeclarations[name] != nil { return false }
      guard let slot = environment.globals.slots[name] else { return false }
      let info = environment.globals.info[slot]
      if info.isFunction { return true }
      if info.isBuiltin, case .function? = environment.globals.value(named: name) { return true }
      return false
    }
  }

  /// The declared type of a global: from this cell's declaration if it has one, else the
  /// session's.
  func globalType(_ slot: Int) -> RuntimeType? {
    if let pending = globalDeclarations.last(where: { $0.slot == slot }) { return pending.type }
    return environment.globals.info[slot].type
  }

  /// The type a variable was declared with (not inferred), when the expression names one.
  func declaredType(_ expression: Expr) -> RuntimeType? {
    guard case .name(let name) = expression.kind else { return nil }
    switch resolve(name, in: scope) {
    case .local(let variable)?: return variable.type
    case .capture(_, let info)?: return info.type
    default: return environment.globals.slots[name].flatMap(globalType)
    }
  }

  /// What the compiler knows of an expression's type without running it, for the few
  /// places where Swift's static typing changes a value (`d[k] ?? 0` on `[String: Double]`).
  func staticType(_ expression: Expr) -> RuntimeType? {
    switch expression.kind {
    case .integer: return .int
    case .float: return .double
    case .string: return .string
    case .bool: return .bool
    case .array(let elements):
      return .array(elements.first.flatMap(staticType) ?? .any)
    case .dictionary: return .dictionary(.any, .any)
    case .tuple(let elements, let labels): return .tuple(elements.map { staticType($0) ?? .any }, labels: labels)
    case .member(let base, let name, _):
      guard case .tuple(let types, let labels)? = staticType(base), let index = labels.firstIndex(of: name) else {
        return nil
      }
      return types[index]
    case .tupleElement(let base, let index):
      guard case .tuple(let types, _)? = staticType(base), index < types.count else { return nil }
      return types[index]
    case .name(let name):
      switch resolve(name, in: scope) {
      case .local(let variable)?: return variable.type ?? variable.inferredType
      case .capture(_, let info)?: return info.type
      default:
        guard let slot = environment.globals.slots[name] else { return nil }
        return globalType(slot) ?? inferredGlobalTypes[slot] ?? environment.inferredGlobalTypes[slot]
      }
    case .subscriptAccess(let base, _):
      switch staticType(base) {
      case .array(let element)?: return element
      case .dictionary(_, let value)?: return value
      default: return nil
      }
    case .call(let callee, _):
      if case .name(let name) = callee.kind, let type = RuntimeType.builtinNames[name], cellDeclarations[name] == nil {
        return type
      }
      return nil
    default: return nil
    }
  }

  func isShadowedGlobal(_ name: String) -> Bool {
    guard let slot = environment.globals.slots[name] else { return false }
    return !environment.globals.info[slot].isBuiltin || cellDeclarations[name] != nil
  }

  /// A place for a mutating method's receiver; the constant's name when it is a `let`.
  func compilePlaceQuietly(_ expression: Expr) -> (Place, String?)? {
    let saved = errors.count
    guard let place = compilePlace(expression, assigning: false) else {
      errors.removeSubrange(saved...)
      return nil
    }
    return (place, rootConstantName(expression))
  }

  /// How to make the constant `name` changeable, for an assignment that changes it.
  func constantHelp(_ name: String) -> String {
    if case .local(let variable)? = resolve(name, in: scope), variable.isParameter {
      return "parameters are constants; copy it first: 'var \(name) = \(name)'"
    }
    return "change 'let' to 'var' where '\(name)' is declared"
  }

  /// The name of the `let` an assignment target is rooted in, if it is.
  func rootConstantName(_ expression: Expr) -> String? {
    switch expression.kind {
    case .name(let name):
      switch resolve(name, in: scope) {
      case .local(let variable)?: return variable.isConstant ? name : nil
      case .capture(_, let info)?: return info.isConstant ? name : nil
      default:
        if let isConstant = cellDeclarations[name] { return isConstant ? name : nil }
        if let slot = environment.globals.slots[name] {
          return environment.globals.info[slot].isConstant ? name : nil
        }
        return nil
      }
    case .subscriptAccess(let base, _), .tupleElement(let base, _):
      return rootConstantName(base)
    default:
      return nil
    }
  }

  func compilePlace(_ expression: Expr, assigning: Bool) -> Place? {
    let range = expression.range
    switch expression.kind {
    case .name(let name):
      if assigning, let constant = rootConstantName(expression) {
        let help = constantHelp(constant)
        if isFunctionName(name) {
          errors.append(Assignment.constantError(name, isFunction: true, at: range))
        } else {
          error(.typeError, "cannot assign to value: '\(constant)' is a 'let' constant", at: range, help: help)
        }
      }
      let place: Place
      switch resolveUse(name, at: range) {
      case .local(let variable):
        place = LocalPlace(variable, range: range)
        place.declaredType = variable.type
      case .capture(let index, let info):
        place = CapturePlace(index: index, name: name, type: info.type, range: range)
        place.declaredType = info.type
      case .global(let slot):
        place = GlobalPlace(slot: slot, name: name, range: range)
        place.declaredType = globalType(slot)
      }
      return place
    case .subscriptAccess(let base, let arguments):
      if assigning, let constant = rootConstantName(base) {
        error(
          .typeError, "cannot assign through subscript: '\(constant)' is a 'let' constant", at: range,
          help: "change 'let' to 'var' where '\(constant)' is declared")
        return nil
      }
      guard let basePlace = compilePlace(base, assigning: false) else { return nil }
      let (index, defaultValue) = compileSubscriptArguments(arguments, range: range)
      let place = SubscriptPlace(base: basePlace, index: index, defaultValue: defaultValue, range: range)
      switch basePlace.declaredType {
      case .array(let element)?: place.declaredType = element
      case .dictionary(_, let value)?: place.declaredType = value
      default: break
      }
      return place
    case .tupleElement(let base, let index):
      if assigning, let constant = rootConstantName(base) {
        error(
          .typeError, "cannot assign to property: '\(constant)' is a 'let' constant", at: range,
          help: "change 'let' to 'var' where '\(constant)' is declared")
        return nil
      }
      guard let basePlace = compilePlace(base, assigning: false) else { return nil }
      let place = TupleElementPlace(base: basePlace, index: index, range: range)
      if case .tuple(let types, _)? = basePlace.declaredType, index < types.count { place.declaredType = types[index] }
      return place
    case .member(let base, let name, _):
      // `pair.first = 3` changes an element of a labeled tuple inside the variable holding it,
      // so the base is compiled as a place too when it can be one.
      let constant = rootConstantName(base.strippingMembers)
      if assigning, let constant, case .tuple(_, let labels)? = staticType(base), labels.contains(name) {
        error(
          .typeError, "cannot assign to property: '\(constant)' is a 'let' constant", at: range,
          help: constantHelp(constant))
        return nil
      }
      guard base.isAssignable, let (basePlace, _) = compilePlaceQuietly(base) else {
        return MemberPlace(base: .value(compileExpression(base)), name: name, range: range)
      }
      let place = MemberPlace(
        base: .place(basePlace, constantName: constant, help: constant.map(constantHelp)), name: name, range: range)
      if case .tuple(let types, let labels)? = basePlace.declaredType, let index = labels.firstIndex(of: name) {
        place.declaredType = types[index]
      }
      return place
    default:
      error(.syntaxError, "cannot assign to this expression", at: range)
      return nil
    }
  }
}

extension Expr {
  /// The expression under any chain of `.name` members: `p` for `p.inner.x`.
  var strippingMembers: Expr {
    if case .member(let base, _, _) = kind { return base.strippingMembers }
    return self
  }
}

extension MutatingMethods {
  static let allNames: Set<String> = Set(array.keys).union(dictionary.keys).union(string.keys)
}
