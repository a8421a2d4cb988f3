import Plotting
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

@Suite("The patch experiment in the language: patched data, several validation sets, CompositeAveraging")
struct PatchLanguageTests {
  static let setup = """
    let patched = Digits().split(0.8, seed: 0).normalized().patched(side: 3, seed: 0, patchOnlyCount: 200)
    """

  @Test("split.patched gives the four sets; validation is the three test sets by name")
  func patchedData() throws {
    let session = LibrarySession()
    _ = session.value(Self.setup)
    #expect(session.value("patched.train.count")?.description == "1438")
    #expect(session.value("patched.test.count")?.description == "359")
    #expect(session.value("patched.augmentedTest.count")?.description == "359")
    #expect(session.value("patched.patchOnly.count")?.description == "200")
    #expect(session.value("patched.validation.keys")?.description == "[\"clean\", \"augmented\", \"patch only\"]")
    #expect(session.value("patched")?.description.contains("patchOnly: 200 samples") == true)
    let error = try #require(session.error("Digits().patched(side: 3)"))
    #expect(error.rendered.contains("patched"))
  }

  @Test("fit(validate: [name: data]) records every set per epoch; run.on and group.on read one as the test set")
  func severalValidationSets() throws {
    let session = LibrarySession()
    _ = session.value(
      Self.setup + """

        let runs = seeds(2) { s in
          fit(MLP([64, 32, 10]), on: patched.train, validate: patched.validation, optimizer: SGD(learningRate: 0.05, momentum: 0.9), epochs: 3, seed: s, progress: false)
        }
        let run = runs[0]
        """)
    #expect(session.value("run.validationSets")?.description == "[\"clean\", \"augmented\", \"patch only\"]")
    #expect(session.value("run.on(\"clean\").testAccuracy == run.testAccuracy")?.description == "true")
    #expect(
      session.value("run.on(\"patch only\").accuracy == run.history[2][\"patch only accuracy\"]")?.description == "true"
    )
    #expect(session.value("run.on(\"augmented\").name")?.description.hasSuffix("(augmented)") == true)
    #expect(session.value("runs.on(\"patch only\").testAccuracy[\"count\"]")?.description == "2")
    #expect(
      session.value(
        "runs.on(\"patch only\").testAccuracy[\"mean\"] == (runs[0].on(\"patch only\").accuracy! + runs[1].on(\"patch only\").accuracy!) / 2"
      )?
      .description == "true")
    #expect(session.value("runs.validationSets.count")?.description == "3")
    // Curves of a view are that set's, with bands for a group.
    let figure = try #require(session.figure("plot(runs.on(\"patch only\"), metric: .testAccuracy)"))
    guard case .band(let band)? = figure.panels[0].series.first else {
      Issue.record("a group's view is not drawn as a band")
      return
    }
    #expect(band.x == [1, 2, 3])
    // The run's own picture draws each validation set's curve beside the training curve.
    guard case .host(let overview as RunObject)? = session.value("run") else {
      Issue.record("run is not a Run")
      return
    }
    let names = (overview.figure.panels.last?.series ?? []).map { series -> String? in
      switch series {
      case .line(let line): return line.name
      case .band(let band): return band.name
      default: return nil
      }
    }
    #expect(names == ["train", "clean", "augmented", "patch only"])
    let error = try #require(session.error("run.on(\"noisy\")"))
    #expect(error.rendered.contains("has no validation set 'noisy'; its sets are 'clean', 'augmented', 'patch only'"))
    let single = try #require(session.error("fit(MLP([64, 10]), on: patched.train, validate: [:], progress: false)"))
    #expect(single.rendered.contains("empty dictionary"))
  }

  @Test(
    "CompositeAveraging trains in fit: merged network as run.model, no multirate speed-up, Trainer and seeds take it")
  func compositeAveraging() throws {
    let session = LibrarySession()
    _ = session.value(
      Self.setup + """

        let composite = CompositeAveraging(fastLearningRate: 0.05, slowLearningRate: 0.2, k: 5, momentum: 0.9, weightDecay: 0.0005)
        let run = fit(MLP([64, 32, 10]), on: patched.train, validate: patched.validation, optimizer: composite, epochs: 3, batchSize: 128, progress: false)
        """)
    #expect(
      session.value("run.optimizer")?.description
        == "CompositeAveraging(fastLearningRate: 0.05, slowLearningRate: 0.2, k: 5, momentum: 0.9, weightDecay: 0.0005)"
    )
    #expect(session.value("run.steps")?.description == "36")
    #expect(session.value("run.speedup")?.description == "nil")
    #expect(session.value("run.model.parameterCount == MLP([64, 32, 10]).parameterCount")?.description == "true")
    #expect(session.value("evaluate(run.model, on: patched.test)[\"accuracy\"] == run.accuracy")?.description == "true")
    #expect(session.value("run.accuracy! > 0.5")?.description == "true")
    _ = session.value(
      """
      let t = Trainer(MLP([64, 32, 10]), optimizer: composite, data: patched.train)
      for _ in 0..<5 { t.step() }
      """)
    #expect(session.value("t.model.parameterCount == MLP([64, 32, 10]).parameterCount")?.description == "true")
    let error = try #require(session.error("CompositeAveraging(k: 0)"))
    #expect(error.rendered.contains("k"))
    let weight = try #require(session.error("CompositeAveraging(fastWeight: 2)"))
    #expect(weight.rendered.contains("fastWeight"))
  }
}
