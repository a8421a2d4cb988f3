import Foundation
import Plotting
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

@Suite("Training in the language")
struct TrainingLanguageTests {
  @Test("fit on blobs converges, returns a run with history and timing, and leaves the model untouched")
  func fitOnBlobs() throws {
    let session = LibrarySession()
    let accuracy = session.value(
      """
      let data = Blobs(points: 300, classes: 3, seed: 0).split(0.8, seed: 0).normalized()
      let model = MLP([2, 32, 3], activation: .tanh)
      let run = fit(model, on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 8, batchSize: 16, seed: 1)
      run.accuracy
      """)
    guard case .double(let value)? = accuracy else {
      Issue.record("run.accuracy is \(String(describing: accuracy))")
      return
    }
    #expect(value > 0.95)
    #expect(session.value("run.history.count")?.description == "8")
    #expect(session.value("run.steps")?.description == "\(8 * 15)")
    #expect(session.value("model.isBuilt")?.description == "false", "fit trains a copy, never the model given")
    #expect(session.value("run.model.isBuilt")?.description == "true")
    guard case .dictionary(let time)? = session.value("run.time") else {
      Issue.record("run.time is not a dictionary")
      return
    }
    #expect(time.keys.map(\.description) == ["data", "forward", "backward", "optimizer", "evaluation", "total"])
    // One live display per fit: a display and then updates under the same id.
    let events = session.output.displayEvents
    #expect(events.filter { $0.kind == .display }.count == 1)
    #expect(events.contains { $0.kind == .update })
    #expect(Set(events.compactMap(\.displayID)).count == 1)
    let final = try #require(events.last)
    #expect(final.summary.contains("completed"))
  }

  @Test("the same seed gives the same history; another seed another")
  func determinism() {
    let session = LibrarySession()
    let code = { (seed: Int) in
      "fit(MLP([64, 16, 10]), on: Digits().split(0.8, seed: 0), optimizer: SGD(learningRate: 0.05), epochs: 2, seed: \(seed), progress: false).trainLoss"
    }
    let a = session.value(code(3))?.description
    let b = session.value(code(3))?.description
    let c = session.value(code(4))?.description
    #expect(a != nil)
    #expect(a == b)
    #expect(a != c)
  }

