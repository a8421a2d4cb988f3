/// The one place where cursor positions change units: the protocol counts Unicode scalars
/// (messaging spec 5.2), the runtime counts UTF-8 bytes.
enum CursorPosition {
  /// The UTF-8 offset of the `scalarOffset`-th scalar (clamped to the text).
  static func utf8Offset(ofScalarOffset scalarOffset: Int, in text: String) -> Int {
    let scalars = text.unicodeScalars
    let index = scalars.index(scalars.startIndex, offsetBy: max(0, scalarOffset), limitedBy: scalars.endIndex)
    return text.utf8.distance(from: text.utf8.startIndex, to: index ?? scalars.endIndex)
  }

  /// The number of scalars before a UTF-8 offset (rounded down to a scalar boundary).
  static func scalarOffset(ofUTF8Offset utf8Offset: Int, in text: String) -> Int {
    var count = 0
    var bytes = 0
    for scalar in text.unicodeScalars {
      bytes += UTF8.width(scalar)
      if bytes > utf8Offset { break }
      count += 1
    }
    return count
  }
}
