import Autodiff
import NN
import TensorCore
import TestSupport
import Testing

@Suite("Replacing a language model's head with a pooled classifier head")
struct PooledHeadTests {
  @Test("a Transformer language model becomes the layout of Transformer(classes:), with the trunk's values kept")
  func transformer() throws {
    var generator = RandomGenerator(seed: 1)
    let lm = try Architectures.transformer(
      vocabulary: 7, length: 5, width: 8, heads: 2, layers: 2, feedforward: 16, generator: &generator)
    var other = RandomGenerator(seed: 2)
    let classifier = try lm.replacingHead(outputs: 3, poolingPositions: true, generator: &other)
    var layoutGenerator = RandomGenerator(seed: 3)
    let reference = try Architectures.transformer(
      vocabulary: 7, length: 5, width: 8, heads: 2, layers: 2, feedforward: 16, classes: 3,
      generator: &layoutGenerator)
    #expect(classifier.namedParameters().map(\.path) == reference.namedParameters().map(\.path))
    #expect(classifier.namedParameters().map(\.variable.shape) == reference.namedParameters().map(\.variable.shape))
    #expect((classifier as? Sequential)?.layers[4] is SequenceMean)
    #expect(classifier.headPath == "5")
    let trunk = Dictionary(uniqueKeysWithValues: lm.stateDictionary().map { ($0.path, $0.tensor) })
    for (path, tensor) in classifier.stateDictionary() where !path.hasPrefix("5.") {
      #expect(trunk[path] == tensor, "'\(path)' is the language model's")
    }
    let tokens = Variable(try Tensor(shape: [2, 5], values: [0, 1, 2, 3, 4, 6, 5, 4, 3, 2]))
    #expect(try classifier(tokens).shape == [2, 3])
    #expect(try lm(tokens).shape == [2, 5, 7], "the language model is left as it was")
  }

  @Test("the pooled output is the new head applied to the trunk's mean over positions")
  func meanThenHead() throws {
    var generator = RandomGenerator(seed: 4)
    let lm = try Architectures.transformer(
      vocabulary: 5, length: 4, width: 4, heads: 1, layers: 1, feedforward: 8, generator: &generator)
    let classifier = try #require(
      try lm.replacingHead(outputs: 2, poolingPositions: true, generator: &generator) as? Sequential)
    let tokens = Variable(try Tensor(shape: [1, 4], values: [1, 0, 3, 2]))
    var trunk = tokens
    for layer in classifier.layers.prefix(3) { trunk = try layer(trunk) }
    let values: [Float] = trunk.value.scalars
    var mean = [Float](repeating: 0, count: 4)
    for position in 0..<4 {
      for feature in 0..<4 { mean[feature] += values[position * 4 + feature] / 4 }
    }
    let head = try #require(classifier.layers[4] as? Linear)
    let expected = try head(Variable(try Tensor(shape: [1, 4], values: mean))).value.scalars
    let output: [Float] = try classifier(tokens).value.scalars
    for (got, want) in zip(output, expected) { #expect(abs(got - want) < Float(1e-5)) }
  }

  @Test("a head that is not in a Sequential gets the mean in front of it; a head already pooled is refused")
  func wrappedAndRefused() throws {
    var generator = RandomGenerator(seed: 5)
    let bare = try Linear(3, 4, generator: &generator)
    let wrapped = try bare.replacingHead(outputs: 2, poolingPositions: true, generator: &generator)
    #expect(try wrapped(Variable(try Tensor.ones([2, 6, 3]))).shape == [2, 2])
    let classifier = try Architectures.transformer(
      vocabulary: 5, length: 4, width: 4, heads: 1, layers: 1, feedforward: 8, classes: 2, generator: &generator)
    #expect(throws: ModuleError.self) {
      try classifier.replacingHead(outputs: 3, poolingPositions: true, generator: &generator)
    }
    #expect(try classifier.replacingHead(outputs: 3, generator: &generator).headPath == "4")
  }
}
