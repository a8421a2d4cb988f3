import Foundation
import JSONValue
import JupyterKernel

/// A kernel transport without sockets: records every frame the core sends, and lets a test
/// play the client (signed requests in, decoded replies and IOPub messages out).
public final class InMemoryTransport: KernelTransport, @unchecked Sendable {
  public static let key = Array("in-memory-test-key".utf8)

  private let condition = NSCondition()
  private var sent: [(Channel, [[UInt8]])] = []
  /// Called for frames sent on stdin (an `input_request`), to answer like a client would.
  public var onStdin: (@Sendable ([[UInt8]]) -> Void)?
  /// Decodes what the kernel sends, checking its signatures with the shared key.
  public let clientCodec: WireCodec

  public init() {
    clientCodec = WireCodec(key: Self.key, session: "test-client", username: "tester")
  }

  public func send(_ frames: [[UInt8]], on channel: Channel) {
    condition.lock()
    sent.append((channel, frames))
    condition.broadcast()
    condition.unlock()
    if channel == .stdin { onStdin?(frames) }
  }

  /// Every message sent on a channel so far, decoded.
  public func messages(on channel: Channel) -> [Message] {
    condition.lock()
    defer { condition.unlock() }
    return sent.filter { $0.0 == channel }.compactMap { try? Self.decoder.decode($0.1) }
  }

  /// Raw frames sent on a channel so far.
  public func frames(on channel: Channel) -> [[[UInt8]]] {
    condition.lock()
    defer { condition.unlock() }
    return sent.filter { $0.0 == channel }.map(\.1)
  }

  /// Waits (up to `timeout` seconds) until some message satisfies `predicate`.
  @discardableResult
  public func waitFor(timeout: Double = 10, _ predicate: (Message, Channel) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    condition.lock()
    defer { condition.unlock() }
    while true {
      for (channel, frames) in sent {
        if let message = try? Self.decoder.decode(frames), predicate(message, channel) { return true }
      }
      if !condition.wait(until: deadline) { return false }
    }
  }

  public func reset() {
    condition.lock()
    sent = []
    condition.unlock()
  }

  /// A signed request as a client would send it, with one routing identity.
  public func request(
    _ type: String, _ content: JSON, identity: String = "client-1", metadata: JSON = [:]
  ) -> [[UInt8]] {
    guard let messageType = MessageType(rawValue: type) else {
      // Unknown types are framed by hand, the way a newer client would send them.
      var header = clientCodec.makeHeader(type: .kernelInfoRequest)
      header.msgType = type
      return Self.frame(identity: identity, header: header, content: content, codec: clientCodec)
    }
    return Self.frame(
      identity: identity, header: clientCodec.makeHeader(type: messageType), content: content, codec: clientCodec,
      metadata: metadata)
  }

  /// The `msg_id` of a framed request (empty when the frames carry no readable header).
  public static func msgID(of frames: [[UInt8]]) -> String {
    guard let delimiter = frames.firstIndex(of: WireCodec.delimiter), delimiter + 2 < frames.count else { return "" }
    return (try? JSON.parse(frames[delimiter + 2]))?["msg_id"]?.stringValue ?? ""
  }

  static func frame(
    identity: String, header: Message.Header, content: JSON, codec: WireCodec, metadata: JSON = [:]
  ) -> [[UInt8]] {
    let headerJSON: JSON = [
      "msg_id": .string(header.msgID), "session": .string(header.session), "username": .string(header.username),
      "msg_type": .string(header.msgType), "version": .string(header.version), "date": .string(header.date),
    ]
    let parts = [headerJSON.serialized, Array("{}".utf8), metadata.serialized, content.serialized]
    return [Array(identity.utf8), WireCodec.delimiter, Array(codec.signer.signature(of: parts).utf8)] + parts
  }

  // Decoding what the kernel sent: same key, and no replay bookkeeping across calls.
  private static var decoder: WireCodec { WireCodec(key: key, session: "decoder") }
}

extension Message {
  /// The `msg_type` and, for status messages, the state: `"status:busy"`, `"stream"`, ….
  public var summary: String {
    if type == "status" { return "status:\(content["execution_state"]?.stringValue ?? "?")" }
    return type
  }

  /// The `msg_id` of the parent header.
  public var parentID: String? { parentHeader["msg_id"]?.stringValue }
}
