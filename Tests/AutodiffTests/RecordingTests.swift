import Autodiff
import TensorCore
import TestSupport
import Testing

@Suite("Recording and the backward pass")
struct RecordingTests {
  @Test("nothing is recorded without an input that requires a gradient, or inside noGrad")
  func recordsOnlyWhenNeeded() throws {
    let weight = Variable(try random([3, 3], seed: 1), requiresGrad: true)
    let input = Variable(try random([2, 3], seed: 2))
    #expect(!(try input.matmul(input, transposingOther: true)).isRecorded)
    #expect(try input.matmul(weight).isRecorded)
    let untaped = try noGrad { try input.matmul(weight) }
    #expect(!untaped.isRecorded)
    #expect(!untaped.requiresGrad)
    #expect(GradientMode.isRecording)
  }

  @Test("gradients accumulate over backward passes until zeroed")
  func accumulation() throws {
    let x = Variable(Tensor([1, 2, 3]), requiresGrad: true)
    try (x * 2).sum().backward()
    try (x * 3).sum().backward()
    #expect(x.grad?.scalars == [5, 5, 5])
    x.zeroGrad()
    #expect(x.grad == nil)
  }

  @Test("a value used twice receives the sum of both gradients")
  func sharedInput() throws {
    let x = Variable(Tensor([2]), requiresGrad: true)
    try (x * x + x).sum().backward()
    #expect(x.grad?.scalars == [5])
  }

  @Test("a second backward through the same graph is refused with a clear message")
  func secondBackward() throws {
    let x = Variable(Tensor([1, 2]), requiresGrad: true)
    let loss = (x * 2).sum()
    try loss.backward()
    #expect(throws: BackwardError.self) { try loss.backward() }
  }

  @Test("backward of a non-scalar needs a seed; of a constant is an error that says why")
  func backwardErrors() throws {
    let x = Variable(Tensor([1, 2]), requiresGrad: true)
    let error = #expect(throws: BackwardError.self) { try (x * 2).backward() }
    #expect(error?.message.contains("reduce it to one number") == true)
    #expect(throws: BackwardError.self) { try Variable(Tensor(1)).backward() }
    try (x * 2).backward(seed: Tensor([1, 10]))
    #expect(x.grad?.scalars == [2, 20])
  }

  @Test("detached values stop the gradient")
  func detach() throws {
    let x = Variable(Tensor([3]), requiresGrad: true)
    let y = x * 2
    try (y * y.detached()).sum().backward()
    #expect(x.grad?.scalars == [12])
  }

  @Test("shape errors name the op and both shapes")
  func shapeErrors() throws {
    let a = Variable(try random([32, 3], seed: 3), requiresGrad: true)
    let b = Variable(try random([2, 8], seed: 4))
    #expect(throws: TensorError("matmul", "inner dimensions differ: [32, 3] and [2, 8]")) { try a.matmul(b) }
    #expect(throws: TensorError("+", "cannot broadcast shapes: [32, 3] and [2, 8]")) { try a + b }
    let linearError = #expect(throws: TensorError.self) { try a.linear(weight: b, bias: nil) }
    #expect(linearError?.description.contains("[32, 3]") == true)
    #expect(throws: TensorError.self) { try a.crossEntropy(targets: [0]) }
    #expect(throws: TensorError("crossEntropy", "target 3 is outside 0..<3 classes")) {
      try a.sliced(alongAxis: 0, 0..<1).crossEntropy(targets: [3])
    }
  }

  @Test("a frozen trunk gives the head the same gradient as the full backward pass (truncated backward)")
  func truncatedBackward() throws {
    let x = Variable(try random([8, 4], seed: 5))
    let trunk = Variable(try random([6, 4], seed: 6), requiresGrad: true)
    let head = Variable(try random([3, 6], seed: 7), requiresGrad: true)
    let targets = [0, 1, 2, 0, 1, 2, 0, 1]
    func loss() throws -> Variable {
      try x.linear(weight: trunk, bias: nil).tanh().linear(weight: head, bias: nil).crossEntropy(targets: targets)
    }
    try loss().backward()
    let fullHeadGradient = try #require(head.grad)
    head.zeroGrad()
    trunk.zeroGrad()
    trunk.requiresGrad = false
    let truncated = try loss()
    try truncated.backward()
    #expect(head.grad == fullHeadGradient)
    #expect(trunk.grad == nil)
  }
}
