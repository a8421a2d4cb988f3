import Glibc
import JSONValue
import Synchronization

/// Why a received multipart message was dropped. Each is logged once and never answered.
public enum WireError: Error, Equatable, CustomStringConvertible {
  case missingDelimiter
  case truncated(frameCount: Int)
  case badSignature
  case replayedSignature
  case tooLarge(bytes: Int, limit: Int)
  case invalidJSON(part: String, reason: String)
  case missingField(part: String, field: String)

  public var description: String {
    switch self {
    case .missingDelimiter: return "no '<IDS|MSG>' delimiter frame"
    case .truncated(let count): return "only \(count) frame(s) after the delimiter; a message needs 5"
    case .badSignature: return "invalid signature (is the connection file's key right?)"
    case .replayedSignature: return "a signature seen before (replayed message)"
    case .tooLarge(let bytes, let limit): return "\(bytes) bytes exceed the \(limit)-byte message limit"
    case .invalidJSON(let part, let reason): return "\(part) is not valid JSON: \(reason)"
    case .missingField(let part, let field): return "\(part) has no '\(field)'"
    }
  }
}

/// Frames messages for the wire and reads them back: `[ids…] <IDS|MSG> sig header parent
/// metadata content [buffers…]`, signing with HMAC-SHA256 and refusing replays.
public final class WireCodec: Sendable {
  public static let delimiter = Array("<IDS|MSG>".utf8)
  /// The protocol version written into every header. From 5.2 on, jupyter_kernel_test's
  /// schemas accept fields newer than its own 5.1 (`additionalProperties` in `msgspec_v5.py`).
  public static let protocolVersion = "5.5"

  public let signer: MessageSigner
  public let session: String
  public let username: String
  /// The largest message accepted, in bytes over all frames (ZMQ_MAXMSGSIZE applies per frame
  /// on the sockets as well).
  public let maximumMessageBytes: Int

  private let seenSignatures = Mutex(SignatureHistory(capacity: 1 << 16))
  private let messageCounter = Atomic<Int>(0)
  private let clock: @Sendable () -> timespec

  public init(
    key: [UInt8], session: String, username: String = "kernel", maximumMessageBytes: Int = 256 << 20,
    clock: @escaping @Sendable () -> timespec = WireCodec.systemClock
  ) {
    self.signer = MessageSigner(key: key)
    self.session = session
    self.username = username
    self.maximumMessageBytes = maximumMessageBytes
    self.clock = clock
  }

  // MARK: Decoding

  /// Reads a received multipart message, verifying its signature over the raw frames.
  public func decode(_ frames: [[UInt8]]) throws(WireError) -> Message {
    let total = frames.reduce(0) { $0 + $1.count }
    guard total <= maximumMessageBytes else { throw .tooLarge(bytes: total, limit: maximumMessageBytes) }
    guard let split = frames.firstIndex(of: Self.delimiter) else { throw .missingDelimiter }
    let rest = frames[(split + 1)...]
    guard rest.count >= 5 else { throw .truncated(frameCount: rest.count) }
    let signature = rest[rest.startIndex]
    let parts = Array(rest[(rest.startIndex + 1)..<(rest.startIndex + 5)])
    guard signer.isValid(signature: signature, of: parts) else { throw .badSignature }
    if signer.isSigning {
      let isNew = seenSignatures.withLock { $0.insert(signature) }
      guard isNew else { throw .replayedSignature }
    }
    let header = try Self.parse(parts[0], part: "header")
    let parent = try Self.parse(parts[1], part: "parent_header")
    let metadata = try Self.parse(parts[2], part: "metadata")
    let content = try Self.parse(parts[3], part: "content")
    guard case .object = header else { throw .invalidJSON(part: "header", reason: "not an object") }
    guard case .object = content else { throw .invalidJSON(part: "content", reason: "not an object") }
    guard let msgType = header["msg_type"]?.stringValue, !msgType.isEmpty else {
      throw .missingField(part: "header", field: "msg_type")
    }
    guard let msgID = header["msg_id"]?.stringValue else { throw .missingField(part: "header", field: "msg_id") }
    return Message(
      identities: Array(frames[..<split]),
      header: Message.Header(
        msgID: msgID, session: header["session"]?.stringValue ?? "",
        username: header["username"]?.stringValue ?? "", msgType: msgType,
        version: header["version"]?.stringValue ?? "", date: header["date"]?.stringValue ?? ""),
      rawHeader: parts[0], parentHeader: parent, metadata: metadata, content: content,
      buffers: Array(rest.dropFirst(5)))
  }

  private static func parse(_ bytes: [UInt8], part: String) throws(WireError) -> JSON {
    do {
      return try JSON.parse(bytes)
    } catch {
      throw .invalidJSON(part: part, reason: error.description)
    }
  }

  // MARK: Encoding

  /// Frames, headers and signs a message; IOPub messages carry their topic as the identity.
  public func encode(_ message: OutgoingMessage) -> [[UInt8]] {
    let header = makeHeader(type: message.type).json.serialized
    let parts = [header, message.parentHeader, message.metadata.serialized, message.content.serialized]
    var frames = message.identities
    frames.append(Self.delimiter)
    frames.append(Array(signer.signature(of: parts).utf8))
    frames.append(contentsOf: parts)
    return frames
  }

  /// A fresh header: a unique msg_id (the per-process session UUID and a counter) and the UTC date.
  public func makeHeader(type: MessageType) -> Message.Header {
    let number = messageCounter.add(1, ordering: .relaxed).newValue
    return Message.Header(
      msgID: "\(session)_\(number)", session: session, username: username, msgType: type.rawValue,
      version: Self.protocolVersion, date: Self.isoDate(clock()))
  }

  public static let systemClock: @Sendable () -> timespec = {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return now
  }

  /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, with the fraction zero-padded to six digits.
  public static func isoDate(_ time: timespec) -> String {
    var seconds = time.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    let micros = Int(time.tv_nsec) / 1000
    return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
      + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
      + ".\(pad(micros, 6))Z"
  }
}

/// Signatures already accepted, bounded like jupyter_client's digest history (which forgets its
/// oldest tenth when full): the last capacity / 2 to capacity signatures are remembered.
struct SignatureHistory {
  let capacity: Int
  /// Two generations of at most capacity / 2 fingerprints each: when the current one fills, it
  /// becomes the previous one and the oldest generation is forgotten. Both sets keep their
  /// storage, so remembering costs the same memory after the first generation as after the
  /// millionth message — a kernel's RSS does not creep with every request it answers.
  private var current: Set<UInt64>
  private var previous: Set<UInt64>

  init(capacity: Int) {
    self.capacity = capacity
    let generation = max(1, capacity / 2)
    current = Set(minimumCapacity: generation)
    previous = Set(minimumCapacity: generation)
  }

  /// Records a signature; false when it was already there.
  mutating func insert(_ signature: [UInt8]) -> Bool {
    let key = Self.fingerprint(signature)
    guard !previous.contains(key), current.insert(key).inserted else { return false }
    if current.count >= max(1, capacity / 2) {
      swap(&current, &previous)
      current.removeAll(keepingCapacity: true)
    }
    return true
  }

  /// 64 bits of FNV-1a over the signature. The signature is an HMAC the codec has verified, so it
  /// is already uniformly random; two different ones share a fingerprint with probability 2⁻⁶⁴
  /// per pair, and that would refuse a message as a replay, never accept one.
  static func fingerprint(_ signature: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in signature {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }
}
