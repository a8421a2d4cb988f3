import Autodiff
import TensorCore

/// A part of a network: it owns named parameters and buffers, may contain other modules, and
/// maps an input to an output.
///
/// Parameter paths join the names on the way down with dots (`layers.2.weight`), and the names
/// are PyTorch's, so a state dictionary means the same thing in both and safetensors files move
/// between them.
open class Module {
  /// Training mode (dropout active, batch statistics) or evaluation mode.
  public internal(set) var isTraining = true

  public init() {}

  /// The computation. Subclasses override this; callers use `callAsFunction`.
  open func forward(_ input: Variable) throws -> Variable {
    throw ModuleError("\(typeName) does not implement forward")
  }

  /// This module's own trainable parameters, in PyTorch's order and with PyTorch's names.
  open var ownParameters: [(name: String, variable: Variable)] { [] }

  /// This module's own state that is not trained (running statistics), by name.
  open var ownBuffers: [(name: String, variable: Variable)] { [] }

  /// The modules inside this one, by name.
  open var children: [(name: String, module: Module)] { [] }

  /// A short description of the configuration for summaries: `Linear(784 → 1024)`.
  open var configurationDescription: String { typeName }

  /// A new module of the same type holding new variables with the values of this module's own
  /// parameters and buffers, its settings (and any random state), and `children` as its children,
  /// in the order of `children`.
  ///
  /// Every subclass overrides this: it is how `copy()`, `replacingChild(named:with:)` and
  /// `replacingHead(outputs:generator:)` rebuild a module without knowing its type. Call those
  /// rather than this: they check that the result has this type, the same parameter names and
  /// shapes, and no variable in common with the original. Sharing a variable here would make
  /// training the copy train the original too, which is what the check refuses.
  /// - Throws: `ModuleError` when `children` do not fit this module's slots, or (here, in the
  ///   base class) always: a module type that does not override this cannot be copied.
  open func copy(withChildren children: [Module]) throws -> Module {
    throw ModuleError("'\(typeName)' cannot be copied: it does not override 'copy(withChildren:)'")
  }

  public var typeName: String { String(describing: type(of: self)) }

  /// Runs `forward`, and reports the output to a summary being taken.
  public func callAsFunction(_ input: Variable) throws -> Variable {
    let output = try forward(input)
    ModelSummary.record(module: self, output: output)
    return output
  }

  /// Every parameter with its full path, depth first, in declaration order.
  public func namedParameters() -> [(path: String, variable: Variable)] {
    collect(prefix: "") { $0.ownParameters }
  }

  /// Every buffer with its full path.
  public func namedBuffers() -> [(path: String, variable: Variable)] {
    collect(prefix: "") { $0.ownBuffers }
  }

  public var parameters: [Variable] { namedParameters().map(\.variable) }

  /// Every module below this one (this one first) with its path.
  public func namedModules(prefix: String = "") -> [(path: String, module: Module)] {
    var result: [(String, Module)] = [(prefix, self)]
    for (name, child) in children {
      result += child.namedModules(prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }
    return result
  }

  private func collect(
    prefix: String, _ own: (Module) -> [(name: String, variable: Variable)]
  ) -> [(path: String, variable: Variable)] {
    var result: [(path: String, variable: Variable)] = []
    for (path, module) in namedModules(prefix: prefix) {
      for (name, variable) in own(module) { result.append((path.isEmpty ? name : "\(path).\(name)", variable)) }
    }
    return result
  }

  /// The number of trainable values.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

  /// Switches this module and every module inside it to training or evaluation mode.
  public func setTraining(_ training: Bool) {
    for (_, module) in namedModules() { module.isTraining = training }
  }

  /// Runs `body` with this module and every module inside it in training or evaluation mode,
  /// then switches them all back to the mode this module was in, also when `body` throws.
  ///
  /// For an evaluation pass in the middle of training (`withMode(training: false) { … }`).
  /// The restore is uniform: a model whose parts were in different modes comes back with all
  /// of them in this module's mode.
  public func withMode<Result, Failure: Error>(
    training: Bool, _ body: () throws(Failure) -> Result
  ) throws(Failure) -> Result {
    let wasTraining = isTraining
    setTraining(training)
    defer { setTraining(wasTraining) }
    return try body()
  }

  /// Stops (or restarts) gradients for every parameter: a frozen module runs forward without
  /// recording, and backward stops before it.
  public func setFrozen(_ frozen: Bool) {
    for parameter in parameters { parameter.requiresGrad = !frozen }
  }

  /// Forgets every parameter's accumulated gradient.
  public func zeroGradients() {
    for parameter in parameters { parameter.zeroGrad() }
  }
}

/// A module that cannot do what was asked, with the reason and the fix.
public struct ModuleError: Error, CustomStringConvertible, Equatable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
