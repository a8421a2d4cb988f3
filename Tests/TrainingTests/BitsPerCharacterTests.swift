import Autodiff
import Datasets
import Glibc
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

@Suite("Bits per character")
struct BitsPerCharacterTests {
  /// A short repetitive text: windows of 8 characters over 14 distinct ones.
  func corpus() throws -> Dataset {
    try Dataset.text(String(repeating: "the cat sat on the mat. a dog ate the hat! ", count: 12), sequenceLength: 8)
  }

  func charLM(_ text: Dataset, seed: UInt64) throws -> Module {
    var generator = RandomGenerator(seed: seed)
    return try Architectures.charLM(
      vocabulary: text.task.classCount ?? 0, embedding: 8, hidden: 16, generator: &generator)
  }

  @Test("a run on text records its train and test losses divided by ln 2, every epoch")
  func fitRecordsBits() throws {
    let text = try corpus()
    let parts = try text.splitInOrder([0.8, 0.2])
    let model = try charLM(text, seed: 0)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.5, momentum: 0), optimizerDescription: "SGD", on: parts[0],
      validation: parts[1], configuration: FitConfiguration(epochs: 3, batchSize: 4, seed: 0))
    #expect(run.history.count == 3)
    for entry in run.history {
      let train = try #require(entry.trainBitsPerCharacter)
      let test = try #require(entry.testBitsPerCharacter)
      #expect(abs(train * log(2.0) - entry.trainLoss) < 1e-12)
      #expect(abs(test * log(2.0) - (entry.testLoss ?? .nan)) < 1e-12)
      #expect(entry[.trainBitsPerCharacter] == train && entry[.testBitsPerCharacter] == test)
    }
    // An untrained model over v characters starts near log2(v) bits; training lowers it.
    let vocabulary = Double(text.task.classCount ?? 0)
    let first = try #require(run.history.first?.trainBitsPerCharacter)
    #expect(first < log2(vocabulary) + 0.5)
    #expect(try #require(run.history.last?.trainBitsPerCharacter) < first)
    #expect(run.series(.testBitsPerCharacter).allSatisfy { $0 != nil })
    // Evaluating the trained model again gives the bits the run recorded after its last epoch.
    let again = try Evaluation.evaluate(run.model, on: parts[1])
    #expect(abs((again.bitsPerCharacter ?? .nan) - (run.history.last?.testBitsPerCharacter ?? 0)) < 1e-9)
  }

  @Test("classification and regression runs have no bits per character")
  func otherDataHaveNone() throws {
    let blobs = Dataset.blobs(points: 60, classes: 3, spread: 0.5, seed: 1)
    let model = try planeClassifier(classes: 3, seed: 0)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.1), optimizerDescription: "SGD", on: blobs, validation: blobs,
      configuration: FitConfiguration(epochs: 1, batchSize: 16, seed: 0))
    #expect(run.history[0].trainBitsPerCharacter == nil && run.history[0].testBitsPerCharacter == nil)
    #expect(try Evaluation.evaluate(model, on: blobs).bitsPerCharacter == nil)
    #expect([run].finalSummary(.testBitsPerCharacter) == nil)
    #expect(!BitsPerCharacter.applies(to: .sequence(vocabulary: 5), loss: .meanSquaredError))
    #expect(BitsPerCharacter.applies(to: .sequence(vocabulary: 5), loss: .crossEntropy))
    #expect(!BitsPerCharacter.applies(to: .classification(classes: 5), loss: .crossEntropy))
  }

  @Test("an Alrao run on text reports its mixture's loss in bits too")
  func alraoRecordsBits() throws {
    let text = try corpus()
    let parts = try text.splitInOrder([0.8, 0.2])
    let recipe = try AlraoRecipe(minimumLearningRate: 1e-3, maximumLearningRate: 10, classifiers: 3)
    let (module, optimizer, objective) = try recipe.start(
      try charLM(text, seed: 1), task: parts[0].task,
      plan: RunPlan(FitConfiguration(epochs: 2, batchSize: 4, seed: 1), samples: parts[0].count))
    let run = try Fit.run(
      model: module, optimizer: optimizer, optimizerDescription: recipe.description, on: parts[0],
      validation: parts[1], configuration: FitConfiguration(epochs: 2, batchSize: 4, seed: 1), objective: objective)
    let last = try #require(run.history.last)
    #expect(abs((last.trainBitsPerCharacter ?? .nan) * log(2.0) - last.trainLoss) < 1e-12)
    #expect(abs((last.testBitsPerCharacter ?? .nan) * log(2.0) - (last.testLoss ?? .nan)) < 1e-12)
  }

  @Test("the conversion is nats / ln 2: ln 2 nats are one bit")
  func conversion() {
    #expect(abs(BitsPerCharacter.fromNats(log(2.0)) - 1) < 1e-15)
    #expect(abs(BitsPerCharacter.fromNats(log(86.0)) - log2(86.0)) < 1e-12)
  }
}
