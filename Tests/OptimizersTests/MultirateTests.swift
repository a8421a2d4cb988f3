import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

/// One training step through the per-step protocol on a real model: only the planned
/// parameters record a gradient (the others have `requiresGrad` off, so backward stops
/// before them and their `.grad` stays nil).
func protocolStep(
  _ model: Module, _ optimizer: Optimizer, _ inputs: Tensor, _ labels: [Int], plans: inout [GradientPlan]
) throws {
  let all = model.namedParameters().map(\.variable)
  func pass(_ plan: GradientPlan) throws {
    plans.append(plan)
    let wanted = plan.parameters.map { Set($0.map(ObjectIdentifier.init)) }
    for variable in all {
      variable.zeroGrad()
      variable.requiresGrad = wanted?.contains(ObjectIdentifier(variable)) ?? true
    }
    try model(Variable(inputs)).crossEntropy(targets: labels).backward()
  }
  defer { for variable in all { variable.requiresGrad = true } }
  try pass(try optimizer.prepareStep())
  try optimizer.step()
  while let next = optimizer.followUpPass() {
    try pass(next)
    try optimizer.step()
  }
  optimizer.finishStep(updated: true)
}

private func values(_ model: Module) -> [[Float]] { model.namedParameters().map(\.variable.value.scalars) }

@Suite("Multirate laws (ALGORITHMS §4.3)")
struct MultirateTests {
  @Test("with k = 1 multirate is SGD with momentum on a real network, bit for bit")
  func kOneIsSGD() throws {
    let (inputs, labels) = try blobs(count: 32, seed: 11)
    let reference = try network([2, 8, 4], seed: 21)
    let model = try network([2, 8, 4], seed: 21)
    let sgd = try SGD([OptimizedParameter](reference), learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3)
    let multirate = try Multirate(
      fast: [OptimizedParameter](.head, in: model), slow: [OptimizedParameter](.trunk, in: model), k: 1,
      learningRate: 0.05, weightDecay: 1e-3, model: model)
    var plans: [GradientPlan] = []
    for _ in 0..<6 {
      try protocolStep(reference, sgd, inputs, labels, plans: &plans)
      try protocolStep(model, multirate, inputs, labels, plans: &plans)
    }
    #expect(values(model) == values(reference))
    #expect(values(model) != values(try network([2, 8, 4], seed: 21)), "the models trained")
  }

  @Test("with k = 1 and an Adam rule multirate is Adam on a real network, bit for bit")
  func kOneIsAdam() throws {
    let (inputs, labels) = try blobs(count: 32, seed: 12)
    let reference = try network([2, 8, 4], seed: 22)
    let model = try network([2, 8, 4], seed: 22)
    let adam = try Adam([OptimizedParameter](reference), learningRate: 0.01)
    let multirate = try Multirate(
      fast: [OptimizedParameter](.head, in: model), slow: [OptimizedParameter](.trunk, in: model), k: 1,
      learningRate: 0.01, rule: .adam())
    var plans: [GradientPlan] = []
    for _ in 0..<5 {
      try protocolStep(reference, adam, inputs, labels, plans: &plans)
      try protocolStep(model, multirate, inputs, labels, plans: &plans)
    }
    #expect(values(model) == values(reference))
  }

  @Test("the plan of a fast step holds only the fast parameters, and the trunk gets no gradient")
  func fastPlan() throws {
    let (inputs, labels) = try blobs(count: 16, seed: 13)
    let model = try network([2, 8, 8, 4], seed: 23)
    let head = try [OptimizedParameter](.head, in: model)
    let optimizer = try Multirate(
      fast: head, slow: try [OptimizedParameter](.trunk, in: model), k: 3, learningRate: 0.05, model: model)
    let headIdentities = Set(head.map { ObjectIdentifier($0.variable) })
    var plans: [GradientPlan] = []
    for _ in 0..<6 { try protocolStep(model, optimizer, inputs, labels, plans: &plans) }
    #expect(plans.map(\.kind) == ["full", "fast", "fast", "full", "fast", "fast"])
    for plan in plans where plan.kind == "fast" {
      #expect(Set((plan.parameters ?? []).map(ObjectIdentifier.init)) == headIdentities)
    }
    for plan in plans where plan.kind == "full" {
      #expect(plan.parameters?.count == model.namedParameters().count)
    }
  }

