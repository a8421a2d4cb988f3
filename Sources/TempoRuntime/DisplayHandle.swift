/// What `display(x)` returns: one output in the notebook, which `update(_:)` replaces in place.
///
/// The handle holds only the display's id. The session's `LiveDisplays` decides when an update
/// is sent and the running cell's output sends it, so a handle kept from an earlier cell
/// updates that cell's output (as Jupyter does).
public final class DisplayHandle: HostObject {
  /// The display id the notebook knows the output by, as `d.id` returns it.
  public let id: String

  init(id: String) { self.id = id }

  public var typeName: String { "DisplayHandle" }
  public var description: String { "DisplayHandle(\(id))" }
  public var memberNames: [String] { ["id", "update"] }
  public var documentation: Documentation? { Self.typeDocumentation }

  public func member(_ name: String) throws -> Value? {
    switch name {
    case "id": return .string(id)
    case "update":
      return .function(
        BuiltinFunction(Self.updateDocumentation) { [id] args in
          args.environment.liveDisplays.update(id, to: try args.value("value"), on: args.output)
          return .void
        })
    default: return nil
    }
  }

  static let typeDocumentation = Documentation(
    name: "DisplayHandle",
    summary: "An output shown by display(x), which update(_:) replaces in place.",
    discussion:
      "Members: id (the display id) and update(_:). A handle kept from an earlier cell updates that cell's output.",
    example: "let status = display(\"epoch 1 of 3\")\nstatus.update(\"epoch 2 of 3\")", category: "Output")

  static let updateDocumentation = Documentation(
    name: "update",
    signature: Signature([ParameterSpec(nil, "value", .any, "what the output shows from now on")]),
    summary: "Replaces what the display shows with a new value, in place.",
    discussion:
      "Updates of one display are sent at most five times a second: a faster one waits, and only the latest waiting value is sent, at the next update or when the cell ends. So a loop may update on every step; the notebook always ends showing the last value.",
    example: "let status = display(\"epoch 1 of 3\")\nstatus.update(\"epoch 2 of 3\")", category: "Output")

  static let idDocumentation = Documentation(
    name: "id", signatureText: "id: String",
    summary: "The display id: unique in the notebook, also across kernel restarts.",
    example: "let status = display(\"starting\")\nstatus.id.hasPrefix(\"tempo-\")  // true", category: "Output")

  /// For the builtins reference.
  static var memberDocumentation: [Documentation] { [idDocumentation, updateDocumentation] }
}
