import Foundation
import JSONValue

/// The protocol bookkeeping of a kernel, independent of sockets and of the language.
///
/// It verifies and decodes frames, keeps shell requests in order, wraps every request in
/// `busy`/`idle` with the request as parent, counts executions, publishes `execute_input`,
/// results and errors, records history, aborts queued executes after an error
/// (`stop_on_error`) and routes `input()` to the requesting client. One dispatch table maps
/// each `msg_type` to its handler; unknown types are logged and dropped.
public final class KernelCore: @unchecked Sendable {
  public typealias Handler = (KernelCore) -> (Message, Channel) -> Void

  public let codec: WireCodec
  public let history: HistoryStore
  let interpreter: Interpreter
  let transport: KernelTransport
  let log: KernelLog
  let streams: StreamCoalescer
  /// Called after `shutdown_reply` and the final `idle` went out; the transport closes and exits.
  public var onShutdown: (@Sendable (_ restart: Bool) -> Void)?

  private let queueCondition = NSCondition()
  private var queue: [(Message, Channel)] = []  // guarded by queueCondition
  private var stopped = false  // guarded by queueCondition
  /// Touched only by the thread that processes shell requests.
  private var executionCount = 0
  /// After a failed cell: its time, and until when in-flight executes sent before it are aborted.
  private var abortBefore: (errorTime: Double, until: Double)?
  /// How long after an error executes sent before it may still arrive (seconds).
  public var abortWindow = 1.0
  private let input = InputExchange()

  // Immutable after initialization; the closures capture nothing.
  nonisolated(unsafe) private static let handlers: [MessageType: Handler] = [
    .executeRequest: KernelCore.handleExecute,
    .kernelInfoRequest: KernelCore.handleKernelInfo,
    .completeRequest: KernelCore.handleComplete,
    .inspectRequest: KernelCore.handleInspect,
    .isCompleteRequest: KernelCore.handleIsComplete,
    .historyRequest: KernelCore.handleHistory,
    .commInfoRequest: KernelCore.handleCommInfo,
    .commOpen: KernelCore.handleCommOpen,
    .commMessage: KernelCore.handleCommIgnored,
    .commClose: KernelCore.handleCommIgnored,
    .shutdownRequest: KernelCore.handleShutdown,
    .interruptRequest: KernelCore.handleInterrupt,
  ]

  public init(
    interpreter: Interpreter, transport: KernelTransport, codec: WireCodec, history: HistoryStore,
    streamInterval: Double = 0.1, log: @escaping KernelLog
  ) {
    self.interpreter = interpreter
    self.transport = transport
    self.codec = codec
    self.history = history
    self.log = log
    let streamParent = StreamTarget()
    self.streams = StreamCoalescer(interval: streamInterval) { name, text, parent in
      streamParent.core?.publish(.stream, ["name": .string(name.rawValue), "text": .string(text)], parent: parent)
    }
    streamParent.core = self
  }

  deinit {
    // The flusher thread keeps the coalescer alive while it loops; stopping lets both go.
    streams.stop()
  }

  // MARK: Receiving

  /// Takes a received multipart message from a socket's owner thread. Shell requests are
  /// queued for `runShell`; control requests are handled at once on the calling thread;
  /// `input_reply` wakes the waiting cell. Anything malformed is logged and dropped.
  public func receive(_ frames: [[UInt8]], on channel: Channel) {
    let message: Message
    do {
      message = try codec.decode(frames)
    } catch {
      log("dropped a message on \(channel.rawValue): \(error.description)")
      return
    }
    switch channel {
    case .shell:
      queueCondition.lock()
      queue.append((message, channel))
      queueCondition.signal()
      queueCondition.unlock()
    case .control:
      dispatch(message, on: channel)
    case .stdin:
      guard message.type == MessageType.inputReply.rawValue else {
        log("dropped '\(message.type)' on stdin; only input_reply belongs there")
        return
      }
      input.deliver(message.content["value"]?.stringValue ?? "")
    case .iopub, .heartbeat:
      log("dropped a message on \(channel.rawValue)")
    }
  }

  /// Processes shell requests in order until `stop()`; runs on the kernel's interpreter thread.
  public func runShell() {
    while let (message, channel) = nextRequest(waiting: true) { dispatch(message, on: channel) }
  }

  /// Processes every queued shell request now (the in-memory transport's tests use this).
  public func processQueuedRequests() {
    while let (message, channel) = nextRequest(waiting: false) { dispatch(message, on: channel) }
  }

  public func stop() {
    queueCondition.lock()
    stopped = true
    queueCondition.broadcast()
    queueCondition.unlock()
    streams.stop()
  }

