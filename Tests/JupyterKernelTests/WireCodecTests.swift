import Glibc
import JSONValue
import TestSupport
import Testing

@testable import JupyterKernel

@Suite("Wire codec and signatures")
struct WireCodecTests {
  static let fixedClock: @Sendable () -> timespec = { timespec(tv_sec: 1_795_429_230, tv_nsec: 42_000) }

  func codec(key: String = "in-memory-test-key") -> WireCodec {
    WireCodec(key: Array(key.utf8), session: "s1", clock: Self.fixedClock)
  }

  @Test("an IOPub status message is framed, headed and signed exactly as on the wire")
  func encodesFixedFrames() {
    let frames = codec().encode(
      OutgoingMessage(identities: [Array("kernel.s1.status".utf8)], type: .status, content: ["execution_state": "idle"])
    )
    let text = frames.map { String(decoding: $0, as: UTF8.self) }
    #expect(
      text == [
        "kernel.s1.status", "<IDS|MSG>", "392884e15bebbf4b859ae1563d0382e017e9be0fa5cc6504d863f6246be3a5a4",
        #"{"date":"2026-11-23T10:20:30.000042Z","msg_id":"s1_1","msg_type":"status","session":"s1","username":"kernel","version":"5.5"}"#,
        "{}", "{}", #"{"execution_state":"idle"}"#,
      ])
  }

  @Test("dates are UTC with a six-digit fraction")
  func datesArePadded() {
    #expect(WireCodec.isoDate(timespec(tv_sec: 0, tv_nsec: 5_000)) == "1970-01-01T00:00:00.000005Z")
  }

  @Test("a message decodes with any number of identities and keeps its raw header bytes")
  func decodesIdentitiesAndRawHeader() throws {
    let encoder = codec()
    var frames = encoder.encode(OutgoingMessage(type: .kernelInfoRequest, content: [:]))
    frames.insert(Array("second".utf8), at: 0)
    frames.insert(Array("first".utf8), at: 0)
    frames.append([1, 2, 3])  // a buffer
    let message = try codec().decode(frames)
    #expect(message.identities.map { String(decoding: $0, as: UTF8.self) } == ["first", "second"])
    #expect(message.type == "kernel_info_request")
    #expect(message.rawHeader == frames[4])
    #expect(message.buffers == [[1, 2, 3]])
  }

  @Test("an empty key means unsigned messages with an empty signature")
  func emptyKeyDoesNotSign() throws {
    let unsigned = WireCodec(key: [], session: "s1", clock: Self.fixedClock)
    let frames = unsigned.encode(OutgoingMessage(type: .kernelInfoRequest, content: [:]))
    #expect(frames[1].isEmpty)
    #expect(try unsigned.decode(frames).type == "kernel_info_request")
  }

  @Test("malformed messages are refused with the reason", arguments: MalformedMessage.allCases)
  func refusesMalformedMessages(_ malformed: MalformedMessage) {
    let decoder = WireCodec(key: Array("in-memory-test-key".utf8), session: "k", maximumMessageBytes: 4096)
    let frames = malformed.frames(codec(key: "in-memory-test-key"))
    #expect(throws: malformed.expected) { try decoder.decode(frames) }
  }

  @Test("a replayed message (a signature seen before) is refused")
  func refusesReplay() throws {
    let decoder = codec()
    let frames = codec().encode(OutgoingMessage(type: .kernelInfoRequest, content: [:]))
    _ = try decoder.decode(frames)
    #expect(throws: WireError.replayedSignature) { try decoder.decode(frames) }
  }

  @Test("the replay memory keeps the last capacity/2 to capacity signatures and forgets older ones")
  func signatureHistoryWindow() {
    var history = SignatureHistory(capacity: 8)
    let signatures = (0..<20).map { Array(String(format: "%064x", $0).utf8) }
    let firstTime = signatures.map { history.insert($0) }
    #expect(firstTime.allSatisfy { $0 })
    // 20 inserted in generations of 4: 16…19 filled the last one, which became the previous
    // generation; 12…15 went with the one before.
    let again = signatures[16...].map { history.insert($0) }
    #expect(again.allSatisfy { !$0 }, "recent ones are refused")
    let older = [signatures[12], signatures[0]].map { history.insert($0) }
    #expect(older == [true, true], "older ones are forgotten")
    let now = history.insert(signatures[12])
    #expect(!now, "and remembered again once seen")
  }
}

enum MalformedMessage: CaseIterable, CustomTestStringConvertible, Sendable {
  case noDelimiter, truncated, wrongKey, flippedByte, invalidJSON, invalidUTF8, missingType, tooLarge, arrayContent

  var testDescription: String { "\(self)" }

