import Autodiff
import Datasets
import NN
import Optimizers
import Testing

@testable import Training

@Suite("Frozen parameter groups: [net.head: SGD(…), net.trunk: .frozen]")
struct FrozenGroupsTests {
  let data = Dataset.blobs(points: 64, classes: 3, seed: 4)

  func headTrainedTrunkFrozen() throws -> ParameterGroupsRecipe {
    try ParameterGroupsRecipe([
      .init(title: "head", selection: .head, recipe: SGDRecipe(learningRate: 0.1, momentum: 0.9)),
      .init(title: "trunk", selection: .trunk, recipe: nil),
    ])
  }

  @Test("the frozen trunk gets no gradient and no optimizer state, and keeps its values bit for bit")
  func trunkIsNeverDifferentiated() throws {
    let model = try planeClassifier(classes: 3, seed: 1)
    let headPath = try #require(model.headPath)
    let trunk = model.namedParameters().filter { !$0.path.hasPrefix(headPath + ".") }
    let head = model.namedParameters().filter { $0.path.hasPrefix(headPath + ".") }
    let trunkBefore = trunk.map(\.variable.value.scalars)
    let headBefore = head.map(\.variable.value.scalars)
    let configuration = FitConfiguration(batchSize: 16, seed: 0)
    let optimizer = try headTrainedTrunkFrozen().make(
      for: model, plan: RunPlan(epochs: 1, stepsPerEpoch: 4, seed: 0))
    let owned = Set(optimizer.parameters.map { ObjectIdentifier($0.variable) })
    #expect(owned == Set(head.map { ObjectIdentifier($0.variable) }), "only the head has optimizer state")
    let trainer = try Trainer(model: model, optimizer: optimizer, data: data, configuration: configuration)
    for _ in 0..<6 {
      try trainer.step()
      #expect(trunk.allSatisfy { $0.variable.grad == nil }, "the backward stops before the trunk")
      #expect(head.allSatisfy { $0.variable.grad != nil })
    }
    #expect(trunk.map(\.variable.value.scalars) == trunkBefore)
    #expect(head.map(\.variable.value.scalars) != headBefore)
    #expect(model.parameters.allSatisfy { $0.requiresGrad }, "the model is left as it was")
  }

  @Test(
    "training the head with the trunk frozen is SGD over the head, loss for loss, with a shorter tape than a full step")
  func sameAsAnOptimizerOverTheHead() throws {
    let configuration = FitConfiguration(epochs: 2, batchSize: 16, seed: 0)
    let plan = RunPlan(configuration, samples: data.count)
    func run(_ recipe: any OptimizerRecipe) throws -> RunRecord {
      let model = try planeClassifier(classes: 3, seed: 1)
      return try Fit.run(
        model: model, optimizer: try recipe.make(for: model, plan: plan), optimizerDescription: recipe.description,
        on: data, validation: nil, configuration: configuration)
    }
    let frozen = try run(try headTrainedTrunkFrozen())
    let headOnly = try run(SGDRecipe(learningRate: 0.1, momentum: 0.9, selection: .head))
    let full = try run(SGDRecipe(learningRate: 0.1, momentum: 0.9))
    #expect(frozen.stepLosses == headOnly.stepLosses)
    #expect(frozen.stepLosses != full.stepLosses)
    let frozenTape = try #require(frozen.stepKinds["full"]).recordedOperations
    #expect(frozenTape < (try #require(full.stepKinds["full"])).recordedOperations)
  }

  @Test("parameters left out are refused with the frozen key that would say so; all frozen or overlapping too")
  func refusals() throws {
    let model = try planeClassifier(classes: 3, seed: 1)
    let plan = RunPlan(epochs: 1, stepsPerEpoch: 4, seed: 0)
    let headAlone = try ParameterGroupsRecipe([
      .init(title: "head", selection: .head, recipe: SGDRecipe(learningRate: 0.1))
    ])
    let missing = try #require(throws: ModuleError.self) { try headAlone.make(for: model, plan: plan) }
    #expect(missing.description.contains("no parameter group owns '1.weight', '1.bias'"), "\(missing)")
    #expect(missing.help?.contains("add net.trunk: .frozen") == true, "\(String(describing: missing.help))")
    let allFrozen = try ParameterGroupsRecipe([
      .init(title: "head", selection: .head, recipe: nil), .init(title: "trunk", selection: .trunk, recipe: nil),
    ])
    let nothing = try #require(throws: ModuleError.self) { try allFrozen.make(for: model, plan: plan) }
    #expect(nothing.description.contains("every parameter group is frozen"))
    let overlapping = try ParameterGroupsRecipe([
      .init(title: "head", selection: .head, recipe: SGDRecipe(learningRate: 0.1)),
      .init(title: "biases", selection: .biases, recipe: nil), .init(title: "trunk", selection: .trunk, recipe: nil),
    ])
    let twice = try #require(throws: ModuleError.self) { try overlapping.make(for: model, plan: plan) }
    #expect(twice.description.contains("parameter groups 'head' and 'biases' both own"), "\(twice)")
    #expect(try headTrainedTrunkFrozen().description == "[head: SGD(learningRate: 0.1, momentum: 0.9), trunk: .frozen]")
  }
}
