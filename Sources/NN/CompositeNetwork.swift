import Autodiff
import TensorCore

/// Two copies of one network trained apart and averaged: the composite network of the multirate
/// paper's patch experiment (Vlaar & Leimkuhler 2022, App. C.1; ALGORITHMS §1.9), which
/// `CompositeAveraging` steps — the fast copy at every step, the slow copy once per cycle — and
/// merges every k steps.
///
/// In training mode its forward is the fast copy's output; the slow copy runs on the same
/// input only while its parameters are being differentiated (the first step of a cycle), and
/// its output waits in `slowOutput` for the objective, which adds the slow copy's loss. On the
/// other steps the slow copy's output would be thrown away, so it is not computed.
///
/// In evaluation mode it is the merged network, `fastWeight·fast + (1 − fastWeight)·slow`
/// parameter by parameter (buffers such as batch norm's statistics too): right after a merge
/// that is both copies, in the middle of a cycle what the next merge would start from.
public final class CompositeNetwork: Module {
  public let fast: Module
  public let slow: Module
  /// The fast copy's share in the merged network.
  public let fastWeight: Float
  /// The slow copy's output of the last training forward that ran it; taken (and cleared) by
  /// `takeSlowOutput()`.
  private var slowOutput: Variable?

  /// - Throws: `ModuleError` when the copies differ in parameter names or shapes, share a
  ///   variable, or `fastWeight` is outside [0, 1].
  public init(fast: Module, slow: Module, fastWeight: Float = 0.5) throws {
    guard (0...1).contains(fastWeight) else {
      throw ModuleError("the fast copy's weight in the merge must be in [0, 1] but is \(fastWeight)")
    }
    let fastState = fast.namedParameters() + fast.namedBuffers()
    let slowState = slow.namedParameters() + slow.namedBuffers()
    guard fastState.map(\.path) == slowState.map(\.path) else {
      throw ModuleError(
        "the two copies of a composite network must have the same parameters, but they differ",
        help: "make the slow copy with 'copy()' of the fast one")
    }
    for (a, b) in zip(fastState, slowState) where a.variable === b.variable || a.variable.shape != b.variable.shape {
      throw ModuleError(
        a.variable === b.variable
          ? "'\(a.path)' is in both copies of the composite network; each copy needs its own"
          : "'\(a.path)' has shape \(Tensor.describe(a.variable.shape)) in the fast copy but \(Tensor.describe(b.variable.shape)) in the slow copy",
        help: "make the slow copy with 'copy()' of the fast one")
    }
    self.fast = fast
    self.slow = slow
    self.fastWeight = fastWeight
  }

  /// Two copies of `network` from its current weights: `network` itself as the fast copy, a
  /// deep copy as the slow one (both start at θ0, as §1.9 has it).
  public convenience init(copying network: Module, fastWeight: Float = 0.5) throws {
    try self.init(fast: network, slow: try network.copy(), fastWeight: fastWeight)
  }

  override public var children: [(name: String, module: Module)] { [("fast", fast), ("slow", slow)] }

  override public var configurationDescription: String { "CompositeNetwork(fast weight \(fastWeight))" }

  override public func copy(withChildren children: [Module]) throws -> Module {
    guard children.count == 2 else {
      throw ModuleError("'CompositeNetwork' has 2 children but was given \(children.count)")
    }
    return try CompositeNetwork(fast: children[0], slow: children[1], fastWeight: fastWeight)
  }

  override public func forward(_ input: Variable) throws -> Variable {
    guard isTraining else { return try merged()(input) }
    slowOutput = slowCopyIsDifferentiated ? try slow(input) : nil
    return try fast(input)
  }

  /// The slow copy's output from the last training forward, if that forward ran it; cleared, so
  /// a later step cannot pick up a stale one.
  public func takeSlowOutput() -> Variable? {
    defer { slowOutput = nil }
    return slowOutput
  }

  /// Whether a forward now would be differentiated into the slow copy: recording is on and its
  /// parameters are trainable in the current gradient scope.
  private var slowCopyIsDifferentiated: Bool {
    GradientMode.isRecording && slow.parameters.contains { $0.requiresGrad }
  }

  /// The merged network as a module of the copies' type, in new variables:
  /// `fastWeight·fast + (1 − fastWeight)·slow` for every parameter and buffer.
  public func merged() throws -> Module {
    let result = try fast.copy()
    let targets = result.namedParameters() + result.namedBuffers()
    let fastState = fast.namedParameters() + fast.namedBuffers()
    let slowState = slow.namedParameters() + slow.namedBuffers()
    let weight = fastWeight
    for (target, (a, b)) in zip(targets, zip(fastState, slowState)) {
      let values = zip(a.variable.value.scalars, b.variable.value.scalars).map { weight * $0 + (1 - weight) * $1 }
      target.variable.value = try Tensor(shape: a.variable.shape, values: values)
    }
    return result
  }
}
