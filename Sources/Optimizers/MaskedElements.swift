import Autodiff
import NN
import TensorCore

/// The chosen elements of a list of parameters: drawn from an `ElementMaskSource`, set to 0 for
/// a step's forward and backward, and written back afterwards.
///
/// Values are saved at each deactivation and restored at the end of each step, so between
/// steps (evaluation, checkpoints, a step that stopped early) the parameters hold their real
/// values, never the zeros.
struct MaskedElements {
  let source: ElementMaskSource
  let probabilities: [Float]
  private var generator: RandomGenerator?
  /// Per parameter, the chosen elements (nil: none).
  private(set) var chosen: [Tensor?]
  /// Per parameter, the owned elements not chosen (nil: every element).
  private(set) var active: [Tensor?]
  private var saved: [Tensor?]?

  init(source: ElementMaskSource, probabilities: [Float], count: Int) {
    self.source = source
    self.probabilities = probabilities
    if case .random(let seed) = source { generator = RandomGenerator(seed: seed) }
    chosen = Array(repeating: nil, count: count)
    active = Array(repeating: nil, count: count)
  }

  var isDeactivated: Bool { saved != nil }

  /// Draws the masks of draw number `index`.
  mutating func draw(_ index: Int, for parameters: [OptimizedParameter]) throws {
    let given: [Tensor]?
    switch source {
    case .random: given = nil
    case .given(let make):
      let masks = try make(index)
      guard masks.count == parameters.count else {
        throw ModuleError("the mask source gave \(masks.count) masks for \(parameters.count) parameters")
      }
      given = masks
    }
    for (j, parameter) in parameters.enumerated() {
      let count = parameter.variable.value.count
      let owned = parameter.mask?.scalars ?? [Float](repeating: 1, count: count)
      var picks: [Float]
      if let given {
        guard given[j].shape == parameter.variable.shape, given[j].scalars.allSatisfy({ $0 == 0 || $0 == 1 }) else {
          throw ModuleError(
            "the mask for \(parameter.origin) must be 0/1 of shape \(Tensor.describe(parameter.variable.shape)), got \(Tensor.describe(given[j].shape))"
          )
        }
        picks = given[j].scalars
      } else {
        picks = [Float](repeating: 0, count: count)
        for i in 0..<count where owned[i] == 1 {
          // Draw for every owned element, so one layer's probability does not shift the others' draws.
          let u = generator?.nextUnitFloat() ?? 1
          if u < probabilities[j] { picks[i] = 1 }
        }
      }
      for i in 0..<count where owned[i] == 0 { picks[i] = 0 }
      let shape = parameter.variable.shape
      chosen[j] = picks.contains(1) ? try Tensor(shape: shape, values: picks) : nil
      let rest = zip(owned, picks).map { $0 == 1 && $1 == 0 ? Float(1) : 0 }
      active[j] = rest.allSatisfy { $0 == 1 } ? nil : try Tensor(shape: shape, values: rest)
    }
  }

  /// Saves the chosen values and sets them to 0 (once; a second call keeps the first save).
  mutating func deactivate(_ parameters: [OptimizedParameter]) {
    guard saved == nil else { return }
    saved = parameters.map { $0.variable.value }
    for (j, parameter) in parameters.enumerated() {
      guard let mask = chosen[j] else { continue }
      mask.withUnsafeBufferPointer { m in
        parameter.variable.value.withUnsafeMutableBufferPointer { theta in
          for i in theta.indices where m[i] != 0 { theta[i] = 0 }
        }
      }
    }
  }

  /// Writes the saved values back into the chosen elements.
  mutating func restore(_ parameters: [OptimizedParameter]) {
    guard let saved else { return }
    for (j, parameter) in parameters.enumerated() {
      guard let mask = chosen[j], let values = saved[j] else { continue }
      mask.withUnsafeBufferPointer { m in
        values.withUnsafeBufferPointer { old in
          parameter.variable.value.withUnsafeMutableBufferPointer { theta in
            for i in theta.indices where m[i] != 0 { theta[i] = old[i] }
          }
        }
      }
    }
    self.saved = nil
  }
}
