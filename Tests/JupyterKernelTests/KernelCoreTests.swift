import Foundation
import JSONValue
import JupyterKernel
import Synchronization
import TestSupport
import Testing

/// What the kernel logged.
final class LogLines: Sendable {
  private let lines = Mutex<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var all: [String] { lines.withLock { $0 } }
}

/// A core over the in-memory transport with the scripted language.
final class Harness: @unchecked Sendable {
  let transport = InMemoryTransport()
  let interpreter = ScriptedInterpreter()
  let log = LogLines()
  let core: KernelCore

  init(historyFile: URL? = nil) {
    let log = self.log
    core = KernelCore(
      interpreter: interpreter, transport: transport,
      codec: WireCodec(key: InMemoryTransport.key, session: "kernel-session", maximumMessageBytes: 1 << 16),
      history: HistoryStore(file: historyFile), log: { line in log.append(line) })
  }

  /// Sends a shell request and processes it; returns its msg_id.
  @discardableResult
  func shell(_ type: String, _ content: JSON, identity: String = "client-1") -> String {
    let frames = transport.request(type, content, identity: identity)
    core.receive(frames, on: .shell)
    core.processQueuedRequests()
    return msgID(frames)
  }

  func execute(_ code: String, _ extra: [String: JSON] = [:]) -> String {
    var content: [String: JSON] = ["code": .string(code)]
    content.merge(extra) { _, new in new }
    return shell("execute_request", .object(content))
  }

  func msgID(_ frames: [[UInt8]]) -> String { InMemoryTransport.msgID(of: frames) }

  /// IOPub messages caused by one request, as `status:busy`, `execute_input`, ….
  func iopub(for id: String) -> [String] {
    transport.messages(on: .iopub).filter { $0.parentID == id }.map(\.summary)
  }

  func iopubMessages(for id: String) -> [Message] {
    transport.messages(on: .iopub).filter { $0.parentID == id }
  }

  func reply(to id: String, on channel: Channel = .shell) -> Message? {
    transport.messages(on: channel).last { $0.parentID == id }
  }
}

