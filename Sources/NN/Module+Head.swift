import Autodiff
import TensorCore

extension Module {
  /// The path of the head, the last `Linear` in `namedModules()` order (`"7"` in a `Sequential`,
  /// `"linear"` in a ResNet, `""` for a bare `Linear`); nil when there is no `Linear`.
  ///
  /// The head is the part fine-tuning replaces and multirate training updates fast, so a
  /// notebook can select `"\(headPath).*"`; `ParameterSelection.head` picks the same
  /// parameters whenever the head is the last top-level layer with parameters.
  public var headPath: String? { head?.path }

  /// A deep copy in which the head (the last `Linear`, see `headPath`) is a fresh
  /// `Linear(head.inputCount, outputs)` with a bias when the old head had one: fine-tuning a
  /// trained network on a task with another number of classes, with the original kept intact.
  ///
  /// Everything else is copied as `copy()` copies it (values, frozen parameters, running
  /// statistics, training mode); nothing is shared with this module. The containers on the way
  /// to the head are rebuilt with `copy(withChildren:)`, so any module type works, nested or not.
  /// - Parameters:
  ///   - outputs: the outputs of the new head.
  ///   - generator: the seeded source of the new head's weights.
  /// - Returns: the copy, of this module's type (a `Linear` when this module is the head).
  /// - Throws: `ModuleError` when there is no `Linear`, `outputs` is not positive, or a module
  ///   cannot be copied.
  public func replacingHead(outputs: Int, generator: inout RandomGenerator) throws -> Module {
    guard let (path, old) = head else {
      throw ModuleError("'replacingHead' needs a 'Linear' to replace but '\(configurationDescription)' has none")
    }
    guard outputs > 0 else {
      throw ModuleError("'replacingHead' needs a positive number of outputs but got \(outputs)")
    }
    let fresh = try Linear(old.inputCount, outputs, bias: old.bias != nil, generator: &generator)
    fresh.setTraining(old.isTraining)
    let components = path.isEmpty ? [] : path.split(separator: ".").map(String.init)
    return try copy().replacing(at: components[...], with: fresh)
  }

  private var head: (path: String, linear: Linear)? {
    for (path, module) in namedModules().reversed() {
      if let linear = module as? Linear { return (path, linear) }
    }
    return nil
  }

  /// This module (already a copy) with the module at `path` replaced: the containers on the path
  /// are rebuilt around the replacement, the modules off it are kept as they are.
  private func replacing(at path: ArraySlice<String>, with replacement: Module) throws -> Module {
    guard let name = path.first else { return replacement }
    let current = children
    guard let child = current.first(where: { $0.name == name })?.module else {
      throw ModuleError("'\(typeName)' has no child named '\(name)'")
    }
    let rebuilt = try child.replacing(at: path.dropFirst(), with: replacement)
    return try adopting(children: current.map { $0.name == name ? rebuilt : $0.module })
  }
}
