import Testing

@testable import TensorCore

@Suite("Affine product (x · Wᵀ + b in one GEMM)")
struct AffineTests {
  @Test("equals matmul then + bias, for a small and a threaded size, and refuses shapes that do not fit")
  func matchesMatmulPlusBias() throws {
    var generator = RandomGenerator(seed: 7)
    for (m, k, n) in [(3, 4, 5), (300, 128, 96)] {
      let x = try Tensor.uniform([m, k], low: -1, high: 1, generator: &generator)
      let w = try Tensor.uniform([n, k], low: -1, high: 1, generator: &generator)
      let b = try Tensor.uniform([n], low: -1, high: 1, generator: &generator)
      let fused = try x.affine(weight: w, bias: b)
      let reference = try x.matmul(w, transposingOther: true) + b
      #expect(fused.shape == [m, n])
      let largest = zip(fused.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
      #expect(largest <= 1e-5, "largest difference \(largest) at \(m)×\(k)×\(n)")
    }
    let x = try Tensor.zeros([2, 3])
    #expect(throws: TensorError.self) { try x.affine(weight: try Tensor.zeros([4, 2]), bias: try Tensor.zeros([4])) }
    #expect(throws: TensorError.self) { try x.affine(weight: try Tensor.zeros([4, 3]), bias: try Tensor.zeros([3])) }
  }
}
