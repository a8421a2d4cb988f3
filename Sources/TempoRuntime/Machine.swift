import TempoSyntax

/// The state of one running cell: the value stack, the current frame, the globals, and
/// the limits that keep any program bounded.
///
/// Local variables live in one contiguous stack (`base` + slot), so a call allocates
/// nothing; variables that closures capture are boxed (`Value.cell`).
final class Machine {
  var stack: UnsafeMutablePointer<Value>
  var capacity: Int
  /// Start of the current frame's slots.
  var base = 0
  /// First free slot.
  var top = 0
  /// The function whose body is running (for its captured variables), nil at cell level.
  var function: UserFunction?
  /// The label a `break` or `continue` named, while it travels to its loop.
  var flowLabel: String?
  /// The value of the last `return`.
  var returnValue: Value = .void
  var callDepth = 0
  /// Deprecated argument labels already warned about in this cell (`plot xlabel`).
  var warnedSpellings: Set<String> = []
  let globals: Globals
  let interrupt: InterruptFlag
  let output: OutputSink
  let limits: ExecutionLimits
  /// The native stack may not grow below this address (see `StackFloor`).
  let stackFloor: UInt
  /// Statements left before the next look at the process's memory.
  var stepsUntilCheck = -1
  /// Statements left before `limits.maximumSteps` stops the program.
  var remainingSteps: Int
  /// The session, for builtins that need the environment (help, completion of values).
  unowned let environment: Environment

  /// Slots for every frame of a cell: 10,000 nested calls of 400 variables each.
  static let stackCapacity = 4_000_000

  init(environment: Environment, output: OutputSink, limits: ExecutionLimits, stackFloor: UInt) {
    self.stackFloor = stackFloor
    self.environment = environment
    self.globals = environment.globals
    self.interrupt = environment.interrupt
    self.output = output
    self.limits = limits
    self.remainingSteps = (limits.maximumSteps ?? Int.max - 1) + 1
    // Fixed for the cell's lifetime: code may hold a pointer into the stack (a variable being
    // changed in place) while a call pushes frames, so the stack must never move. The memory
    // is only reserved; pages are committed as frames reach them.
    capacity = Machine.stackCapacity
    stack = .allocate(capacity: capacity)
  }

  deinit {
    stack.deinitialize(count: top)
    stack.deallocate()
  }

  /// Called before every statement and loop iteration.
  @inline(__always)
  func checkpoint() throws {
    if interrupt.isRaised {
      throw RuntimeError(
        .keyboardInterrupt, "execution was interrupted",
        help: "variables keep the values they had after the last completed statement")
    }
    // One counter on the hot path (each stored-property update costs an exclusivity check);
    // the rarer checks run when it reaches zero.
    stepsUntilCheck &-= 1
    if stepsUntilCheck < 0 { try periodicCheck() }
  }

  /// Every `Machine.checkInterval` statements: the step limit and the memory limit.
  func periodicCheck() throws {
    let interval = min(Machine.checkInterval, remainingSteps)
    remainingSteps -= interval
    stepsUntilCheck = interval - 1
    if remainingSteps < 0 || (interval == 0 && limits.maximumSteps != nil) {
      throw RuntimeError(
        .limitError, "the program ran more than \(limits.maximumSteps ?? 0) steps",
        help: "this session limits how long a cell may run")
    }
    try MemoryUse.check(limits)
  }

  static let checkInterval = 4096

  @inline(__always)
  func push(_ value: Value) throws {
    if top == capacity { throw stackExhausted() }
    (stack + top).initialize(to: value)
    top += 1
  }

  /// Makes room for `count` more slots and fills them with `.undefined`.
  @inline(__always)
  func reserve(_ count: Int) throws {
    if top + count > capacity { throw stackExhausted() }
    (stack + top).initialize(repeating: .undefined, count: count)
    top += count
  }

  func stackExhausted() -> RuntimeError {
    RuntimeError(
      .recursionError, "the call stack is full (\(capacity) variables in \(callDepth) nested calls)",
      help: "check that the recursion has a base case that is reached")
  }

  /// Drops the slots at and above `newTop`.
  @inline(__always)
  func pop(to newTop: Int) {
    (stack + newTop).deinitialize(count: top - newTop)
    top = newTop
  }

  @inline(__always)
  func local(_ slot: Int) -> UnsafeMutablePointer<Value> { stack + (base + slot) }
}

