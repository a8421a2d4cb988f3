import TensorCore

/// A tensor that takes part in differentiation: a parameter, an input, or the result of an op.
///
/// Ops on variables run eagerly and, when recording is on and an input requires a gradient,
/// remember how to send a gradient back to their inputs (define-by-run, as in PyTorch).
/// Nothing is recorded otherwise, so a sub-network whose parameters don't require gradients
/// runs forward at plain tensor cost and saves no activations; that is how multirate's
/// fast-only step truncates the backward pass.
public final class Variable {
  /// The current value. Optimizers write parameters in place through it.
  public var value: Tensor
  /// The accumulated gradient of a leaf that requires one (after `backward`).
  public var grad: Tensor?
  /// Whether gradients flow to this variable: always for the result of a recorded op; for a
  /// leaf when it is marked trainable (`isTrainable`) and, inside
  /// `GradientMode.differentiating(only:)`, is one of the variables listed there.
  public var requiresGrad: Bool {
    get {
      guard isTrainable else { return false }
      guard recording == nil, let only = GradientMode.differentiable else { return true }
      return only.contains(ObjectIdentifier(self))
    }
    set { isTrainable = newValue }
  }
  /// Whether this variable is marked to take gradients at all (a trainable parameter), whatever
  /// the current gradient scope.
  public private(set) var isTrainable: Bool
  /// How this variable was computed, when the op was recorded; nil for leaves. Backward drops it,
  /// so the saved activations are freed as soon as they have been used.
  var recording: Recording?
  /// The gradient gathered so far during a backward pass (kept on the variable rather than in
  /// a dictionary: hashing was a visible share of a small model's step).
  var pendingGradient: Tensor?
  /// Set once backward has passed through and dropped the recording, to refuse a second pass.
  var consumedByBackward = false

  public init(_ value: Tensor, requiresGrad: Bool = false) {
    self.value = value
    self.isTrainable = requiresGrad
  }

  init(_ value: Tensor, recording: Recording) {
    self.value = value
    self.isTrainable = true
    self.recording = recording
  }

  public var shape: [Int] { value.shape }

  /// Whether this variable was produced by a recorded op (it is not a leaf).
  public var isRecorded: Bool { recording != nil }

  /// The same value, cut off from the graph: gradients stop here.
  public func detached() -> Variable { Variable(value) }

  /// Forgets the accumulated gradient.
  public func zeroGrad() { grad = nil }
}

/// One recorded op: its inputs and the rule that turns the gradient of its output into
/// gradients of its inputs (nil for an input that needs none).
struct Recording {
  let operation: String
  let inputs: [Variable]
  let backward: (Tensor) throws(TensorError) -> [Tensor?]
}

extension Variable: CustomStringConvertible {
  public var description: String {
    "Variable(\(Tensor.describe(shape))\(requiresGrad ? ", requiresGrad" : ""))"
  }
}
