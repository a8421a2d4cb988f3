import Foundation
import JSONValue
import Testing

@testable import EngineBindings

@Suite("Alrao in the language")
struct AlraoLanguageTests {
  @Test("fit with Alrao: the run's switch weights, classifier rates and feature rates are readable")
  func endToEnd() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let run = fit(MLP([64, 16, 10]), on: data, optimizer: Alrao(minLearningRate: 1e-5, maxLearningRate: 10, classifiers: 4), epochs: 1, progress: false)
      """)
    #expect(
      session.value("run.optimizer")?.description
        == "Alrao(minLearningRate: 1e-05, maxLearningRate: 10.0, classifiers: 4)")
    #expect(session.value("run.switchWeights!.count == run.steps")?.description == "true")
    #expect(session.value("run.switchWeights![0].count")?.description == "4")
    #expect(session.value("run.classifierRates!")?.description == "[1e-05, 0.001, 0.1, 10.0]")
    #expect(session.value("run.featureRates!.count")?.description == "16")
    #expect(session.value("run.accuracy! > 0.2")?.description == "true", "above chance (0.1) after one epoch")
    let summary = try #require(session.value("run")?.description)
    #expect(summary.contains("Alrao posterior over copies: η 1e-05:"))
    #expect(session.value("heatmap(run.switchWeights!)") != nil)
    #expect(
      session.value("fit(MLP([64, 10]), on: data, optimizer: SGD(learningRate: 0.1), progress: false).switchWeights")?
        .description == "nil")
  }

  @Test("Alrao works in Trainer and seeds, with base: .adam, and saved models reload with their copies")
  func everywhere() throws {
    let session = LibrarySession()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("alrao-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let t = Trainer(MLP([64, 16, 10]), optimizer: Alrao(minLearningRate: 1e-4, maxLearningRate: 1, classifiers: 3), data: data)
      for _ in 0..<5 { t.step() }
      let group = seeds(2) { s in fit(MLP([64, 16, 10]), on: data, optimizer: Alrao(classifiers: 2, base: .adam), seed: s, progress: false) }
      let run = group.runs[0]
      save(run.model, "\(path)")
      let loaded = load("\(path)")
      """)
    #expect(session.value("t.loss.isFinite")?.description == "true")
    #expect(session.value("group.count")?.description == "2")
    #expect(
      session.value("run.optimizer")?.description
        == "Alrao(minLearningRate: 1e-05, maxLearningRate: 10.0, classifiers: 2, base: .adam)")
    #expect(
      session.value("predict(loaded, data.test, scores: true) == predict(run.model, data.test, scores: true)")?
        .description == "true")
    #expect(session.value("evaluate(loaded, on: data.test)[\"loss\"] == run.loss")?.description == "true")
  }

  @Test("With equal ends and one copy Alrao is plain SGD at that rate (ALGORITHMS §2.7's property)")
  func equalEndsAreSGD() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let sgd = fit(MLP([64, 16, 10], activation: .tanh), on: data, optimizer: SGD(learningRate: 0.05), epochs: 2, seed: 3, progress: false)
      let one = fit(MLP([64, 16, 10], activation: .tanh), on: data, optimizer: Alrao(minLearningRate: 0.05, maxLearningRate: 0.05, classifiers: 1), epochs: 2, seed: 3, progress: false)
      """)
    #expect(session.value("one.classifierRates!")?.description == "[0.05]")
    #expect(session.value("one.featureRates!")?.description == "[0.05]", "every feature at the one rate")
    // The same initial weights, batches and rates: the same losses up to the arithmetic's order.
    #expect(session.value("abs(one.loss! - sgd.loss!) < 1e-5 * sgd.loss!")?.description == "true")
    #expect(session.value("one.accuracy! == sgd.accuracy!")?.description == "true")
    #expect(session.value("sgd.accuracy! > 0.5")?.description == "true", "it learnt something")
    // App. F: a fraction of the features frozen at their initial values, the rest at the one rate.
    _ = session.value(
      """
      let half = fit(MLP([64, 64, 10], activation: .tanh), on: data, optimizer: Alrao(minLearningRate: 0.05, maxLearningRate: 0.05, classifiers: 1, trainableFraction: 0.5), epochs: 1, seed: 3, progress: false)
      """)
    #expect(session.value("half.featureRates!.sorted()")?.description == "[0.0, 0.05]")
    #expect(session.value("half.accuracy! > 0.5")?.description == "true")
  }

  @Test("Regression predicts with the best copy by default or the posterior mean; saved models keep their rule")
  func regressionPrediction() throws {
    let session = LibrarySession()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("alrao-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = session.value(
      """
      let toy = RegressionToy(points: 200, test: 50, seed: 0)
      let best = fit(MLP([10, 16, 1], activation: .relu), on: toy, optimizer: Alrao(minLearningRate: 1e-4, maxLearningRate: 0.1, classifiers: 3), epochs: 2, seed: 1, progress: false)
      let mean = fit(MLP([10, 16, 1], activation: .relu), on: toy, optimizer: Alrao(minLearningRate: 1e-4, maxLearningRate: 0.1, classifiers: 3, prediction: .posteriorMean), epochs: 2, seed: 1, progress: false)
      save(mean.model, "\(path)")
      let loaded = load("\(path)")
      """)
    #expect(
      session.value("best.optimizer")?.description
        == "Alrao(minLearningRate: 0.0001, maxLearningRate: 0.1, classifiers: 3)")
    #expect(
      session.value("mean.optimizer")?.description
        == "Alrao(minLearningRate: 0.0001, maxLearningRate: 0.1, classifiers: 3, prediction: .posteriorMean)")
    let bestModel = try #require(session.value("best.model")?.description)
    #expect(bestModel.contains("Alrao head × 3 (regression, prediction: .bestCopy)"), "\(bestModel)")
    #expect(bestModel.contains("AlraoHead(3 × Linear(16 → 1), regression, prediction: .bestCopy)"), "\(bestModel)")
    // The rule changes the prediction only: the two runs trained alike, step for step.
    #expect(session.value("best.trainLoss == mean.trainLoss")?.description == "true")
    #expect(session.value("best.switchWeights! == mean.switchWeights!")?.description == "true")
    let loaded = try #require(session.value("loaded")?.description)
    #expect(loaded.contains("(regression, prediction: .posteriorMean)"), "\(loaded)")
    #expect(session.value("evaluate(loaded, on: toy.test)[\"loss\"] == mean.loss")?.description == "true")
    #expect(
      session.value("predict(loaded, toy.test, scores: true) == predict(mean.model, toy.test, scores: true)")?
        .description == "true")
    // Classification: the mixture either way.
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let a = fit(MLP([64, 10]), on: data, optimizer: Alrao(classifiers: 2), seed: 2, progress: false)
      let b = fit(MLP([64, 10]), on: data, optimizer: Alrao(classifiers: 2, prediction: .posteriorMean), seed: 2, progress: false)
      """)
    #expect(session.value("a.loss == b.loss && a.accuracy == b.accuracy")?.description == "true")
    let wrong = try #require(session.error("Alrao(prediction: .mean)"))
    #expect(wrong.rendered.contains("'prediction' of 'Alrao' has no option '.mean'"), "\(wrong.rendered)")
    #expect(wrong.rendered.contains("help: use .bestCopy or .posteriorMean"), "\(wrong.rendered)")
  }

  @Test("A checkpoint's recipe keeps the rule; one written before the rule existed predicts by the default")
  func recipeJSON() throws {
    let base = ModelRecipe.mlp(sizes: [10, 16, 1], activation: .relu, dropout: 0)
    let recipes: [ModelRecipe] = [
      .alrao(base: base, copies: 3, regression: nil), .alrao(base: base, copies: 3, regression: .bestCopy),
      .alrao(base: base, copies: 3, regression: .posteriorMean),
    ]
    for recipe in recipes { #expect(ModelRecipe(json: recipe.json) == recipe, "\(recipe.title)") }
    let older: JSON = ["kind": "alrao", "base": base.json, "copies": 3, "regression": true]
    #expect(ModelRecipe(json: older) == .alrao(base: base, copies: 3, regression: .bestCopy))
    let unknown: JSON = ["kind": "alrao", "base": base.json, "copies": 3, "regression": true, "prediction": "median"]
    #expect(ModelRecipe(json: unknown) == nil, "an unknown rule is a damaged checkpoint, not a silent default")
  }

  @Test("Bad input is a clear error naming the fix")
  func badInput() throws {
    let session = LibrarySession()
    let cases: [(String, String)] = [
      (
        "Alrao(minLearningRate: 1, maxLearningRate: 0.1)",
        "Alrao's minLearningRate (1.0) must not be above its maxLearningRate (0.1)"
      ),
      ("Alrao(minLearningRate: 0.1, maxLearningRate: 0.01)", "must not be above its maxLearningRate"),
      ("Alrao(minLearningRate: -1)", "minLearningRate"),
      ("Alrao(maxLearningRate: 0)", "maxLearningRate"),
      ("Alrao(classifiers: 0)", "classifiers"),
      (
        "fit(Sequential([Tanh()]), on: Blobs(seed: 0), optimizer: Alrao(), progress: false)",
        "has no Linear head"
      ),
    ]
    for (code, expected) in cases {
      let error = try #require(session.error(code), "\(code) should fail")
      #expect(error.rendered.contains(expected), "\(code): \(error.rendered)")
    }
    let interval = try #require(session.error("Alrao(minLearningRate: 1, maxLearningRate: 0.1)"))
    #expect(interval.rendered.contains("help: give an interval that contains a good rate"))
    let positive = try #require(session.error("Alrao(minLearningRate: -1)"))
    #expect(positive.rendered.contains("> 0"), "\(positive.rendered)")
    let noHead = try #require(
      session.error("fit(Sequential([Tanh()]), on: Blobs(seed: 0), optimizer: Alrao(), progress: false)"))
    #expect(noHead.rendered.contains("help: end the model with a Linear layer"), "\(noHead.rendered)")
  }
}
