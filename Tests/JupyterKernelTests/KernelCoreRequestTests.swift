import Foundation
import JupyterKernel
import TestSupport
import Testing

@Suite("KernelCore: every request type")
struct KernelCoreRequestTests {
  @Test("kernel_info is answered on shell and on control, each inside busy/idle")
  func kernelInfoOnBothChannels() throws {
    let harness = Harness()
    let shellID = harness.shell("kernel_info_request", [:])
    let control = harness.transport.request("kernel_info_request", [:])
    harness.core.receive(control, on: .control)
    let controlID = harness.msgID(control)
    for (id, channel) in [(shellID, Channel.shell), (controlID, .control)] {
      let reply = try #require(harness.reply(to: id, on: channel))
      #expect(reply.type == "kernel_info_reply")
      #expect(reply.content["protocol_version"] == "5.5")
      #expect(reply.content["language_info"]?["file_extension"] == ".scr")
      #expect(reply.content["help_links"] == [["text": "docs", "url": "https://x"]])
      #expect(harness.iopub(for: id) == ["status:busy", "status:idle"])
    }
  }

  @Test("complete, inspect and is_complete carry every field the spec lists")
  func completionAndInspection() throws {
    let harness = Harness()
    let complete = harness.shell("complete_request", ["code": "pri", "cursor_pos": 3])
    #expect(
      harness.reply(to: complete)?.content == [
        "status": "ok", "matches": ["print", "printf"], "cursor_start": 0, "cursor_end": 3, "metadata": [:],
      ])
    let found = harness.shell("inspect_request", ["code": "print", "cursor_pos": 2, "detail_level": 0])
    #expect(
      harness.reply(to: found)?.content == [
        "status": "ok", "found": true, "data": ["text/plain": "print(x)"], "metadata": [:],
      ])
    let missing = harness.shell("inspect_request", ["code": "zzz", "cursor_pos": 1])
    #expect(harness.reply(to: missing)?.content == ["status": "ok", "found": false, "data": [:], "metadata": [:]])
    let incomplete = harness.shell("is_complete_request", ["code": "for {"])
    #expect(harness.reply(to: incomplete)?.content == ["status": "incomplete", "indent": "  "])
    let invalid = harness.shell("is_complete_request", ["code": ")"])
    #expect(harness.reply(to: invalid)?.content == ["status": "invalid"])
  }

  @Test("history answers tail, range and search, and survives a restart through its file")
  func history() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-history-\(UUID()).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    do {
      let harness = Harness(historyFile: file)
      for code in ["result 1", "result 12", "result 12", "result 3"] { _ = harness.execute(code) }
      let tail = harness.shell("history_request", ["hist_access_type": "tail", "n": 2, "output": true, "raw": true])
      #expect(
        harness.reply(to: tail)?.content["history"] == [
          [1, 3, ["result 12", "12"]], [1, 4, ["result 3", "3"]],
        ])
      let range = harness.shell(
        "history_request", ["hist_access_type": "range", "session": 1, "start": 2, "stop": 3, "output": false])
      #expect(harness.reply(to: range)?.content["history"] == [[1, 2, "result 12"]])
      let search = harness.shell(
        "history_request", ["hist_access_type": "search", "pattern": "result 1*", "unique": true, "output": false])
      #expect(harness.reply(to: search)?.content["history"] == [[1, 1, "result 1"], [1, 3, "result 12"]])
    }
    // A new kernel process is session 2 and still sees session 1.
    let restarted = Harness(historyFile: file)
    #expect(restarted.core.history.session == 2)
    let previous = restarted.shell("history_request", ["hist_access_type": "range", "session": -1, "start": 1])
    #expect(restarted.reply(to: previous)?.content["history"]?.arrayValue?.count == 4)
  }

  @Test("the history file stays bounded")
  func historyIsBounded() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-history-\(UUID()).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    let store = HistoryStore(file: file, capacity: 50)
    for line in 1...200 { store.record(line: line, input: "cell \(line)", output: nil) }
    let reloaded = HistoryStore(file: file, capacity: 50)
    #expect(reloaded.tail(1000).count <= 55)
    #expect(reloaded.tail(1).first?.input == "cell 200")
  }

  @Test("memory holds the recent entries only; older ones are read from the file")
  func historyMemoryIsBounded() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-history-\(UUID()).jsonl")
    defer { try? FileManager.default.removeItem(at: file) }
    let store = HistoryStore(file: file, capacity: 100, memoryCapacity: 10)
    for line in 1...60 { store.record(line: line, input: "cell \(line)", output: nil) }
    #expect(store.tail(5).map(\.input) == (56...60).map { "cell \($0)" }, "from memory")
    #expect(store.tail(40).count == 40, "beyond memory: from the file")
    #expect(store.tail(40).first?.input == "cell 21")
    #expect(store.range(session: 0, start: 1, stop: 3).map(\.input) == ["cell 1", "cell 2"])
    #expect(store.search(pattern: "cell 1?", count: nil, unique: false).count == 10)
    let memoryOnly = HistoryStore(file: nil, capacity: 100, memoryCapacity: 10)
    for line in 1...60 { memoryOnly.record(line: line, input: "cell \(line)", output: nil) }
    #expect(memoryOnly.tail(40).count <= 11, "without a file only the recent entries exist")
  }

  @Test("comm_info is empty and a comm to an unknown target is closed")
  func comms() throws {
    let harness = Harness()
    let info = harness.shell("comm_info_request", [:])
    #expect(harness.reply(to: info)?.content == ["status": "ok", "comms": [:]])
    let open = harness.shell("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": [:]])
    #expect(harness.iopub(for: open) == ["status:busy", "comm_close", "status:idle"])
    #expect(harness.iopubMessages(for: open)[1].content == ["comm_id": "c1", "data": [:]])
    #expect(harness.reply(to: open) == nil)
  }

  @Test("an unknown message type is logged and dropped, inside busy/idle")
  func unknownTypes() {
    let harness = Harness()
    let id = harness.shell("usage_request", [:])
    #expect(harness.iopub(for: id) == ["status:busy", "status:idle"])
    #expect(harness.reply(to: id) == nil)
    #expect(harness.log.all.contains { $0.contains("usage_request") })
  }

  @Test("shutdown replies, publishes idle, then hands over to the transport")
  func shutdown() throws {
    let harness = Harness()
    let restartFlag = LogLines()
    harness.core.onShutdown = { restart in restartFlag.append("\(restart)") }
    let request = harness.transport.request("shutdown_request", ["restart": true])
    harness.core.receive(request, on: .control)
    let id = harness.msgID(request)
    #expect(harness.reply(to: id, on: .control)?.content == ["status": "ok", "restart": true])
    #expect(harness.iopub(for: id) == ["status:busy", "status:idle"])
    #expect(restartFlag.all == ["true"])
  }
}