  func frames(_ codec: WireCodec) -> [[UInt8]] {
    let good = codec.encode(OutgoingMessage(type: .executeRequest, content: ["code": "1"]))
    func resigned(_ parts: [[UInt8]]) -> [[UInt8]] {
      [WireCodec.delimiter, Array(codec.signer.signature(of: parts).utf8)] + parts
    }
    switch self {
    case .noDelimiter: return Array(good.dropFirst())
    case .truncated: return Array(good.prefix(4))
    case .wrongKey:
      let other = WireCodec(key: Array("wrong".utf8), session: "x")
      return other.encode(OutgoingMessage(type: .executeRequest, content: ["code": "1"]))
    case .flippedByte:
      var frames = good
      frames[5][0] ^= 1
      return frames
    case .invalidJSON: return resigned([good[2], Array("{".utf8), good[4], good[5]])
    case .invalidUTF8: return resigned([good[2], good[3], good[4], [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]])
    case .missingType: return resigned([Array(#"{"msg_id":"m"}"#.utf8), good[3], good[4], good[5]])
    case .tooLarge:
      return codec.encode(
        OutgoingMessage(type: .executeRequest, content: ["code": .string(String(repeating: "x", count: 5000))]))
    case .arrayContent: return resigned([good[2], good[3], good[4], Array("[1]".utf8)])
    }
  }

  var expected: WireError {
    switch self {
    case .noDelimiter: return .missingDelimiter
    case .truncated: return .truncated(frameCount: 3)
    case .wrongKey, .flippedByte: return .badSignature
    case .invalidJSON:
      return .invalidJSON(
        part: "parent_header", reason: "invalid JSON at line 1, column 1: string or '}' expected near end of file")
    case .invalidUTF8:
      return .invalidJSON(
        part: "content", reason: "invalid JSON at line 1, column 2: unable to decode byte 0xff near '\"'")
    case .missingType: return .missingField(part: "header", field: "msg_type")
    case .tooLarge: return .tooLarge(bytes: 5222, limit: 4096)
    case .arrayContent: return .invalidJSON(part: "content", reason: "not an object")
    }
  }
}

@Suite("HMAC-SHA256")
struct MessageSignerTests {
  /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (HMAC-SHA-256).
  static let vectors: [(key: [UInt8], data: [UInt8], digest: String)] = [
    (
      [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    ),
    (
      Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    ),
    (
      [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
    ),
    (
      Array(1...25), [UInt8](repeating: 0xcd, count: 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    ),
    (
      [UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    ),
    (
      [UInt8](repeating: 0xaa, count: 131),
      Array(
        "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
          .utf8),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    ),
  ]

  @Test("signatures match RFC 4231", arguments: 0..<6)
  func matchesRFC4231(_ index: Int) {
    let vector = Self.vectors[index]
    let signer = MessageSigner(key: vector.key)
    #expect(signer.signature(of: [vector.data]) == vector.digest)
    // Split into frames, the digest is the same: frames are signed as one byte string.
    let half = vector.data.count / 2
    #expect(signer.signature(of: [Array(vector.data[..<half]), Array(vector.data[half...])]) == vector.digest)
    #expect(signer.isValid(signature: Array(vector.digest.utf8), of: [vector.data]))
    #expect(!signer.isValid(signature: Array(vector.digest.uppercased().utf8), of: [vector.data]))
  }
}

@Suite("JSON through jansson")
struct JSONTests {
  @Test("values survive a round trip, with sorted keys and NUL inside strings")
  func roundTrip() throws {
    let value: JSON = ["b": [1, 2.5, true, nil], "a": "x\u{0}é\"\n", "c": [:]]
    #expect(value.text == #"{"a":"x\u0000é\"\n","b":[1,2.5,true,null],"c":{}}"#)
    #expect(try JSON.parse(value.serialized) == value)
  }

  @Test("NaN and infinity become null (the wire format has neither)")
  func nonFiniteIsNull() {
    #expect(JSON.array([.double(.nan), .double(-.infinity)]).text == "[null,null]")
  }

  @Test("duplicate keys and trailing garbage are errors")
  func rejectsBadDocuments() {
    #expect(throws: JSON.ParseError.self) { try JSON.parse(#"{"a":1,"a":2}"#) }
    #expect(throws: JSON.ParseError.self) { try JSON.parse("[1] x") }
  }

  @Test("a parse error says its kind: a repeated key is named, from jansson's error code")
  func parseErrorKinds() {
    func kind(_ text: String) -> JSON.ParseError.Kind? {
      do {
        _ = try JSON.parse(text)
        return nil
      } catch { return error.kind }
    }
    #expect(kind(#"{"a":1,"a":2}"#) == .duplicateKey("a"))
    #expect(kind(#"{"x":{"it's \"b\"":1,"it's \"b\"":2}}"#) == .duplicateKey(#"it's "b""#))
    #expect(kind("[1] x") == .malformed)
    #expect(kind(#"{"a":"#) == .malformed)
  }
}

@Suite("Connection files")
struct ConnectionInfoTests {
  @Test("tcp and ipc endpoints; unknown fields are ignored")
  func endpoints() throws {
    let tcp = try ConnectionInfo(
      json: Array(
        #"{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,"iopub_port":5002,"stdin_port":5003,"control_port":5004,"hb_port":5005,"key":"k","signature_scheme":"hmac-sha256","kernel_name":"tempo","curve_publickey":"x"}"#
          .utf8))
    #expect(tcp.endpoint(for: .shell) == "tcp://127.0.0.1:5001")
    #expect(tcp.endpoint(for: .heartbeat) == "tcp://127.0.0.1:5005")
    #expect(tcp.key == Array("k".utf8))
    let ipc = try ConnectionInfo(
      json: Array(
        #"{"transport":"ipc","ip":"/tmp/kernel","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":""}"#
          .utf8))
    #expect(ipc.endpoint(for: .iopub) == "ipc:///tmp/kernel-2")
  }

  @Test("a missing port or an unknown signature scheme is named")
  func namesTheProblem() {
    #expect {
      try ConnectionInfo(json: Array(#"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4}"#.utf8))
    } throws: { ($0 as? ConnectionInfo.Invalid)?.description == "'hb_port' is missing or not a port number" }
    #expect {
      try ConnectionInfo(
        json: Array(
          #"{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"signature_scheme":"hmac-md5"}"#
            .utf8))
    } throws: { ($0 as? ConnectionInfo.Invalid)?.description.contains("hmac-md5") == true }
  }
}
