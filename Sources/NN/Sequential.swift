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

  public override func copy(withChildren children: [Module]) -> Module { Sequential(children) }

  /// The index of the last `Linear` layer: everything after it (and it) is the head, the rest
  /// is the trunk.
  public var headIndex: Int? { layers.lastIndex(where: { $0 is Linear }) }
}
