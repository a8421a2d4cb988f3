/// The text of one cell or file, with the tables that turn byte offsets into positions.
///
/// Tokens and syntax nodes store UTF-8 offsets (cheap to compute while lexing); a
/// `SourceLocation` with a line and a column counted in Characters is made only when a
/// diagnostic is rendered, because that is when a person reads it.
public struct SourceFile: Sendable {
  /// The name shown in diagnostics: `<cell 3>` or a file path.
  public let name: String
  public let text: String
  /// The UTF-8 bytes of `text`.
  public let bytes: [UInt8]
  /// Offset of the first byte of each line.
  public let lineStarts: [Int]

  public init(name: String, text: String) {
    self.name = name
    self.text = text
    self.bytes = Array(text.utf8)
    var starts = [0]
    for (offset, byte) in bytes.enumerated() {
      // A line ends at LF, at CR LF, and at a lone CR (old Mac files).
      if byte == UInt8(ascii: "\n")
        || (byte == UInt8(ascii: "\r") && (offset + 1 == bytes.count || bytes[offset + 1] != UInt8(ascii: "\n")))
      {
        starts.append(offset + 1)
      }
    }
    self.lineStarts = starts
  }

  /// The 1-based line and Character column of a UTF-8 offset.
  public func location(of offset: Int) -> SourceLocation {
    let clamped = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
    }
    let lineStart = lineStarts[low]
    let prefix = String(decoding: bytes[lineStart..<clamped], as: UTF8.self)
    return SourceLocation(file: name, line: low + 1, column: prefix.count + 1, offset: clamped)
  }

  /// The text of a 1-based line, without its newline.
  public func line(_ number: Int) -> String {
    guard number >= 1, number <= lineStarts.count else { return "" }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    if number < lineStarts.count, bytes[lineStarts[number] - 1] == UInt8(ascii: "\r") {
      end = lineStarts[number] - 1
    }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  public var lineCount: Int { lineStarts.count }

  /// The source text between two UTF-8 offsets.
  public func slice(_ range: Range<Int>) -> String {
    let lower = max(0, min(range.lowerBound, bytes.count))
    let upper = max(lower, min(range.upperBound, bytes.count))
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }
}

/// A position a person can find: file name, 1-based line, 1-based column in Characters.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: Int
  /// The UTF-8 offset the position was made from.
  public let offset: Int

  public init(file: String, line: Int, column: Int, offset: Int) {
    self.file = file
    self.line = line
    self.column = column
    self.offset = offset
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// A half-open range of UTF-8 offsets in one `SourceFile`.
public struct SourceRange: Sendable, Equatable, Hashable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  public func to(_ other: SourceRange) -> SourceRange { SourceRange(start, max(end, other.end)) }
}

/// Checks that raw bytes are UTF-8 before they become a `SourceFile`.
///
/// Swift's `String(decoding:as:)` silently repairs invalid sequences; a file with a stray
/// Latin-1 byte should instead be reported, naming the place.
public enum SourceDecoding {
  /// The decoded text, or the offset of the first byte that is not valid UTF-8.
  public static func decode(_ bytes: [UInt8]) -> Result<String, InvalidUTF8> {
    // A byte-order mark is not part of the program (editors on Windows write one).
    let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    var scalars = String.UnicodeScalarView()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        scalars.append(scalar)
        offset += UTF8.width(scalar)
      case .emptyInput:
        return .success(String(scalars))
      case .error:
        return .failure(InvalidUTF8(offset: offset))
      }
    }
  }

  public struct InvalidUTF8: Error, Equatable, Sendable {
    /// The byte offset where decoding failed.
    public let offset: Int
  }
}
