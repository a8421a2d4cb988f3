/// Where a running program's output goes. The kernel sends it to IOPub; `tempo run` to the
/// terminal; tests collect it.
public protocol OutputSink: AnyObject {
  /// Text for standard output (`print`).
  func writeStandardOutput(_ text: String)
  /// Text for standard error (`warn`).
  func writeStandardError(_ text: String)
  /// Shows a value in full (`show`, `display`, rich MIME types where the value has them);
  /// with a `displayID`, `updateDisplay` can later replace it in place.
  func display(_ value: Value, displayID: String?)
  /// Replaces the value shown under `displayID` (`DisplayHandle.update`), wherever it is.
  func updateDisplay(_ value: Value, displayID: String)
  /// Clears the cell's output (`clear()`); `wait` defers it until new output arrives.
  func clearOutput(wait: Bool)
  /// Shows documentation (`help(x)`, `x?`): a pager in a notebook, plain text in a terminal.
  func showHelp(_ text: String)
  /// Reads one line from the user for `input(…)`; throws a `RuntimeError` of family
  /// `.inputError` when there is no one to ask.
  func readLine(prompt: String, isPassword: Bool) throws -> String
}

extension OutputSink {
  /// Shows a value that is never updated (`show`).
  public func display(_ value: Value) { display(value, displayID: nil) }
}

/// One display or display update, as `CollectingOutput` records it.
public struct DisplayEvent {
  public enum Kind: Equatable, Sendable {
    case display
    case update
  }

  public var kind: Kind
  public var value: Value
  public var displayID: String?

  /// `display tempo-3f9a2c1e-1: 0.5` (or `display: …` without an id), for tests to compare.
  public var summary: String {
    "\(kind)\(displayID.map { " \($0)" } ?? ""): \(value.description)"
  }
}

/// Output collected in memory, with no standard input: the default, and what tests use.
public final class CollectingOutput: OutputSink {
  public private(set) var standardOutput = ""
  public private(set) var standardError = ""
  /// Displays and updates in the order they came.
  public private(set) var displayEvents: [DisplayEvent] = []
  /// The values displayed (not updates).
  public var displayed: [Value] { displayEvents.filter { $0.kind == .display }.map(\.value) }
  public private(set) var helpTexts: [String] = []
  public private(set) var clearCount = 0
  /// Lines `input(…)` returns, in order; when empty, `input` fails.
  public var pendingInput: [String]
  /// Help, displayed values and display updates go to standard output too, as in a terminal.
  public var helpToStandardOutput: Bool

  public init(input: [String] = [], helpToStandardOutput: Bool = false) {
    self.pendingInput = input
    self.helpToStandardOutput = helpToStandardOutput
  }

  public func writeStandardOutput(_ text: String) { standardOutput += text }
  public func writeStandardError(_ text: String) { standardError += text }
  public func display(_ value: Value, displayID: String?) {
    displayEvents.append(DisplayEvent(kind: .display, value: value, displayID: displayID))
    if helpToStandardOutput { standardOutput += value.description + "\n" }
  }
  public func updateDisplay(_ value: Value, displayID: String) {
    displayEvents.append(DisplayEvent(kind: .update, value: value, displayID: displayID))
    if helpToStandardOutput { standardOutput += value.description + "\n" }
  }
  public func clearOutput(wait: Bool) {
    clearCount += 1
    standardOutput = ""
  }
  public func showHelp(_ text: String) {
    helpTexts.append(text)
    if helpToStandardOutput { standardOutput += text + "\n" }
  }
  public func readLine(prompt: String, isPassword: Bool) throws -> String {
    standardOutput += prompt
    guard !pendingInput.isEmpty else {
      throw RuntimeError(
        .inputError, "input(…) needs standard input, and this session has none",
        help: "run the cell in a frontend that allows input, or pass the value in code")
    }
    return pendingInput.removeFirst()
  }

  /// Forgets everything collected so far.
  public func reset() {
    standardOutput = ""
    standardError = ""
    displayEvents = []
    helpTexts = []
  }
}