  @Test("a diverging fit is a DivergenceError naming epoch and step, with help; seeds keeps going")
  func divergence() throws {
    let session = LibrarySession()
    let error = try #require(
      session.error(
        "fit(MLP([10, 32, 1]), on: RegressionToy(seed: 0), optimizer: SGD(learningRate: 50, momentum: 0.9), epochs: 20, batchSize: 16)"
      ))
    #expect(error.family == .divergenceError)
    #expect(error.rendered.contains("at epoch"))
    #expect(error.rendered.contains("step"))
    #expect(error.rendered.contains("help: lower the learning rate"))
    let group = session.value(
      """
      let group = seeds(3) { s in
        let rate = s == 1 ? 50.0 : 0.01
        return fit(MLP([10, 32, 1]), on: RegressionToy(seed: 0), optimizer: SGD(learningRate: rate, momentum: 0.9), epochs: 3, batchSize: 16, seed: s, progress: false)
      }
      group
      """)
    guard case .host(let object as RunGroupObject)? = group else {
      Issue.record("seeds did not return a group")
      return
    }
    #expect(object.runs.count == 3)
    #expect(session.value("group[1].diverged")?.description == "true")
    #expect(session.value("group[0].diverged")?.description == "false")
    #expect(session.value("group.testLoss[\"count\"]")?.description == "2")
    #expect(session.output.standardError.contains("seed 1:"))
  }

  @Test("compare makes the papers' table; plot(runs, metric:) draws mean lines with bands for groups")
  func compareAndPlot() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Blobs(points: 200, classes: 2, seed: 0).split(0.8, seed: 0)
      let sgd = seeds(2) { s in fit(MLP([2, 8, 2]), on: data, optimizer: SGD(learningRate: 0.1), epochs: 3, seed: s, progress: false) }
      let adam = fit(MLP([2, 8, 2]), on: data, optimizer: Adam(learningRate: 0.01), epochs: 3, progress: false)
      """)
    guard case .host(let table as TableObject)? = session.value("compare([\"SGD\": sgd, \"Adam\": adam])") else {
      Issue.record("compare did not return a table")
      return
    }
    #expect(table.table.rows.count == 2)
    #expect(table.table.columns.contains("test accuracy"))
    #expect(table.table.columns.contains("steps/s"))
    let figure = try #require(session.figure("plot([\"SGD\": sgd, \"Adam\": adam], metric: .testLoss)"))
    let series = figure.panels[0].series
    #expect(series.count == 2)
    if case .band(let band) = series[0] { #expect(band.x == [1, 2, 3]) } else { Issue.record("group is not a band") }
    if case .line = series[1] {} else { Issue.record("single run is not a line") }
    #expect(figure.panels[0].yLabel == "test loss")
    let error = try #require(session.error("plot([1, 2], metric: .testLoss)"))
    #expect(error.family == .typeError)
  }

  @Test("save and load a model as safetensors; the loaded model predicts the same")
  func saveAndLoad() throws {
    let session = LibrarySession()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let run = fit(MLP([64, 16, 10]), on: data, optimizer: SGD(learningRate: 0.1), epochs: 1, progress: false)
      save(run.model, "\(path)")
      let loaded = load("\(path)")
      """)
    #expect(session.value("predict(loaded, data.test) == predict(run.model, data.test)")?.description == "true")
    #expect(session.value("evaluate(loaded, on: data.test)[\"accuracy\"] == run.accuracy")?.description == "true")
    let missing = try #require(session.error("load(\"/nonexistent/model.safetensors\")"))
    #expect(missing.family == .dataError)
    #expect(missing.rendered.contains("/nonexistent/model.safetensors"))
  }

  @Test("Trainer takes steps one at a time; t.model is a snapshot")
  func trainer() {
    let session = LibrarySession()
    let loss = session.value(
      """
      let t = Trainer(MLP([2, 16, 3]), optimizer: SGD(learningRate: 0.1, momentum: 0.9), data: Blobs(seed: 0), batchSize: 16)
      let first = t.step()
      for _ in 0..<200 { t.step() }
      t.loss < first
      """)
    #expect(loss?.description == "true")
    #expect(session.value("t.steps")?.description == "201")
    #expect(session.value("t.epoch")?.description == "11")
  }

  /// 1,438 training digits in batches of 32 are 45 steps per epoch: a cosine schedule over a
  /// trainer's one planned epoch reaches 0 there, so later steps (no momentum) change nothing.
  @Test("Trainer applies the optimizer's schedule: cosine spans its first epoch, then the rate is 0")
  func trainerAppliesItsSchedule() {
    for (schedule, frozen) in [(".cosine", "true"), (".constant", "false")] {
      let session = LibrarySession()
      let value = session.value(
        """
        let data = Digits().split(0.8, seed: 0)
        let t = Trainer(MLP([64, 16, 10]), optimizer: SGD(learningRate: 0.1, schedule: \(schedule)), data: data)
        for _ in 0..<45 { t.step() }
        let after = t.model
        for _ in 0..<10 { t.step() }
        predict(t.model, data.test, scores: true) == predict(after, data.test, scores: true)
        """)
      #expect(value?.description == frozen, "\(schedule)")
    }
  }

  @Test("models: summaries, parameter groups, replacing the head, and clear errors")
  func models() throws {
    let session = LibrarySession()
    let expectedCount: Int = 784 * 256 + 256 + 256 * 10 + 10
    #expect(session.value("MLP([784, 256, 10]).parameterCount")?.description == String(expectedCount))
    #expect(session.value("MLP([4, 3, 2]).biases.paths")?.description == "[\"1.bias\", \"3.bias\"]")
    #expect(session.value("MLP([4, 3, 2]).parameters(matching: \"3.*\").count")?.description == "\(3 * 2 + 2)")
    let unbuilt = try #require(session.error("ConvNet(classes: 10).summary"))
    #expect(unbuilt.rendered.contains("fit it first"))
    let mismatch = try #require(session.error("fit(MLP([10, 5]), on: Digits(), progress: false)"))
    #expect(mismatch.family == .trainingError)
    #expect(mismatch.rendered.contains("MLP([64, …])"))
    _ = session.value(
      """
      let (pre, target) = Digits().split(0.8, seed: 0).splitByClass([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])
      let base = fit(ConvNet(channels: [4], hidden: 16, classes: 5), on: pre, epochs: 1, progress: false)
      let net = base.model.replacingHead(outputs: 5)
      let tuned = fit(net, on: target, epochs: 1, progress: false)
      """)
    #expect(session.value("net.head.paths")?.description.contains("weight") == true)
    #expect(session.value("tuned.history.count")?.description == "1")
  }

  @Test("a loss that explodes without becoming NaN is a DivergenceError saying so, with epoch, step and help")
  func explodingLoss() throws {
    let session = LibrarySession()
    let error = try #require(
      session.error(
        "fit(MLP([64, 128, 10]), on: Digits(), optimizer: SGD(learningRate: 10000), epochs: 1, progress: false)"))
    #expect(error.family == .divergenceError)
    #expect(error.rendered.contains("the loss exploded to"))
    #expect(error.rendered.contains("× its first steps' level"))
    #expect(error.rendered.contains("at epoch 1, step"))
    #expect(error.rendered.contains("help: lower the learning rate"))
  }

  @Test("divergenceFactor: nil turns the explosion check off; a factor below 2 is refused")
  func divergenceFactorOption() throws {
    let session = LibrarySession()
    let run = try #require(
      session.value(
        "fit(MLP([64, 16, 10]), on: Digits(), optimizer: SGD(learningRate: 5), epochs: 1, progress: false, divergenceFactor: nil).status"
      ))
    #expect(!run.description.contains("exploded"))
    let error = try #require(
      session.error("fit(MLP([64, 16, 10]), on: Digits(), epochs: 1, progress: false, divergenceFactor: 1)"))
    #expect(error.rendered.contains("'divergenceFactor' of 'fit'"))
  }

  @Test("fit and Trainer clip gradients alike: the same clip gives the same model, no clip another")
  func clippingIsShared() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits()
      let clipped = fit(MLP([64, 16, 10]), on: data, optimizer: SGD(learningRate: 0.5), epochs: 1, seed: 3, progress: false, clipGradientNorm: 0.05)
      let t = Trainer(MLP([64, 16, 10]), optimizer: SGD(learningRate: 0.5), data: data, seed: 3, clipGradientNorm: 0.05)
      let u = Trainer(MLP([64, 16, 10]), optimizer: SGD(learningRate: 0.5), data: data, seed: 3)
      for _ in 0..<clipped.steps { t.step(); u.step() }
      """)
    #expect(session.value("evaluate(clipped, on: data) == evaluate(t.model, on: data)")?.description == "true")
    #expect(session.value("evaluate(clipped, on: data) == evaluate(u.model, on: data)")?.description == "false")
  }

  @Test("a selection is a value before the model has weights, resolved once the model is built")
  func selectionsBeforeWeights() throws {
    let session = LibrarySession()
    let head = try #require(session.value("ConvNet(channels: [4], classes: 3).head")?.description)
    #expect(head == "head of ConvNet [4] → 3 — picked when fit builds the model for its data")
    let error = try #require(session.error("ConvNet(channels: [4], classes: 3).head.paths"))
    #expect(error.rendered.contains("has no weights yet, so its head has no paths to show"))
    #expect(session.value("MLP([4, 8, 3]).head.paths")?.description == "[\"3.weight\", \"3.bias\"]")
  }
}

@Suite("Numbers in run summaries")
struct RunFormatTests {
  @Test("huge and non-finite values print without trapping (a diverging loss passes 1e30)")
  func hugeValues() {
    #expect(Format.number(1e30) == "1e+30")
    #expect(Format.number(.infinity) == "inf")
    #expect(Format.number(1234.4) == "1234")
    #expect(Format.number(0.123456) == "0.1235")
    #expect(Format.rate(1e300) == "1e+300")
  }

  @Test("values below 0.001 keep three significant digits (a small test MSE is not 0.0001)")
  func smallValues() {
    #expect(Format.number(0.000058) == "0.0000580")
    #expect(Format.number(0.000172) == "0.000172")
    #expect(Format.number(-0.000172) == "-0.000172")
    #expect(Format.number(0.0079) == "0.0079")
    #expect(Format.number(0) == "0.0000")
    #expect(Format.number(1e-13) == "1e-13")
    #expect(Format.rate(49.71) == "49.7")
    #expect(Format.percent(0.8912) == "89.1 %")
    #expect(Format.seconds(1e300).hasSuffix(" s"))
    #expect(Format.seconds(0.04) == "40 ms")
    #expect(Format.seconds(150) == "2 min 30 s")
  }

  @Test("learning rates print to three significant digits, as Alrao's summary shows its copies")
  func significantDigits() {
    #expect(Format.significant(Double(Float(4.6415887e-05)), 3) == "4.64e-05")
    #expect(Format.significant(0.021544, 3) == "0.0215")
    #expect(Format.significant(10, 3) == "10")
    #expect(Format.significant(1e-5, 3) == "1e-05")
    #expect(Format.significant(-0.5, 3) == "-0.5")
    #expect(Format.significant(123_456, 3) == "1.23e+05")
  }
}

@Suite("Trainer schedules")
struct TrainerScheduleTests {
  @Test("a Trainer applies the optimizer's schedule: a step decay to zero stops learning after the first epoch")
  func scheduleApplies() {
    let session = LibrarySession()
    let decayed = session.value(
      "let a = Trainer(MLP([2, 16, 3]), optimizer: SGD(learningRate: 0.1, schedule: stepDecay(every: 1, factor: 0.0)), data: Blobs(points: 32, seed: 0), batchSize: 32)\nlet l1 = a.step()\nlet l2 = a.step()\nlet l3 = a.step()\nl2 == l3"
    )
    #expect(decayed?.description == "true", "after the first epoch the rate is 0, so the loss stops changing")
    let constant = session.value(
      "let b = Trainer(MLP([2, 16, 3]), optimizer: SGD(learningRate: 0.1), data: Blobs(points: 32, seed: 0), batchSize: 32)\nlet m1 = b.step()\nlet m2 = b.step()\nlet m3 = b.step()\nm2 == m3"
    )
    #expect(constant?.description == "false")
    #expect(session.value("SGD(learningRate: 0.1).learningRate")?.description == "0.1")
  }
}

@Suite("Sizes a notebook user may mistype")
struct MistypedSizeTests {
  @Test("absurd sizes are errors naming the limit, never a crash of the kernel")
  func absurdSizes() throws {
    let session = LibrarySession()
    let model = try #require(session.error("MLP([100000, 100000]).parameterCount"))
    #expect(model.family == .shapeError)
    #expect(model.rendered.contains("more than the 4294967296 a tensor may have"))
    let spiral = try #require(session.error("Spiral(points: 1000000000000)"))
    #expect(spiral.family == .valueError)
    #expect(spiral.rendered.contains("at most 10000000 points"))
    let blobs = try #require(session.error("Blobs(classes: 1000000000000)"))
    #expect(blobs.family == .valueError)
    let steps = session.value(
      "fit(MLP([64, 10]), on: Digits(), optimizer: SGD(schedule: stepDecay(every: 4611686018427387904)), batchSize: 9223372036854775807, progress: false).steps"
    )
    #expect(steps?.description == "1")
  }
}
