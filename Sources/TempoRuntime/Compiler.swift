import TempoSyntax

/// The variables of one function (or of a cell's top level) while it is being compiled.
final class FunctionScope {
  struct CaptureInfo {
    var name: String
    var isConstant: Bool
    var type: RuntimeType?
  }

  let parent: FunctionScope?
  let isCell: Bool
  var blocks: [[String: LocalVariable]] = [[:]]
  var slotCount = 0
  var captureSources: [CaptureSource] = []
  var captures: [CaptureInfo] = []
  var captureKeys: [String: Int] = [:]
  /// Enclosing loops, innermost last, by label (nil for an unlabeled loop).
  var loopLabels: [String?] = []
  /// The declared result type of the function being compiled, checked at each `return`.
  var returnType: RuntimeType?
  var functionName = ""
  /// Whether the closure names `$0`, `$1`, … (then its parameters are those).
  var anonymousParameterCount = 0
  var hasExplicitParameters = true

  init(parent: FunctionScope?, isCell: Bool) {
    self.parent = parent
    self.isCell = isCell
  }

  /// At the top level of a cell, declarations become session globals.
  var declaresGlobals: Bool { isCell && blocks.count == 1 }

  func declare(_ name: String, isConstant: Bool, type: RuntimeType?, range: SourceRange) -> LocalVariable {
    let variable = LocalVariable(name: name, slot: slotCount, isConstant: isConstant, type: type, range: range)
    slotCount += 1
    blocks[blocks.count - 1][name] = variable
    return variable
  }

  func lookupLocal(_ name: String) -> LocalVariable? {
    for block in blocks.reversed() {
      if let variable = block[name] { return variable }
    }
    return nil
  }
}

/// Turns a parsed cell into executable nodes, resolving every name to a slot and reporting
/// every name, type and placement error before anything runs.
final class Compiler {
  enum Resolution {
    case local(LocalVariable)
    case capture(Int, FunctionScope.CaptureInfo)
    case global(slot: Int)
  }

  let file: SourceFile
  let environment: Environment
  var errors: [RuntimeError] = []
  var scope: FunctionScope
  /// Names the cell declares at top level, with whether each is a `let`.
  var cellDeclarations: [String: Bool] = [:]
  /// Functions the cell declares at top level (usable anywhere in it).
  var cellFunctionNames: Set<String> = []
  /// Top-level names already declared while compiling, to catch redeclarations.
  var declaredSoFar: Set<String> = []
  /// The label of the loop statement about to be compiled.
  var pendingLoopLabel: String?
  /// Parameter and result types a function-type annotation gives the closure being declared.
  var closureContext: (parameters: [RuntimeType], result: RuntimeType?)?
  /// Global slots this cell binds to functions.
  var functionSlots: Set<Int> = []
  /// Global `let`s of this cell declared without a value.
  var deferredGlobalConstants: Set<Int> = []
  /// Types known from this cell's global declarations' values.
  var inferredGlobalTypes: [Int: RuntimeType] = [:]
  /// Binders of functions declared ahead of their block, by statement start.
  var predeclaredFunctions: [Int: Binder] = [:]
  /// Global declarations to record once the cell compiles.
  var globalDeclarations: [(slot: Int, isConstant: Bool, type: RuntimeType?)] = []

  init(file: SourceFile, environment: Environment) {
    self.file = file
    self.environment = environment
    self.scope = FunctionScope(parent: nil, isCell: true)
  }

  func error(_ family: ErrorFamily, _ message: String, at range: SourceRange, help: String? = nil) {
    errors.append(RuntimeError(family, message, at: range, help: help))
  }

  // MARK: - Cells

  struct Program {
    var statements: [Statement]
    var slotCount: Int
  }

