import Autodiff
import TensorCore

/// Modules applied one after another; children are named by position (`0`, `1`, …), as in
/// PyTorch's `nn.Sequential`.
public final class Sequential: Module {
  public private(set) var layers: [Module]

  public init(_ layers: [Module]) {
    self.layers = layers
    super.init()
  }

  public override func forward(_ input: Variable) throws -> Variable {
    var value = input
    for layer in layers { value = try layer(value) }
    return value
  }

  public override var children: [(name: String, module: Module)] {
    layers.enumerated().map { (String($0.offset), $0.element) }
  }

  public override var configurationDescription: String { "Sequential(\(layers.count) layers)" }

  /// The same network with its last `Linear` layer replaced by a fresh one with `outputs`
  /// outputs (fine-tuning on a new task). The other layers are shared, not copied.
  public func replacingHead(outputs: Int, generator: inout RandomGenerator) throws -> Sequential {
    guard let index = layers.lastIndex(where: { $0 is Linear }), let head = layers[index] as? Linear else {
      throw ModuleError("replacingHead: this Sequential has no Linear layer to replace")
    }
    var replaced = layers
    replaced[index] = try Linear(head.inputCount, outputs, bias: head.bias != nil, generator: &generator)
    let model = Sequential(replaced)
    model.setTraining(isTraining)
    return model
  }

  /// The index of the last `Linear` layer: everything after it (and it) is the head, the rest
  /// is the trunk.
  public var headIndex: Int? { layers.lastIndex(where: { $0 is Linear }) }
}
