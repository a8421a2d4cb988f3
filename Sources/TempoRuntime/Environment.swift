import TempoSyntax

/// A Tempo session: the persistent variables of every cell run so far, the builtins, and the
/// interrupt flag. The kernel keeps one per notebook; `tempo run` one per file.
///
/// Cells are parsed whole and compiled before anything runs, so a cell with a syntax or name
/// error changes nothing. A cell that fails at run time keeps what its completed statements
/// did, as in a notebook.
public final class Environment {
  /// Set it (from any thread) to stop the running cell with `KeyboardInterrupt`.
  public let interrupt = InterruptFlag()
  public var limits = ExecutionLimits()
  /// The displays `display(x)` made, and their held-back updates (see `LiveDisplays`).
  public let liveDisplays = LiveDisplays()
  let globals = Globals()
  /// Host types that annotations may name (`Model`, `Figure`).
  public private(set) var hostTypeNames: Set<String> = []
  /// Per host type, its members and the type each gives, for completing after a call.
  public private(set) var hostMemberTypes: [String: [String: String]] = [:]
  /// Documentation of every builtin by name.
  public private(set) var documentation: [String: Documentation] = [:]
  /// The `help:` for names that are not defined but that users coming from elsewhere write
  /// (`freeze`), showing what to write instead.
  public private(set) var nameAdvice: [String: String] = [:]
  /// Types known from globals' initial values, by slot (see `Compiler.staticType`).
  var inferredGlobalTypes: [Int: RuntimeType] = [:]
  /// The value of the last cell that succeeded (see `execute`).
  public private(set) var lastResult: Value = .void
  /// How many cells have been executed (the default cell name uses it).
  public private(set) var cellCount = 0

  public init() {
    for builtin in Builtins.makeAll() {
      define(builtin.name, value: .function(builtin), documentation: builtin.documentation)
    }
    for type in TypeObject.standardTypes {
      define(type.name, value: .host(type), documentation: type.documentation)
    }
    registerType("DisplayHandle")
  }

  /// Adds a builtin or host value under a name; a cell may later redeclare the name.
  public func define(_ name: String, value: Value, documentation: Documentation? = nil) {
    let slot = globals.slot(for: name)
    globals.storage[slot] = value
    globals.declare(slot, isConstant: true, type: nil, isBuiltin: true)
    if let documentation { self.documentation[name] = documentation }
  }

  /// Answers an undefined `name` with `help` instead of the closest defined name.
  public func advise(onName name: String, help: String) {
    nameAdvice[name] = help
  }

  /// The documented members of host types, by type name, in the order they were registered.
  public private(set) var typeMembers: [(type: String, members: [Documentation])] = []

  /// Lets type annotations name a host type; `members` documents its members for the
  /// reference (`docs/builtins.md`).
  public func registerType(_ name: String, members: [Documentation] = []) {
    hostTypeNames.insert(name)
    if !members.isEmpty { typeMembers.append((name, members)) }
  }

  /// Tells completion a host type's members without a value of it: each member's type, `-> T`
  /// for a method returning `T` (see `CompletionInference`).
  public func registerMembers(of type: String, _ members: [String: String]) {
    hostMemberTypes[type] = members
  }

  /// The current value of a session variable.
  public func value(named name: String) -> Value? { globals.value(named: name) }

  /// Names of variables the user defined (not builtins).
  public var userVariableNames: [String] {
    globals.definedNames.filter { name in
      guard let slot = globals.slots[name] else { return false }
      return !globals.info[slot].isBuiltin
    }.sorted()
  }

  /// Every defined name, builtins included.
  public var allNames: [String] { globals.definedNames.sorted() }

  // MARK: - Running cells

  /// Parses, compiles and runs one cell.
  ///
  /// - Parameters:
  ///   - code: the cell's source.
  ///   - name: the name diagnostics show (`<cell 3>` by default, counting cells).
  ///   - output: where `print`, `show`, `display`, `warn` and `input` go.
  ///   - clearingInterrupt: false leaves the interrupt flag as it is, for a host that clears it
  ///     itself when a cell may start (a kernel must not lose an interrupt sent just before).
  /// - Returns: the value of the cell's last expression (`Value.void` when there is none), or
  ///   the error that stopped it. The session keeps the value too until the next cell, and
  ///   frees it on the large stack; release your copy before then (a value nested thousands
  ///   of levels deep would otherwise be freed on the caller's stack).
  public func execute(
    _ code: String, name: String? = nil, output: OutputSink, clearingInterrupt: Bool = true
  ) -> CellOutcome {
    cellCount += 1
    let file = SourceFile(name: name ?? "<cell \(cellCount)>", text: code)
    if file.bytes.count > limits.maximumStringBytes {
      return .failure(
        CellError(
          family: .limitError, message: "the cell is \(file.bytes.count) bytes, more than the limit",
          rendered: "LimitError: the cell is \(file.bytes.count) bytes; split it into smaller cells"))
    }
    if clearingInterrupt { interrupt.clear() }
    return LargeStack.run { stackFloor in
      let outcome = run(file, output: output, stackFloor: stackFloor)
      // The session keeps the last result, so that it is freed here, on the large stack, when
      // the next cell replaces it; the caller's copy only shares it. (A value nested deep by
      // recursion would otherwise be freed on the caller's small stack.)
      lastResult = outcome.value ?? .void
      return outcome
    }
  }

  deinit {
    LargeStack.run { _ in lastResult = .void }
  }