  func compileCell(_ statements: [Stmt]) -> Program {
    for statement in statements {
      switch statement.kind {
      case .declaration(let isConstant, let pattern, _, let value):
        for name in pattern.names { cellDeclarations[name.0] = isConstant && value != nil }
      case .function(let declaration):
        cellDeclarations[declaration.name] = true
      default: break
      }
    }
    var compiled = compileBlockContents(statements)
    // The cell's value is its last statement's, when that is an expression.
    if let last = statements.last, case .expression = last.kind, let node = compiled.last as? ExpressionStatement {
      compiled[compiled.count - 1] = ResultStatement(node.expression)
    }
    // Top-level functions exist from the start of the cell (as in a Swift main file), so a
    // cell may call a function it declares further down. They capture nothing, so moving
    // their creation first changes nothing else.
    let functions = compiled.filter { $0 is FunctionStatement }
    let others = compiled.filter { !($0 is FunctionStatement) }
    return Program(statements: functions + others, slotCount: scope.slotCount)
  }

  // MARK: - Names

  func resolve(_ name: String, in scope: FunctionScope) -> Resolution? {
    if let variable = scope.lookupLocal(name) { return .local(variable) }
    if let index = scope.captureKeys[name] { return .capture(index, scope.captures[index]) }
    guard let parent = scope.parent else { return nil }
    switch resolve(name, in: parent) {
    case .local(let variable)?:
      variable.isCaptured = true
      let info = FunctionScope.CaptureInfo(name: name, isConstant: variable.isConstant, type: variable.type)
      return .capture(addCapture(.local(variable.slot), info, key: name, to: scope), info)
    case .capture(let index, let info)?:
      return .capture(addCapture(.capture(index), info, key: name, to: scope), info)
    default:
      return nil
    }
  }

  func addCapture(_ source: CaptureSource, _ info: FunctionScope.CaptureInfo, key: String, to scope: FunctionScope)
    -> Int
  {
    scope.captureSources.append(source)
    scope.captures.append(info)
    scope.captureKeys[key] = scope.captures.count - 1
    return scope.captures.count - 1
  }

  /// Resolves a name used as a value; a name that is nowhere to be found is an error now,
  /// not when the line runs.
  func resolveUse(_ name: String, at range: SourceRange) -> Resolution {
    if let resolution = resolve(name, in: scope) { return resolution }
    // Top-level code sees the cell's variables from their declaration on; function bodies
    // run later and see all of them.
    let declaredInCell =
      scope.isCell ? declaredSoFar.contains(name) || cellFunctionNames.contains(name) : cellDeclarations[name] != nil
    if !declaredInCell, !environment.globals.isKnown(name) {
      errors.append(environment.unknownName(name, at: range, extra: Array(cellDeclarations.keys) + scopeNames()))
    }
    return .global(slot: environment.globals.slot(for: name))
  }

  /// Local names visible here, for did-you-mean.
  func scopeNames() -> [String] {
    var names: [String] = []
    var current: FunctionScope? = scope
    while let s = current {
      for block in s.blocks { names += block.keys }
      current = s.parent
    }
    return names
  }

  // MARK: - Types

  func resolveType(_ annotation: TypeAnnotation?) -> RuntimeType? {
    guard let annotation else { return nil }
    switch annotation {
    case .named(let name, let range):
      if let type = RuntimeType.builtinNames[name] { return type }
      if environment.hostTypeNames.contains(name) { return .host(name) }
      let known = Array(RuntimeType.builtinNames.keys) + Array(environment.hostTypeNames)
      error(
        .nameError, "cannot find type '\(name)' in scope", at: range,
        help: Suggestions.closest(to: name, among: known).map { "did you mean '\($0)'?" })
      return .any
    case .array(let element, _): return .array(resolveType(element) ?? .any)
    case .dictionary(let key, let value, _):
      return .dictionary(resolveType(key) ?? .any, resolveType(value) ?? .any)
    case .tuple(let elements, let labels, _): return .tuple(elements.map { resolveType($0) ?? .any }, labels: labels)
    case .optional(let wrapped, _): return .optional(resolveType(wrapped) ?? .any)
    case .function(let parameters, let result, _):
      _ = parameters.map(resolveType)
      _ = resolveType(result)
      return .function(annotation.description)
    }
  }

