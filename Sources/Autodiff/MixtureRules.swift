import Glibc
import TensorCore

// The fused ops of a head made of N copies of one linear layer (Alrao's classifier copies):
// every copy is computed in ONE product of the input with the copies' weights stacked as
// `[N·out, in]`, and the gradients go back through one product each way, so N copies cost one
// wider layer rather than N layers.

/// How a copy's outputs become a likelihood.
public enum MixtureLikelihood: Sendable, Equatable {
  /// Each copy gives class scores; its likelihood is the softmax probability of the label.
  case categorical
  /// Each copy gives a mean; its likelihood is N(y; mean, I) (σ² = 1).
  case gaussian
}

/// The copies' outputs for a batch of rows, from one stacked product: the log-probabilities
/// (categorical) or means (gaussian) of copy j in columns `j·outputs ..< (j+1)·outputs`.
public struct CopyOutputs {
  public let copies: Int
  public let outputs: Int
  /// `[rows, copies·outputs]`.
  public let values: Tensor
  public var rows: Int { values.shape[0] }
}

/// What the fused Alrao loss gives besides the loss itself.
public struct CopyLosses {
  /// Each copy's own batch-mean negative log-likelihood (+∞ and NaN kept as they are).
  public let perCopy: [Double]
  /// Whether any row of the input was not finite (the loss is then NaN).
  public let inputIsFinite: Bool
}

extension Variable {
  /// The N copies' outputs on `self` (`[rows, in]`), with `weight` `[N, out, in]` and `bias`
  /// `[N, out]`: one `[rows, in] × [in, N·out]` product, then a log-softmax per copy for
  /// `.categorical`. Nothing is recorded: the mixture ops below carry the gradients.
  public func copyOutputs(weight: Variable, bias: Variable?, likelihood: MixtureLikelihood) throws(TensorError)
    -> CopyOutputs
  {
    guard shape.count == 2, weight.shape.count == 3, weight.shape[2] == shape[1] else {
      throw TensorError(
        "copyOutputs",
        "input \(Tensor.describe(shape)) does not fit stacked weights \(Tensor.describe(weight.shape)) (needs [N, out, \(shape.last ?? 0)])"
      )
    }
    let (copies, outputs) = (weight.shape[0], weight.shape[1])
    let flat = try weight.value.reshaped([copies * outputs, shape[1]])
    var scores = try value.matmul(flat, transposingOther: true)
    let rows = shape[0]
    let width = copies * outputs
    let biasValues = bias?.value
    if let biasValues {
      scores.withUnsafeMutableBufferPointer { s in
        biasValues.withUnsafeBufferPointer { b in
          for row in 0..<rows { for column in 0..<width { s[row * width + column] += b[column] } }
        }
      }
    }
    if likelihood == .categorical {
      // Each copy's scores of a row are contiguous: one log-softmax over [rows·N, out].
      scores = try scores.reshaped([rows * copies, outputs]).logSoftmax(alongAxis: 1).reshaped([rows, width])
    }
    return CopyOutputs(copies: copies, outputs: outputs, values: scores)
  }

