import Testing

@Suite("Parameter groups in the language: optimizer: [net.biases: SGD(…), net.weights: SGD(…)]")
struct ParameterGroupsLanguageTests {
  @Test("a dictionary of groups trains as multirate with k = 1 and h_S = the biases' rate, loss for loss")
  func groupsTrainLikeMultirateWithKOne() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Spiral(points: 200, test: 200, seed: 0)
      let net = MLP([2, 32, 1])
      let groups = fit(net, on: data, optimizer: [net.biases: SGD(learningRate: 1.0, momentum: 0.9), net.weights: SGD(learningRate: 0.2, momentum: 0.9)], epochs: 3, batchSize: 25, progress: false)
      let multirate = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.2, momentum: 0.9), k: 1, slow: net.biases, slowLearningRate: 1.0), epochs: 3, batchSize: 25, progress: false)
      let plain = fit(net, on: data, optimizer: SGD(learningRate: 0.2, momentum: 0.9), epochs: 3, batchSize: 25, progress: false)
      """)
    #expect(session.value("groups.stepLosses == multirate.stepLosses")?.description == "true")
    #expect(session.value("groups.stepLosses == plain.stepLosses")?.description == "false")
    #expect(
      session.value("groups.optimizer")?.description
        == "[biases: SGD(learningRate: 1.0, momentum: 0.9), weights: SGD(learningRate: 0.2, momentum: 0.9)]")
  }

  @Test("Trainer takes groups too, and a group may be Adam")
  func trainerAndAdam() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let net = MLP([64, 16, 10])
      let t = Trainer(net, optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: Adam(learningRate: 0.001)], data: Digits())
      for _ in 0..<5 { t.step() }
      """)
    #expect(session.value("t.steps")?.description == "5")
    #expect(session.value("t.loss.isFinite")?.description == "true")
  }

  @Test("groups that overlap or leave parameters out fail when the run starts, naming them and the fix")
  func coverageErrors() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    let overlap = try #require(
      session.error(
        "fit(net, on: Digits(), optimizer: [net.head: SGD(), net.biases: SGD(), net.trunk: SGD()], progress: false)"))
    #expect(overlap.rendered.contains("parameter groups 'head' and 'biases' both own '3.bias'"), "\(overlap.rendered)")
    #expect(overlap.rendered.contains("help: make the groups disjoint"))
    let missing = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.weights: SGD()], progress: false)"))
    #expect(missing.rendered.contains("no parameter group owns '1.bias', '3.bias'"), "\(missing.rendered)")
    #expect(missing.rendered.contains("SGD(…, parameters: …)"))
  }

  @Test("a group's optimizer is SGD, Adam or AdamW without parameters: of its own; keys are Parameters")
  func groupValues() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    let nested = try #require(
      session.error(
        "fit(net, on: Digits(), optimizer: [net.head: SGD(parameters: net.head), net.trunk: SGD()], progress: false)"))
    #expect(nested.rendered.contains("has 'parameters:' of its own"), "\(nested.rendered)")
    let multirate = try #require(
      session.error(
        "fit(net, on: Digits(), optimizer: [net.head: Multirate(SGD(), fast: net.head), net.trunk: SGD()], progress: false)"
      ))
    #expect(multirate.rendered.contains("takes SGD, Adam or AdamW"), "\(multirate.rendered)")
    let other = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.head: SGD(), MLP([64, 10]).trunk: SGD()], progress: false)")
    )
    #expect(other.rendered.contains("belongs to another model"), "\(other.rendered)")
    #expect(session.error("fit(net, on: Digits(), optimizer: [\"head\": SGD()], progress: false)") != nil)
  }

  @Test("a parameter selection is a dictionary key by identity; other host values are not keys")
  func selectionKeys() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])\nlet d = [net.head: 1, net.head: 2]")
    #expect(session.value("d.count")?.description == "2")
    let error = try #require(session.error("[SGD(): 1]"))
    #expect(error.rendered.contains("cannot be a dictionary key"))
  }
}
