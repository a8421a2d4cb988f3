import Foundation
import JSONValue
import JupyterKernel
import TestSupport
import Testing

@testable import TempoKernel

/// A kernel core running the real Tempo interpreter over the in-memory transport.
final class TempoHarness: @unchecked Sendable {
  let transport = InMemoryTransport()
  let interpreter = TempoInterpreter()
  let core: KernelCore

  init() {
    core = KernelCore(
      interpreter: interpreter, transport: transport,
      codec: WireCodec(key: InMemoryTransport.key, session: "tempo-session"), history: HistoryStore(file: nil),
      log: { _ in })
  }

  @discardableResult
  func execute(_ code: String, _ extra: [String: JSON] = [:]) -> (id: String, reply: JSON?) {
    var content: [String: JSON] = ["code": .string(code)]
    content.merge(extra) { _, new in new }
    let frames = transport.request("execute_request", .object(content))
    core.receive(frames, on: .shell)
    core.processQueuedRequests()
    let id = msgID(frames)
    return (id, transport.messages(on: .shell).last { $0.parentID == id }?.content)
  }

  func msgID(_ frames: [[UInt8]]) -> String { InMemoryTransport.msgID(of: frames) }

  func iopub(for id: String) -> [Message] {
    transport.messages(on: .iopub).filter { $0.parentID == id }
  }
}

@Suite("Tempo behind the protocol")
struct TempoInterpreterTests {
  @Test("a cell's last value is the execute_result; print goes to stdout; the session persists")
  func resultsAndState() throws {
    let harness = TempoHarness()
    harness.execute("let rates = [0.1, 0.01]")
    let (id, reply) = harness.execute("print(\"hello, world\")\nrates.count + 1")
    #expect(reply?["status"] == "ok")
    let messages = harness.iopub(for: id)
    #expect(messages.map(\.summary) == ["status:busy", "execute_input", "stream", "execute_result", "status:idle"])
    #expect(messages[2].content["text"] == "hello, world\n")
    #expect(messages[3].content["data"] == ["text/plain": "3"])
  }

  @Test("a declaration has no execute_result")
  func declarationsHaveNoResult() {
    let harness = TempoHarness()
    let (id, _) = harness.execute("let x = 5")
    #expect(harness.iopub(for: id).map(\.summary) == ["status:busy", "execute_input", "status:idle"])
  }

  @Test("an error names the cell by its execution count and keeps the rendered diagnostic")
  func errorsAreRendered() throws {
    let harness = TempoHarness()
    harness.execute("let rate = 0.1")
    let (id, reply) = harness.execute("rat * 2")
    #expect(reply?["ename"] == "NameError")
    #expect(reply?["evalue"] == "cannot find 'rat' in scope")
    let traceback = reply?["traceback"]?.arrayValue?.compactMap(\.stringValue) ?? []
    #expect(traceback.contains("<cell 2>:1:1: error: cannot find 'rat' in scope"))
    #expect(traceback.contains { $0.contains("did you mean 'rate'?") })
    #expect(harness.iopub(for: id).filter { $0.type == "error" }.count == 1)
  }

  @Test("help(x) and x? become a pager payload")
  func helpIsPaged() throws {
    let harness = TempoHarness()
    for code in ["help(print)", "print?"] {
      let (_, reply) = harness.execute(code)
      let payload = try #require(reply?["payload"]?.arrayValue)
      #expect(payload.count == 1)
      #expect(payload[0]["source"] == "page")
      #expect(payload[0]["data"]?["text/plain"]?.stringValue?.hasPrefix("print(_ items: Any...") == true)
    }
  }

  @Test("show() is display_data and clear() is clear_output")
  func showAndClear() {
    let harness = TempoHarness()
    let (id, _) = harness.execute("show([1, 2])\nclear(wait: true)")
    let messages = harness.iopub(for: id)
    #expect(messages.map(\.summary) == ["status:busy", "execute_input", "display_data", "clear_output", "status:idle"])
    #expect(messages[2].content["data"] == ["text/plain": "[1, 2]"])
    #expect(messages[3].content == ["wait": true])
  }

  @Test("display() is display_data with a display_id; update() is update_display_data with the same id")
  func liveDisplay() throws {
    let harness = TempoHarness()
    let (id, reply) = harness.execute("let d = display(1)\nd.update(2)")
    #expect(reply?["status"] == "ok")
    let messages = harness.iopub(for: id)
    // The update comes at the same instant as the display, so it is held back and sent as the
    // cell ends: still before idle, and the void last statement has no execute_result.
    #expect(
      messages.map(\.summary) == ["status:busy", "execute_input", "display_data", "update_display_data", "status:idle"])
    try #require(messages.count == 5)
    let displayID = try #require(messages[2].content["transient"]?["display_id"]?.stringValue)
    #expect(displayID.hasPrefix("tempo-"))
    #expect(messages[2].content["data"] == ["text/plain": "1"])
    #expect(messages[3].content["transient"] == ["display_id": .string(displayID)])
    #expect(messages[3].content["data"] == ["text/plain": "2"])