  @Test("without drift the slow group moves only at its refresh; with drift it moves every step")
  func slowMovesOnlyByDrift() throws {
    let (inputs, labels) = try blobs(count: 16, seed: 14)
    for drift in [false, true] {
      let model = try network([2, 8, 4], seed: 24)
      let trunk = try [OptimizedParameter](.trunk, in: model)
      let optimizer = try Multirate(
        fast: try [OptimizedParameter](.head, in: model), slow: trunk, k: 2, learningRate: 0.05, drift: drift)
      var plans: [GradientPlan] = []
      var moved: [Bool] = []
      for _ in 0..<4 {
        let before = trunk.map(\.variable.value.scalars)
        try protocolStep(model, optimizer, inputs, labels, plans: &plans)
        moved.append(trunk.map(\.variable.value.scalars) != before)
      }
      #expect(moved == (drift ? [true, true, true, true] : [true, false, true, false]), "drift \(drift)")
    }
  }

  @Test("in reference-code semantics nothing moves on a slow batch, and a cycle of k batches has k − 1 updates")
  func referenceSlowBatchesMoveNothing() throws {
    let (inputs, labels) = try blobs(count: 16, seed: 15)
    let model = try network([2, 8, 4], seed: 25)
    let optimizer = try Multirate(
      fast: try [OptimizedParameter](.head, in: model), slow: try [OptimizedParameter](.trunk, in: model), k: 3,
      learningRate: 0.05, semantics: .referenceCode)
    var plans: [GradientPlan] = []
    var moved: [Bool] = []
    for _ in 0..<9 {
      let before = values(model)
      try protocolStep(model, optimizer, inputs, labels, plans: &plans)
      moved.append(values(model) != before)
    }
    #expect(moved == [true, true, false, true, true, false, true, true, false])
    #expect(plans.map(\.kind) == ["full", "full", "slow", "fast", "fast", "slow", "fast", "fast", "slow"])
  }

  @Test("over one cycle with μ = 0 and a frozen fast part the slow group moves by exactly h·g_S at the cycle start")
  func cycleDisplacement() throws {
    let driver = QuadraticDriver(.two)
    let fast = OptimizedParameter(driver.variables[0], rateScale: Tensor([0]))
    let optimizer = try Multirate(
      fast: [fast], slow: [driver.parameter(1)], k: 3, learningRate: 0.1, rule: .sgd(momentum: 0))
    for _ in 0..<3 { try driver.step(optimizer) }
    // g_S(0, 0) = 1 and h = k·0.1 = 0.3.
    expectClose(driver.theta, [0, -0.3])
  }

  @Test("the schedule scales the fast rate and an uncoupled slow step size alike")
  func schedule() throws {
    let driver = QuadraticDriver(.two)
    let optimizer = try Multirate(
      fast: [OptimizedParameter(driver.variables[0], rateScale: Tensor([0]))], slow: [driver.parameter(1)], k: 2,
      learningRate: 0.1, rule: .sgd(momentum: 0), slowStepSize: 1, schedule: .step(every: 1, factor: 0.5))
    try driver.step(optimizer)
    try driver.step(optimizer)
    // Drift hS/k · factor: 0.5·1 at step 0 and 0.5·0.5 at step 1, along g_S(0, 0) = 1.
    expectClose(driver.theta, [0, -0.75])
  }
}

@Suite("Multirate refuses bad groups with errors that name them")
struct MultirateErrorTests {
  let driver = QuadraticDriver(.two, vector: true)

