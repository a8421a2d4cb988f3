import Glibc
import Testing

@testable import TensorCore

@Suite("Fast activations")
struct ActivationTests {
  @Test("the vectorised tanh is within a few ulp of libm's tanhf over the whole float range that matters")
  func tanhAccuracy() throws {
    let values = try Tensor.arange(-12, 12, step: 0.0007)
    let fast = values.fastTanh().scalars
    var worst: Float = 0
    var worstRelative: Float = 0
    for (x, y) in zip(values.scalars, fast) {
      worst = max(worst, abs(y - tanhf(x)))
      if x != 0 { worstRelative = max(worstRelative, abs(y - tanhf(x)) / abs(tanhf(x))) }
    }
    #expect(worst < 4e-7)
    #expect(worstRelative < 1e-6)
    #expect(Tensor([0, 1e-5, -1e-5, .infinity, -.infinity]).fastTanh().scalars == [0, 1e-5, -1e-5, 1, -1])
  }

  @Test("combine applies a three-operand rule elementwise and refuses differing shapes")
  func combine() throws {
    let a = Tensor([1, 2])
    let result = try Tensor.combine("test", a, Tensor([3, 4]), Tensor([5, 6])) { $0 + $1 * $2 }
    #expect(result.scalars == [16, 26])
    #expect(throws: TensorError.self) { try Tensor.combine("test", a, Tensor([1]), a) { $0 + $1 + $2 } }
  }
}

@Suite("Vector math")
struct VectorMathTests {
  @Test("the polynomial exp is within 2 ulp of expf, 0 for −∞ and far below, ∞ far above")
  func exponential() throws {
    var worst: Float = 0
    for x in stride(from: Float(-87), through: 88, by: 0.0013) {
      worst = max(worst, abs(VectorMath.exp(x) - expf(x)) / expf(x))
    }
    #expect(worst < 2.5e-7)
    #expect(VectorMath.exp(-.infinity) == 0)
    #expect(VectorMath.exp(-100) == 0)
    #expect(VectorMath.exp(100) == .infinity)
    #expect(VectorMath.exp(0) == 1)
  }

  @Test("lane-wise sums and maxima equal the plain ones on lengths that are not multiples of 8")
  func reductions() throws {
    for count in [0, 1, 7, 8, 9, 100, 1001] {
      let values = (0..<count).map { Float(($0 * 37) % 101) - 50 }
      values.withUnsafeBufferPointer { buffer in
        let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 16)!
        #expect(VectorMath.sum(base, count) == values.reduce(0, +))
        #expect(VectorMath.maximum(base, count) == (values.max() ?? -.infinity))
      }
    }
  }
}
