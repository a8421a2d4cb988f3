import JSONValue

/// MIME type → data, as in `display_data` and `execute_result` (`text/plain` always present).
public typealias MimeBundle = [String: JSON]

/// What `kernel_info_reply` says about the kernel and its language.
public struct KernelDescription: Sendable {
  public var implementation: String
  public var implementationVersion: String
  public var banner: String
  public var helpLinks: [(text: String, url: String)]
  public var language: LanguageInfo

  public init(
    implementation: String, implementationVersion: String, banner: String,
    helpLinks: [(text: String, url: String)], language: LanguageInfo
  ) {
    self.implementation = implementation
    self.implementationVersion = implementationVersion
    self.banner = banner
    self.helpLinks = helpLinks
    self.language = language
  }
}

/// `language_info` of `kernel_info_reply`.
public struct LanguageInfo: Sendable {
  public var name: String
  public var version: String
  public var mimetype: String
  public var fileExtension: String
  public var pygmentsLexer: String
  public var codemirrorMode: String

  public init(
    name: String, version: String, mimetype: String, fileExtension: String, pygmentsLexer: String,
    codemirrorMode: String
  ) {
    self.name = name
    self.version = version
    self.mimetype = mimetype
    self.fileExtension = fileExtension
    self.pygmentsLexer = pygmentsLexer
    self.codemirrorMode = codemirrorMode
  }
}

/// An error a cell ended with, as the protocol carries it.
public struct ExecutionError: Error, Sendable, Equatable {
  public var name: String
  public var value: String
  public var traceback: [String]

  public init(name: String, value: String, traceback: [String]) {
    self.name = name
    self.value = value
    self.traceback = traceback
  }
}

/// How a cell ended: its result (shown as `execute_result` when present) or an error.
public enum ExecutionOutcome: Sendable {
  case success(result: MimeBundle?)
  case failure(ExecutionError)
}

/// Completions for the code around a cursor; offsets in Unicode scalars, as on the wire.
public struct CompletionMatches: Sendable, Equatable {
  public var matches: [String]
  public var cursorStart: Int
  public var cursorEnd: Int

  public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
  }
}

/// `is_complete_reply` status.
public enum CodeCompleteness: Sendable, Equatable {
  case complete
  case incomplete(indent: String)
  case invalid
  case unknown
}

/// Which stream text goes to.
public enum StreamName: String, Sendable { case stdout, stderr }

/// What a running cell may do to the notebook; `KernelCore` implements it and stamps every
/// message with the request as parent.
public protocol ExecutionContext: AnyObject, Sendable {
  var executionCount: Int { get }
  func stream(_ name: StreamName, _ text: String)
  /// A display; with `displayID` it can be updated later with `update: true`.
  func display(_ data: MimeBundle, metadata: JSON, displayID: String?, update: Bool)
  func clearOutput(wait: Bool)
  /// Documentation for the pager (sent as a `page` payload of the reply).
  func page(_ text: String)
  /// Asks the requesting client for a line; throws `InputUnavailable` when the request did not
  /// allow stdin, and stops waiting when `isCancelled` turns true (an interrupt).
  func readInput(prompt: String, password: Bool, isCancelled: () -> Bool) throws(InputUnavailable) -> String
}

public struct InputUnavailable: Error, Sendable {
  public var reason: String
}

/// A language behind the kernel. `KernelCore` does the protocol bookkeeping (busy/idle,
/// counters, history, aborts); an interpreter only runs code and answers questions about it.
public protocol Interpreter: AnyObject, Sendable {
  var description: KernelDescription { get }
  /// Called before `execute_input` is published: from then on an interrupt belongs to this
  /// cell, so a client that interrupts as soon as it sees the cell start is never ignored.
  func prepareToExecute()
  /// Runs a cell; output goes through the context while it runs.
  func execute(_ code: String, context: ExecutionContext) -> ExecutionOutcome
  /// Evaluates one `user_expressions` entry after a cell, as a MIME bundle.
  func evaluate(expression: String) -> Result<MimeBundle, ExecutionError>
  /// `cursor` is in Unicode scalars, as on the wire.
  func complete(_ code: String, cursor: Int) -> CompletionMatches
  func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
  func isComplete(_ code: String) -> CodeCompleteness
  /// Stops the running cell soon (called from the control thread).
  func interrupt()
}

extension Interpreter {
  public func prepareToExecute() {}
}