  private func run(_ file: SourceFile, output: OutputSink, stackFloor: UInt) -> CellOutcome {
    let parsed = Parser.parse(file)
    if !parsed.diagnostics.isEmpty {
      let errors = CellErrors(family: .syntaxError, diagnostics: parsed.diagnostics, file: file)
      return .failure(CellError(errors))
    }
    let compiler = Compiler(file: file, environment: self)
    let program = compiler.compileCell(parsed.statements)
    if !compiler.errors.isEmpty {
      let diagnostics = compiler.errors.map {
        Diagnostic(.error, $0.message, at: $0.range ?? SourceRange(0, 0), notes: $0.notes, help: $0.help)
      }
      let family = compiler.errors.first?.family ?? .syntaxError
      return .failure(CellError(CellErrors(family: family, diagnostics: diagnostics, file: file)))
    }
    for declaration in compiler.globalDeclarations {
      globals.declare(declaration.slot, isConstant: declaration.isConstant, type: declaration.type)
      inferredGlobalTypes[declaration.slot] = nil
    }
    for (slot, type) in compiler.inferredGlobalTypes { inferredGlobalTypes[slot] = type }
    for slot in compiler.globalDeclarations.map(\.slot) {
      globals.markDeclaration(
        slot, initializesOnce: compiler.deferredGlobalConstants.contains(slot),
        isFunction: compiler.functionSlots.contains(slot))
    }
    let machine = Machine(environment: self, output: output, limits: limits, stackFloor: stackFloor)
    machine.returnValue = .void
    // However the cell ends (a value, an error, an interrupt), the updates the throttle held
    // back go out now, before the kernel reports the cell finished, so every display ends up
    // showing its last value.
    defer { liveDisplays.flushPendingUpdates(to: output) }
    do {
      try machine.reserve(program.slotCount)
      _ = try TempoRuntime.execute(program.statements, machine)
      // A builtin that stops early on an interrupt (fit keeps its partial run) returns normally;
      // the cell still ends as interrupted, after the statement's result was stored.
      try machine.checkpoint()
      return .success(machine.returnValue)
    } catch let error as RuntimeError {
      return .failure(CellError(error.inFile(file)))
    } catch {
      return .failure(CellError(family: .valueError, message: "\(error)", rendered: "ValueError: \(error)"))
    }
  }

  // MARK: - Errors and help

  /// `NameError: cannot find 'x' in scope`, with the closest defined name.
  func unknownName(_ name: String, at range: SourceRange, extra: [String] = []) -> RuntimeError {
    let candidates = globals.definedNames + extra
    var help: String?
    if let advice = nameAdvice[name] {
      help = advice
    } else if let near = Suggestions.closest(to: name, among: candidates) {
      help = "did you mean '\(near)'?"
    } else if Keyword(rawValue: name.lowercased()) != nil {
      help = "keywords are lower case: '\(name.lowercased())'"
    }
    return RuntimeError(.nameError, "cannot find '\(name)' in scope", at: range, help: help)
  }

  /// The text `help(x)` and `x?` show.
  public func helpText(for value: Value, name: String?) -> String {
    switch value {
    case .function(let function):
      if let doc = function.documentation { return doc.text }
    case .host(let object):
      if let doc = object.documentation { return doc.text }
      let members = object.memberNames
      return "\(object.typeName): \(object.description)"
        + (members.isEmpty ? "" : "\n\nMembers: " + members.joined(separator: ", "))
    default: break
    }
    var text = "\(name.map { "\($0): " } ?? "")\(value.typeName) = \(Inspection.summary(of: value))"
    let members = Members.names(of: value)
    if !members.isEmpty { text += "\n\nMembers: " + members.joined(separator: ", ") }
    return text
  }
}

/// What running a cell gave.
public enum CellOutcome {
  case success(Value)
  case failure(CellError)

  public var value: Value? {
    if case .success(let value) = self { return value }
    return nil
  }

  public var error: CellError? {
    if case .failure(let error) = self { return error }
    return nil
  }
}

/// A cell's error, ready to show: `ename`, `evalue` and the rendered text.
public struct CellError: Error, CustomStringConvertible {
  public var family: ErrorFamily
  public var message: String
  /// `Family: message`, a blank line, then each diagnostic with its excerpt.
  public var rendered: String
  /// Where it happened, when known.
  public var location: SourceLocation?
  /// The cell started running and failed (as opposed to being rejected before it ran).
  public var isRuntimeFailure = false

  public init(family: ErrorFamily, message: String, rendered: String, location: SourceLocation? = nil) {
    self.family = family
    self.message = message
    self.rendered = rendered
    self.location = location
  }

  init(_ error: RuntimeError) {
    self.init(
      family: error.family, message: error.message, rendered: error.rendered,
      location: error.range.flatMap { range in error.file.map { $0.location(of: range.start) } })
    isRuntimeFailure = true
  }

  init(_ errors: CellErrors) {
    self.init(
      family: errors.family, message: errors.diagnostics.first?.message ?? "invalid cell",
      rendered: errors.rendered,
      location: errors.diagnostics.first.map { errors.file.location(of: $0.range.start) })
  }

  public var description: String { rendered }
}

/// Short descriptions of values for help and inspection.
enum Inspection {
  static func summary(of value: Value) -> String {
    let text = value.debugDescription
    if text.count > 200 { return String(text.prefix(200)) + "…" }
    return text
  }
}
