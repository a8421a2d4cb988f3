import TempoRuntime

/// A session for tests: runs cells and collects what they print.
public final class TestSession {
  public let environment = Environment()
  public let output: CollectingOutput

  /// - Parameter terminal: show help and displayed values in standard output, as `tempo run` does.
  public init(input: [String] = [], maximumSteps: Int? = nil, terminal: Bool = false) {
    output = CollectingOutput(input: input, helpToStandardOutput: terminal)
    environment.limits.maximumSteps = maximumSteps
  }

  /// Runs one cell; returns its outcome.
  @discardableResult
  public func run(_ code: String, name: String? = nil) -> CellOutcome {
    environment.execute(code, name: name, output: output)
  }

  /// Runs a cell and returns what it printed to standard output (and clears it).
  public func printed(_ code: String) -> String {
    output.reset()
    run(code)
    return output.standardOutput
  }
}