  // MARK: - Statements

  func compileBlock(_ statements: [Stmt]) -> [Statement] {
    scope.blocks.append([:])
    defer { scope.blocks.removeLast() }
    return compileBlockContents(statements)
  }

  func compileBlockContents(_ statements: [Stmt]) -> [Statement] {
    // Functions of a block are declared before anything in it is compiled, so functions may
    // call each other whatever their order (mutual recursion).
    for statement in statements {
      guard case .function(let declaration) = statement.kind else { continue }
      if scope.declaresGlobals {
        // Checked for redeclaration in source order, when the statement itself compiles.
        let slot = environment.globals.slot(for: declaration.name)
        globalDeclarations.append((slot, true, nil))
        cellFunctionNames.insert(declaration.name)
        functionSlots.insert(slot)
        predeclaredFunctions[statement.range.start] = .global(slot: slot, name: declaration.name)
      } else {
        let binder = declare(.name(declaration.name, declaration.nameRange), isConstant: true, type: nil)
        if case .local(let variable) = binder { variable.isFunction = true }
        predeclaredFunctions[statement.range.start] = binder
      }
    }
    return statements.compactMap(compileStatement)
  }

  func compileStatement(_ statement: Stmt) -> Statement? {
    switch statement.kind {
    case .expression(let expression):
      return ExpressionStatement(compileExpression(expression))
    case .declaration(let isConstant, let pattern, let annotation, let value):
      let type = resolveType(annotation)
      if case .function(let parameters, let result, _)? = annotation, case .closure? = value?.kind {
        closureContext = (parameters.map { resolveType($0) ?? .any }, resolveType(result))
      }
      let node = value.map(compileExpression)
      // `let x: Int` with no value is assigned later; it is treated as a variable.
      let binder = declare(pattern, isConstant: isConstant && value != nil, type: pattern.isSingleName ? type : nil)
      if isConstant, value == nil {
        switch binder {
        case .local(let variable): variable.initializesOnce = true
        case .global(let slot, _): deferredGlobalConstants.insert(slot)
        default: break
        }
      }
      if let inferred = type ?? value.flatMap(staticType) {
        switch binder {
        case .local(let variable): variable.inferredType = inferred
        case .global(let slot, _): inferredGlobalTypes[slot] = inferred
        default: break
        }
      }
      return DeclarationStatement(
        binder: binder, value: node, type: type, name: pattern.names.first?.0 ?? "_", range: statement.range)
    case .assignment(let target, let op, let value):
      let valueNode = compileExpression(value)
      if case .tuple(let elements, _) = target.kind {
        guard op == "=" else {
          error(
            .syntaxError, "'\(op)' cannot assign to a tuple", at: target.range, help: "assign each element on its own")
          return nil
        }
        let places = elements.compactMap { compilePlace($0, assigning: true) }
        guard places.count == elements.count else { return nil }
        return TupleAssignmentStatement(places: places, value: valueNode, range: statement.range)
      }
      guard let place = compilePlace(target, assigning: true) else { return nil }
      let binary = op == "=" ? nil : BinaryOperator(compound: op)
      return AssignmentStatement(
        place: place, op: binary, value: valueNode, opRange: target.range, range: statement.range)
    case .function(let declaration):
      if scope.declaresGlobals {
        checkRedeclaration(declaration.name, at: declaration.nameRange)
      }
      let binder =
        predeclaredFunctions[statement.range.start]
        ?? declare(.name(declaration.name, declaration.nameRange), isConstant: true, type: nil)
      let closure = compileFunction(
        name: declaration.name, parameters: declaration.parameters, returnType: declaration.returnType,
        body: declaration.body, range: statement.range, isClosure: false)
      return FunctionStatement(binder: binder, closure: closure, range: statement.range)
    case .returnStatement(let value):
      if scope.isCell {
        error(
          .syntaxError, "return invalid outside of a func", at: statement.range,
          help: "a cell's last expression is its result; remove 'return'")
      }
      let node = ReturnStatement(value: value.map(compileExpression), range: statement.range)
      node.type = scope.returnType
      node.functionName = scope.functionName
      return node
    case .ifStatement(let branches, let elseBody):
      var compiled: [(CompiledCondition, [Statement])] = []
      for branch in branches {
        scope.blocks.append([:])
        let condition = compileCondition(branch.condition)
        let body = compileBlock(branch.body)
        scope.blocks.removeLast()
        compiled.append((condition, body))
      }
      return IfStatement(branches: compiled, elseBody: elseBody.map(compileBlock), range: statement.range)
    case .guardStatement(let condition, let elseBody):
      let compiledElse = compileBlock(elseBody)
      if !endsScope(elseBody) {
        error(
          .syntaxError, "'guard' body must not fall through", at: statement.range,
          help: "end the 'else' block with 'return', 'break' or 'continue'")
      }
      // The bound name stays visible after the guard, as in Swift.
      let compiledCondition = compileCondition(condition)
      return GuardStatement(condition: compiledCondition, elseBody: compiledElse, range: statement.range)
    case .forLoop(let pattern, let sequence, let filter, let body):
      let sequenceNode = compileExpression(sequence)
      scope.blocks.append([:])
      defer { scope.blocks.removeLast() }
      let binder = declareLocal(pattern, isConstant: true)
      let filterNode = filter.map(compileExpression)
      let label = takeLoopLabel()
      scope.loopLabels.append(label)
      defer { scope.loopLabels.removeLast() }
      let loop = ForStatement(binder: binder, sequence: sequenceNode, body: compileBlock(body), range: statement.range)
      loop.filter = filterNode
      loop.label = label
      return loop
    case .whileLoop(let condition, let body):
      scope.blocks.append([:])
      defer { scope.blocks.removeLast() }
      let compiledCondition = compileCondition(condition)
      let label = takeLoopLabel()
      scope.loopLabels.append(label)
      defer { scope.loopLabels.removeLast() }
      let loop = WhileStatement(condition: compiledCondition, body: compileBlock(body), range: statement.range)
      loop.label = label
      return loop
    case .repeatWhile(let body, let condition):
      let label = takeLoopLabel()
      scope.loopLabels.append(label)
      let compiledBody = compileBlock(body)
      scope.loopLabels.removeLast()
      let loop = RepeatWhileStatement(
        condition: compileExpression(condition), body: compiledBody, range: statement.range)
      loop.label = label
      return loop
    case .switchStatement(let subject, let cases):
      return compileSwitch(subject, cases, range: statement.range)
    case .labeled(let label, let loop):
      if scope.loopLabels.contains(label) {
        error(.syntaxError, "label '\(label)' cannot be reused on an inner statement", at: statement.range)
      }
      pendingLoopLabel = label
      return compileStatement(loop)
    case .breakStatement(let label), .continueStatement(let label):
      let isBreak: Bool
      if case .breakStatement = statement.kind { isBreak = true } else { isBreak = false }
      let word = isBreak ? "break" : "continue"
      let loops = scope.loopLabels.filter { $0 != SwitchStatement.breakTarget }
      if scope.loopLabels.isEmpty || (!isBreak && loops.isEmpty) {
        error(
          .syntaxError, "'\(word)' is only allowed inside a loop\(isBreak ? " or a switch" : "")",
          at: statement.range)
      } else if let label, !scope.loopLabels.contains(label) {
        let known = scope.loopLabels.compactMap { $0 }
        error(
          .syntaxError, "cannot find label '\(label)' in scope", at: statement.range,
          help: Suggestions.closest(to: label, among: known).map { "did you mean '\($0)'?" }
            ?? "label the loop: '\(label): for …'")
      }
      return JumpStatement(flow: isBreak ? .breakLoop : .continueLoop, label: label, range: statement.range)
    }
  }

