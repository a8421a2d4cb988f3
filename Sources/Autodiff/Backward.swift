import TensorCore

/// Why a backward pass cannot run.
public struct BackwardError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}

extension Variable {
  /// Sends gradients from this variable back to every leaf that requires one, adding to their
  /// `grad` (accumulation, as in PyTorch). `seed` is the gradient of this variable, by default 1
  /// for a one-element variable (a loss).
  ///
  /// Ops run in reverse topological order, so each one receives the full sum of the gradients
  /// of its output before it runs. Recordings are dropped as they are used, which frees the
  /// saved activations; a second backward through the same graph is refused.
  public func backward(seed: Tensor? = nil) throws {
    guard requiresGrad else {
      throw BackwardError(
        message:
          "backward: this value does not depend on anything that requires a gradient; "
          + "mark parameters with requiresGrad (or check that recording was not off).")
    }
    if consumedByBackward {
      throw BackwardError(
        message: "backward: this graph was already used by a backward pass; compute the loss again.")
    }
    let seed = try seed ?? Self.unitSeed(for: value)
    guard seed.shape == shape else {
      throw TensorError("backward", "seed shape \(Tensor.describe(seed.shape)) differs from \(Tensor.describe(shape))")
    }
    let order = topologicalOrder()
    // On an error half-way, leave no gradient behind to leak into the next pass.
    defer { for variable in order { variable.pendingGradient = nil } }
    pendingGradient = seed
    for variable in order.reversed() {
      guard let gradient = variable.pendingGradient else { continue }
      variable.pendingGradient = nil
      guard let recording = variable.recording else {
        if variable.requiresGrad { variable.grad = try variable.grad.map { try $0 + gradient } ?? gradient }
        continue
      }
      variable.recording = nil
      variable.consumedByBackward = true
      let inputGradients = try recording.backward(gradient)
      for (input, inputGradient) in zip(recording.inputs, inputGradients) {
        guard input.requiresGrad, let inputGradient else { continue }
        input.pendingGradient = try input.pendingGradient.map { try $0 + inputGradient } ?? inputGradient
      }
    }
  }

  private static func unitSeed(for value: Tensor) throws -> Tensor {
    guard value.count == 1 else {
      throw BackwardError(
        message:
          "backward: needs a seed for a value of shape \(Tensor.describe(value.shape)); "
          + "reduce it to one number first (e.g. with mean()).")
    }
    return try Tensor.ones(value.shape)
  }

  /// Every variable this one was computed from, each after all of its inputs (iterative, so a
  /// deep graph such as a long LSTM cannot overflow the stack).
  private func topologicalOrder() -> [Variable] {
    var order: [Variable] = []
    var visited: Set<ObjectIdentifier> = []
    var stack: [(Variable, Int)] = [(self, 0)]
    visited.insert(ObjectIdentifier(self))
    while let (variable, next) = stack.popLast() {
      let inputs = variable.recording?.inputs ?? []
      if next < inputs.count {
        stack.append((variable, next + 1))
        let input = inputs[next]
        if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted { stack.append((input, 0)) }
      } else {
        order.append(variable)
      }
    }
    return order
  }
}
