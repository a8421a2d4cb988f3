/// The extension point for values the host provides: models, data sets, runs, figures.
///
/// A host object has a type name, members (properties and methods), documentation and a
/// display representation. Later modules (the engine, plotting) conform their types to it
/// and register them with `Environment.define(_:value:documentation:)`.
public protocol HostObject: AnyObject {
  /// The name `type(of:)` prints and type annotations use (`Model`, `Figure`).
  var typeName: String { get }
  /// What `print` shows.
  var description: String { get }
  /// The names completion offers after a `.`.
  var memberNames: [String] { get }
  /// The member's value, a bound method as a `.function`, or nil when there is no such member.
  func member(_ name: String) throws -> Value?
  /// Sets a member; throws a `RuntimeError` when the member does not exist or is read-only.
  func setMember(_ name: String, to value: Value) throws
  /// Documentation for `help(x)`, inspection and completion.
  var documentation: Documentation? { get }
  /// Rich representations by MIME type (for example `image/svg+xml`); `text/plain` is
  /// always `description`.
  func displayRepresentations() -> [String: String]
  /// `self op other` for an arithmetic operator (`+`, `-`, …) this object gives a meaning to
  /// (parameter selections combine with `+` and `-`); nil when it has none, which is the usual
  /// "cannot be applied" error.
  func applying(_ op: String, to other: Value) throws -> Value?
  /// Whether the object may be a dictionary key, by identity (parameter groups key optimizers
  /// by parameter selections: `[net.biases: SGD(…)]`); false for most objects.
  var isDictionaryKey: Bool { get }
  /// The `help:` for a member the object does not have but a user coming from elsewhere would
  /// reach for (`net.trunk.freeze()`), showing the spelling that does it; nil for the usual
  /// did-you-mean.
  func missingMemberHelp(_ name: String) -> String?
}

extension HostObject {
  public var memberNames: [String] { [] }
  public func member(_ name: String) throws -> Value? { nil }
  public func setMember(_ name: String, to value: Value) throws {
    throw RuntimeError(
      .typeError, "cannot assign to property '\(name)' of '\(typeName)'",
      help: "'\(typeName)' has no settable property '\(name)'")
  }
  public var documentation: Documentation? { nil }
  public func displayRepresentations() -> [String: String] { [:] }
  public func applying(_ op: String, to other: Value) throws -> Value? { nil }
  public var isDictionaryKey: Bool { false }
  public func missingMemberHelp(_ name: String) -> String? { nil }
}