  func compileSwitch(_ subject: Expr, _ cases: [SwitchCase], range: SourceRange) -> Statement {
    let subjectNode = compileExpression(subject)
    var compiled: [SwitchStatement.Case] = []
    // `break` inside a case leaves the switch, as in Swift.
    scope.loopLabels.append(SwitchStatement.breakTarget)
    defer { scope.loopLabels.removeLast() }
    for switchCase in cases {
      scope.blocks.append([:])
      var patterns: [SwitchStatement.Pattern] = []
      for pattern in switchCase.patterns {
        switch pattern {
        case .value(let expression): patterns.append(.value(compileExpression(expression)))
        case .wildcard: patterns.append(.any(nil))
        case .binding(let name, let nameRange):
          if switchCase.patterns.count > 1 {
            error(
              .syntaxError, "'let \(name)' must be the only pattern of its case", at: nameRange,
              help: "give the binding a case of its own")
          }
          patterns.append(.any(scope.declare(name, isConstant: true, type: nil, range: nameRange)))
        }
      }
      let guardNode = switchCase.guardExpression.map(compileExpression)
      let body = compileBlock(switchCase.body)
      scope.blocks.removeLast()
      compiled.append(.init(patterns: patterns, guardNode: guardNode, body: body, isDefault: switchCase.isDefault))
    }
    let exhaustive =
      cases.last.map { last in
        last.isDefault
          || (last.guardExpression == nil
            && last.patterns.contains {
              if case .value = $0 { return false } else { return true }
            })
      } ?? false
    if !exhaustive {
      error(
        .syntaxError, "switch must be exhaustive", at: range,
        help: "end it with 'default:' (or 'case let x:') for the values no case names")
    }
    if let misplaced = cases.dropLast().first(where: \.isDefault) {
      error(
        .syntaxError, "additional 'case' blocks cannot appear after the 'default' block of a 'switch'",
        at: misplaced.range)
    }
    return SwitchStatement(subject: subjectNode, cases: compiled, range: range)
  }

