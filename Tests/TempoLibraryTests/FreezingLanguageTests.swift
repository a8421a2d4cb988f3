import Testing

@Suite("Training part of a model in the language: .frozen groups, and did-you-mean from other spellings")
struct FreezingLanguageTests {
  @Test("[net.head: SGD(…), net.trunk: .frozen] trains the head alone, loss for loss as SGD(…, parameters: net.head)")
  func frozenGroupTrainsTheHead() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let net = MLP([64, 16, 10])
      let data = Digits().split(0.8, seed: 0)
      let frozen = fit(net, on: data, optimizer: [net.head: SGD(learningRate: 0.1, momentum: 0.9), net.trunk: .frozen], epochs: 2, progress: false)
      let headOnly = fit(net, on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9, parameters: net.head), epochs: 2, progress: false)
      let full = fit(net, on: data, optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 2, progress: false)
      """)
    #expect(session.value("frozen.stepLosses == headOnly.stepLosses")?.description == "true")
    #expect(session.value("frozen.stepLosses == full.stepLosses")?.description == "false")
    #expect(
      session.value("frozen.optimizer")?.description == "[head: SGD(learningRate: 0.1, momentum: 0.9), trunk: .frozen]")
    _ = session.value(
      "let t = Trainer(net, optimizer: [net.head: Adam(learningRate: 0.01), net.trunk: .frozen], data: data)\nt.step()")
    #expect(session.value("t.steps")?.description == "1")
  }

  @Test("a group left out names the frozen key that would keep it; other group values are refused")
  func leftOutAndWrongValues() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    let missing = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.head: SGD(learningRate: 0.1)], progress: false)"))
    #expect(missing.rendered.contains("no parameter group owns '1.weight', '1.bias'"), "\(missing.rendered)")
    #expect(
      missing.rendered.contains(
        "help: to keep them as they are, add net.trunk: .frozen; to train them, give net.trunk an optimizer"),
      "\(missing.rendered)")
    let biases = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.weights: SGD(learningRate: 0.1)], progress: false)"))
    #expect(biases.rendered.contains("add net.biases: .frozen"), "\(biases.rendered)")
    let typo = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.head: SGD(), net.trunk: .frozn], progress: false)"))
    #expect(typo.rendered.contains("parameter group 'trunk' is .frozn; a group is an optimizer or .frozen"))
    let number = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.head: SGD(), net.trunk: 0], progress: false)"))
    #expect(number.rendered.contains("help: write [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]"))
    let allFrozen = try #require(
      session.error("fit(net, on: Digits(), optimizer: [net.head: .frozen, net.trunk: .frozen], progress: false)"))
    #expect(allFrozen.rendered.contains("every parameter group is frozen: nothing trains"))
  }

  /// Each spelling a user of another library tries, and the real spelling its help must show.
  static let spellings: [(code: String, error: String, help: String)] = [
    (
      "fit(net, on: Digits(), optimizer: SGD(learningRate: 0.1), parameters: net.head, progress: false)",
      "TypeError: 'fit' has no argument 'parameters:'",
      "help: 'fit' trains what its optimizer trains: write optimizer: SGD(learningRate: 0.1, parameters: net.head)"
    ),
    (
      "fit(net, on: Digits(), parameters: net.head, progress: false)",
      "TypeError: 'fit' has no argument 'parameters:'",
      "write optimizer: SGD(learningRate: 0.01, momentum: 0.9, parameters: net.head)"
    ),
    (
      "fit(net, on: Digits(), optimizer: Adam(learningRate: 0.01), frozen: net.trunk, progress: false)",
      "TypeError: 'fit' has no argument 'frozen:'",
      "write optimizer: [net.head: Adam(learningRate: 0.01), net.trunk: .frozen]"
    ),
    (
      "Trainer(net, optimizer: SGD(learningRate: 0.1), data: Digits(), parameters: net.weights - net.head)",
      "TypeError: 'Trainer' has no argument 'parameters:'",
      "write optimizer: SGD(learningRate: 0.1, parameters: net.weights - net.head)"
    ),
    (
      "let t = Trainer(net, optimizer: SGD(learningRate: 0.1), data: Digits())\nt.step(only: net.head)",
      "TypeError: 'step' has no argument 'only:'",
      "help: a Trainer steps what its optimizer trains, chosen when it is made: Trainer(net, optimizer: SGD(learningRate: 0.1, parameters: net.head), data: …), then t.step()"
    ),
    (
      "SGD(learningRate: 0.1, frozen: net.trunk)",
      "TypeError: 'SGD' has no argument 'frozen:'",
      "help: an optimizer names what it trains, not what it leaves: write [net.head: SGD(learningRate: 0.1), net.trunk: .frozen], or SGD(learningRate: 0.1, parameters: net.head)"
    ),
    (
      "Adam(learningRate: 0.01, only: net.head)",
      "TypeError: 'Adam' has no argument 'only:'",
      "write Adam(learningRate: 0.01, parameters: net.head)"
    ),
    (
      "net.trunk.freeze()",
      "TypeError: value of type 'Parameters' has no member 'freeze'",
      "optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]"
    ),
    (
      "net.head.unfreeze()",
      "TypeError: value of type 'Parameters' has no member 'unfreeze'",
      "SGD(learningRate: 0.1, parameters: net.head)"
    ),
    (
      "net.trunk.requiresGrad = false",
      "TypeError: cannot assign to property 'requiresGrad' of 'Parameters'",
      "optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]"
    ),
    (
      "net.trunk.trainable = false",
      "TypeError: cannot assign to property 'trainable' of 'Parameters'",
      "optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]"
    ),
    (
      "net.head.requiresGrad = true",
      "TypeError: cannot assign to property 'requiresGrad' of 'Parameters'",
      "train net.head by naming it in the optimizer, SGD(learningRate: 0.1, parameters: net.head)"
    ),
    (
      "freeze(net.trunk)",
      "NameError: cannot find 'freeze' in scope",
      "help: freezing is said in the optimizer, not by a function: optimizer: SGD(learningRate: 0.1, parameters: net.head) trains the head alone; optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen] keeps the trunk as it is"
    ),
    (
      "net.freeze()",
      "TypeError: value of type 'Model' has no member 'freeze'",
      "help: models have no frozen flag (fit trains a copy); say it in the optimizer: optimizer: SGD(learningRate: 0.1, parameters: net.head)"
    ),
  ]

  @Test("every spelling from another library is answered with the real one", arguments: spellings)
  func didYouMean(_ spelling: (code: String, error: String, help: String)) throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    let error = try #require(session.error(spelling.code))
    #expect(error.rendered.contains(spelling.error), "\(error.rendered)")
    #expect(error.rendered.contains(spelling.help), "\(error.rendered)")
  }

  @Test("a label that means nothing to freezing keeps the usual error")
  func otherLabelsUnchanged() throws {
    let session = LibrarySession()
    _ = session.value("let net = MLP([64, 16, 10])")
    let error = try #require(session.error("fit(net, on: Digits(), epoch: 2, progress: false)"))
    #expect(error.rendered.contains("did you mean 'epochs:'?"), "\(error.rendered)")
  }
}
