import Foundation
import Glibc

/// Items handed to a socket's owner thread from other threads. The owner polls
/// `fileDescriptor` together with its socket, so a post wakes it without a second ZeroMQ socket.
final class Mailbox<Item>: @unchecked Sendable {
  let fileDescriptor: Int32
  private let writeEnd: Int32
  private let lock = NSLock()
  private var items: [Item] = []

  init() {
    var ends: [Int32] = [0, 0]
    if pipe(&ends) != 0 { ends = [-1, -1] }
    fileDescriptor = ends[0]
    writeEnd = ends[1]
    for end in ends where end >= 0 { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
  }

  deinit {
    close(fileDescriptor)
    close(writeEnd)
  }

  func post(_ item: Item) {
    lock.lock()
    let wasEmpty = items.isEmpty
    items.append(item)
    lock.unlock()
    // One wake-up byte per empty → non-empty change keeps the pipe from filling.
    if wasEmpty {
      var byte: UInt8 = 1
      _ = write(writeEnd, &byte, 1)
    }
  }

  /// Everything posted so far, in order.
  func drain() -> [Item] {
    var buffer = [UInt8](repeating: 0, count: 64)
    lock.lock()
    defer { lock.unlock() }
    while read(fileDescriptor, &buffer, buffer.count) > 0 {}
    let taken = items
    items = []
    return taken
  }
}
