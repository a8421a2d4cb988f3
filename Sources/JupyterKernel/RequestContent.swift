import JSONValue

/// The content fields of each request the kernel answers, with the JSON type the messaging
/// specification gives them, checked before a handler reads them.
///
/// ipykernel's handlers are schema-checked: an `execute_request` whose `silent` is a string is
/// refused, not run as if it were false. Here every request is checked the same way, and a field
/// of the wrong type gets an error reply naming the field, what was expected and what came —
/// inside busy/idle like any reply, logged, with the kernel left as it was. A field that is
/// absent takes the specification's default (only `code` of an execute is required); fields
/// the specification does not list are ignored, as clients add their own.
public enum RequestContent {
  /// A field's expected JSON type.
  public enum Kind: Sendable, Equatable {
    case string, bool, object
    /// A whole number ≥ 0 (cursor positions, counts).
    case count
    /// Any whole number (history's session, start and stop: a session ≤ 0 counts back from this one).
    case integer
    /// An object whose values are all strings (`user_expressions`).
    case stringObject
    /// A string, one of these.
    case oneOf([String])

    var expectation: String {
      switch self {
      case .string: return "a string"
      case .bool: return "true or false"
      case .object: return "an object"
      case .count: return "a whole number ≥ 0"
      case .integer: return "a whole number"
      case .stringObject: return "an object of strings (name → expression)"
      case .oneOf(let choices): return "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
      }
    }
  }

  public struct Field: Sendable {
    public let name: String
    public let kind: Kind
    public let required: Bool
    /// Whether JSON null counts as absent (history's optional bounds, which jupyter_client may send as null).
    public let nullable: Bool

    init(_ name: String, _ kind: Kind, required: Bool = false, nullable: Bool = false) {
      self.name = name
      self.kind = kind
      self.required = required
      self.nullable = nullable
    }
  }

  /// Jupyter messaging protocol 5.3, "Messages on the shell (ROUTER/DEALER) channel" and "control".
  public static let fields: [MessageType: [Field]] = [
    .executeRequest: [
      Field("code", .string, required: true), Field("silent", .bool), Field("store_history", .bool),
      Field("user_expressions", .stringObject), Field("allow_stdin", .bool), Field("stop_on_error", .bool),
    ],
    .inspectRequest: [Field("code", .string), Field("cursor_pos", .count), Field("detail_level", .count)],
    .completeRequest: [Field("code", .string), Field("cursor_pos", .count)],
    .isCompleteRequest: [Field("code", .string)],
    .historyRequest: [
      Field("output", .bool), Field("raw", .bool), Field("hist_access_type", .oneOf(["range", "tail", "search"])),
      Field("session", .integer, nullable: true), Field("start", .integer, nullable: true),
      Field("stop", .integer, nullable: true), Field("n", .count, nullable: true),
      Field("pattern", .string, nullable: true), Field("unique", .bool),
    ],
    .commInfoRequest: [Field("target_name", .string, nullable: true)],
    .shutdownRequest: [Field("restart", .bool)],
    .kernelInfoRequest: [],
    .interruptRequest: [],
    .commOpen: [Field("comm_id", .string), Field("target_name", .string), Field("data", .object)],
    .commMessage: [Field("comm_id", .string), Field("data", .object)],
    .commClose: [Field("comm_id", .string), Field("data", .object)],
  ]

  /// The first problem with a request's content, as one sentence for the error reply and the
  /// log (`execute_request: 'silent' must be true or false, got the string "yes"`), or nil.
  public static func problem(in content: JSON, of type: MessageType) -> String? {
    guard case .object(let values) = content else {
      return "\(type.rawValue): the content must be an object, got \(describe(content))"
    }
    for field in fields[type] ?? [] {
      guard let value = values[field.name] else {
        if field.required { return "\(type.rawValue): '\(field.name)' is required (\(field.kind.expectation))" }
        continue
      }
      if field.nullable, value == .null { continue }
      if !matches(value, field.kind) {
        return "\(type.rawValue): '\(field.name)' must be \(field.kind.expectation), got \(describe(value))"
      }
    }
    return nil
  }

  static func matches(_ value: JSON, _ kind: Kind) -> Bool {
    switch (kind, value) {
    case (.string, .string), (.bool, .bool), (.object, .object): return true
    case (.count, .int(let n)): return n >= 0
    case (.integer, .int): return true
    case (.stringObject, .object(let map)): return map.values.allSatisfy { $0.stringValue != nil }
    case (.oneOf(let choices), .string(let text)): return choices.contains(text)
    default: return false
    }
  }

  /// A short description of a received value for an error message: its type and, when short, itself.
  static func describe(_ value: JSON) -> String {
    let text = value.text
    let shown = text.count <= 40 ? " \(text)" : ""
    switch value {
    case .null: return "null"
    case .bool: return "the boolean\(shown)"
    case .int, .double: return "the number\(shown)"
    case .string: return "the string\(shown)"
    case .array: return "an array\(shown)"
    case .object(let map):
      if let bad = map.first(where: { $0.value.stringValue == nil }) {
        return "an object whose '\(bad.key)' is \(describe(bad.value))"
      }
      return "an object\(shown)"
    }
  }
}