    // A later cell updates the earlier output, under the same id.
    let (later, _) = harness.execute("d.update(3)")
    let updates = harness.iopub(for: later)
    #expect(updates.map(\.summary) == ["status:busy", "execute_input", "update_display_data", "status:idle"])
    try #require(updates.count == 4)
    #expect(updates[2].content["transient"] == ["display_id": .string(displayID)])
    #expect(updates[2].content["data"] == ["text/plain": "3"])
  }

  @Test("a cell ending in a figure gives an execute_result with image/svg+xml and a text/plain summary")
  func figureResult() throws {
    let harness = TempoHarness()
    let (id, _) = harness.execute("plot([3.0, 2.0, 1.5], label: \"loss\")")
    let messages = harness.iopub(for: id)
    #expect(messages.map(\.summary) == ["status:busy", "execute_input", "execute_result", "status:idle"])
    try #require(messages.count == 4)
    let data = messages[2].content["data"]
    let svg = try #require(data?["image/svg+xml"]?.stringValue)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.contains("class=\"series line\""))
    let text = try #require(data?["text/plain"]?.stringValue)
    #expect(text.contains("line \"loss\": 3 points"))
  }

  @Test("a figure updated through a display handle is re-sent as SVG under the same display_id")
  func liveFigure() throws {
    let harness = TempoHarness()
    let (id, _) = harness.execute("let d = display(plot([1.0]))\nd.update(plot([1.0, 0.5]))")
    let messages = harness.iopub(for: id)
    #expect(
      messages.map(\.summary) == ["status:busy", "execute_input", "display_data", "update_display_data", "status:idle"])
    try #require(messages.count == 5)
    let displayID = try #require(messages[2].content["transient"]?["display_id"]?.stringValue)
    #expect(messages[3].content["transient"]?["display_id"]?.stringValue == displayID)
    #expect(messages[3].content["data"]?["image/svg+xml"]?.stringValue?.contains("<path") == true)
    #expect(messages[3].content["data"]?["text/plain"]?.stringValue?.contains("2 points") == true)
  }

  @Test("a table's result carries HTML, Markdown and text")
  func tableResult() throws {
    let harness = TempoHarness()
    let (id, _) = harness.execute("table([\"optimizer\": [\"SGD\"], \"accuracy\": [0.9123]])")
    let result = try #require(harness.iopub(for: id).first { $0.type == "execute_result" })
    let data = result.content["data"]
    #expect(data?["text/html"]?.stringValue?.contains("<table") == true)
    #expect(data?["text/markdown"]?.stringValue?.contains("| optimizer") == true)
    #expect(data?["text/plain"]?.stringValue?.contains("0.9123") == true)
  }

  @Test("display(x) as a cell's last line shows x once, without echoing the handle as a result")
  func displayAsLastLine() {
    let harness = TempoHarness()
    let (id, _) = harness.execute("display(5)")
    let messages = harness.iopub(for: id)
    #expect(messages.map(\.summary) == ["status:busy", "execute_input", "display_data", "status:idle"])
  }

  @Test("input() reads from the client when allowed, and fails with a clear error when not")
  func input() throws {
    let harness = TempoHarness()
    let transport = harness.transport
    let core = harness.core
    transport.onStdin = { _ in
      core.receive(transport.request("input_reply", ["value": "Ada"]), on: .stdin)
    }
    let (id, reply) = harness.execute("let who = input(\"name? \")\nprint(\"hi \\(who)\")", ["allow_stdin": true])
    #expect(reply?["status"] == "ok")
    #expect(harness.iopub(for: id).contains { $0.content["text"] == "hi Ada\n" })
    let (_, refused) = harness.execute("input(\"name? \")", ["allow_stdin": false])
    #expect(refused?["ename"] == "InputError")
    #expect(refused?["evalue"]?.stringValue?.contains("allow_stdin is false") == true)
  }

  @Test("an interrupt stops a running loop with KeyboardInterrupt and keeps the variables")
  func interruptKeepsState() throws {
    let harness = TempoHarness()
    let core = harness.core
    let transport = harness.transport
    harness.execute("var n = 0\nlet kept = 42")
    let worker = Thread { core.runShell() }
    worker.stackSize = 8 << 20
    worker.start()
    defer { core.stop() }
    let frames = transport.request("execute_request", ["code": "while true { n += 1 }"])
    let id = harness.msgID(frames)
    core.receive(frames, on: .shell)
    #expect(transport.waitFor { message, _ in message.parentID == id && message.type == "execute_input" })
    // Interrupts may come before the loop starts; keep sending until the cell ends.
    var attempts = 0
    while !transport.waitFor(timeout: 0.2, { message, _ in message.parentID == id && message.summary == "status:idle" })
      && attempts < 50
    {
      core.receive(transport.request("interrupt_request", [:]), on: .control)
      attempts += 1
    }
    let messages = harness.iopub(for: id)
    #expect(messages.map(\.summary) == ["status:busy", "execute_input", "error", "status:idle"])
    #expect(messages[2].content["ename"] == "KeyboardInterrupt")
    let check = transport.request("execute_request", ["code": "kept + (n > 0 ? 0 : 1)"])
    core.receive(check, on: .shell)
    let checkID = harness.msgID(check)
    #expect(transport.waitFor { message, _ in message.parentID == checkID && message.type == "execute_result" })
    #expect(harness.iopub(for: checkID).first { $0.type == "execute_result" }?.content["data"] == ["text/plain": "42"])
  }

  @Test("an interrupt between cells does not stop the next cell")
  func interruptWhileIdleIsIgnored() {
    let harness = TempoHarness()
    harness.interpreter.interrupt()
    let (_, reply) = harness.execute("var total = 0\nfor i in 0..<1000 { total += i }\ntotal")
    #expect(reply?["status"] == "ok")
  }
}