  private func nextRequest(waiting: Bool) -> (Message, Channel)? {
    queueCondition.lock()
    defer { queueCondition.unlock() }
    while queue.isEmpty {
      guard waiting, !stopped else { return nil }
      queueCondition.wait()
    }
    return stopped ? nil : queue.removeFirst()
  }

  /// Removes the queued `execute_request`s (stop_on_error), leaving other requests in order.
  private func takeQueuedExecutes() -> [Message] {
    queueCondition.lock()
    defer { queueCondition.unlock() }
    let executes = queue.filter { $0.0.type == MessageType.executeRequest.rawValue }.map(\.0)
    queue.removeAll { $0.0.type == MessageType.executeRequest.rawValue }
    return executes
  }

  // MARK: Dispatch

  private func dispatch(_ message: Message, on channel: Channel) {
    publishStatus("busy", parent: message.rawHeader)
    var accepted = false
    if let type = MessageType(rawValue: message.type), let handler = Self.handlers[type] {
      if let problem = RequestContent.problem(in: message.content, of: type) {
        refuse(message, on: channel, type: type, problem: problem)
      } else {
        accepted = true
        handler(self)(message, channel)
      }
    } else {
      log("ignored unknown message type '\(message.type)' on \(channel.rawValue)")
    }
    streams.flushAll()
    publishStatus("idle", parent: message.rawHeader)
    if accepted, message.type == MessageType.shutdownRequest.rawValue {
      onShutdown?(message.content["restart"]?.boolValue ?? false)
    }
  }

  /// Answers a request whose content breaks the specification with an error reply naming the
  /// field (`RequestContent`); nothing runs and nothing the session holds changes. Comm
  /// messages have no reply, so they are only logged.
  private func refuse(_ request: Message, on channel: Channel, type: MessageType, problem: String) {
    log("refused a malformed request: \(problem)")
    guard let replyType = Self.replyTypes[type] else { return }
    var content: [String: JSON] = [
      "status": "error", "ename": "ProtocolError", "evalue": .string(problem), "traceback": [.string(problem)],
    ]
    if type == .executeRequest { content["execution_count"] = .int(executionCount) }
    reply(to: request, on: channel, replyType, .object(content))
  }

  private static let replyTypes: [MessageType: MessageType] = [
    .executeRequest: .executeReply, .kernelInfoRequest: .kernelInfoReply, .completeRequest: .completeReply,
    .inspectRequest: .inspectReply, .isCompleteRequest: .isCompleteReply, .historyRequest: .historyReply,
    .commInfoRequest: .commInfoReply, .shutdownRequest: .shutdownReply, .interruptRequest: .interruptReply,
  ]

  // MARK: Sending

  func publish(_ type: MessageType, _ content: JSON, parent: [UInt8], metadata: JSON = [:]) {
    let topic = Array("kernel.\(codec.session).\(type.rawValue)".utf8)
    let frames = codec.encode(
      OutgoingMessage(identities: [topic], type: type, parentHeader: parent, metadata: metadata, content: content))
    transport.send(frames, on: .iopub)
  }

  func publishStatus(_ state: String, parent: [UInt8]) {
    publish(.status, ["execution_state": .string(state)], parent: parent)
  }

  func reply(to request: Message, on channel: Channel, _ type: MessageType, _ content: JSON) {
    let frames = codec.encode(
      OutgoingMessage(identities: request.identities, type: type, parentHeader: request.rawHeader, content: content))
    transport.send(frames, on: channel)
  }

  /// The unsolicited `starting` status, published once at boot.
  public func publishStarting() {
    publishStatus("starting", parent: Array("{}".utf8))
  }

  // MARK: Handlers

