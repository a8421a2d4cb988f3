import ArgumentParser

/// The `tempo` command: runs Tempo programs, and (in later issues) the Jupyter kernel.
@main
struct Tempo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tempo",
    abstract: "Tempo: a Swift-like language for training neural networks, and its Jupyter kernel.",
    version: TempoVersion.current,
    subcommands: [Run.self, Docs.self]
  )
}

enum TempoVersion {
  static let current = "0.1.0"
}