/// Bounds on what one cell may use, so that no program can hang or exhaust the host.
public struct ExecutionLimits: Sendable {
  /// The deepest chain of calls (Swift would crash with a stack overflow; Tempo reports it).
  public var maximumCallDepth = 10_000
  /// The most elements an array, dictionary or materialized range may hold.
  public var maximumCollectionCount = 50_000_000
  /// How deeply arrays, tuples and dictionaries may nest in a value that is stored. Freeing,
  /// printing and comparing recurse once per level, so depth must be bounded.
  public var maximumNesting = 1_000
  /// The most bytes a string may hold.
  public var maximumStringBytes = 256 << 20
  /// The resident memory the process may reach before the running cell is stopped with a
  /// `LimitError` (checked every few thousand statements and before large allocations).
  /// Defaults to three quarters of the machine's memory.
  public var maximumMemoryBytes = MemoryUse.defaultLimit
  /// Statements a cell may execute before it is stopped; nil for no limit. Tests and fuzzing
  /// set it; notebooks rely on interrupts instead.
  public var maximumSteps: Int? = nil

  public init() {}
}

/// The persistent top-level variables of a session, by slot.
///
/// Compiled code refers to a global by its slot, resolved once at compile time, so reading
/// one is an array access; re-declaring a name in a later cell reuses the slot, so functions
/// from earlier cells see the new value.
final class Globals {
  struct Info {
    var name: String
    var isConstant: Bool
    var type: RuntimeType?
    var isBuiltin: Bool
    /// A cell declared it (perhaps without a value yet: `var total: Int`).
    var isDeclared = false
    /// A `let` declared without a value: it may be assigned once.
    var initializesOnce = false
    /// It holds a function declared with `func`.
    var isFunction = false
  }

  private(set) var storage: UnsafeMutablePointer<Value>
  private var capacity: Int
  private(set) var count = 0
  private(set) var info: [Info] = []
  /// `info[slot].isConstant`, kept apart (and outside Swift's exclusivity checks) so the hot
  /// path of `x += 1` reads one byte.
  private(set) var constantSlots: UnsafeMutablePointer<Bool>
  private(set) var slots: [String: Int] = [:]

  init() {
    capacity = 256
    storage = .allocate(capacity: capacity)
    constantSlots = .allocate(capacity: capacity)
  }

  deinit {
    // Freeing a deeply nested value recurses once per level: do it where the stack is large.
    let storage = self.storage
    let count = self.count
    LargeStack.run { _ in
      storage.deinitialize(count: count)
      storage.deallocate()
    }
    constantSlots.deallocate()
  }

  /// The slot for a name, creating an undefined one if the name is new.
  func slot(for name: String) -> Int {
    if let slot = slots[name] { return slot }
    if count == capacity {
      let bigger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
      bigger.moveInitialize(from: storage, count: count)
      storage.deallocate()
      storage = bigger
      let biggerFlags = UnsafeMutablePointer<Bool>.allocate(capacity: capacity * 2)
      biggerFlags.moveInitialize(from: constantSlots, count: count)
      constantSlots.deallocate()
      constantSlots = biggerFlags
      capacity *= 2
    }
    (storage + count).initialize(to: .undefined)
    info.append(Info(name: name, isConstant: false, type: nil, isBuiltin: false))
    (constantSlots + count).initialize(to: false)
    slots[name] = count
    count += 1
    return count - 1
  }

  func declare(_ slot: Int, isConstant: Bool, type: RuntimeType?, isBuiltin: Bool = false) {
    info[slot].isConstant = isConstant
    constantSlots[slot] = isConstant
    info[slot].type = type
    info[slot].isBuiltin = isBuiltin
    info[slot].isDeclared = true
  }

  func markDeclaration(_ slot: Int, initializesOnce: Bool, isFunction: Bool) {
    info[slot].initializesOnce = initializesOnce
    info[slot].isFunction = isFunction
  }

  func isDefined(_ name: String) -> Bool {
    guard let slot = slots[name] else { return false }
    if case .undefined = storage[slot] { return false }
    return true
  }

  /// Defined, or declared by a cell without a value yet.
  func isKnown(_ name: String) -> Bool {
    guard let slot = slots[name] else { return false }
    return info[slot].isDeclared || isDefined(name)
  }

  func value(named name: String) -> Value? {
    guard let slot = slots[name] else { return nil }
    if case .undefined = storage[slot] { return nil }
    return storage[slot]
  }

  /// Names that currently hold a value.
  var definedNames: [String] {
    slots.compactMap { name, slot in
      if case .undefined = storage[slot] { return nil }
      return name
    }
  }
}
