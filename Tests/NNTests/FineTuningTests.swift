import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

@Suite("Fine-tuning: the head and replacing it")
struct FineTuningTests {
  @Test("replacingHead swaps the last Linear of a copy for a fresh one and leaves the original intact")
  func sequential() throws {
    var generator = RandomGenerator(seed: 1)
    let model = try Architectures.mlp([4, 8, 3], generator: &generator)
    let before = model.stateDictionary()
    let replaced = try model.replacingHead(outputs: 7, generator: &generator)
    #expect(replaced is Sequential)
    #expect(replaced.namedParameters().map(\.path) == ["1.weight", "1.bias", "3.weight", "3.bias"])
    #expect(replaced.namedParameters().map(\.variable.shape) == [[8, 4], [8], [7, 8], [7]])
    #expect(replaced.parameters[0] !== model.parameters[0])
    #expect(replaced.parameters[0].value == model.parameters[0].value)
    #expect(try replaced(Variable(try Tensor.ones([2, 4]))).shape == [2, 7])
    replaced.parameters[0].value = try Tensor.zeros([8, 4])
    #expect(model.stateDictionary().map(\.path) == before.map(\.path))
    #expect(model.stateDictionary().map(\.tensor) == before.map(\.tensor))
  }

  @Test("the head of nested Sequentials is found by path and rebuilt through every level")
  func nested() throws {
    var generator = RandomGenerator(seed: 2)
    let inner = try Architectures.mlp([3, 5, 4], generator: &generator)
    let model = Sequential([inner, Activation(.tanh)])
    #expect(model.headPath == "0.3")
    let replaced = try model.replacingHead(outputs: 2, generator: &generator)
    #expect(replaced.namedParameters().last?.path == "0.3.bias")
    #expect(replaced.namedParameters().last?.variable.shape == [2])
    #expect(try replaced(Variable(try Tensor.ones([1, 3]))).shape == [1, 2])
    #expect(inner.layers[3] is Linear && (inner.layers[3] as? Linear)?.outputCount == 4)
  }

  @Test("a ResNet's head is 'linear'; replacing it keeps the type, the trunk's values and its running statistics")
  func resNet() throws {
    var generator = RandomGenerator(seed: 3)
    let model = try Architectures.resNet(
      inputShape: [1, 6, 6], depth: 8, widths: [2, 3, 4], classes: 10, generator: &generator)
    _ = try model(Variable(try random([2, 1, 6, 6], seed: 4)))
    #expect(model.headPath == "linear")
    let replaced = try model.replacingHead(outputs: 5, generator: &generator)
    #expect(replaced.typeName == model.typeName)
    #expect(replaced.namedParameters().map(\.path) == model.namedParameters().map(\.path))
    let state = Dictionary(uniqueKeysWithValues: replaced.stateDictionary().map { ($0.path, $0.tensor) })
    for (path, tensor) in model.stateDictionary() where !path.hasPrefix("linear.") {
      #expect(state[path] == tensor, "'\(path)' is copied")
    }
    #expect(state["linear.weight"]?.shape == [5, 4])
    #expect(try replaced(Variable(try random([2, 1, 6, 6], seed: 5))).shape == [2, 5])
  }

  @Test("the new head keeps the old one's bias choice and mode; a frozen trunk stays frozen, the head trains")
  func settings() throws {
    var generator = RandomGenerator(seed: 6)
    let model = Sequential([
      try Linear(3, 4, generator: &generator), try Linear(4, 2, bias: false, generator: &generator),
    ])
    model.setFrozen(true)
    model.setTraining(false)
    let replaced = try model.replacingHead(outputs: 3, generator: &generator)
    #expect(replaced.namedParameters().map(\.path) == ["0.weight", "0.bias", "1.weight"])
    #expect(replaced.parameters.map(\.requiresGrad) == [false, false, true])
    #expect(replaced.namedModules().allSatisfy { !$0.module.isTraining })
  }

  @Test("a bare Linear is its own head, with the empty path")
  func bareLinear() throws {
    var generator = RandomGenerator(seed: 7)
    let linear = try Linear(3, 2, generator: &generator)
    #expect(linear.headPath == "")
    let replaced = try #require(try linear.replacingHead(outputs: 5, generator: &generator) as? Linear)
    #expect(replaced.outputCount == 5 && linear.outputCount == 2)
  }

  @Test("the head of the built architectures is their last Linear")
  func architectures() throws {
    var generator = RandomGenerator(seed: 8)
    let convNet = try Architectures.convNet(
      inputShape: [1, 8, 8], channels: [2, 3], hidden: 4, classes: 3, generator: &generator)
    #expect(convNet.headPath == "9")
    let lm = try Architectures.transformer(
      vocabulary: 5, length: 4, width: 4, layers: 2, feedforward: 8, generator: &generator)
    #expect(lm.headPath == "4")
    let classifier = try Architectures.transformer(
      vocabulary: 5, length: 4, width: 4, layers: 1, feedforward: 8, classes: 2, generator: &generator)
    #expect(classifier.headPath == "4")
    let charLM = try Architectures.charLM(vocabulary: 5, embedding: 3, hidden: 4, generator: &generator)
    #expect(charLM.headPath == "2")
    // A lone encoder layer: the last Linear in module order is the feed-forward block's second.
    let layer = try TransformerEncoderLayer(modelDimension: 4, heads: 2, feedforwardDimension: 8, generator: &generator)
    #expect(layer.headPath == "linear2")
  }

  @Test("a model without a Linear, or a head without outputs, is refused")
  func errors() throws {
    var generator = RandomGenerator(seed: 9)
    let model = Sequential([Flatten(), Activation(.relu)])
    #expect(model.headPath == nil)
    #expect(throws: ModuleError("'replacingHead' needs a 'Linear' to replace but 'Sequential(2 layers)' has none")) {
      try model.replacingHead(outputs: 3, generator: &generator)
    }
    #expect(throws: ModuleError("'replacingHead' needs a positive number of outputs but got 0")) {
      try Architectures.mlp([2, 2], generator: &generator).replacingHead(outputs: 0, generator: &generator)
    }
  }
}
