import COpenSSL
import JSONValue

/// HMAC-SHA256 signatures of Jupyter messages, with the system libcrypto.
///
/// The signature covers the *received* bytes of the header, parent header, metadata and
/// content frames, never a re-serialization: JSON printers disagree on spacing and key order,
/// and a signature over re-encoded JSON fails intermittently. The messaging spec signs "the
/// concatenation of the four frames" as sent
/// (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol).
public struct MessageSigner: Sendable {
  private let key: [UInt8]

  /// A signer for the connection file's `key`; an empty key means messages are unsigned.
  public init(key: [UInt8]) { self.key = key }

  public var isSigning: Bool { !key.isEmpty }

  /// The lowercase hex HMAC-SHA256 of the frames in order, or "" when the key is empty.
  public func signature<Frames: Sequence>(of frames: Frames) -> String where Frames.Element == [UInt8] {
    guard isSigning else { return "" }
    return Self.hex(digest(of: frames))
  }

  /// Whether `signature` is this key's signature of the frames; compared in constant time so
  /// the comparison leaks nothing about how many leading characters matched.
  public func isValid<Frames: Sequence>(signature: [UInt8], of frames: Frames) -> Bool
  where Frames.Element == [UInt8] {
    guard isSigning else { return true }
    let expected = Array(Self.hex(digest(of: frames)).utf8)
    guard signature.count == expected.count else { return false }
    return expected.withUnsafeBytes { lhs in
      signature.withUnsafeBytes { rhs in CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, lhs.count) == 0 }
    }
  }

  private func digest<Frames: Sequence>(of frames: Frames) -> [UInt8] where Frames.Element == [UInt8] {
    var message: [UInt8] = []
    for frame in frames { message.append(contentsOf: frame) }
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    _ = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length)
    return Array(digest.prefix(Int(length)))
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
