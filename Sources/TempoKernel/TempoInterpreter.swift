import JupyterKernel
import Synchronization
import TempoLibrary
import TempoRuntime

/// The Tempo language behind the Jupyter protocol: one `Environment` per kernel process.
///
/// Every method except `interrupt` runs on the kernel's interpreter thread, in request order.
public final class TempoInterpreter: Interpreter, @unchecked Sendable {
  public static let version = "0.1.0"

  public let environment: Environment
  /// True while a cell runs: an interrupt between cells must not stop the next one.
  private let running = Atomic<Bool>(false)

  public init(environment: Environment = StandardLibrary.makeEnvironment()) {
    self.environment = environment
  }

  public var description: KernelDescription {
    KernelDescription(
      implementation: "tempo", implementationVersion: Self.version,
      banner:
        "Tempo \(Self.version) — a Swift-like language for training neural networks. help(x) or x? shows documentation.",
      helpLinks: [],
      language: LanguageInfo(
        name: "tempo", version: Self.version, mimetype: "text/x-tempo", fileExtension: ".tempo",
        pygmentsLexer: "swift", codemirrorMode: "swift"))
  }

  /// Clears a stale interrupt (one that raced with the end of the previous cell), then accepts
  /// interrupts for the cell about to run.
  public func prepareToExecute() {
    environment.interrupt.clear()
    running.store(true, ordering: .sequentiallyConsistent)
  }

  public func execute(_ code: String, context: ExecutionContext) -> ExecutionOutcome {
    let output = KernelOutput(context: context, interrupt: environment.interrupt)
    // Normally `prepareToExecute` did this already; a direct caller gets the same start.
    if !running.load(ordering: .sequentiallyConsistent) { prepareToExecute() }
    defer {
      running.store(false, ordering: .sequentiallyConsistent)
      environment.interrupt.clear()
    }
    let outcome = environment.execute(
      code, name: "<cell \(context.executionCount)>", output: output, clearingInterrupt: false)
    switch outcome {
    case .success(let value): return .success(result: MimeRendering.bundle(forResult: value))
    case .failure(let error): return .failure(Self.executionError(error))
    }
  }

  public func evaluate(expression: String) -> Result<MimeBundle, ExecutionError> {
    let output = CollectingOutput()
    switch environment.execute(expression, name: "<user expression>", output: output) {
    case .success(let value): return .success(MimeRendering.bundle(for: value))
    case .failure(let error): return .failure(Self.executionError(error))
    }
  }

  public func complete(_ code: String, cursor: Int) -> CompletionMatches {
    let completion = environment.complete(code, cursor: CursorPosition.utf8Offset(ofScalarOffset: cursor, in: code))
    return CompletionMatches(
      matches: completion.matches,
      cursorStart: CursorPosition.scalarOffset(ofUTF8Offset: completion.start, in: code),
      cursorEnd: CursorPosition.scalarOffset(ofUTF8Offset: completion.end, in: code))
  }

  public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
    let offset = CursorPosition.utf8Offset(ofScalarOffset: cursor, in: code)
    return environment.inspect(code, cursor: offset).map { ["text/plain": .string($0)] }
  }

  public func isComplete(_ code: String) -> CodeCompleteness {
    switch Environment.isComplete(code) {
    case .complete: return .complete
    case .incomplete(let indent): return .incomplete(indent: indent)
    case .invalid: return .invalid
    }
  }

  /// Stops the running cell at its next statement; does nothing between cells. Safe from any
  /// thread and from a signal handler (two lock-free atomics).
  public func interrupt() {
    if running.load(ordering: .sequentiallyConsistent) { environment.interrupt.raise() }
  }

  static func executionError(_ error: CellError) -> ExecutionError {
    ExecutionError(
      name: error.family.rawValue, value: error.message,
      traceback: error.rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
  }
}

/// Sends a running cell's output to the notebook.
final class KernelOutput: OutputSink {
  private let context: ExecutionContext
  private let interrupt: InterruptFlag

  init(context: ExecutionContext, interrupt: InterruptFlag) {
    self.context = context
    self.interrupt = interrupt
  }

  func writeStandardOutput(_ text: String) { context.stream(.stdout, text) }
  func writeStandardError(_ text: String) { context.stream(.stderr, text) }

  func display(_ value: Value, displayID: String?) {
    context.display(MimeRendering.bundle(for: value), metadata: [:], displayID: displayID, update: false)
  }

  func updateDisplay(_ value: Value, displayID: String) {
    context.display(MimeRendering.bundle(for: value), metadata: [:], displayID: displayID, update: true)
  }

  func clearOutput(wait: Bool) { context.clearOutput(wait: wait) }
  func showHelp(_ text: String) { context.page(text) }

  func readLine(prompt: String, isPassword: Bool) throws -> String {
    do {
      return try context.readInput(prompt: prompt, password: isPassword) { interrupt.isRaised }
    } catch {
      if interrupt.isRaised {
        throw RuntimeError(.keyboardInterrupt, "interrupted while waiting for input")
      }
      throw RuntimeError(
        .inputError, "input(…) cannot read here: \(error.reason)",
        help: "run the cell in JupyterLab or jupyter console, or pass the value in code (papermill: -p name value)")
    }
  }
}
