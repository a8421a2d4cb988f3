import Testing

@Suite("Multirate in the language")
struct MultirateLanguageTests {
  @Test("head fast, trunk slow: the run counts its cycles and reports its speed-up beside Eq. 6 and the cost model")
  func fineTuningRun() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 10])
      let mr = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 5, fast: net.head), epochs: 2, progress: false)
      """)
    #expect(
      session.value("mr.optimizer")?.description
        == "Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 5, fast: .head)")
    #expect(session.value("mr.speedup![\"stepsPerCycle\"]!")?.description == "5.0")
    #expect(session.value("mr.speedup![\"activationShare\"]! < 0.5")?.description == "true")
    #expect(session.value("mr.accuracy! > 0.5")?.description == "true")
    let summary = try #require(session.value("mr")?.description)
    #expect(summary.contains("speed-up over full steps: measured"))
    #expect(summary.contains("Eq. 6"))
  }

  @Test("three clocks: (group, period) pairs, slowest first in the summary; bad periods are named")
  func threeScales() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 32, 10])
      let scales = [(net.parameters(matching: "1.*"), 4), (net.parameters(matching: "3.*"), 2), (net.head, 1)]
      let run = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), scales: scales), epochs: 2, progress: false)
      """)
    #expect(session.value("run.accuracy! > 0.5")?.description == "true")
    #expect(session.value("run.optimizer")?.description.contains("scales: [(path(\"1.*\"), 4)") == true)
    let error = try #require(
      session.error(
        "fit(MLP([64, 10]), on: Digits(), optimizer: Multirate(SGD(learningRate: 0.1), scales: [(MLP([64, 10]).trunk, 3), (MLP([64, 10]).head, 2)]), progress: false)"
      ))
    #expect(error.rendered.contains("the fastest with period 1; got periods [3, 2]"))
  }

  @Test("Trainer and seeds take a multirate optimizer as they take any other")
  func trainerAndSeeds() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let net = MLP([64, 32, 10])
      let t = Trainer(net, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 3, fast: net.head), data: Digits())
      for _ in 0..<12 { t.step() }
      let group = seeds(2) { s in fit(net, on: Digits(), optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 5, fast: net.head), seed: s, progress: false) }
      """)
    #expect(session.value("t.steps")?.description == "12")
    #expect(session.value("t.loss.isFinite")?.description == "true")
    #expect(session.value("group.count")?.description == "2")
  }

  @Test("k = 1 is the base SGD: the same losses, and no speed-up to report")
  func kOneIsSGD() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 10])
      let a = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 1, fast: net.head), progress: false)
      let b = fit(net, on: data, optimizer: SGD(learningRate: 0.05, momentum: 0.9), progress: false)
      """)
    #expect(session.value("a.stepLosses == b.stepLosses")?.description == "true")
    #expect(session.value("a.speedup == nil")?.description == "true")
  }

  @Test("slow biases, selections combined with + and -, and a model without weights yet")
  func partitions() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 10])
      let slowBiases = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.2, momentum: 0.9), k: 5, slow: net.biases), progress: false)
      let conv = ConvNet(channels: [4], hidden: 16, classes: 10)
      """)
    #expect(session.value("slowBiases.steps")?.description == "45")
    #expect(session.value("(net.weights - net.head).paths")?.description == "[\"1.weight\"]")
    #expect(session.value("(net.head + net.biases).count")?.description == "362")
    #expect(session.value("conv.head")?.description.contains("picked when fit builds the model") == true)
    #expect(session.value("net.inputBiases.paths")?.description == "[\"1.bias\"]")
    #expect(session.value("net.outputBiases.paths")?.description == "[\"3.bias\"]")
  }

  @Test(
    "a wrong call is a clear error naming the fix",
    arguments: [
      (
        "Multirate(SGD(learningRate: 0.1), k: 5)",
        "'Multirate' needs its fast or its slow group", "help: pass fast: net.head"
      ),
      (
        "Multirate(SGD(learningRate: 0.1), k: 5, fast: MLP([4, 3]).head, slow: MLP([4, 3]).biases)",
        "'Multirate' takes fast: or slow:, not both", "help: keep one of them"
      ),
      (
        "Multirate(AdamW(), fast: MLP([4, 3]).head)", "AdamW's decoupled decay is not supported",
        "help: use Adam(learningRate: …, weightDecay: …) as the base"
      ),
      (
        "Multirate(SGD(learningRate: 0.1), k: 0, fast: MLP([4, 3]).head)", "'k' of 'Multirate'",
        "must be at least 1, not 0"
      ),
      (
        "Multirate(SGD(learningRate: 0.1), fast: MLP([4, 3]).head, semantics: .refrenceCode)",
        "'semantics' of 'Multirate'", "referenceCode"
      ),
      (
        "MLP([4, 3]).head - ConvNet(classes: 3).head", "belong to different models and cannot be combined",
        "help: combine parameter groups of the same model value"
      ),
    ])
  func errors(_ call: (code: String, message: String, help: String)) throws {
    let session = LibrarySession()
    let error = try #require(session.error(call.code))
    #expect(error.rendered.contains(call.message), "\(error.rendered)")
    #expect(error.rendered.contains(call.help), "\(error.rendered)")
  }

  @Test("compare puts a multirate arm's speed-up in columns beside accuracy and wall time")
  func compareColumns() throws {
    let session = LibrarySession()
    let table = try #require(
      session.value(
        """
        let data = Digits().split(0.8, seed: 0)
        let net = MLP([64, 32, 10])
        let full = fit(net, on: data, optimizer: SGD(learningRate: 0.05, momentum: 0.9), progress: false)
        let mr = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 5, fast: net.head), progress: false)
        compare(["full": full, "multirate": mr])
        """
      )?.description)
    #expect(table.contains("speed-up"))
    #expect(table.contains("Eq. 6"))
    #expect(table.contains("cost model"))
  }
}

@Suite("Optimizers over a part of the model")
struct PartialOptimizerTests {
  @Test("SGD(parameters: net.head) trains the head alone: the trunk stays as it was")
  func headOnly() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let base = fit(MLP([64, 32, 10]), on: data, epochs: 1, progress: false)
      let net = base.model
      let tuned = fit(net, on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9, parameters: net.head), progress: false)
      """)
    #expect(session.value("tuned.optimizer")?.description == "SGD(learningRate: 0.1, momentum: 0.9, parameters: .head)")
    #expect(
      session.value("evaluate(base, on: data.test) == evaluate(tuned, on: data.test)")?.description == "false",
      "the head moved")
  }
}

