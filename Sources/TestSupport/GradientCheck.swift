import Autodiff
import NN
import TensorCore
import Testing

// Finite-difference gradient checks shared by the engine's test targets.

/// Draws `shape` uniformly from `range` (seeded, so failures reproduce).
public func random(_ shape: [Int], _ range: ClosedRange<Float> = -1...1, seed: UInt64) throws -> Tensor {
  var generator = RandomGenerator(seed: seed)
  return try Tensor.uniform(shape, low: range.lowerBound, high: range.upperBound, generator: &generator)
}

/// Compares the gradients `backward` computes for `function` with central finite differences.
///
/// The scalar checked is Σ output ⊙ R for a fixed random R, so every output element
/// contributes with its own weight. Float32 rounding limits the agreement: with a step of 1e-2
/// the difference quotient carries about 1e-5 relative noise, hence the tolerance.
public func checkGradients(
  _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 1e-2, seed: UInt64 = 99,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ function: ([Variable]) throws -> Variable
) throws {
  let variables = inputs.map { Variable($0, requiresGrad: true) }
  let output = try function(variables)
  let weights = try random(output.shape, seed: seed)
  try (output * Variable.constant(weights)).sum().backward()

  func objective(_ values: [Tensor]) throws -> Double {
    let result = try noGrad { try function(values.map { Variable($0) }) }.value
    return zip(result.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  for (index, input) in inputs.enumerated() {
    let analytic = try #require(variables[index].grad, "input \(index) got no gradient", sourceLocation: sourceLocation)
    #expect(analytic.shape == input.shape, sourceLocation: sourceLocation)
    for element in 0..<input.count {
      var values = inputs
      values[index].withUnsafeMutableBufferPointer { $0[element] += step }
      let plus = try objective(values)
      values[index].withUnsafeMutableBufferPointer { $0[element] -= 2 * step }
      let minus = try objective(values)
      let numeric = Float((plus - minus) / Double(2 * step))
      let exact = analytic.scalars[element]
      #expect(
        abs(exact - numeric) <= tolerance * max(1, abs(numeric)),
        "input \(index) element \(element): backward \(exact), finite difference \(numeric)",
        sourceLocation: sourceLocation)
    }
  }
}

/// The same check for a module: the gradient of its input and of every named parameter, each
/// element perturbed in place and restored. The step is smaller than `checkGradients`' because
/// layers with ReLUs have kinks a wide step could straddle.
public func checkModuleGradients(
  _ module: Module, input: Tensor, step: Float = 1e-3, tolerance: Float = 1e-2, seed: UInt64 = 99,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  module.zeroGradients()
  let inputVariable = Variable(input, requiresGrad: true)
  let output = try module(inputVariable)
  let weights = try random(output.shape, seed: seed)
  try (output * Variable.constant(weights)).sum().backward()

  func objective() throws -> Double {
    let result = try noGrad { try module(Variable(inputVariable.value)) }.value
    return zip(result.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  let targets = [(path: "input", variable: inputVariable)] + module.namedParameters()
  for (path, variable) in targets {
    let analytic = try #require(variable.grad, "'\(path)' got no gradient", sourceLocation: sourceLocation)
    #expect(analytic.shape == variable.shape, "'\(path)' gradient shape", sourceLocation: sourceLocation)
    let (originals, exacts) = (variable.value.scalars, analytic.scalars)
    for element in 0..<originals.count {
      let original = originals[element]
      variable.value.withUnsafeMutableBufferPointer { $0[element] = original + step }
      let plus = try objective()
      variable.value.withUnsafeMutableBufferPointer { $0[element] = original - step }
      let minus = try objective()
      variable.value.withUnsafeMutableBufferPointer { $0[element] = original }
      let numeric = Float((plus - minus) / Double(2 * step))
      let exact = exacts[element]
      #expect(
        abs(exact - numeric) <= tolerance * max(1, abs(numeric)),
        "'\(path)' element \(element): backward \(exact), finite difference \(numeric)",
        sourceLocation: sourceLocation)
    }
  }
}

/// The parameter paths and shapes of a module, for comparing with PyTorch's `named_parameters()`.
public func parameterList(_ module: Module) -> [String] {
  module.namedParameters().map { "\($0.path) \(Tensor.describe($0.variable.shape))" }
}