@Suite("Cursor positions")
struct CursorPositionTests {
  @Test("completion offsets are Unicode scalars on the wire, whatever the bytes before")
  func completionAfterNonASCII() {
    let harness = TempoHarness()
    harness.execute("let café = 1\nlet naïveRate = 2")
    let code = "let s = \"日本\"; naï"
    let completion = harness.interpreter.complete(code, cursor: code.unicodeScalars.count)
    #expect(completion.matches == ["naïveRate"])
    #expect(completion.cursorStart == code.unicodeScalars.count - 3)
    #expect(completion.cursorEnd == code.unicodeScalars.count)
  }

  @Test("conversion rounds to scalar boundaries", arguments: [("aé日🎉b", 4, 10), ("abc", 9, 3)])
  func conversion(_ text: String, _ scalars: Int, _ bytes: Int) {
    #expect(CursorPosition.utf8Offset(ofScalarOffset: scalars, in: text) == bytes)
    #expect(CursorPosition.scalarOffset(ofUTF8Offset: bytes, in: text) == min(scalars, text.unicodeScalars.count))
  }

  @Test("inspection finds the builtin under the cursor")
  func inspection() {
    let harness = TempoHarness()
    let bundle = harness.interpreter.inspect("é + print", cursor: 6, detailLevel: 0)
    #expect(bundle?["text/plain"]?.stringValue?.contains("print(_ items: Any...") == true)
  }
}

@Suite("Kernelspec")
struct KernelspecTests {
  @Test("kernel.json runs the binary by absolute path in message interrupt mode")
  func kernelJSON() {
    let json = Kernelspec.kernelJSON(binary: "/opt/tempo/bin/tempo")
    #expect(json["argv"] == ["/opt/tempo/bin/tempo", "kernel", "-f", "{connection_file}"])
    #expect(json["language"] == "tempo")
    #expect(json["interrupt_mode"] == "message")
  }

  @Test("install --prefix writes kernel.json, the logos and papermill's translator into site-packages")
  func installIntoPrefix() throws {
    let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-prefix-\(UUID())")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let sitePackages = prefix.appendingPathComponent("lib/python3.11/site-packages")
    try FileManager.default.createDirectory(at: sitePackages, withIntermediateDirectories: true)
    let installation = try Kernelspec.install(binary: "/bin/tempo", destination: .prefix(prefix.path))
    let directory = prefix.appendingPathComponent("share/jupyter/kernels/tempo")
    #expect(installation.kernelDirectory.path == directory.path)
    let written = try JSON.parse(Array(Data(contentsOf: directory.appendingPathComponent("kernel.json"))))
    #expect(written == Kernelspec.kernelJSON(binary: "/bin/tempo", pythonPrefix: prefix.path))
    #expect(written["env"]?["TEMPO_PYTHON_PREFIX"]?.stringValue == prefix.path)
    for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
      #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(logo).path))
    }
    #expect(installation.translator?.lastPathComponent == "tempo_papermill.py")
    let pth = try String(contentsOf: sitePackages.appendingPathComponent("tempo_papermill.pth"), encoding: .utf8)
    #expect(pth == "import tempo_papermill\n")
  }

  @Test("the embedded logos are the files in kernelspec/tempo")
  func logosMatchRepository() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for (name, bytes) in KernelspecLogos.files {
      let file = try Data(contentsOf: repository.appendingPathComponent("kernelspec/tempo/\(name)"))
      #expect([UInt8](file) == bytes, "\(name) differs; regenerate KernelspecLogos.swift")
    }
  }
}

@Suite("The committed kernelspec")
struct CommittedKernelspecTests {
  @Test("kernelspec/tempo/kernel.json is what tempo install writes, with 'tempo' found on PATH")
  func matchesInstaller() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let file = try Data(contentsOf: repository.appendingPathComponent("kernelspec/tempo/kernel.json"))
    #expect(try JSON.parse(Array(file)) == Kernelspec.kernelJSON(binary: "tempo"))
  }
}
