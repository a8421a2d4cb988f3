import CZeroMQ
import Glibc
import SystemCalls

/// A failed libzmq call: which function and the errno it left.
public struct ZMQError: Error, CustomStringConvertible {
  public var function: String
  public var errno: Int32

  public var description: String { "\(function) failed: \(String(cString: zmq_strerror(errno)))" }
  /// The context was shut down: the owner thread should close its socket and end.
  public var isTerminated: Bool { errno == ETERM }
}

/// Every libzmq call goes through here: a signal (SIGINT for an interrupt) makes blocking calls
/// return EINTR, which is retried rather than treated as a failure (libzmq documents EINTR for
/// `zmq_poll`, `zmq_msg_send` and `zmq_msg_recv`: "the operation was interrupted by delivery of a
/// signal", http://api.zeromq.org/master:zmq-poll).
enum ZMQ {
  @discardableResult
  static func call(_ function: String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
    do throws(SystemCallError) {
      return try retryingInterrupts(function, errorNumber: zmq_errno, body)
    } catch {
      throw ZMQError(function: error.function, errno: error.code)
    }
  }
}

/// One libzmq context per kernel process.
final class ZMQContext: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  init() throws(ZMQError) {
    guard let handle = zmq_ctx_new() else { throw ZMQError(function: "zmq_ctx_new", errno: zmq_errno()) }
    self.handle = handle
  }

  /// Makes blocking calls on every socket return ETERM, so owner threads close and end.
  func shutdown() { zmq_ctx_shutdown(handle) }

  /// Waits until every socket is closed and its pending messages have gone (up to each
  /// socket's linger).
  func terminate() { _ = try? ZMQ.call("zmq_ctx_term") { zmq_ctx_term(handle) } }
}

/// A libzmq socket. Not thread-safe: created on any thread, then used by one owner thread only.
final class ZMQSocket: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer
  let name: String

  init(_ context: ZMQContext, type: Int32, name: String) throws(ZMQError) {
    guard let handle = zmq_socket(context.handle, type) else {
      throw ZMQError(function: "zmq_socket(\(name))", errno: zmq_errno())
    }
    self.handle = handle
    self.name = name
  }

  func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
    var value = value
    try ZMQ.call("zmq_setsockopt(\(name))") {
      zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size)
    }
  }

  func setOption(_ option: Int32, _ value: Int64) throws(ZMQError) {
    var value = value
    try ZMQ.call("zmq_setsockopt(\(name))") {
      zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size)
    }
  }

  func bind(_ endpoint: String) throws(ZMQError) {
    try ZMQ.call("zmq_bind(\(name), \(endpoint))") { zmq_bind(handle, endpoint) }
  }

  /// Sends every frame of one message; frames after the first are sent only if the first was.
  func send(_ frames: [[UInt8]]) throws(ZMQError) {
    for (index, frame) in frames.enumerated() {
      let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
      try ZMQ.call("zmq_send(\(name))") {
        frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
      }
    }
  }

  /// Receives every frame of the next message (blocking).
  func receive() throws(ZMQError) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var more = true
    while more {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      try ZMQ.call("zmq_msg_recv(\(name))") { zmq_msg_recv(&message, handle, 0) }
      let size = zmq_msg_size(&message)
      if let data = zmq_msg_data(&message), size > 0 {
        frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
      } else {
        frames.append([])
      }
      more = zmq_msg_more(&message) != 0
    }
    return frames
  }

  func close() { zmq_close(handle) }
}

/// Waits until a socket or a file descriptor is readable.
struct PollSet {
  private var items: [zmq_pollitem_t] = []

  mutating func add(_ socket: ZMQSocket) {
    items.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
  }

  mutating func add(fileDescriptor: Int32) {
    items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0))
  }

  /// Which of the added items are readable, in the order they were added; -1 waits forever.
  mutating func wait(timeoutMilliseconds: Int = -1) throws(ZMQError) -> [Bool] {
    for index in items.indices { items[index].revents = 0 }
    let count = Int32(items.count)
    _ = try items.withUnsafeMutableBufferPointer { buffer throws(ZMQError) in
      try ZMQ.call("zmq_poll") { zmq_poll(buffer.baseAddress, count, timeoutMilliseconds) }
    }
    return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
  }
}