  private func handleExecute(_ request: Message, _ channel: Channel) {
    if wasSentBeforeLastError(request) {
      log("aborting an execute request sent before the last error")
      replyAborted(request)
      return
    }
    let content = request.content
    guard let code = content["code"]?.stringValue else {
      log("execute_request without 'code'; replying with an error")
      reply(
        to: request, on: channel, .executeReply,
        [
          "status": "error", "ename": "ProtocolError", "evalue": "execute_request has no 'code'",
          "traceback": [], "execution_count": .int(executionCount),
        ])
      return
    }
    let silent = content["silent"]?.boolValue ?? false
    let storeHistory = silent ? false : (content["store_history"]?.boolValue ?? true)
    let allowStdin = content["allow_stdin"]?.boolValue ?? true
    let stopOnError = content["stop_on_error"]?.boolValue ?? true
    if storeHistory { executionCount += 1 }
    let count = executionCount
    interpreter.prepareToExecute()
    if !silent {
      publish(.executeInput, ["code": .string(code), "execution_count": .int(count)], parent: request.rawHeader)
    }
    let context = CellContext(
      core: self, request: request, silent: silent, allowStdin: allowStdin, executionCount: count)
    let outcome = interpreter.execute(code, context: context)
    streams.flushAll()
    var expressions: [String: JSON] = [:]
    for (name, expression) in content["user_expressions"]?.objectValue ?? [:] {
      guard let text = expression.stringValue else { continue }
      switch interpreter.evaluate(expression: text) {
      case .success(let bundle): expressions[name] = ["status": "ok", "data": .object(bundle), "metadata": [:]]
      case .failure(let error): expressions[name] = Self.errorContent(error, status: true)
      }
    }
    switch outcome {
    case .success(let result):
      if let result, !silent {
        publish(
          .executeResult, ["execution_count": .int(count), "data": .object(result), "metadata": [:]],
          parent: request.rawHeader)
      }
      reply(
        to: request, on: channel, .executeReply,
        [
          "status": "ok", "execution_count": .int(count), "payload": .array(context.payload),
          "user_expressions": .object(expressions),
        ])
      if storeHistory { history.record(line: count, input: code, output: result?["text/plain"]?.stringValue) }
    case .failure(let error):
      if !silent { publish(.error, Self.errorContent(error), parent: request.rawHeader) }
      var replyContent = Self.errorContent(error, status: true)
      if case .object(var fields) = replyContent {
        fields["execution_count"] = .int(count)
        fields["payload"] = .array(context.payload)
        fields["user_expressions"] = .object(expressions)
        replyContent = .object(fields)
      }
      reply(to: request, on: channel, .executeReply, replyContent)
      if storeHistory { history.record(line: count, input: code, output: nil) }
      if stopOnError && !silent { abortQueuedExecutes() }
    }
  }

  /// `ename`, `evalue` and `traceback`; replies also carry `status` (the IOPub `error` does not).
  private static func errorContent(_ error: ExecutionError, status: Bool = false) -> JSON {
    var content: [String: JSON] = [
      "ename": .string(error.name), "evalue": .string(error.value),
      "traceback": .array(error.traceback.map(JSON.string)),
    ]
    if status { content["status"] = "error" }
    return .object(content)
  }

  /// Answers the executes queued behind a failed one with `aborted`, as ipykernel does, so
  /// "Run All" stops at the first error.
  ///
  /// Requests still in flight count as queued too: for `abortWindow` seconds after the error,
  /// an execute whose header date is earlier than the error was sent before the client could
  /// know of it (Run All sends a burst), and is aborted. A cell sent after the error ran has a
  /// later date and runs normally.
  private func abortQueuedExecutes() {
    let aborted = takeQueuedExecutes()
    if !aborted.isEmpty { log("aborting \(aborted.count) queued execute request(s) after an error") }
    for request in aborted {
      publishStatus("busy", parent: request.rawHeader)
      replyAborted(request)
      publishStatus("idle", parent: request.rawHeader)
    }
    abortBefore = (errorTime: RequestDate.now(), until: RequestDate.monotonicNow() + abortWindow)
  }

  /// Whether an execute arriving now was sent before the last error (see `abortQueuedExecutes`).
  private func wasSentBeforeLastError(_ request: Message) -> Bool {
    guard let (errorTime, until) = abortBefore else { return false }
    guard RequestDate.monotonicNow() < until else {
      abortBefore = nil
      return false
    }
    guard let sent = RequestDate.parse(request.header.date) else { return false }
    return sent < errorTime
  }

  /// No `execution_count`: the cell did not run, and JupyterLab would show the number on it.
  private func replyAborted(_ request: Message) {
    reply(to: request, on: .shell, .executeReply, ["status": "aborted"])
  }

