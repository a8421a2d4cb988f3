import JSONValue

/// What one running `execute_request` may do: every message it sends has the request as
/// parent, and a silent request sends nothing.
final class CellContext: ExecutionContext, @unchecked Sendable {
  private unowned let core: KernelCore
  private let request: Message
  private let silent: Bool
  private let allowStdin: Bool
  let executionCount: Int
  /// `page` payloads for the reply (written and read on the interpreter thread only).
  private(set) var payload: [JSON] = []

  init(core: KernelCore, request: Message, silent: Bool, allowStdin: Bool, executionCount: Int) {
    self.core = core
    self.request = request
    self.silent = silent
    self.allowStdin = allowStdin
    self.executionCount = executionCount
  }

  func stream(_ name: StreamName, _ text: String) {
    guard !silent else { return }
    core.streams.append(name, text, parent: request.rawHeader)
  }

  func display(_ data: MimeBundle, metadata: JSON, displayID: String?, update: Bool) {
    guard !silent else { return }
    core.streams.flushAll()
    var content: [String: JSON] = ["data": .object(data), "metadata": metadata, "transient": [:]]
    if let displayID { content["transient"] = ["display_id": .string(displayID)] }
    let type: MessageType = update && displayID != nil ? .updateDisplayData : .displayData
    core.publish(type, .object(content), parent: request.rawHeader)
  }

  func clearOutput(wait: Bool) {
    guard !silent else { return }
    core.streams.flushAll()
    core.publish(.clearOutput, ["wait": .bool(wait)], parent: request.rawHeader)
  }

  func page(_ text: String) {
    payload.append(["source": "page", "data": ["text/plain": .string(text)], "start": 0])
  }

  func readInput(prompt: String, password: Bool, isCancelled: () -> Bool) throws(InputUnavailable) -> String {
    guard allowStdin else {
      throw InputUnavailable(reason: "this frontend does not accept input (allow_stdin is false)")
    }
    guard let answer = core.requestInput(for: request, prompt: prompt, password: password, isCancelled: isCancelled)
    else { throw InputUnavailable(reason: "interrupted while waiting for input") }
    return answer
  }
}
