import ArgumentParser
import TempoLibrary
import TempoRuntime

/// `tempo docs builtins`: prints the builtins reference, generated from the builtins' own
/// documentation (this is how `docs/builtins.md` is made).
struct Docs: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print generated reference documentation.")

  @Argument(help: "Which reference: 'builtins'.")
  var topic: String = "builtins"

  func run() throws {
    guard topic == "builtins" else {
      throw ValidationError("unknown topic '\(topic)'; the topics are: builtins")
    }
    print(BuiltinReference.markdown(for: StandardLibrary.makeEnvironment()), terminator: "")
  }
}