  @Test("an element in two groups is refused, naming both groups and the parameter")
  func overlap() throws {
    let whole = OptimizedParameter(driver.variables[0], origin: "'theta'")
    let error = try #require(throws: ModuleError.self) {
      try Multirate(fast: [driver.parameter(0)], slow: [whole], k: 2, learningRate: 0.1)
    }
    #expect(
      error.description
        == "groups 'slow' and 'fast' both own 1 of the 2 elements of 'theta'; an element belongs to one group only")
    #expect(
      error.help
        == "make the groups disjoint, for example the slow group as the complement of the fast one ('.complement')"
    )
  }

  @Test("an empty group is refused by name")
  func emptyGroup() throws {
    let error = try #require(throws: ModuleError.self) {
      try Multirate(fast: [driver.parameter(0)], slow: [], k: 2, learningRate: 0.1)
    }
    #expect(error.description == "group 'slow' has no parameters")
    let masked = OptimizedParameter(driver.variables[0], mask: Tensor([0, 0]), origin: "'theta'")
    let allMasked = try #require(throws: ModuleError.self) {
      try Multirate(fast: [driver.parameter(0)], slow: [masked], k: 2, learningRate: 0.1)
    }
    #expect(allMasked.description == "group 'slow' has no parameters")
  }

  @Test("k below 1 is refused")
  func kBelowOne() throws {
    let error = try #require(throws: ModuleError.self) {
      try Multirate(fast: [driver.parameter(0)], slow: [driver.parameter(1)], k: 0, learningRate: 0.1)
    }
    #expect(error.description == "k must be at least 1 but is 0")
    #expect(error.help?.contains("the paper uses 5") == true)
  }

  @Test("a ratio that is not a whole number ≥ 1 is refused, naming the two groups")
  func ratios() throws {
    let fraction = try #require(throws: ModuleError.self) { try Multirate.ratio(2.5, between: "trunk", and: "head") }
    #expect(fraction.description == "the ratio between groups 'trunk' and 'head' must be a whole number ≥ 1 but is 2.5")
    #expect(try Multirate.ratio(5, between: "trunk", and: "head") == 5)
    let zero = try #require(throws: ModuleError.self) {
      try Multirate(
        groups: [
          MultirateGroup("a", [driver.parameter(0)]), MultirateGroup("b", [driver.parameter(1)]),
          MultirateGroup("c", [OptimizedParameter(Variable(Tensor([0])))]),
        ], ratios: [2, 0], learningRate: 0.1)
    }
    #expect(zero.description == "the ratio between groups 'b' and 'c' must be a whole number ≥ 1 but is 0")
    let count = try #require(throws: ModuleError.self) {
      try Multirate(
        groups: [MultirateGroup("a", [driver.parameter(0)]), MultirateGroup("b", [driver.parameter(1)])],
        ratios: [2, 2], learningRate: 0.1)
    }
    #expect(
      count.description
        == "2 groups need 1 ratios (one between each group and the next faster one) but got 2")
  }

  @Test("a group whose parameters are not in the model is refused by name")
  func notInModel() throws {
    let model = try network([2, 3, 2], seed: 1)
    let stranger = try #require(throws: ModuleError.self) {
      try Multirate(
        fast: [driver.parameter(0)], slow: try [OptimizedParameter](.trunk, in: model), k: 2, learningRate: 0.1,
        model: model)
    }
    #expect(
      stranger.description == "group 'fast' has no parameters in the model: none of its 1 parameters belongs to it")
    #expect(stranger.help?.contains("[OptimizedParameter](.head, in: model)") == true)
    let mixed = try #require(throws: ModuleError.self) {
      try Multirate(
        fast: try [OptimizedParameter](.head, in: model) + [OptimizedParameter(Variable(Tensor([1])), origin: "'x'")],
        slow: try [OptimizedParameter](.trunk, in: model), k: 2, learningRate: 0.1, model: model)
    }
    #expect(mixed.description == "group 'fast' lists 'x', which is not a parameter of the model")
  }

  @Test("reference-code semantics refuse what the published loop does not have")
  func referenceOptions() throws {
    let noDrift = try #require(throws: ModuleError.self) {
      try Multirate(
        fast: [driver.parameter(0)], slow: [driver.parameter(1)], k: 2, learningRate: 0.1, drift: false,
        semantics: .referenceCode)
    }
    #expect(noDrift.description == "'.referenceCode' semantics have linear drift; 'drift: false' is not one of them")
    let kOne = try #require(throws: ModuleError.self) {
      try Multirate(
        fast: [driver.parameter(0)], slow: [driver.parameter(1)], k: 1, learningRate: 0.1, semantics: .referenceCode)
    }
    #expect(kOne.description.hasPrefix("'.referenceCode' semantics need k ≥ 2"))
  }
}
