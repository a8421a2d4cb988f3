import Autodiff
import NN
import Optimizers
import TensorCore
import Testing

private func values(_ model: Module) -> [[Float]] { model.namedParameters().map(\.variable.value.scalars) }

@Suite("Parameter groups: one optimizer per group, each element in exactly one")
struct ParameterGroupsTests {
  @Test("biases at rate 1 and weights at 0.2 (momentum 0.9) are multirate with k = 1 and h_S = 1, bit for bit")
  func perGroupRatesAreMultirateWithKOne() throws {
    let (inputs, labels) = try blobs(count: 32, seed: 31)
    let reference = try network([2, 8, 4], seed: 41)
    let model = try network([2, 8, 4], seed: 41)
    let multirate = try Multirate(
      fast: [OptimizedParameter](.weights, in: reference), slow: [OptimizedParameter](.biases, in: reference), k: 1,
      learningRate: 0.2, slowStepSize: 1, model: reference)
    let groups = try ParameterGroups(
      [
        .init("biases", try SGD([OptimizedParameter](.biases, in: model), learningRate: 1, momentum: 0.9)),
        .init("weights", try SGD([OptimizedParameter](.weights, in: model), learningRate: 0.2, momentum: 0.9)),
      ], model: model)
    var plans: [GradientPlan] = []
    for _ in 0..<6 {
      try protocolStep(reference, multirate, inputs, labels, plans: &plans)
      try protocolStep(model, groups, inputs, labels, plans: &plans)
    }
    #expect(values(model) == values(reference))
    #expect(values(model) != values(try network([2, 8, 4], seed: 41)), "the models trained")
    #expect(plans.allSatisfy { $0.parameters?.count == 4 }, "every step differentiates every parameter")
  }

  @Test("each group steps with its own rule and keeps its own state")
  func ownRulesAndState() throws {
    let (inputs, labels) = try blobs(count: 16, seed: 32)
    let model = try network([2, 4, 4], seed: 42)
    let sgdBiases = try SGD([OptimizedParameter](.biases, in: model), learningRate: 0.1, momentum: 0.9)
    let adamWeights = try Adam([OptimizedParameter](.weights, in: model), learningRate: 0.01)
    let groups = try ParameterGroups([.init("biases", sgdBiases), .init("weights", adamWeights)], model: model)
    // The same steps with the two optimizers driven one after the other on a copy.
    let copy = try network([2, 4, 4], seed: 42)
    let copySGD = try SGD([OptimizedParameter](.biases, in: copy), learningRate: 0.1, momentum: 0.9)
    let copyAdam = try Adam([OptimizedParameter](.weights, in: copy), learningRate: 0.01)
    var plans: [GradientPlan] = []
    for _ in 0..<4 {
      try protocolStep(model, groups, inputs, labels, plans: &plans)
      copySGD.zeroGradients()
      copyAdam.zeroGradients()
      try copy(Variable(inputs)).crossEntropy(targets: labels).backward()
      try copySGD.step()
      try copyAdam.step()
    }
    #expect(values(model) == values(copy))
    let bias = model.namedParameters().first { $0.path == "0.bias" }!.variable
    let weight = model.namedParameters().first { $0.path == "0.weight" }!.variable
    #expect(sgdBiases.momentumBuffer(of: bias) != nil && sgdBiases.momentumBuffer(of: weight) == nil)
    #expect(adamWeights.moments(of: weight) != nil && adamWeights.moments(of: bias) == nil)
    #expect(groups.stepCount == 4)
  }

  @Test("an element in two groups is refused, naming the tensor, both groups and the fix")
  func overlapIsRefused() throws {
    let model = try network([3, 4, 2], seed: 43)
    let error = try #require(throws: ModuleError.self) {
      try ParameterGroups(
        [
          .init("head", try SGD([OptimizedParameter](.head, in: model), learningRate: 0.1)),
          .init("biases", try SGD([OptimizedParameter](.biases, in: model), learningRate: 0.5)),
          .init(
            "trunk weights",
            try SGD([OptimizedParameter](.intersection([.trunk, .weights]), in: model), learningRate: 0.1)),
        ], model: model)
    }
    #expect(error.description.contains("parameter groups 'head' and 'biases' both own '2.bias'"))
    #expect(error.description.contains("(2 of its 2 elements)"))
    #expect(error.help?.contains("disjoint") == true)
  }

  @Test("a parameter in no group is refused, listing what is missing and how to train a subset instead")
  func missingIsRefused() throws {
    let model = try network([3, 4, 4, 2], seed: 44)
    let error = try #require(throws: ModuleError.self) {
      try ParameterGroups(
        [.init("weights", try SGD([OptimizedParameter](.weights, in: model), learningRate: 0.1))], model: model)
    }
    #expect(error.description.contains("no parameter group owns '0.bias', '2.bias', '4.bias'"))
    #expect(error.help?.contains("parameters:") == true)
  }

  @Test("part of a tensor left out is named with the count of its missing elements")
  func partlyMissing() throws {
    let model = try network([2, 3], seed: 45)
    let weight = try #require(model.namedParameters().first { $0.path == "0.weight" }).variable
    let bias = try #require(model.namedParameters().first { $0.path == "0.bias" }).variable
    let error = try #require(throws: ModuleError.self) {
      try ParameterGroups(
        [
          .init(
            "some",
            try SGD(
              [OptimizedParameter(weight, mask: try Tensor(shape: weight.shape, values: [1, 1, 1, 1, 0, 0]))],
              learningRate: 0.1)),
          .init("bias", try SGD([OptimizedParameter(bias)], learningRate: 0.1)),
        ], model: model)
    }
    #expect(error.description.contains("'0.weight' (2 of 6 elements)"))
  }

  @Test("no groups, an empty group and two groups of one name are refused")
  func malformed() throws {
    let model = try network([2, 3], seed: 46)
    #expect(throws: ModuleError.self) { try ParameterGroups([], model: model) }
    let empty = try #require(throws: ModuleError.self) {
      try ParameterGroups(
        [
          .init("all", try SGD([OptimizedParameter](model), learningRate: 0.1)),
          .init("nothing", try SGD([], learningRate: 0.1)),
        ], model: model)
    }
    #expect(empty.description.contains("'nothing' has no parameters"))
    let twice = try #require(throws: ModuleError.self) {
      try ParameterGroups(
        [
          .init("g", try SGD([OptimizedParameter](.weights, in: model), learningRate: 0.1)),
          .init("g", try SGD([OptimizedParameter](.biases, in: model), learningRate: 0.1)),
        ], model: model)
    }
    #expect(twice.description.contains("two parameter groups are named 'g'"))
  }
}
