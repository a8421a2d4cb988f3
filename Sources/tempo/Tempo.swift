import ArgumentParser

/// The `tempo` command: runs Tempo programs and the Jupyter kernel, and installs its kernelspec.
@main
struct Tempo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tempo",
    abstract: "Tempo: a Swift-like language for training neural networks, and its Jupyter kernel.",
    version: TempoVersion.current,
    subcommands: [Run.self, Kernel.self, Install.self, Docs.self, Bench.self]
  )
}

enum TempoVersion {
  static let current = "0.1.0"
}
