import Autodiff
import Foundation
import NN
import TensorCore
import TestSupport
import Testing

/// One kind of module to copy, with an input it accepts.
struct CopyCase: CustomTestStringConvertible, Sendable {
  let name: String
  let make: @Sendable () throws -> (module: Module, input: Tensor)
  var testDescription: String { name }

  init(_ name: String, _ make: @escaping @Sendable () throws -> (module: Module, input: Tensor)) {
    self.name = name
    self.make = make
  }

  static let all: [CopyCase] = [
    CopyCase("Linear") {
      var generator = RandomGenerator(seed: 1)
      return (try Linear(4, 3, generator: &generator), try random([2, 4], seed: 2))
    },
    CopyCase("AlraoHead") {
      var generator = RandomGenerator(seed: 1)
      let head = try AlraoHead(
        replacing: try Linear(4, 3, generator: &generator), copies: 3, rates: [0.01, 0.1, 1],
        likelihood: .categorical, theta: 0.9, generator: &generator)
      try head.store(SwitchPosterior(theta: 0.9, logWeights: [[-1, -2, -3], [-4, -5, -6]], observations: 2))
      return (head, try random([2, 4], seed: 2))
    },
    CopyCase("Linear without bias") {
      var generator = RandomGenerator(seed: 1)
      return (try Linear(4, 3, bias: false, generator: &generator), try random([2, 4], seed: 2))
    },
    CopyCase("Conv2d") {
      var generator = RandomGenerator(seed: 1)
      return (
        try Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, generator: &generator),
        try random([2, 2, 5, 5], seed: 2)
      )
    },
    CopyCase("MaxPool2d") { (try MaxPool2d(kernelSize: 2), try random([1, 2, 5, 5], seed: 2)) },
    CopyCase("AvgPool2d") { (try AvgPool2d(kernelSize: 3, stride: 2, padding: 1), try random([1, 2, 5, 5], seed: 2)) },
    CopyCase("AdaptiveAvgPool2d") {
      (try AdaptiveAvgPool2d(outputHeight: 2, outputWidth: 3), try random([1, 2, 5, 5], seed: 2))
    },
    CopyCase("BatchNorm1d") { (try BatchNorm(3, spatial: false, momentum: 0.3), try random([4, 3], seed: 2)) },
    CopyCase("BatchNorm2d") { (try BatchNorm(2, spatial: true), try random([2, 2, 3, 3], seed: 2)) },
    CopyCase("LayerNorm") { (try LayerNorm(4, epsilon: 1e-3), try random([2, 4], seed: 2)) },
    CopyCase("Activation") {
      (Sequential(Activation.Kind.allCases.map { Activation($0) }), try random([2, 4], seed: 2))
    },
    CopyCase("Softmax") { (Softmax(axis: 0, logarithmic: true), try random([2, 4], seed: 2)) },
    CopyCase("Flatten") { (Flatten(), try random([2, 2, 3], seed: 2)) },
    CopyCase("Dropout") { (try Dropout(0.5, seed: 3), try random([4, 8], seed: 2)) },
    CopyCase("Embedding") {
      var generator = RandomGenerator(seed: 1)
      return (try Embedding(5, 3, generator: &generator), try Tensor(shape: [2, 2], values: [4, 0, 1, 3]))
    },
    CopyCase("LSTM") {
      var generator = RandomGenerator(seed: 1)
      return (
        try LSTM(inputSize: 3, hiddenSize: 4, layers: 2, generator: &generator), try random([2, 3, 3], seed: 2)
      )
    },
    CopyCase("MultiheadAttention") {
      var generator = RandomGenerator(seed: 1)
      return (
        try MultiheadAttention(embedDimension: 4, heads: 2, causal: true, generator: &generator),
        try random([2, 3, 4], seed: 2)
      )
    },
    CopyCase("TransformerEncoderLayer") {
      var generator = RandomGenerator(seed: 1)
      return (
        try TransformerEncoderLayer(modelDimension: 4, heads: 2, feedforwardDimension: 8, generator: &generator),
        try random([2, 3, 4], seed: 2)
      )
    },
    CopyCase("BasicBlock with a downsampling shortcut") {
      var generator = RandomGenerator(seed: 1)
      return (try BasicBlock(2, 4, stride: 2, generator: &generator), try random([2, 2, 4, 4], seed: 2))
    },
    CopyCase("ResNet") {
      var generator = RandomGenerator(seed: 1)
      return (
        try ResNet.cifar(depth: 8, classes: 3, widths: [2, 3, 4], inputChannels: 1, generator: &generator),
        try random([2, 1, 6, 6], seed: 2)
      )
    },
    CopyCase("Sequential, nested, with dropout") {
      var generator = RandomGenerator(seed: 1)
      let trunk = try Architectures.mlp([6, 5, 4], dropout: 0.3, generator: &generator)
      return (
        Sequential([trunk, Activation(.tanh), try Linear(4, 2, generator: &generator)]), try random([3, 6], seed: 2)
      )
    },
    CopyCase("PositionalEmbedding") {
      var generator = RandomGenerator(seed: 1)
      return (try PositionalEmbedding(5, 4, generator: &generator), try random([2, 3, 4], seed: 2))
    },
    CopyCase("SequenceMean") { (SequenceMean(), try random([2, 3, 4], seed: 2)) },
    CopyCase("CompositeNetwork") {
      var generator = RandomGenerator(seed: 1)
      let network = try CompositeNetwork(copying: try Linear(4, 3, generator: &generator), fastWeight: 0.25)
      for parameter in network.slow.parameters { parameter.value = parameter.value.map { $0 * 2 } }
      return (network, try random([2, 4], seed: 2))
    },
  ]
}

