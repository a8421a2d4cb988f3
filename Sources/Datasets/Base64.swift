/// Base64 decoding (RFC 4648, standard alphabet), for the data embedded in the binary; the
/// module has no Foundation to do it.
enum Base64 {
  /// The bytes of `text`, skipping line breaks and spaces; `nil` for any other character
  /// outside the alphabet or a length that is not a whole number of 4-character groups.
  static func decode(_ text: String) -> [UInt8]? {
    var values = [UInt8](repeating: 0xFF, count: 256)
    for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
      values[Int(character)] = UInt8(index)
    }
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count / 4 * 3)
    var group: UInt32 = 0
    var filled = 0
    var padding = 0
    for character in text.utf8 {
      switch character {
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "): continue
      case UInt8(ascii: "="):
        padding += 1
        group <<= 6
      default:
        let value = values[Int(character)]
        guard value != 0xFF, padding == 0 else { return nil }
        group = group << 6 | UInt32(value)
      }
      filled += 1
      if filled == 4 {
        output += [
          UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8),
          UInt8(truncatingIfNeeded: group),
        ]
        filled = 0
        group = 0
      }
    }
    guard filled == 0, padding <= 2 else { return nil }
    output.removeLast(padding)
    return output
  }
}