@Suite("KernelCore: execute")
struct KernelCoreExecuteTests {
  @Test("an ok execute publishes busy, execute_input, its output, the result, then idle")
  func okSequence() throws {
    let harness = Harness()
    let id = harness.execute("print hello\nwarn careful\nresult 3")
    #expect(
      harness.iopub(for: id) == [
        "status:busy", "execute_input", "stream", "stream", "execute_result", "status:idle",
      ])
    let messages = harness.iopubMessages(for: id)
    #expect(messages[1].content == ["code": "print hello\nwarn careful\nresult 3", "execution_count": 1])
    #expect(messages[2].content == ["name": "stdout", "text": "hello\n"])
    #expect(messages[3].content == ["name": "stderr", "text": "careful\n"])
    #expect(messages[4].content == ["execution_count": 1, "data": ["text/plain": "3"], "metadata": [:]])
    let reply = try #require(harness.reply(to: id))
    #expect(reply.type == "execute_reply")
    #expect(reply.identities == [Array("client-1".utf8)])
    #expect(reply.content == ["status": "ok", "execution_count": 1, "payload": [], "user_expressions": [:]])
  }

  @Test("an error publishes exactly one error message and replies with the traceback")
  func errorSequence() throws {
    let harness = Harness()
    let id = harness.execute("boom")
    #expect(harness.iopub(for: id) == ["status:busy", "execute_input", "error", "status:idle"])
    let error = harness.iopubMessages(for: id)[2].content
    #expect(error == ["ename": "ValueError", "evalue": "bad", "traceback": ["ValueError: bad", "  at line 1"]])
    let reply = try #require(harness.reply(to: id)).content
    #expect(reply["status"] == "error")
    #expect(reply["ename"] == "ValueError")
    #expect(reply["execution_count"] == 1)
    #expect(reply["traceback"] == ["ValueError: bad", "  at line 1"])
  }

  @Test("a silent execute sends only busy and idle and does not count")
  func silentSequence() throws {
    let harness = Harness()
    let id = harness.execute("print hidden\nresult 1", ["silent": true])
    #expect(harness.iopub(for: id) == ["status:busy", "status:idle"])
    #expect(try #require(harness.reply(to: id)).content["execution_count"] == 0)
    let next = harness.execute("result 2")
    #expect(try #require(harness.reply(to: next)).content["execution_count"] == 1)
  }

  @Test("store_history false runs the cell without counting it or recording it")
  func storeHistoryFalse() throws {
    let harness = Harness()
    let id = harness.execute("result 1", ["store_history": false])
    #expect(try #require(harness.reply(to: id)).content["execution_count"] == 0)
    #expect(harness.core.history.tail(10).isEmpty)
  }

  @Test("user_expressions are evaluated after the cell, each with its own status")
  func userExpressions() throws {
    let harness = Harness()
    let id = harness.execute("result 1", ["user_expressions": ["a": "x", "b": "fail"]])
    let expressions = try #require(harness.reply(to: id)).content["user_expressions"]
    #expect(expressions?["a"] == ["status": "ok", "data": ["text/plain": "X"], "metadata": [:]])
    #expect(expressions?["b"]?["status"] == "error")
    #expect(expressions?["b"]?["ename"] == "ValueError")
  }

  @Test("output of many writes is coalesced into one stream message per stream")
  func coalescesStreams() {
    let harness = Harness()
    let code = (0..<500).map { "print line \($0)" }.joined(separator: "\n")
    let id = harness.execute(code)
    let streams = harness.iopubMessages(for: id).filter { $0.type == "stream" }
    #expect(streams.count <= 3)
    let text = streams.compactMap { $0.content["text"]?.stringValue }.joined()
    #expect(text == (0..<500).map { "line \($0)\n" }.joined())
  }

  @Test("display and clear_output flush pending text first, keeping the order")
  func displayKeepsOrder() throws {
    let harness = Harness()
    let id = harness.execute("print a\nshow pic\nprint b\nclear\npage docs")
    #expect(
      harness.iopub(for: id) == [
        "status:busy", "execute_input", "stream", "display_data", "stream", "clear_output", "status:idle",
      ])
    let display = harness.iopubMessages(for: id)[3].content
    #expect(display == ["data": ["text/plain": "pic"], "metadata": [:], "transient": [:]])
    let payload = try #require(harness.reply(to: id)).content["payload"]
    #expect(payload == [["source": "page", "data": ["text/plain": "docs"], "start": 0]])
  }
}

@Suite("KernelCore: stop_on_error")
struct StopOnErrorTests {
  @Test("executes queued behind an error are aborted; other requests still run")
  func abortsQueuedExecutes() throws {
    let harness = Harness()
    let transport = harness.transport
    let failing = transport.request("execute_request", ["code": "boom"])
    let queued = transport.request("execute_request", ["code": "print never"])
    let info = transport.request("kernel_info_request", [:])
    let queued2 = transport.request("execute_request", ["code": "print never"])
    for frames in [failing, queued, info, queued2] { harness.core.receive(frames, on: .shell) }
    harness.core.processQueuedRequests()
    for frames in [queued, queued2] {
      let id = harness.msgID(frames)
      #expect(try #require(harness.reply(to: id)).content == ["status": "aborted"])
      #expect(harness.iopub(for: id) == ["status:busy", "status:idle"])
    }
    #expect(harness.reply(to: harness.msgID(info))?.type == "kernel_info_reply")
    // A cell sent after the abort runs.
    let after = harness.execute("print later")
    #expect(try #require(harness.reply(to: after)).content["status"] == "ok")
  }

  @Test("an execute sent before the error but arriving just after it is aborted too (Run All in flight)")
  func abortsInFlightExecutes() throws {
    let harness = Harness()
    let transport = harness.transport
    let inFlight = transport.request("execute_request", ["code": "print never"])  // dated now
    let failing = transport.request("execute_request", ["code": "boom"])
    harness.core.receive(failing, on: .shell)
    harness.core.processQueuedRequests()
    harness.core.receive(inFlight, on: .shell)
    harness.core.processQueuedRequests()
    let reply = try #require(harness.reply(to: harness.msgID(inFlight)))
    #expect(reply.content == ["status": "aborted"])
    #expect(!harness.iopub(for: harness.msgID(inFlight)).contains("execute_input"))
  }

