import Foundation

/// Gathers a cell's `print`/`warn` text into few `stream` messages.
///
/// Text waits at most `interval` before it is sent, and one flush sends at most `chunkBytes`,
/// so a chatty loop produces about ten messages a second and stays well under the server's
/// IOPub limits (Jupyter Server's defaults: `iopub_msg_rate_limit` 1000 messages/s and
/// `iopub_data_rate_limit` 1 MB/s, beyond which it drops output). A writer that gets `backlogBytes`
/// ahead of the network waits. Text is split only at Unicode scalar boundaries.
final class StreamCoalescer: @unchecked Sendable {
  typealias Emit = @Sendable (_ name: StreamName, _ text: String, _ parent: [UInt8]) -> Void

  let interval: Double
  let chunkBytes: Int
  let backlogBytes: Int
  private let emit: Emit
  private let condition = NSCondition()
  // Guarded by `condition`.
  private var pending: [(name: StreamName, text: String, parent: [UInt8])] = []
  private var pendingBytes = 0
  private var oldest: Date?
  private var flusherStarted = false
  private var stopped = false

  init(interval: Double = 0.1, chunkBytes: Int = 64 << 10, backlogBytes: Int = 1 << 20, emit: @escaping Emit) {
    self.interval = interval
    self.chunkBytes = chunkBytes
    self.backlogBytes = backlogBytes
    self.emit = emit
  }

  /// Queues text; blocks while the backlog is full (the cell slows down instead of flooding).
  func append(_ name: StreamName, _ text: String, parent: [UInt8]) {
    guard !text.isEmpty else { return }
    condition.lock()
    defer { condition.unlock() }
    startFlusherIfNeeded()
    while pendingBytes >= backlogBytes && !stopped { condition.wait(until: Date().addingTimeInterval(interval)) }
    if let last = pending.last, last.name == name, last.parent == parent {
      pending[pending.count - 1].text += text
    } else {
      pending.append((name, text, parent))
    }
    pendingBytes += text.utf8.count
    if oldest == nil { oldest = Date() }
    condition.broadcast()
  }

  /// Sends everything queued, in order (before a display, a clear, a reply or idle).
  func flushAll() {
    condition.lock()
    let batch = pending
    pending = []
    pendingBytes = 0
    oldest = nil
    condition.broadcast()
    condition.unlock()
    for item in batch { send(item.name, item.text, item.parent) }
  }

  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }

  private func startFlusherIfNeeded() {
    guard !flusherStarted else { return }
    flusherStarted = true
    let thread = Thread { [weak self] in self?.flushPeriodically() }
    thread.name = "tempo-stream-flush"
    thread.start()
  }

  private func flushPeriodically() {
    condition.lock()
    while !stopped {
      if let oldest, Date().timeIntervalSince(oldest) >= interval {
        // Send up to one chunk, outside the lock so writers keep going.
        var budget = chunkBytes
        var batch: [(StreamName, String, [UInt8])] = []
        while budget > 0, !pending.isEmpty {
          let head = pending[0]
          let (front, back) = Self.split(head.text, maximumBytes: budget)
          batch.append((head.name, front, head.parent))
          budget -= front.utf8.count
          if back.isEmpty { pending.removeFirst() } else { pending[0].text = back }
          pendingBytes -= front.utf8.count
        }
        self.oldest = pending.isEmpty ? nil : Date()
        condition.broadcast()
        condition.unlock()
        for (name, text, parent) in batch { emit(name, text, parent) }
        condition.lock()
      } else {
        let deadline = (oldest ?? Date()).addingTimeInterval(interval)
        condition.wait(until: oldest == nil ? Date().addingTimeInterval(1) : deadline)
      }
    }
    condition.unlock()
  }

  private func send(_ name: StreamName, _ text: String, _ parent: [UInt8]) {
    var rest = text
    while !rest.isEmpty {
      let (front, back) = Self.split(rest, maximumBytes: chunkBytes)
      emit(name, front, parent)
      rest = back
    }
  }

  /// Splits text after at most `maximumBytes` of UTF-8, never inside a scalar.
  static func split(_ text: String, maximumBytes: Int) -> (String, String) {
    let utf8 = text.utf8
    guard utf8.count > maximumBytes else { return (text, "") }
    let cut = max(maximumBytes, 4)  // always room for one whole scalar
    guard utf8.count > cut else { return (text, "") }
    var index = utf8.index(utf8.startIndex, offsetBy: cut)
    // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a scalar.
    while index > utf8.startIndex, utf8[index] & 0xC0 == 0x80 { index = utf8.index(before: index) }
    return (String(text[..<index]), String(text[index...]))
  }
}
