import JSONValue
import JupyterKernel
import Synchronization
import Testing

/// Every request type's every field, sent with the wrong type: an error reply naming the field,
/// inside busy/idle, nothing run, and the kernel answering the next request as before.
@Suite("KernelCore: request content is checked against the messaging specification")
struct RequestContentTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let type: String
    let reply: String
    let content: JSON
    let message: String
    var testDescription: String { message }
  }

  static let cases: [Case] = [
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "silent": "yes"],
      message: "execute_request: 'silent' must be true or false, got the string \"yes\""),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": 3],
      message: "execute_request: 'code' must be a string, got the number 3"),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["silent": false],
      message: "execute_request: 'code' is required (a string)"),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "store_history": 1],
      message: "execute_request: 'store_history' must be true or false, got the number 1"),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "user_expressions": ["x"]],
      message:
        "execute_request: 'user_expressions' must be an object of strings (name → expression), got an array [\"x\"]"),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "user_expressions": ["x": 1]],
      message:
        "execute_request: 'user_expressions' must be an object of strings (name → expression), got an object whose 'x' is the number 1"
    ),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "allow_stdin": "no"],
      message: "execute_request: 'allow_stdin' must be true or false, got the string \"no\""),
    Case(
      type: "execute_request", reply: "execute_reply", content: ["code": "result 1", "stop_on_error": .null],
      message: "execute_request: 'stop_on_error' must be true or false, got null"),
    Case(
      type: "complete_request", reply: "complete_reply", content: ["code": "pri", "cursor_pos": "3"],
      message: "complete_request: 'cursor_pos' must be a whole number ≥ 0, got the string \"3\""),
    Case(
      type: "complete_request", reply: "complete_reply", content: ["code": "pri", "cursor_pos": -1],
      message: "complete_request: 'cursor_pos' must be a whole number ≥ 0, got the number -1"),
    Case(
      type: "complete_request", reply: "complete_reply", content: ["code": ["pri"], "cursor_pos": 3],
      message: "complete_request: 'code' must be a string, got an array [\"pri\"]"),
    Case(
      type: "inspect_request", reply: "inspect_reply", content: ["code": "print", "cursor_pos": 2.5],
      message: "inspect_request: 'cursor_pos' must be a whole number ≥ 0, got the number 2.5"),
    Case(
      type: "inspect_request", reply: "inspect_reply",
      content: ["code": "print", "cursor_pos": 2, "detail_level": true],
      message: "inspect_request: 'detail_level' must be a whole number ≥ 0, got the boolean true"),
    Case(
      type: "is_complete_request", reply: "is_complete_reply", content: ["code": .null],
      message: "is_complete_request: 'code' must be a string, got null"),
    Case(
      type: "history_request", reply: "history_reply", content: ["hist_access_type": "last"],
      message:
        "history_request: 'hist_access_type' must be one of \"range\", \"tail\", \"search\", got the string \"last\""),
    Case(
      type: "history_request", reply: "history_reply", content: ["hist_access_type": "tail", "n": "10"],
      message: "history_request: 'n' must be a whole number ≥ 0, got the string \"10\""),
    Case(
      type: "history_request", reply: "history_reply", content: ["hist_access_type": "range", "start": "1"],
      message: "history_request: 'start' must be a whole number, got the string \"1\""),
    Case(
      type: "history_request", reply: "history_reply", content: ["output": "true"],
      message: "history_request: 'output' must be true or false, got the string \"true\""),
    Case(
      type: "history_request", reply: "history_reply", content: ["hist_access_type": "search", "pattern": 5],
      message: "history_request: 'pattern' must be a string, got the number 5"),
    Case(
      type: "history_request", reply: "history_reply", content: ["raw": 1],
      message: "history_request: 'raw' must be true or false, got the number 1"),
    Case(
      type: "history_request", reply: "history_reply", content: ["unique": "no"],
      message: "history_request: 'unique' must be true or false, got the string \"no\""),
    Case(
      type: "history_request", reply: "history_reply", content: ["session": 1.5],
      message: "history_request: 'session' must be a whole number, got the number 1.5"),
    Case(
      type: "history_request", reply: "history_reply", content: ["stop": true],
      message: "history_request: 'stop' must be a whole number, got the boolean true"),
    Case(
      type: "comm_info_request", reply: "comm_info_reply", content: ["target_name": 1],
      message: "comm_info_request: 'target_name' must be a string, got the number 1"),
    Case(
      type: "shutdown_request", reply: "shutdown_reply", content: ["restart": "yes"],
      message: "shutdown_request: 'restart' must be true or false, got the string \"yes\""),
  ]

  @Test(
    "a field of the wrong type gets an error reply naming it; the kernel answers the next request", arguments: cases)
  func refused(_ request: Case) throws {
    let harness = Harness()
    let id = harness.shell(request.type, request.content)
    #expect(harness.iopub(for: id) == ["status:busy", "status:idle"], "nothing runs, nothing is published")
    let reply = try #require(harness.reply(to: id))
    #expect(reply.type == request.reply)
    #expect(reply.content["status"] == "error")
    #expect(reply.content["ename"] == "ProtocolError")
    #expect(reply.content["evalue"] == .string(request.message))
    #expect(reply.content["traceback"] == [.string(request.message)])
    #expect(harness.log.all.contains("refused a malformed request: \(request.message)"))
    if request.type == "execute_request" {
      #expect(reply.content["execution_count"] == 0, "a refused cell does not count")
    }
    let next = harness.execute("result 2")
    #expect(harness.reply(to: next)?.content["status"] == "ok")
    #expect(harness.reply(to: next)?.content["execution_count"] == 1)
  }

  @Test("history's optional bounds may be null, and fields the specification does not list are ignored")
  func tolerated() throws {
    let harness = Harness()
    let history = harness.shell(
      "history_request", ["hist_access_type": "tail", "n": .null, "session": .null, "stop": .null, "raw": true])
    #expect(harness.reply(to: history)?.content["status"] == "ok")
    let execute = harness.execute("result 1", ["client_extension": ["anything": 1]])
    #expect(harness.reply(to: execute)?.content["status"] == "ok")
  }

  @Test("a malformed shutdown_request is refused and does not shut the kernel down")
  func malformedShutdown() {
    let harness = Harness()
    let shutDowns = LogLines()
    harness.core.onShutdown = { _ in shutDowns.append("shutdown") }
    harness.shell("shutdown_request", ["restart": "yes"])
    #expect(shutDowns.all.isEmpty)
    harness.shell("shutdown_request", ["restart": false])
    #expect(shutDowns.all == ["shutdown"], "a well-formed one still does")
  }

  @Test("comm messages have no reply: a malformed one is logged and dropped")
  func comms() {
    let harness = Harness()
    let id = harness.shell("comm_open", ["comm_id": 7, "target_name": "x", "data": [:]])
    #expect(harness.reply(to: id) == nil)
    #expect(harness.iopub(for: id) == ["status:busy", "status:idle"], "no comm_close for a comm that was never valid")
    #expect(
      harness.log.all.contains("refused a malformed request: comm_open: 'comm_id' must be a string, got the number 7"))
  }
}