  @Test("with stop_on_error false the queued executes run")
  func runsQueuedWhenAsked() throws {
    let harness = Harness()
    let transport = harness.transport
    let failing = transport.request("execute_request", ["code": "boom", "stop_on_error": false])
    let queued = transport.request("execute_request", ["code": "print runs"])
    for frames in [failing, queued] { harness.core.receive(frames, on: .shell) }
    harness.core.processQueuedRequests()
    #expect(try #require(harness.reply(to: harness.msgID(queued))).content["status"] == "ok")
  }
}

@Suite("KernelCore: stdin")
struct StdinTests {
  @Test("input() sends input_request to the requesting client and waits for its reply")
  func inputRoundTrip() throws {
    let harness = Harness()
    let transport = harness.transport
    let core = harness.core
    transport.onStdin = { frames in
      // Answer as the client would, on the stdin socket with the same identity.
      let request = try? WireCodec(key: InMemoryTransport.key, session: "x").decode(frames)
      #expect(request?.identities == [Array("client-7".utf8)])
      #expect(request?.content == ["prompt": "name? ", "password": false])
      core.receive(transport.request("input_reply", ["value": "Ada"], identity: "client-7"), on: .stdin)
    }
    let id = harness.shell("execute_request", ["code": "input name? ", "allow_stdin": true], identity: "client-7")
    let stream = harness.iopubMessages(for: id).first { $0.type == "stream" }
    #expect(stream?.content["text"] == "got Ada\n")
    #expect(try #require(harness.reply(to: id)).content["status"] == "ok")
  }

  @Test("with allow_stdin false, input() fails at once and nothing is sent on stdin")
  func inputNotAllowed() throws {
    let harness = Harness()
    let id = harness.execute("input name? ", ["allow_stdin": false])
    #expect(harness.transport.frames(on: .stdin).isEmpty)
    let reply = try #require(harness.reply(to: id)).content
    #expect(reply["ename"] == "InputError")
    #expect(reply["evalue"]?.stringValue?.contains("allow_stdin is false") == true)
  }

  @Test("an interrupt while waiting for input ends the wait")
  func interruptWhileWaiting() throws {
    let harness = Harness()
    let core = harness.core
    let transport = harness.transport
    let worker = Thread { core.runShell() }
    worker.start()
    defer { core.stop() }
    let frames = transport.request("execute_request", ["code": "input name? ", "allow_stdin": true])
    core.receive(frames, on: .shell)
    #expect(transport.waitFor { message, channel in channel == .stdin && message.type == "input_request" })
    core.receive(transport.request("interrupt_request", [:]), on: .control)
    let id = harness.msgID(frames)
    #expect(transport.waitFor { message, _ in message.parentID == id && message.summary == "status:idle" })
    #expect(harness.reply(to: id)?.content["ename"] == "InputError")
  }
}

@Suite("KernelCore: interrupt")
struct InterruptTests {
  @Test("an interrupt_request on control stops the running cell; the reply comes at once")
  func interruptsRunningCell() throws {
    let harness = Harness()
    let core = harness.core
    let transport = harness.transport
    let worker = Thread { core.runShell() }
    worker.start()
    defer { core.stop() }
    let frames = transport.request("execute_request", ["code": "spin"])
    let id = harness.msgID(frames)
    core.receive(frames, on: .shell)
    #expect(transport.waitFor { message, _ in message.parentID == id && message.type == "execute_input" })
    let interrupt = transport.request("interrupt_request", [:])
    core.receive(interrupt, on: .control)
    let interruptID = harness.msgID(interrupt)
    #expect(harness.reply(to: interruptID, on: .control)?.content == ["status": "ok"])
    #expect(harness.iopub(for: interruptID) == ["status:busy", "status:idle"])
    #expect(transport.waitFor { message, _ in message.parentID == id && message.summary == "status:idle" })
    #expect(harness.iopub(for: id) == ["status:busy", "execute_input", "error", "status:idle"])
    #expect(harness.reply(to: id)?.content["ename"] == "KeyboardInterrupt")
  }
}
