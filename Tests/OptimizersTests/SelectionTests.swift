import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

@Suite("Parameter selections")
struct SelectionTests {
  let model: Sequential

  init() throws { model = try network([3, 4, 4, 2], seed: 1) }

  func paths(_ selection: ParameterSelection) throws -> [String] {
    try selection.resolve(in: model).map(\.path)
  }

  @Test("by path glob, by kind, by layer")
  func wholeParameters() throws {
    #expect(try paths(.all).count == 6)
    #expect(try paths(.path("*.bias")) == ["0.bias", "2.bias", "4.bias"])
    #expect(try paths(.path("2.*")) == ["2.weight", "2.bias"])
    #expect(try paths(.path("?.weight")) == ["0.weight", "2.weight", "4.weight"])
    #expect(try paths(.weights) == ["0.weight", "2.weight", "4.weight"])
    #expect(try paths(.biases) == ["0.bias", "2.bias", "4.bias"])
    #expect(try paths(.layer(2)) == ["2.weight", "2.bias"])
    #expect(try paths(.layerNamed("4")) == ["4.weight", "4.bias"])
    #expect(throws: ModuleError.self) { try paths(.layer(9)) }
  }

  @Test("head is the last layer with parameters; trunk is everything else")
  func headAndTrunk() throws {
    #expect(try paths(.head) == ["4.weight", "4.bias"])
    #expect(try paths(.trunk) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    #expect(try paths(.complement(.head)) == paths(.trunk))
    #expect(try paths(.intersection([.trunk, .biases])) == ["0.bias", "2.bias"])
    #expect(try paths(.union([.head, .layer(0)])) == ["0.weight", "0.bias", "4.weight", "4.bias"])
  }

  @Test("the head is NN's headPath even when it is nested: '.head' and 'replacingHead' agree")
  func nestedHead() throws {
    var generator = RandomGenerator(seed: 2)
    let inner = try Architectures.mlp([3, 5, 4], generator: &generator)
    let nested = Sequential([inner, Activation(.tanh)])
    #expect(nested.headPath == "0.3")
    #expect(try ParameterSelection.head.resolve(in: nested).map(\.path) == ["0.3.weight", "0.3.bias"])
    #expect(try ParameterSelection.trunk.resolve(in: nested).map(\.path) == ["0.1.weight", "0.1.bias"])
    let bare = try Linear(3, 2, generator: &generator)
    #expect(try ParameterSelection.head.resolve(in: bare).map(\.path) == ["weight", "bias"])
    #expect(try ParameterSelection.trunk.resolve(in: bare).isEmpty)
  }

  @Test("random features: whole rows with their bias entry, per-layer probability, reproducible by seed")
  func randomFeatures() throws {
    let wide = try network([10, 200, 200], seed: 2)
    let selection = ParameterSelection.randomFeatures(defaultProbability: 0.3, probabilities: ["2": 0.8], seed: 5)
    let chosen = try selection.resolve(in: wide)
    let weight0 = try #require(chosen.first { $0.path == "0.weight" }?.mask)
    let bias0 = try #require(chosen.first { $0.path == "0.bias" }?.mask)
    for row in 0..<200 {
      let rowValues = weight0.scalars[(row * 10)..<(row * 10 + 10)]
      #expect(Set(rowValues).count == 1)
      #expect(rowValues.first == bias0.scalars[row])
    }
    let fraction0 = bias0.scalars.reduce(0, +) / 200
    let fraction2 = try #require(chosen.first { $0.path == "2.bias" }?.mask).scalars.reduce(0, +) / 200
    #expect(abs(fraction0 - 0.3) < 0.1)
    #expect(abs(fraction2 - 0.8) < 0.1)
    let again = try selection.resolve(in: wide)
    #expect(again.map(\.mask) == chosen.map(\.mask))
    let complement = try ParameterSelection.complement(selection).resolve(in: wide)
    #expect(
      zip(complement, chosen).allSatisfy { pair in
        zip(pair.0.mask?.scalars ?? [], pair.1.mask?.scalars ?? []).allSatisfy { $0 + $1 == 1 }
      })
  }

  @Test(
    "'.head' picks exactly the parameters under NN's headPath for the built architectures",
    arguments: ["mlp", "convNet", "convNet without hidden", "resNet", "transformer", "transformer classifier"])
  func headAgreesWithHeadPath(_ architecture: String) throws {
    var generator = RandomGenerator(seed: 3)
    let model: Module
    switch architecture {
    case "mlp": model = try Architectures.mlp([4, 5, 3], dropout: 0.1, generator: &generator)
    case "convNet":
      model = try Architectures.convNet(
        inputShape: [1, 8, 8], channels: [2, 3], classes: 3, batchNorm: true, generator: &generator)
    case "convNet without hidden":
      model = try Architectures.convNet(
        inputShape: [1, 8, 8], channels: [2], hidden: nil, classes: 3, generator: &generator)
    case "resNet":
      model = try Architectures.resNet(
        inputShape: [1, 6, 6], depth: 8, widths: [2, 3, 4], classes: 3, generator: &generator)
    case "transformer":
      model = try Architectures.transformer(
        vocabulary: 5, length: 4, width: 4, layers: 1, feedforward: 4, generator: &generator)
    default:
      model = try Architectures.transformer(
        vocabulary: 5, length: 4, width: 4, layers: 1, feedforward: 4, classes: 2, generator: &generator)
    }
    let headPath = try #require(model.headPath)
    let head = try ParameterSelection.head.resolve(in: model).map(\.path)
    #expect(head == [headPath + ".weight", headPath + ".bias"])
    #expect(try ParameterSelection.path(headPath + ".*").resolve(in: model).map(\.path) == head)
  }

  @Test("an optimizer over the head leaves the trunk untouched")
  func optimizerOverSelection() throws {
    let before = model.stateDictionary().map(\.tensor)
    let optimizer = try SGD(try [OptimizedParameter](.head, in: model), learningRate: 0.5)
    let loss = try model(Variable(try Tensor.ones([2, 3]))).crossEntropy(targets: [0, 1])
    try loss.backward()
    try optimizer.step()
    let after = model.stateDictionary().map(\.tensor)
    #expect(Array(after[0..<4]) == Array(before[0..<4]))
    #expect(after[4] != before[4])
  }
}
