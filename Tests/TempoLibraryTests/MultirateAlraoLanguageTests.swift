import Testing

@Suite("Alrao on multirate's clock in the language")
struct MultirateAlraoLanguageTests {
  @Test("Multirate(Alrao(…), k:, fast: net.head) trains, records the switch every step and reports the speed-up")
  func combinedRun() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 10], activation: .tanh)
      let run = fit(net, on: data, optimizer: Multirate(Alrao(minLearningRate: 1e-5, maxLearningRate: 10, classifiers: 4), k: 5, fast: net.head), epochs: 5, progress: false)
      """)
    #expect(
      session.value("run.optimizer")?.description
        == "Multirate(Alrao(minLearningRate: 1e-05, maxLearningRate: 10.0, classifiers: 4), k: 5, fast: .head)")
    #expect(session.value("run.speedup![\"stepsPerCycle\"]!")?.description == "5.0")
    #expect(session.value("run.switchWeights!.count == run.steps")?.description == "true")
    #expect(session.value("run.classifierRates!.count")?.description == "4")
    #expect(session.value("run.featureRates!.count")?.description == "32")
    #expect(session.value("run.accuracy! > 0.5")?.description == "true")
  }

  @Test("k = 1 is Alrao: the same step losses and the same switch weights")
  func kOneIsAlrao() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 16, 10], activation: .tanh)
      let alrao = Alrao(minLearningRate: 1e-4, maxLearningRate: 1, classifiers: 3)
      let a = fit(net, on: data, optimizer: alrao, epochs: 1, seed: 3, progress: false)
      let b = fit(net, on: data, optimizer: Multirate(alrao, k: 1, fast: net.head), epochs: 1, seed: 3, progress: false)
      """)
    #expect(session.value("a.stepLosses == b.stepLosses")?.description == "true")
    #expect(session.value("a.switchWeights! == b.switchWeights!")?.description == "true")
    #expect(session.value("b.speedup == nil")?.description == "true")
  }

  @Test("What the combination does not support is refused with the fix")
  func refusals() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    for (call, message) in [
      ("Multirate(Alrao(), k: 5, fast: net.head, drift: false)", "drift: false is not supported"),
      ("Multirate(Alrao(), k: 5, fast: net.head, slowLearningRate: 0.1)", "slowLearningRate:"),
      ("Multirate(Alrao(base: .adam), k: 5, fast: net.head)", "base: .adam is not supported"),
      ("Multirate(Alrao(), k: 5, slow: net.randomSubsets(probabilities: [0.8, 0.5]))", "not random subsets"),
    ] {
      let error = try #require(session.error(call), "\(call)")
      #expect(error.rendered.contains(message), "\(error.rendered)")
      #expect(error.rendered.contains("help:"), "\(error.rendered)")
    }
    let headSlow = try #require(
      session.error(
        "fit(net, on: Digits(), optimizer: Multirate(Alrao(), k: 5, slow: net.parameters(matching: \"3.*\")), progress: false)"
      ))
    #expect(headSlow.rendered.contains("Alrao head"), "\(headSlow.rendered)")
  }
}
