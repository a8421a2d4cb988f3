/// A data set that cannot be loaded or used as asked: names the file (or data set) and what was
/// expected, with a fix.
///
/// Errors are data, rendered once: loaders build them through the static members below, so the
/// same fault reads the same everywhere (`'<path>' is truncated: …`), and a notebook shows
/// `description` as is.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file at fault, if any.
  public var path: String?
  /// What is wrong and what was expected; lowercase, no final period, paths in `'…'`.
  public var message: String
  /// How to fix it, when there is something better to say than the message.
  public var help: String?

  public init(path: String? = nil, _ message: String, help: String? = nil) {
    self.path = path
    self.message = message
    self.help = help
  }

  public var description: String {
    guard let help else { return message }
    return message + "\nhelp: " + help
  }
}

extension DataError {
  static func missing(_ path: String, expected: String, help: String? = nil) -> DataError {
    DataError(path: path, "'\(path)' does not exist: expected \(expected)", help: help)
  }

  static func truncated(_ path: String, expected: String, found: String) -> DataError {
    DataError(
      path: path, "'\(path)' is truncated: expected \(expected), found \(found)",
      help: "was the file copied or downloaded completely? fetch it again")
  }

  static func malformed(_ path: String, _ what: String, help: String? = nil) -> DataError {
    DataError(path: path, "'\(path)' \(what)", help: help)
  }

  /// A value a caller passed that the data set cannot take (no file involved).
  static func invalid(_ operation: String, _ what: String, help: String? = nil) -> DataError {
    DataError("'\(operation)' \(what)", help: help)
  }

  static func indexOutOfRange(_ operation: String, index: Int, count: Int) -> DataError {
    DataError(
      "'\(operation)' got index \(index) but the data set has \(count) samples",
      help: "indices run from 0 to \(count - 1)")
  }
}