@Suite("The random-subgroup regulariser in the language")
struct RandomSubgroupLanguageTests {
  @Test("Multirate over random weight subsets and its masking ablation train, and say what they are")
  func regulariserAndAblation() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let net = MLP([64, 32, 10])
      let subsets = net.randomSubsets(probabilities: [0.8, 0.5])
      let mr = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.1), k: 5, slow: subsets, slowLearningRate: 0.5), epochs: 2, progress: false)
      let ablation = fit(net, on: data, optimizer: RandomMasking(SGD(learningRate: 0.1), masks: subsets), epochs: 2, progress: false)
      """)
    #expect(
      session.value("mr.optimizer")?.description
        == "Multirate(SGD(learningRate: 0.1), k: 5, slow: randomSubsets(probabilities: [0.8, 0.5], seed: 0), slowLearningRate: 0.5)"
    )
    #expect(session.value("mr.accuracy! > 0.5")?.description == "true")
    // Without rescaling, weights trained with most of their neighbours off score poorly when
    // all are on (the paper's Fig. 8 ablation); that it trains at all is what is checked here.
    #expect(session.value("ablation.trainLoss[1] < ablation.trainLoss[0]")?.description == "true")
    #expect(session.value("ablation.optimizer")?.description.hasPrefix("RandomMasking(SGD(learningRate: 0.1)") == true)
  }

  @Test("probabilities outside 0...1 and a base other than plain SGD are refused with the fix")
  func errors() throws {
    let session = LibrarySession()
    let probability = try #require(session.error("MLP([4, 3]).randomSubsets(probabilities: [1.5])"))
    #expect(probability.rendered.contains("must be numbers in 0...1, not 1.5"))
    let base = try #require(
      session.error("Multirate(Adam(), slow: MLP([4, 3]).randomSubsets(probabilities: [0.5]))"))
    #expect(base.rendered.contains("random-subset multirate runs on plain SGD"))
    #expect(base.rendered.contains("help: use SGD(learningRate: 0.1) as the base"))
  }
}
