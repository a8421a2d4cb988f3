import Autodiff
import TensorCore

extension Module {
  /// A deep copy: the same structure, parameter paths and values, held in new `Variable`s, so
  /// training the copy (fine-tuning, a second run from the same start) leaves this module as it
  /// was.
  ///
  /// Parameters keep `requiresGrad` (a frozen trunk stays frozen), buffers such as batch norm's
  /// running statistics are copied, every module keeps its training mode, and a `Dropout`
  /// continues the same random sequence, so the copy computes exactly what the original would.
  /// Accumulated gradients are not copied: they belong to a backward pass of the original. A
  /// module that appears twice in the tree is copied once and appears twice in the copy.
  ///
  /// Tensors are copy-on-write, so a copy costs one `Variable` per parameter until one side is
  /// written.
  /// - Returns: a module of the same type as this one.
  /// - Throws: `ModuleError` when some module in the tree does not override
  ///   `copy(withChildren:)`, or its override changes the structure or shares a variable.
  public func copy() throws -> Module {
    var copies: [ObjectIdentifier: Module] = [:]
    return try copy(memo: &copies)
  }

  /// A copy of this module in which the child `name` is `replacement`: this module's own
  /// parameters and its other children are deep copies (as `copy()`), `replacement` is used as
  /// given. Containers are rebuilt this way without knowing their type.
  /// - Throws: `ModuleError` when there is no child `name`, or the module needs another type of
  ///   child in that place (a `BasicBlock`'s `conv1` must be a `Conv2d`).
  public func replacingChild(named name: String, with replacement: Module) throws -> Module {
    let current = children
    guard let index = current.firstIndex(where: { $0.name == name }) else {
      let names = current.map { "'\($0.name)'" }.joined(separator: ", ")
      throw ModuleError(
        "'\(typeName)' has no child named '\(name)'; "
          + (current.isEmpty ? "it has no children" : "its children are \(names)"))
    }
    var copies: [ObjectIdentifier: Module] = [:]
    var modules: [Module] = []
    for (offset, child) in current.enumerated() {
      modules.append(offset == index ? replacement : try child.module.copy(memo: &copies))
    }
    return try adopting(children: modules)
  }

  /// `copy()` with the copies made so far, so a module that appears twice is copied once.
  func copy(memo copies: inout [ObjectIdentifier: Module]) throws -> Module {
    if let done = copies[ObjectIdentifier(self)] { return done }
    var modules: [Module] = []
    for child in children { modules.append(try child.module.copy(memo: &copies)) }
    let result = try adopting(children: modules)
    copies[ObjectIdentifier(self)] = result
    return result
  }

  /// `copy(withChildren:)`, checked: the same type, exactly the given children under this
  /// module's names, and own parameters and buffers with the same names, shapes and
  /// `requiresGrad` in variables that are not this module's. A careless override fails here,
  /// loudly, rather than leaving a copy that secretly trains the original.
  func adopting(children modules: [Module]) throws -> Module {
    let result = try copy(withChildren: modules)
    guard type(of: result) == type(of: self) else {
      throw ModuleError(
        "'\(typeName)' cannot be copied: 'copy(withChildren:)' returned a '\(result.typeName)'; "
          + "every subclass must override it")
    }
    let adopted = result.children
    guard adopted.map(\.name) == children.map(\.name), adopted.count == modules.count,
      zip(adopted, modules).allSatisfy({ $0.module === $1 })
    else {
      throw ModuleError(
        "'\(typeName)' cannot be copied: 'copy(withChildren:)' did not take the \(modules.count) children it was given")
    }
    for (original, copied) in [(ownParameters, result.ownParameters), (ownBuffers, result.ownBuffers)] {
      guard original.map(\.name) == copied.map(\.name) else {
        throw ModuleError(
          "'\(typeName)' cannot be copied: its copy holds \(copied.map(\.name)) instead of \(original.map(\.name))")
      }
      for (source, target) in zip(original, copied) {
        guard source.variable !== target.variable else {
          throw ModuleError("'\(typeName)' cannot be copied: its copy shares '\(source.name)' with the original")
        }
        guard source.variable.shape == target.variable.shape,
          source.variable.requiresGrad == target.variable.requiresGrad
        else {
          throw ModuleError(
            "'\(typeName)' cannot be copied: its copy of '\(source.name)' differs in shape or requiresGrad")
        }
      }
    }
    result.isTraining = isTraining
    return result
  }

  /// The child in slot `index` of `modules` as the type this module needs there, for
  /// `copy(withChildren:)` overrides whose children have fixed types.
  func child<Child: Module>(_ modules: [Module], _ index: Int, as type: Child.Type = Child.self) throws -> Child {
    let names = children.map(\.name)
    guard modules.count == names.count else {
      throw ModuleError("'\(typeName)' has \(names.count) children but was given \(modules.count)")
    }
    guard let module = modules[index] as? Child else {
      throw ModuleError(
        "'\(typeName)' needs a '\(Child.self)' as '\(names[index])' but got '\(modules[index].typeName)'")
    }
    return module
  }

  /// Copies the values and `requiresGrad` of this module's own parameters and buffers into the
  /// matching ones of `target`, a fresh module of the same configuration; returns `target`.
  func transferringOwnState(to target: Module) -> Module {
    for (source, destination) in zip(ownParameters + ownBuffers, target.ownParameters + target.ownBuffers) {
      destination.variable.value = source.variable.value
      destination.variable.requiresGrad = source.variable.requiresGrad
    }
    return target
  }
}

extension Variable {
  /// A new leaf with the same value and `requiresGrad`, and no gradient.
  func copied() -> Variable { Variable(value, requiresGrad: requiresGrad) }
}
