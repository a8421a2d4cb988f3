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
