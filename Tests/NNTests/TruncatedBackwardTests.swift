import Autodiff
import NN
import TensorCore
import Testing

/// Multirate's fast step differentiates only the head: the trunk runs forward without
/// recording, and the head's gradient must be exactly the head's slice of the full gradient.
@Suite("Truncated backward")
struct TruncatedBackwardTests {
  static let architectures = ["mlp", "cnn", "resnet"]

  static func model(_ name: String) throws -> (Module, [Int]) {
    var generator = RandomGenerator(seed: 11)
    switch name {
    case "mlp":
      return (try Architectures.mlp([12, 16, 16, 4], generator: &generator), [6, 12])
    case "cnn":
      return (
        try Architectures.convNet(
          inputShape: [1, 12, 12], channels: [4, 8], classes: 4, batchNorm: true, generator: &generator),
        [6, 1, 12, 12]
      )
    default:
      return (
        try Architectures.resNet(
          inputShape: [3, 8, 8], depth: 8, widths: [4, 8, 8], classes: 4, generator: &generator),
        [6, 3, 8, 8]
      )
    }
  }

  static func loss(_ model: Module, _ input: Tensor) throws -> Variable {
    try model(Variable(input)).crossEntropy(targets: [0, 1, 2, 3, 0, 1])
  }

  @Test("the fast gradient equals the head's slice of the full gradient; the trunk gets none", arguments: architectures)
  func headSliceOfFullGradient(_ name: String) throws {
    let (model, inputShape) = try Self.model(name)
    model.setTraining(false)
    var generator = RandomGenerator(seed: 5)
    let input = try Tensor.uniform(inputShape, low: -1, high: 1, generator: &generator)
    let headPath = try #require(model.headPath)
    let named = model.namedParameters()
    let head = named.filter { $0.path.hasPrefix(headPath + ".") }.map(\.variable)
    let trunk = named.filter { !$0.path.hasPrefix(headPath + ".") }.map(\.variable)
    #expect(!head.isEmpty && !trunk.isEmpty)

    try Self.loss(model, input).backward()
    let full = head.map { $0.grad }
    model.zeroGradients()

    try GradientMode.differentiating(only: head) { try Self.loss(model, input).backward() }
    for (fast, reference) in zip(head.map(\.grad), full) {
      let (a, b) = (try #require(fast).scalars, try #require(reference).scalars)
      let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-6 * max(1, b.map(abs).max() ?? 0))
    }
    #expect(trunk.allSatisfy { $0.grad == nil }, "no trunk parameter receives a gradient")
    #expect(model.parameters.allSatisfy { $0.requiresGrad }, "the scope changed nothing on the model")
  }

  @Test(
    "a fast-only forward records no trunk op and keeps a small fraction of the activations", arguments: architectures)
  func fastStepRecordsOnlyTheHead(_ name: String) throws {
    let (model, inputShape) = try Self.model(name)
    var generator = RandomGenerator(seed: 6)
    let input = try Tensor.uniform(inputShape, low: -1, high: 1, generator: &generator)
    let headPath = try #require(model.headPath)
    let head = model.namedParameters().filter { $0.path.hasPrefix(headPath + ".") }.map(\.variable)
    let full = try Self.loss(model, input).recordedGraph()
    let fast = try GradientMode.differentiating(only: head) { try Self.loss(model, input).recordedGraph() }
    #expect(fast.operations.count <= 4, "the head's product, its bias and the loss: \(fast.operations)")
    #expect(fast.operations.count < full.operations.count)
    #expect(fast.savedActivationBytes * 5 < full.savedActivationBytes)
  }

  @Test("a scope that lists nothing records nothing")
  func emptyScope() throws {
    let (model, inputShape) = try Self.model("mlp")
    let input = try Tensor.ones(inputShape)
    let graph = try GradientMode.differentiating(only: []) { try Self.loss(model, input).recordedGraph() }
    #expect(graph.operations.isEmpty)
  }
}
