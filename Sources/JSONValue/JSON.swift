import CJansson

/// A JSON value: the one Swift type the protocol code uses for wire JSON.
///
/// Parsing and printing go through jansson, so this type only maps between jansson's tree and
/// Swift. Objects print with sorted keys, which makes frames deterministic and testable.
public enum JSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([String: JSON])

  /// Why bytes are not a JSON document.
  public struct ParseError: Error, Equatable, CustomStringConvertible {
    /// What kind of fault it is, for callers that explain some faults in their own words.
    public enum Kind: Equatable, Sendable {
      /// An object names `key` twice; documents with repeated keys are rejected, never merged.
      /// The key is nil when jansson's message does not quote it.
      case duplicateKey(String?)
      /// Anything else: bad syntax, invalid UTF-8, input ending early, a number out of range.
      case malformed
    }

    public var kind: Kind
    /// jansson's text, such as `'[' or '{' expected near 'x'`.
    public var message: String
    public var line: Int
    public var column: Int
    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }

    public init(kind: Kind = .malformed, message: String, line: Int, column: Int) {
      self.kind = kind
      self.message = message
      self.line = line
      self.column = column
    }
  }

  /// Parses one JSON document (any value at the top level; NUL characters allowed in strings).
  public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSON {
    var error = json_error_t()
    let flags = Int(JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES)
    let root: UnsafeMutablePointer<json_t>? = Array(bytes).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        json_loadb(chars.baseAddress, chars.count, flags, &error)
      }
    }
    guard let root else {
      let text = withUnsafeBytes(of: error.text) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      throw ParseError(
        kind: kind(of: &error, message: text), message: text, line: Int(error.line), column: Int(error.column))
    }
    defer { json_decref(root) }
    return JSON(jansson: root)
  }

  /// The kind of a failed parse, from jansson's error code (`json_error_code`).
  private static func kind(of error: inout json_error_t, message: String) -> ParseError.Kind {
    guard json_error_code(&error) == json_error_duplicate_key else { return .malformed }
    // jansson names the repeated key as the token it stopped at: `… near '"name"'`, the token
    // being the key as JSON text.
    guard let near = message.firstRange(of: "near '"), message.hasSuffix("'") else { return .duplicateKey(nil) }
    let token = message[near.upperBound...].dropLast()
    guard case .string(let key)? = try? parse(String(token)) else { return .duplicateKey(nil) }
    return .duplicateKey(key)
  }

  /// Parses UTF-8 text; convenient in tests.
  public static func parse(_ text: String) throws(ParseError) -> JSON {
    try parse(Array(text.utf8))
  }

  /// Compact UTF-8 text with sorted keys. Non-finite doubles print as `null`, as the wire
  /// format has no NaN or Infinity.
  public var serialized: [UInt8] {
    let tree = makeJansson()
    defer { json_decref(tree) }
    let flags = Int(JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
    let size = json_dumpb(tree, nil, 0, flags)
    guard size > 0 else { return Array("null".utf8) }
    var bytes = [UInt8](repeating: 0, count: size)
    _ = bytes.withUnsafeMutableBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        json_dumpb(tree, chars.baseAddress, size, flags)
      }
    }
    return bytes
  }

  /// The serialized text as a String.
  public var text: String { String(decoding: serialized, as: UTF8.self) }

  private init(jansson value: UnsafeMutablePointer<json_t>) {
    switch value.pointee.type {
    case JSON_OBJECT:
      var members: [String: JSON] = [:]
      var iterator = json_object_iter(value)
      while let current = iterator {
        let key = String(cString: json_object_iter_key(current))
        if let member = json_object_iter_value(current) { members[key] = JSON(jansson: member) }
        iterator = json_object_iter_next(value, current)
      }
      self = .object(members)
    case JSON_ARRAY:
      self = .array((0..<json_array_size(value)).map { JSON(jansson: json_array_get(value, $0)) })
    case JSON_STRING:
      let length = json_string_length(value)
      let bytes = UnsafeRawBufferPointer(start: json_string_value(value), count: length)
      self = .string(String(decoding: bytes, as: UTF8.self))
    case JSON_INTEGER: self = .int(Int(json_integer_value(value)))
    case JSON_REAL: self = .double(json_real_value(value))
    case JSON_TRUE: self = .bool(true)
    case JSON_FALSE: self = .bool(false)
    default: self = .null
    }
  }

  /// A new jansson tree that the caller owns (one reference).
  private func makeJansson() -> UnsafeMutablePointer<json_t> {
    let made: UnsafeMutablePointer<json_t>?
    switch self {
    case .null: made = json_null()
    case .bool(let value): made = value ? json_true() : json_false()
    case .int(let value): made = json_integer(json_int_t(value))
    case .double(let value): made = value.isFinite ? json_real(value) : json_null()
    case .string(let value):
      made = value.utf8CString.withUnsafeBufferPointer { json_stringn_nocheck($0.baseAddress, $0.count - 1) }
    case .array(let elements):
      made = json_array()
      if let made { for element in elements { json_array_append_new(made, element.makeJansson()) } }
    case .object(let members):
      made = json_object()
      if let made {
        for (key, member) in members {
          key.utf8CString.withUnsafeBufferPointer { keyBytes in
            _ = json_object_setn_new_nocheck(made, keyBytes.baseAddress, keyBytes.count - 1, member.makeJansson())
          }
        }
      }
    }
    // jansson returns NULL only when malloc fails; `null` is the least surprising stand-in.
    return made ?? json_null()
  }
}

// MARK: - Reading members

extension JSON {
  public subscript(key: String) -> JSON? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var intValue: Int? {
    switch self {
    case .int(let value): return value
    case .double(let value) where value == value.rounded() && abs(value) < 9e15: return Int(value)
    default: return nil
    }
  }

  /// A number of either kind as a Double.
  public var doubleValue: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .double(let value): return value
    default: return nil
    }
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSON]? {
    if case .array(let value) = self { return value }
    return nil
  }

  public var objectValue: [String: JSON]? {
    if case .object(let value) = self { return value }
    return nil
  }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(arrayLiteral elements: JSON...) { self = .array(elements) }
  public init(nilLiteral: ()) { self = .null }
  public init(dictionaryLiteral elements: (String, JSON)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}
