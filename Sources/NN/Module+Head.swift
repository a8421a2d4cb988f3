import Autodiff
import TensorCore

/// A module that can be a model's head: the part fine-tuning replaces, multirate training
/// updates on the fast clock and Alrao copies. `Linear` is one; a module made of several
/// classifiers (Alrao's copies, say) declares itself one, so that the `Linear`s inside it are
/// not mistaken for the head.
public protocol HeadModule: Module {
  /// A fresh head taking the same inputs with `outputs` outputs, weights drawn from `generator`.
  func replacement(outputs: Int, generator: inout RandomGenerator) throws -> Module
}

extension Linear: HeadModule {
  public func replacement(outputs: Int, generator: inout RandomGenerator) throws -> Module {
    try Linear(inputCount, outputs, bias: bias != nil, generator: &generator)
  }
}

extension Module {
  /// The path of the head: the last `HeadModule` (a `Linear`, usually) in `namedModules()`
  /// order that is not inside another head (`"7"` in a `Sequential`, `"linear"` in a ResNet,
  /// `""` for a bare `Linear`); nil when there is none.
  ///
  /// This is the one definition of "head": `replacingHead` replaces it, and
  /// `ParameterSelection.head` / `.trunk` pick the parameters under it / everything else.
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
    try replacingHead(outputs: outputs, poolingPositions: false, generator: &generator)
  }

  /// As `replacingHead(outputs:generator:)`; with `poolingPositions`, a `SequenceMean` goes
  /// before the fresh head, so a model that gives a vector at every position (a language
  /// model's trunk, `[N, L, W]`) becomes a classifier of whole sequences (`[N, outputs]`) — the
  /// layout `Architectures.transformer(classes:)` builds. In a `Sequential` the mean becomes the
  /// head's sibling, so the result stays flat and its head is still its last layer.
  /// - Throws: as `replacingHead(outputs:generator:)`, and `ModuleError` when the layer before
  ///   the head already averages over positions.
  public func replacingHead(outputs: Int, poolingPositions: Bool, generator: inout RandomGenerator) throws -> Module {
    guard let (path, old) = head else {
      throw ModuleError("'replacingHead' needs a 'Linear' to replace but '\(configurationDescription)' has none")
    }
    guard outputs > 0 else {
      throw ModuleError("'replacingHead' needs a positive number of outputs but got \(outputs)")
    }
    let fresh = try old.replacement(outputs: outputs, generator: &generator)
    fresh.setTraining(old.isTraining)
    let components = path.isEmpty ? [] : path.split(separator: ".").map(String.init)
    guard poolingPositions else { return try copy().replacing(at: components[...], with: fresh) }
    let mean = SequenceMean()
    mean.setTraining(old.isTraining)
    let parentPath = components.dropLast()
    if let name = components.last, let parent = module(at: parentPath) as? Sequential,
      let index = parent.children.firstIndex(where: { $0.name == name })
    {
      if index > 0, parent.layers[index - 1] is SequenceMean {
        throw ModuleError(
          "'replacingHead' was asked to pool over positions, but the layer before the head already does (SequenceMean)",
          help: "replace the head without pooling")
      }
      let copied = try parent.copy()
      guard let layers = (copied as? Sequential)?.layers else {
        throw ModuleError("'Sequential' copied to another type")
      }
      let pooled = Sequential(Array(layers[..<index]) + [mean, fresh] + Array(layers[(index + 1)...]))
      pooled.isTraining = parent.isTraining
      return try copy().replacing(at: parentPath, with: pooled)
    }
    let wrapped = Sequential([mean, fresh])
    wrapped.isTraining = old.isTraining
    return try copy().replacing(at: components[...], with: wrapped)
  }

  /// The module at a path of child names (this module for an empty path).
  private func module(at path: ArraySlice<String>) -> Module? {
    guard let name = path.first else { return self }
    return children.first { $0.name == name }?.module.module(at: path.dropFirst())
  }

  private var head: (path: String, module: any HeadModule)? {
    var found: (path: String, module: any HeadModule)?
    for (path, module) in namedModules() {
      if let current = found, current.path.isEmpty || path.hasPrefix(current.path + ".") { continue }
      if let head = module as? any HeadModule { found = (path, head) }
    }
    return found
  }

  /// This module (already a copy) with the module at `path` replaced: the containers on the path
  /// are rebuilt around the replacement, the modules off it are kept as they are.
  func replacing(at path: ArraySlice<String>, with replacement: Module) throws -> Module {
    guard let name = path.first else { return replacement }
    let current = children
    guard let child = current.first(where: { $0.name == name })?.module else {
      throw ModuleError("'\(typeName)' has no child named '\(name)'")
    }
    let rebuilt = try child.replacing(at: path.dropFirst(), with: replacement)
    return try adopting(children: current.map { $0.name == name ? rebuilt : $0.module })
  }
}