  /// The label written before the loop being compiled, if any.
  func takeLoopLabel() -> String? {
    defer { pendingLoopLabel = nil }
    return pendingLoopLabel
  }

  func endsScope(_ body: [Stmt]) -> Bool {
    guard let last = body.last else { return false }
    switch last.kind {
    case .returnStatement, .breakStatement, .continueStatement: return true
    case .ifStatement(let branches, let elseBody?):
      return branches.allSatisfy { endsScope($0.body) } && endsScope(elseBody)
    default: return false
    }
  }

  func compileCondition(_ condition: Condition) -> CompiledCondition {
    switch condition {
    case .expression(let expression):
      return .expression(compileExpression(expression))
    case .all(let conditions):
      return .all(conditions.map(compileCondition))
    case .optionalBinding(let name, let range, let value, let isConstant):
      let node = compileExpression(value)
      let variable = scope.declare(name, isConstant: isConstant, type: nil, range: range)
      return .binding(variable, node)
    }
  }

  /// Declares the names of a pattern where the current scope keeps them.
  func declare(_ pattern: Pattern, isConstant: Bool, type: RuntimeType?) -> Binder {
    guard scope.declaresGlobals else { return declareLocal(pattern, isConstant: isConstant, type: type) }
    switch pattern {
    case .name(let name, let range):
      checkRedeclaration(name, at: range)
      let slot = environment.globals.slot(for: name)
      globalDeclarations.append((slot, isConstant, type))
      return .global(slot: slot, name: name)
    case .wildcard: return .discard
    case .tuple(let elements, let range):
      return .tuple(elements.map { declare($0, isConstant: isConstant, type: nil) }, range)
    }
  }

  /// A top-level name may be declared once per cell.
  func checkRedeclaration(_ name: String, at range: SourceRange) {
    if declaredSoFar.contains(name) {
      error(
        .syntaxError, "invalid redeclaration of '\(name)'", at: range,
        help: "give it another name, or assign with '\(name) = …' if it is a 'var'")
    }
    declaredSoFar.insert(name)
  }