  private func handleKernelInfo(_ request: Message, _ channel: Channel) {
    let description = interpreter.description
    let language = description.language
    reply(
      to: request, on: channel, .kernelInfoReply,
      [
        "status": "ok", "protocol_version": .string(WireCodec.protocolVersion),
        "implementation": .string(description.implementation),
        "implementation_version": .string(description.implementationVersion),
        "language_info": [
          "name": .string(language.name), "version": .string(language.version),
          "mimetype": .string(language.mimetype), "file_extension": .string(language.fileExtension),
          "pygments_lexer": .string(language.pygmentsLexer), "codemirror_mode": .string(language.codemirrorMode),
          "nbconvert_exporter": "script",
        ],
        "banner": .string(description.banner),
        "help_links": .array(description.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
        "supported_features": [], "debugger": false,
      ])
  }

  private func handleComplete(_ request: Message, _ channel: Channel) {
    let code = request.content["code"]?.stringValue ?? ""
    let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
    let completion = interpreter.complete(code, cursor: cursor)
    reply(
      to: request, on: channel, .completeReply,
      [
        "status": "ok", "matches": .array(completion.matches.map(JSON.string)),
        "cursor_start": .int(completion.cursorStart), "cursor_end": .int(completion.cursorEnd), "metadata": [:],
      ])
  }

  private func handleInspect(_ request: Message, _ channel: Channel) {
    let code = request.content["code"]?.stringValue ?? ""
    let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
    let level = request.content["detail_level"]?.intValue ?? 0
    let bundle = interpreter.inspect(code, cursor: cursor, detailLevel: level)
    reply(
      to: request, on: channel, .inspectReply,
      ["status": "ok", "found": .bool(bundle != nil), "data": .object(bundle ?? [:]), "metadata": [:]])
  }

  private func handleIsComplete(_ request: Message, _ channel: Channel) {
    let code = request.content["code"]?.stringValue ?? ""
    let content: JSON
    switch interpreter.isComplete(code) {
    case .complete: content = ["status": "complete"]
    case .incomplete(let indent): content = ["status": "incomplete", "indent": .string(indent)]
    case .invalid: content = ["status": "invalid"]
    case .unknown: content = ["status": "unknown"]
    }
    reply(to: request, on: channel, .isCompleteReply, content)
  }

  private func handleHistory(_ request: Message, _ channel: Channel) {
    let content = request.content
    let withOutput = content["output"]?.boolValue ?? false
    let entries: [HistoryStore.Entry]
    switch content["hist_access_type"]?.stringValue ?? "tail" {
    case "range":
      entries = history.range(
        session: content["session"]?.intValue ?? 0, start: content["start"]?.intValue ?? 1,
        stop: content["stop"]?.intValue)
    case "search":
      entries = history.search(
        pattern: content["pattern"]?.stringValue ?? "*", count: content["n"]?.intValue,
        unique: content["unique"]?.boolValue ?? false)
    default:
      entries = history.tail(content["n"]?.intValue ?? 10)
    }
    let items: [JSON] = entries.map { entry in
      let input: JSON = .string(entry.input)
      let third: JSON = withOutput ? [input, entry.output.map(JSON.string) ?? .null] : input
      return [.int(entry.session), .int(entry.line), third]
    }
    reply(to: request, on: channel, .historyReply, ["status": "ok", "history": .array(items)])
  }

  private func handleCommInfo(_ request: Message, _ channel: Channel) {
    reply(to: request, on: channel, .commInfoReply, ["status": "ok", "comms": [:]])
  }

  /// No comm targets exist yet, so every comm is closed at once (clients then stop waiting).
  private func handleCommOpen(_ request: Message, _ channel: Channel) {
    let target = request.content["target_name"]?.stringValue ?? ""
    log("no comm target '\(target)'; closing the comm")
    publish(.commClose, ["comm_id": request.content["comm_id"] ?? .null, "data": [:]], parent: request.rawHeader)
  }

  private func handleCommIgnored(_ request: Message, _ channel: Channel) {}

  private func handleShutdown(_ request: Message, _ channel: Channel) {
    let restart = request.content["restart"]?.boolValue ?? false
    interpreter.interrupt()
    reply(to: request, on: channel, .shutdownReply, ["status": "ok", "restart": .bool(restart)])
  }

  private func handleInterrupt(_ request: Message, _ channel: Channel) {
    interpreter.interrupt()
    input.cancel()
    reply(to: request, on: channel, .interruptReply, ["status": "ok"])
  }

  // MARK: Input

  func requestInput(
    for request: Message, prompt: String, password: Bool, isCancelled: () -> Bool
  ) -> String? {
    streams.flushAll()
    input.begin()
    let frames = codec.encode(
      OutgoingMessage(
        identities: request.identities, type: .inputRequest, parentHeader: request.rawHeader,
        content: ["prompt": .string(prompt), "password": .bool(password)]))
    transport.send(frames, on: .stdin)
    return input.wait(isCancelled: isCancelled)
  }
}

/// Lets the stream coalescer's closure reach the core without a retain cycle.
private final class StreamTarget: @unchecked Sendable {
  weak var core: KernelCore?
}

/// The hand-off between a cell waiting in `input()` and the stdin socket's `input_reply`.
final class InputExchange: @unchecked Sendable {
  private let condition = NSCondition()
  private var waiting = false
  private var answer: String?
  private var cancelled = false

  func begin() {
    condition.lock()
    waiting = true
    answer = nil
    cancelled = false
    condition.unlock()
  }

  func deliver(_ value: String) {
    condition.lock()
    if waiting { answer = value }
    condition.broadcast()
    condition.unlock()
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }

  /// The answer, or nil when cancelled; polls `isCancelled` for a SIGINT, which cannot signal.
  func wait(isCancelled: () -> Bool) -> String? {
    condition.lock()
    defer {
      waiting = false
      condition.unlock()
    }
    while answer == nil {
      if cancelled || isCancelled() { return nil }
      condition.wait(until: Date().addingTimeInterval(0.05))
    }
    return answer
  }
}
