/// Whether ops record themselves for backward. Recording is on by default; `noGrad` turns it
/// off for a scope (evaluation, optimizer updates, the untaped forward of a frozen trunk).
public enum GradientMode {
  @TaskLocal static var isRecordingOff = false

  /// Whether ops run now are recorded.
  public static var isRecording: Bool { !isRecordingOff }

  /// Runs `body` with recording off: no op inside it keeps activations or builds a graph.
  public static func noGrad<Result, Failure: Error>(
    _ body: () throws(Failure) -> Result
  ) throws(Failure) -> Result {
    let result: Swift.Result<Result, Failure> = $isRecordingOff.withValue(true) {
      do throws(Failure) { return .success(try body()) } catch { return .failure(error) }
    }
    return try result.get()
  }
}

/// Runs `body` with recording off (`GradientMode.noGrad`).
public func noGrad<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
  try GradientMode.noGrad(body)
}