  func declareLocal(_ pattern: Pattern, isConstant: Bool, type: RuntimeType? = nil) -> Binder {
    switch pattern {
    case .name(let name, let range):
      if scope.blocks[scope.blocks.count - 1][name] != nil {
        error(
          .syntaxError, "invalid redeclaration of '\(name)'", at: range,
          help: "give it another name, or assign with '\(name) = …' if it is a 'var'")
      }
      return .local(scope.declare(name, isConstant: isConstant, type: type, range: range))
    case .wildcard: return .discard
    case .tuple(let elements, let range):
      return .tuple(elements.map { declareLocal($0, isConstant: isConstant) }, range)
    }
  }

  // MARK: - Functions and closures

  func compileFunction(
    name: String, parameters: [Parameter], returnType: TypeAnnotation?, body: [Stmt], range: SourceRange,
    isClosure: Bool, hasExplicitParameters: Bool = true
  ) -> ClosureNode {
    let context = closureContext
    closureContext = nil
    let template = FunctionTemplate(name: name, file: file, range: range, isClosure: isClosure)
    let child = FunctionScope(parent: scope, isCell: false)
    child.hasExplicitParameters = hasExplicitParameters
    let outer = scope
    scope = child
    defer { scope = outer }

    var compiledParameters: [FunctionTemplate.CompiledParameter] = []
    var seen: Set<String> = []
    for (index, parameter) in parameters.enumerated() {
      let type =
        resolveType(parameter.type) ?? context.flatMap { index < $0.parameters.count ? $0.parameters[index] : nil }
      let defaultNode = parameter.defaultValue.map(compileExpression)
      if parameter.name != "_", seen.contains(parameter.name) {
        error(.syntaxError, "invalid redeclaration of '\(parameter.name)'", at: parameter.nameRange)
      }
      seen.insert(parameter.name)
      let variable = child.declare(parameter.name, isConstant: true, type: type, range: parameter.nameRange)
      variable.isParameter = true
      compiledParameters.append(
        .init(label: parameter.label, name: parameter.name, type: type, defaultValue: defaultNode, variable: variable))
    }
    if !hasExplicitParameters {
      let count = Compiler.anonymousParameterCount(in: body)
      for index in 0..<count {
        let type = context.flatMap { index < $0.parameters.count ? $0.parameters[index] : nil }
        let variable = child.declare("$\(index)", isConstant: true, type: type, range: range)
        compiledParameters.append(
          .init(label: nil, name: "$\(index)", type: type, defaultValue: nil, variable: variable))
      }
    }
    template.parameters = compiledParameters
    child.returnType = resolveType(returnType) ?? context?.result
    child.functionName = name
    template.parameterLabels = compiledParameters.map(\.label)
    template.returnType = child.returnType
    if body.count == 1, case .expression(let expression) = body[0].kind {
      template.singleExpression = compileExpression(expression)
    } else {
      template.body = compileBlock(body)
    }
    template.slotCount = child.slotCount
    template.captureSources = child.captureSources
    template.needsParameterPass = compiledParameters.contains {
      $0.defaultValue != nil || $0.type != nil || $0.variable.isCaptured
    }
    return ClosureNode(template: template, range: range)
  }

  /// The number of `$n` parameters a closure body uses (not counting nested closures).
  static func anonymousParameterCount(in body: [Stmt]) -> Int {
    var highest = -1
    var walker = SyntaxWalker { expression in
      if case .anonymousParameter(let n) = expression.kind { highest = max(highest, n) }
    }
    walker.walk(body)
    return highest + 1
  }
}

extension Pattern {
  var names: [(String, SourceRange)] {
    switch self {
    case .name(let name, let range): return [(name, range)]
    case .wildcard: return []
    case .tuple(let elements, _): return elements.flatMap(\.names)
    }
  }

  var isSingleName: Bool {
    if case .name = self { return true }
    return false
  }
}
