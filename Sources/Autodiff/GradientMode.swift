/// Whether ops record themselves for backward. Recording is on by default; `noGrad` turns it
/// off for a scope (evaluation, optimizer updates, the untaped forward of a frozen trunk).
public enum GradientMode {
  @TaskLocal static var isRecordingOff = false
  /// Inside `differentiating(only:)`, the leaves that may take a gradient; nil outside.
  @TaskLocal static var differentiable: Set<ObjectIdentifier>?

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

  /// Runs `body` (a forward and its backward) differentiating only `parameters`: every other
  /// leaf behaves as if it did not require a gradient, so ops that touch no listed parameter
  /// (directly or through an earlier op) record nothing, keep no activations, and backward
  /// stops where the listed parameters begin. This is multirate's truncated backward: with
  /// only the head listed, the trunk runs forward at plain tensor cost.
  ///
  /// Nothing on the model is changed — the scope ends with `body`, so a step that throws, is
  /// interrupted or diverges cannot leave a frozen trunk behind. Run the backward inside the
  /// same scope: outside it, a parameter that was an input of a recorded op would get a
  /// gradient again.
  public static func differentiating<Result, Failure: Error>(
    only parameters: [Variable], _ body: () throws(Failure) -> Result
  ) throws(Failure) -> Result {
    let only = Set(parameters.map(ObjectIdentifier.init))
    let result: Swift.Result<Result, Failure> = $differentiable.withValue(only) {
      do throws(Failure) { return .success(try body()) } catch { return .failure(error) }
    }
    return try result.get()
  }
}

/// Runs `body` with recording off (`GradientMode.noGrad`).
public func noGrad<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
  try GradientMode.noGrad(body)
}