  /// The mixture's prediction `[rows, out]` from the copies' outputs computed on `self`:
  /// log Σ_j a_j p_j (categorical, so that log-softmax of it is itself and the usual
  /// cross-entropy is the mixture's NLL) or the posterior-weighted mean Σ_j a_j μ_j (gaussian).
  /// Its gradient reaches `self`, `weight` and `bias` through the mixture (used when the head
  /// is trained by a plain loss; Alrao's own objective is `alraoLoss`).
  public func mixtureOutput(
    _ copies: CopyOutputs, weight: Variable, bias: Variable?, logWeights: [Double], likelihood: MixtureLikelihood
  ) throws(TensorError) -> Variable {
    let (count, outputs, rows) = (copies.copies, copies.outputs, copies.rows)
    guard logWeights.count == count else {
      throw TensorError("mixtureOutput", "needs \(count) log-weights but got \(logWeights.count)")
    }
    let width = count * outputs
    let values = copies.values
    var output = try Tensor.zeros([rows, outputs])
    // Copy by copy over each row, so the loops read the scores in order: a language model's
    // head is N copies of a vocabulary-wide layer, and this runs over all of it.
    let floatWeights = logWeights.map(Float.init)
    var sums = [Float](repeating: 0, count: outputs)
    values.withUnsafeBufferPointer { v in
      output.withUnsafeMutableBufferPointer { o in
        sums.withUnsafeMutableBufferPointer { sums in
          for row in 0..<rows {
            let out = row * outputs
            if likelihood == .gaussian {
              for j in 0..<count {
                let share = expf(floatWeights[j])
                let base = row * width + j * outputs
                for k in 0..<outputs { o[out + k] += share * v[base + k] }
              }
              continue
            }
            for k in 0..<outputs { o[out + k] = -.infinity }
            for j in 0..<count {
              let (base, logWeight) = (row * width + j * outputs, floatWeights[j])
              for k in 0..<outputs { o[out + k] = Swift.max(o[out + k], v[base + k] + logWeight) }
            }
            for k in 0..<outputs { sums[k] = 0 }
            for j in 0..<count {
              let (base, logWeight) = (row * width + j * outputs, floatWeights[j])
              for k in 0..<outputs { sums[k] += VectorMath.exp(v[base + k] + logWeight - o[out + k]) }
            }
            for k in 0..<outputs { o[out + k] += logf(sums[k]) }
          }
        }
      }
    }
    let mixture = output
    let input = value
    let (needsInput, needsWeight, needsBias) = (requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
    let weightValue = weight.value
    return Self.result("mixtureOutput", output, [self, weight] + (bias.map { [$0] } ?? [])) {
      gradient throws(TensorError) in
      // ds[j, k]: categorical g_k r_jk − p_jk Σ_c g_c r_jc with r_jc = a_j p_jc / m_c;
      // gaussian a_j g_k.
      var scores = try Tensor.zeros([rows, width])
      gradient.withUnsafeBufferPointer { g in
        values.withUnsafeBufferPointer { v in
          mixture.withUnsafeBufferPointer { m in
            scores.withUnsafeMutableBufferPointer { ds in
              for row in 0..<rows {
                for j in 0..<count {
                  let base = row * width + j * outputs
                  if likelihood == .gaussian {
                    let weightJ = Float(Glibc.exp(logWeights[j]))
                    for k in 0..<outputs { ds[base + k] = weightJ * g[row * outputs + k] }
                    continue
                  }
                  var weighted: Float = 0
                  for c in 0..<outputs {
                    let responsibility = VectorMath.exp(v[base + c] + Float(logWeights[j]) - m[row * outputs + c])
                    ds[base + c] = g[row * outputs + c] * responsibility
                    weighted += ds[base + c]
                  }
                  for k in 0..<outputs { ds[base + k] -= VectorMath.exp(v[base + k]) * weighted }
                }
              }
            }
          }
        }
      }
      return try Self.stackedGradients(
        scores, input: input, weight: weightValue, needs: (needsInput, needsWeight, needsBias), hasBias: bias != nil,
        inputScores: nil)
    }
  }

  /// One Gaussian copy's means `[rows, out]` from the copies' outputs computed on `self`: a
  /// point prediction from copy `copy` alone (Alrao's best-copy rule for regression). Only that
  /// copy's columns and weights are read, forward and backward, so another copy whose means or
  /// weights are not finite cannot reach the result or its gradient (a masked product would
  /// turn 0 · ∞ into NaN). The gradient reaches `self` and copy `copy`'s slices of `weight`
  /// and `bias`; the other copies' slices get zeros.
  public func copyMean(
    _ copies: CopyOutputs, copy: Int, weight: Variable, bias: Variable?, likelihood: MixtureLikelihood
  ) throws(TensorError) -> Variable {
    guard likelihood == .gaussian else {
      throw TensorError(
        "copyMean", "takes the means of Gaussian copies; categorical copies give log-probabilities, not means")
    }
    let (count, outputs, rows) = (copies.copies, copies.outputs, copies.rows)
    guard (0..<count).contains(copy) else {
      throw TensorError("copyMean", "copy \(copy) is outside the head's 0..<\(count) copies")
    }
    let width = count * outputs
    var output = try Tensor.zeros([rows, outputs])
    copies.values.withUnsafeBufferPointer { v in
      output.withUnsafeMutableBufferPointer { o in
        for row in 0..<rows {
          for k in 0..<outputs { o[row * outputs + k] = v[row * width + copy * outputs + k] }
        }
      }
    }
    let features = weight.shape[2]
    let sliceSize = outputs * features
    let input = value
    let weightValue = weight.value
    let (needsInput, needsWeight, needsBias) = (requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
    return Self.result("copyMean", output, [self, weight] + (bias.map { [$0] } ?? [])) {
      gradient throws(TensorError) in
      var inputGradient: Tensor? = nil
      if needsInput {
        let copyWeight = try Tensor(
          shape: [outputs, features], values: Array(weightValue.scalars[copy * sliceSize..<(copy + 1) * sliceSize]))
        inputGradient = try gradient.matmul(copyWeight)
      }
      var weightGradient: Tensor? = nil
      if needsWeight {
        let slice = try gradient.matmul(input, transposingSelf: true)
        var full = try Tensor.zeros([count, outputs, features])
        full.withUnsafeMutableBufferPointer { f in
          slice.withUnsafeBufferPointer { s in for i in 0..<sliceSize { f[copy * sliceSize + i] = s[i] } }
        }
        weightGradient = full
      }
      var result: [Tensor?] = [inputGradient, weightGradient]
      if bias != nil {
        var biasGradient: Tensor? = nil
        if needsBias {
          let sums = try gradient.sum(alongAxis: 0)
          var full = try Tensor.zeros([count, outputs])
          full.withUnsafeMutableBufferPointer { f in
            sums.withUnsafeBufferPointer { s in for k in 0..<outputs { f[copy * outputs + k] = s[k] } }
          }
          biasGradient = full
        }
        result.append(biasGradient)
      }
      return result
    }
  }

  /// Alrao's training loss on the copies' outputs computed from `self` (the trunk's output z):
  /// the batch-mean NLL of the mixture Σ_j a_j p_j(y | z), whose gradient goes to z only (the
  /// copies' weights are held constant in it), plus each copy's own batch-mean NLL on z held
  /// constant, whose gradient goes to that copy only. The value is the mixture's NLL (what a
  /// run reports); one backward gives z the mixture gradient Σ_j r_j ∂(−log p_j)/∂z and copy j
  /// its own gradient. A copy whose own loss is not finite gets no gradient (zeros: the
  /// optimizer skips it). A non-finite z gives a NaN loss, so the run ends as diverged.
  ///
  /// `labels` for `.categorical`, `targets` `[rows, out]` for `.gaussian`.
  public func alraoLoss(
    _ copies: CopyOutputs, weight: Variable, bias: Variable?, logWeights: [Double], likelihood: MixtureLikelihood,
    labels: [Int] = [], targets: Tensor? = nil
  ) throws(TensorError) -> (loss: Variable, copyLosses: CopyLosses) {
    let (count, outputs, rows) = (copies.copies, copies.outputs, copies.rows)
    let width = count * outputs
    switch likelihood {
    case .categorical:
      guard labels.count == rows else {
        throw TensorError("alraoLoss", "needs \(rows) labels but got \(labels.count)")
      }
      if let bad = labels.first(where: { $0 < 0 || $0 >= outputs }) {
        throw TensorError("alraoLoss", "label \(bad) is outside 0..<\(outputs) classes")
      }
    case .gaussian:
      guard let targets, targets.count == rows * outputs else {
        throw TensorError(
          "alraoLoss",
          "needs targets of \(rows)×\(outputs) values but got \(targets.map { Tensor.describe($0.shape) } ?? "none")")
      }
    }
    let inputIsFinite = value.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) }
    let values = copies.values
    let targetValues = targets ?? Tensor(0)
    // Per row and copy: the NLL (the errors e = p − onehot or μ − y are formed in backward).
    var rowLosses = [Double](repeating: 0, count: rows * count)
    let normaliser = 0.5 * Double(outputs) * Glibc.log(2 * Double.pi)
    values.withUnsafeBufferPointer { v in
      targetValues.withUnsafeBufferPointer { y in
        for row in 0..<rows {
          for j in 0..<count {
            let base = row * width + j * outputs
            if likelihood == .categorical {
              rowLosses[row * count + j] = -Double(v[base + labels[row]])
            } else {
              var squares = 0.0
              for k in 0..<outputs {
                let difference = Double(v[base + k] - y[row * outputs + k])
                squares += difference * difference
              }
              rowLosses[row * count + j] = 0.5 * squares + normaliser
            }
          }
        }
      }
    }
    var perCopy = [Double](repeating: 0, count: count)
    for row in 0..<rows { for j in 0..<count { perCopy[j] += rowLosses[row * count + j] } }
    perCopy = perCopy.map { $0 / Double(Swift.max(rows, 1)) }
    let active = perCopy.map(\.isFinite)
    // Responsibilities r_j(row) = a_j p_j / Σ_i a_i p_i and the mixture NLL, in log space.
    var responsibilities = [Float](repeating: 0, count: rows * count)
    var mixtureTotal = 0.0
    for row in 0..<rows {
      var largest = -Double.infinity
      for j in 0..<count { largest = Swift.max(largest, logWeights[j] - rowLosses[row * count + j]) }
      var total = 0.0
      for j in 0..<count { total += Glibc.exp(logWeights[j] - rowLosses[row * count + j] - largest) }
      let logMixture = largest + Glibc.log(total)
      mixtureTotal -= logMixture
      for j in 0..<count {
        responsibilities[row * count + j] = Float(Glibc.exp(logWeights[j] - rowLosses[row * count + j] - logMixture))
      }
    }
    let loss = inputIsFinite ? Float(mixtureTotal / Double(Swift.max(rows, 1))) : .nan
    let input = value
    let weightValue = weight.value
    let (needsInput, needsWeight, needsBias) = (requiresGrad, weight.requiresGrad, bias?.requiresGrad ?? false)
    let hasBias = bias != nil
    let result = Self.result("alraoLoss", Tensor(loss), [self, weight] + (bias.map { [$0] } ?? [])) {
      gradient throws(TensorError) in
      let scale = (gradient.scalar ?? 0) / Float(Swift.max(rows, 1))
      // The copies' own gradients e / rows (zero for a copy whose loss is not finite) and the
      // trunk's Σ_j r_j e_j / rows, in one pass over the copies' outputs.
      var own = try Tensor.zeros([rows, width])
      var mixed = try Tensor.zeros([rows, width])
      values.withUnsafeBufferPointer { v in
        targetValues.withUnsafeBufferPointer { y in
          own.withUnsafeMutableBufferPointer { o in
            mixed.withUnsafeMutableBufferPointer { m in
              for row in 0..<rows {
                for j in 0..<count where active[j] {
                  let base = row * width + j * outputs
                  let r = responsibilities[row * count + j] * scale
                  if likelihood == .categorical {
                    for k in 0..<outputs { o[base + k] = VectorMath.exp(v[base + k]) }
                    o[base + labels[row]] -= 1
                  } else {
                    for k in 0..<outputs { o[base + k] = v[base + k] - y[row * outputs + k] }
                  }
                  for k in 0..<outputs {
                    m[base + k] = o[base + k] * r
                    o[base + k] *= scale
                  }
                }
              }
            }
          }
        }
      }
      return try Self.stackedGradients(
        own, input: input, weight: weightValue, needs: (needsInput, needsWeight, needsBias), hasBias: hasBias,
        inputScores: mixed)
    }
    return (result, CopyLosses(perCopy: perCopy, inputIsFinite: inputIsFinite))
  }

  /// The gradients of a stacked linear layer from score gradients `[rows, N·out]`: the input's
  /// through one product with the stacked weights (from `inputScores` when the input's
  /// gradient comes from other scores than the weights'), the weights' through one product
  /// with the input, the biases' as column sums.
  static func stackedGradients(
    _ scores: Tensor, input: Tensor, weight: Tensor, needs: (input: Bool, weight: Bool, bias: Bool), hasBias: Bool,
    inputScores: Tensor?
  ) throws(TensorError) -> [Tensor?] {
    let (copies, outputs, features) = (weight.shape[0], weight.shape[1], weight.shape[2])
    let flat = try weight.reshaped([copies * outputs, features])
    let inputGradient = needs.input ? try (inputScores ?? scores).matmul(flat) : nil
    let weightGradient =
      needs.weight ? try scores.matmul(input, transposingSelf: true).reshaped([copies, outputs, features]) : nil
    var result: [Tensor?] = [inputGradient, weightGradient]
    if hasBias {
      result.append(needs.bias ? try scores.sum(alongAxis: 0).reshaped([copies, outputs]) : nil)
    }
    return result
  }
}