@Suite("Deep copies")
struct CopyTests {
  /// Gives the module state a fresh one would not have: a frozen parameter, a submodule in
  /// evaluation mode, running statistics and a dropout generator moved on by one forward pass.
  func worn(_ module: Module, _ input: Tensor) throws -> Module {
    _ = try module(Variable(input))
    module.parameters.first?.requiresGrad = false
    if let last = module.namedModules().last?.module, last !== module { last.setTraining(false) }
    return module
  }

  @Test("a copy has the same type, paths, state and modes, in new variables", arguments: CopyCase.all)
  func structure(_ kind: CopyCase) throws {
    let (made, input) = try kind.make()
    let original = try worn(made, input)
    let copy = try original.copy()
    #expect(copy.typeName == original.typeName)
    #expect(copy.configurationDescription == original.configurationDescription)
    #expect(copy.namedModules().map(\.path) == original.namedModules().map(\.path))
    #expect(copy.namedModules().map(\.module.typeName) == original.namedModules().map(\.module.typeName))
    #expect(copy.namedModules().map(\.module.isTraining) == original.namedModules().map(\.module.isTraining))
    #expect(copy.stateDictionary().map(\.path) == original.stateDictionary().map(\.path))
    #expect(copy.stateDictionary().map(\.tensor) == original.stateDictionary().map(\.tensor))
    #expect(copy.parameters.map(\.requiresGrad) == original.parameters.map(\.requiresGrad))
    let originals = Set((original.namedParameters() + original.namedBuffers()).map { ObjectIdentifier($0.variable) })
    let copies = Set((copy.namedParameters() + copy.namedBuffers()).map { ObjectIdentifier($0.variable) })
    #expect(originals.isDisjoint(with: copies))
    let originalModules = Set(original.namedModules().map { ObjectIdentifier($0.module) })
    #expect(copy.namedModules().allSatisfy { !originalModules.contains(ObjectIdentifier($0.module)) })
  }

  @Test("a copy computes what the original computes, dropout and running statistics included", arguments: CopyCase.all)
  func forward(_ kind: CopyCase) throws {
    let (made, input) = try kind.make()
    let original = try worn(made, input)
    let copy = try original.copy()
    for _ in 0..<2 {
      #expect(try copy(Variable(input)).value == original(Variable(input)).value)
    }
    #expect(copy.stateDictionary().map(\.tensor) == original.stateDictionary().map(\.tensor))
    original.setTraining(false)
    copy.setTraining(false)
    #expect(try copy(Variable(input)).value == original(Variable(input)).value)
  }

