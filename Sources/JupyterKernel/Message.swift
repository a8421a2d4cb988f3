import JSONValue

/// A Jupyter message as received: its routing prefix, its four JSON parts (each with the exact
/// bytes it arrived as) and its buffers.
public struct Message: Sendable {
  /// Routing identities before `<IDS|MSG>`; echoed unchanged on replies.
  public var identities: [[UInt8]]
  public var header: Header
  /// The header frame's bytes as received, reused verbatim as the parent of every reply.
  public var rawHeader: [UInt8]
  public var parentHeader: JSON
  public var metadata: JSON
  public var content: JSON
  /// Raw buffers after the content frame; accepted and ignored (comm extensions use them).
  public var buffers: [[UInt8]]

  public var type: String { header.msgType }

  /// The fields of a message header the kernel reads.
  public struct Header: Sendable, Equatable {
    public var msgID: String
    public var session: String
    public var username: String
    public var msgType: String
    public var version: String
    public var date: String

    public init(msgID: String, session: String, username: String, msgType: String, version: String, date: String) {
      self.msgID = msgID
      self.session = session
      self.username = username
      self.msgType = msgType
      self.version = version
      self.date = date
    }

    var json: JSON {
      [
        "msg_id": .string(msgID), "session": .string(session), "username": .string(username),
        "msg_type": .string(msgType), "version": .string(version), "date": .string(date),
      ]
    }
  }
}

/// A message the kernel is about to send, before it is signed and framed.
public struct OutgoingMessage: Sendable {
  public var identities: [[UInt8]]
  public var type: MessageType
  /// The causing request's header frame (`{}` for unsolicited messages).
  public var parentHeader: [UInt8]
  public var metadata: JSON
  public var content: JSON

  public init(
    identities: [[UInt8]] = [], type: MessageType, parentHeader: [UInt8] = Array("{}".utf8),
    metadata: JSON = [:], content: JSON
  ) {
    self.identities = identities
    self.type = type
    self.parentHeader = parentHeader
    self.metadata = metadata
    self.content = content
  }
}
