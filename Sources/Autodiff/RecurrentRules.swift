import TensorCore

extension Variable {
  /// One LSTM layer over a whole sequence from a zero state (`Tensor.lstmSequence`): `self` is
  /// the projected gates `[B, T, 4H]` (input product plus both biases), `hiddenWeight` is W_hh
  /// `[4H, H]`; the result is every hidden state `[B, T, H]`. One recorded op for the whole
  /// sequence, with backpropagation through time as its rule.
  public func lstmSequence(hiddenWeight: Variable) throws(TensorError) -> Variable {
    let weight = hiddenWeight.value
    let (output, cache) = try Tensor.lstmSequence(projected: value, hiddenWeight: weight)
    return Self.result("lstm", output, [self, hiddenWeight]) { gradient throws(TensorError) in
      let gradients = try Tensor.lstmSequenceGradients(gradient, output: output, hiddenWeight: weight, cache: cache)
      return [gradients.projected, gradients.hiddenWeight]
    }
  }
}