  @Test("changing or training the copy leaves the original as it was", arguments: CopyCase.all)
  func independence(_ kind: CopyCase) throws {
    let (made, input) = try kind.make()
    let original = try worn(made, input)
    let before = original.stateDictionary().map(\.tensor)
    let copy = try original.copy()
    for (_, variable) in copy.namedParameters() + copy.namedBuffers() {
      variable.value = variable.value.map { $0 + 1 }
    }
    copy.setTraining(true)
    copy.setFrozen(false)
    let output = try copy(Variable(input))
    if !copy.parameters.isEmpty { try output.sum().backward() }
    #expect(original.stateDictionary().map(\.tensor) == before)
    #expect(original.parameters.allSatisfy { $0.grad == nil })
    #expect(original.parameters.first?.requiresGrad != true)
  }

  @Test("every module class declared in NN has a copy case above, so a new one cannot skip these tests")
  func everyModuleClassIsCovered() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/NN")
    var declared: Set<String> = []
    for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      for match in text.matches(of: /class (\w+): Module/) { declared.insert(String(match.output.1)) }
    }
    #expect(declared.count >= 20)
    var covered: Set<String> = []
    for kind in CopyCase.all {
      covered.formUnion(try kind.make().module.namedModules().map(\.module.typeName))
    }
    #expect(declared.subtracting(covered).isEmpty, "no copy case for \(declared.subtracting(covered).sorted())")
  }

  @Test("a module that appears twice is copied once and appears twice in the copy")
  func sharedModules() throws {
    var generator = RandomGenerator(seed: 4)
    let shared = try Linear(3, 3, generator: &generator)
    let copy = try #require(try Sequential([shared, Activation(.relu), shared]).copy() as? Sequential)
    #expect(copy.layers[0] === copy.layers[2])
    #expect(copy.layers[0] !== shared)
  }

  /// A module whose author forgot `copy(withChildren:)`.
  final class Uncopyable: Module {
    let weight = Variable(Tensor([1, 2]), requiresGrad: true)
    override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight)] }
  }

  /// A module whose `copy(withChildren:)` hands back its own variable.
  final class Sharing: Module {
    let weight: Variable
    init(_ weight: Variable) {
      self.weight = weight
      super.init()
    }
    override var ownParameters: [(name: String, variable: Variable)] { [("weight", weight)] }
    override func copy(withChildren children: [Module]) -> Module { Sharing(weight) }
  }

  @Test("a module type that cannot be copied, or would share a parameter, fails loudly, even deep inside a model")
  func uncopyable() throws {
    #expect(throws: ModuleError("'Uncopyable' cannot be copied: it does not override 'copy(withChildren:)'")) {
      try Sequential([Flatten(), Sequential([Uncopyable()])]).copy()
    }
    #expect(throws: ModuleError("'Sharing' cannot be copied: its copy shares 'weight' with the original")) {
      try Sequential([Sharing(Variable(Tensor([1]), requiresGrad: true))]).copy()
    }
  }

  @Test("replacingChild copies the rest and puts the given module in the named place")
  func replacingChild() throws {
    var generator = RandomGenerator(seed: 5)
    let model = try Architectures.mlp([3, 4, 2], generator: &generator)
    let tanh = Activation(.tanh)
    let replaced = try #require(try model.replacingChild(named: "2", with: tanh) as? Sequential)
    #expect(replaced.layers[2] === tanh)
    #expect((model.layers[2] as? Activation)?.kind == .relu)
    #expect(replaced.stateDictionary().map(\.tensor) == model.stateDictionary().map(\.tensor))
    #expect(replaced.parameters[0] !== model.parameters[0])
    #expect(throws: ModuleError("'Sequential' has no child named '7'; its children are '0', '1', '2', '3'")) {
      try model.replacingChild(named: "7", with: tanh)
    }
    let block = try BasicBlock(2, 2, generator: &generator)
    #expect(throws: ModuleError("'BasicBlock' needs a 'Conv2d' as 'conv1' but got 'Activation'")) {
      try block.replacingChild(named: "conv1", with: tanh)
    }
    #expect(throws: ModuleError("'Linear' has no child named 'weight'; it has no children")) {
      try Linear(2, 2, generator: &generator).replacingChild(named: "weight", with: tanh)
    }
  }
}