@Suite("KernelCore: bad input")
struct KernelCoreBadInputTests {
  @Test("malformed frames are logged and dropped, and the kernel keeps answering", arguments: MalformedMessage.allCases)
  func dropsMalformedFrames(_ malformed: MalformedMessage) throws {
    let harness = Harness()
    let frames = malformed.frames(WireCodec(key: InMemoryTransport.key, session: "attacker"))
    let bigEnough = malformed == .tooLarge ? frames.map { $0 + [UInt8](repeating: 32, count: 70_000) } : frames
    harness.core.receive(bigEnough, on: .shell)
    harness.core.processQueuedRequests()
    #expect(harness.transport.frames(on: .shell).isEmpty)
    #expect(harness.transport.frames(on: .iopub).isEmpty)
    #expect(harness.log.all.count == 1)
    let id = harness.execute("result ok")
    #expect(harness.reply(to: id)?.content["status"] == "ok")
  }

  @Test("a replayed execute_request is never run twice")
  func replayIsNotExecuted() {
    let harness = Harness()
    let frames = harness.transport.request("execute_request", ["code": "print once"])
    harness.core.receive(frames, on: .shell)
    harness.core.receive(frames, on: .shell)
    harness.core.processQueuedRequests()
    #expect(harness.transport.messages(on: .shell).count == 1)
    #expect(harness.log.all.contains { $0.contains("replayed") })
  }

  @Test("an execute_request without code gets an error reply, not a crash")
  func missingCode() {
    let harness = Harness()
    let id = harness.shell("execute_request", ["silent": false])
    #expect(harness.reply(to: id)?.content["ename"] == "ProtocolError")
  }
}
