import Datasets
import NN
import Optimizers
import TensorCore
import Testing

@testable import Training

@Suite("Several named validation sets")
struct ValidationSetTests {
  let blobs = Dataset.blobs(points: 400, classes: 3, spread: 0.5, seed: 1)

  @Test("each set is evaluated after every epoch; the first is the test set, viewed(on:) reads the others")
  func namedSets() throws {
    let (train, test) = try blobs.split(fraction: 0.8, seed: 0)
    let other = Dataset.blobs(points: 90, classes: 3, spread: 2.0, seed: 5)
    let model = try planeClassifier(classes: 3, seed: 0)
    let run = try Fit.run(
      model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: train,
      validating: [ValidationSet(name: "clean", data: test), ValidationSet(name: "noisy", data: other)],
      configuration: FitConfiguration(epochs: 3, batchSize: 32, seed: 0))
    #expect(run.validationNames == ["clean", "noisy"])
    #expect(run.history.count == 3)
    for entry in run.history {
      #expect(entry.evaluations.map(\.name) == ["clean", "noisy"])
      #expect(entry.testLoss == entry.evaluations[0].loss)
      #expect(entry.testAccuracy == entry.evaluations[0].accuracy)
    }
    // After the last epoch, each set's numbers are the trained model's on that set.
    let last = try #require(run.history.last)
    let noisy = try Evaluation.evaluate(model, on: other)
    #expect(last.evaluations[1].accuracy == noisy.accuracy)
    #expect(abs(last.evaluations[1].loss - noisy.loss) < 1e-9)

    let view = try #require(run.viewed(on: "noisy"))
    #expect(view.history.map(\.testAccuracy) == run.history.map { $0.evaluations[1].accuracy })
    #expect(view.history.map(\.testLoss) == run.history.map { $0.evaluations[1].loss })
    #expect(view.history.map(\.trainLoss) == run.history.map(\.trainLoss))
    #expect(view.validationNames == ["noisy"])
    #expect(view.steps == run.steps && view.stepLosses == run.stepLosses && view.model === run.model)
    #expect(run.viewed(on: "absent") == nil)
  }

  @Test("one validation set is called 'test'; two sets with one name are refused")
  func namesAndDuplicates() throws {
    let model = try planeClassifier(classes: 3, seed: 0)
    let single = try Fit.run(
      model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs, validation: blobs,
      configuration: FitConfiguration(epochs: 1, batchSize: 64, seed: 0))
    #expect(single.validationNames == ["test"])
    #expect(single.history[0].evaluations.map(\.name) == ["test"])
    let error = try #require(throws: TrainingError.self) {
      try Fit.run(
        model: model, optimizer: try sgd(model, 0.05), optimizerDescription: "SGD", on: blobs,
        validating: [ValidationSet(name: "a", data: blobs), ValidationSet(name: "a", data: blobs)],
        configuration: FitConfiguration(epochs: 1, batchSize: 64, seed: 0))
    }
    #expect(error.message == "two validation sets are called 'a'")
  }
}
