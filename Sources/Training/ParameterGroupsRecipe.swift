import NN
import Optimizers

/// Parameter groups as a value: one optimizer recipe per selection of the model's parameters
/// (`[net.biases: SGD(learningRate: 1), net.weights: SGD(learningRate: 0.2)]`), made into one
/// `ParameterGroups` optimizer when a run builds the model.
///
/// A group's optimizer is SGD, Adam or AdamW without a selection of its own — the group's key is
/// its selection — or none: a frozen group (`[net.head: SGD(…), net.trunk: .frozen]`) stays as
/// it is, with no optimizer state and no gradient recorded. Leaving parameters out is not the
/// same as freezing them: that is refused (a forgotten group would silently not train), and the
/// refusal names the frozen key that would say it. Whether the groups cover the model exactly
/// once is checked when the run starts, against the model it builds.
public struct ParameterGroupsRecipe: OptimizerRecipe {
  public struct Group: Sendable {
    /// How the language wrote the key (`biases`, `weights - head`), for summaries and errors.
    public var title: String
    public var selection: ParameterSelection
    /// The group's optimizer; nil for a frozen group.
    public var recipe: (any OptimizerRecipe)?

    public init(title: String, selection: ParameterSelection, recipe: (any OptimizerRecipe)?) {
      self.title = title
      self.selection = selection
      self.recipe = recipe
    }
  }

  public let groups: [Group]

  /// - Throws: `ModuleError` for no group, or a group whose optimizer is not SGD, Adam or AdamW
  ///   or already has a selection of its own.
  public init(_ groups: [Group]) throws {
    guard !groups.isEmpty else {
      throw ModuleError(
        "parameter groups need at least one group",
        help: "write [net.weights: SGD(learningRate: 0.1), net.biases: SGD(learningRate: 0.5)]")
    }
    for group in groups {
      switch group.recipe {
      case nil: continue
      case let sgd as SGDRecipe where sgd.selection == nil: continue
      case let adam as AdamRecipe where adam.selection == nil: continue
      case is SGDRecipe, is AdamRecipe:
        throw ModuleError(
          "the optimizer of parameter group '\(group.title)' has 'parameters:' of its own; the group's key already says what it trains",
          help: "drop 'parameters:' from \(group.recipe?.description ?? "")")
      default:
        throw ModuleError(
          "parameter group '\(group.title)' takes SGD, Adam or AdamW (or .frozen), not \(group.recipe?.description ?? "")",
          help: "multirate and Alrao set their own groups: pass them to fit as the whole optimizer")
      }
    }
    self.groups = groups
  }

  /// The first trained group's: a run's summary shows one rate.
  public var learningRate: Float { firstTrained?.learningRate ?? 0 }
  public var schedule: ScheduleRecipe { firstTrained?.schedule ?? .constant }
  private var firstTrained: (any OptimizerRecipe)? { groups.lazy.compactMap(\.recipe).first }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    var trained: [ParameterGroups.Group] = []
    var frozen: [(name: String, parameters: [OptimizedParameter])] = []
    for group in groups {
      if let recipe = restricted(group) {
        trained.append(ParameterGroups.Group(group.title, try recipe.make(for: model, plan: plan)))
      } else {
        frozen.append((group.title, try [OptimizedParameter](group.selection, in: model)))
      }
    }
    return try ParameterGroups(
      trained, frozen: frozen, model: model, uncoveredHelp: try uncoveredHelp(in: model))
  }

  /// The group's optimizer over the group's selection; nil for a frozen group.
  private func restricted(_ group: Group) -> (any OptimizerRecipe)? {
    switch group.recipe {
    case var sgd as SGDRecipe:
      sgd.selection = group.selection
      return sgd
    case var adam as AdamRecipe:
      adam.selection = group.selection
      return adam
    default: return group.recipe
    }
  }

  public var description: String {
    "[" + groups.map { "\($0.title): \($0.recipe?.description ?? ".frozen")" }.joined(separator: ", ") + "]"
  }

  /// The fix for parameters in no group, naming them as the language does when a named
  /// selection is exactly what is left (`net.trunk` after `[net.head: …]`).
  private func uncoveredHelp(in model: Module) throws -> String {
    let rest = ParameterSelection.complement(.union(groups.map(\.selection)))
    let named: [(ParameterSelection, String)] = [
      (.trunk, "net.trunk"), (.head, "net.head"), (.biases, "net.biases"), (.weights, "net.weights"),
    ]
    let key = try named.first { candidate, _ in
      try Self.sameElements(candidate, rest, in: model)
    }?.1
    guard let key else {
      return
        "add a group for the rest: an optimizer to train it, or .frozen to keep it as it is; to train one selection alone, SGD(…, parameters: …) is shorter"
    }
    return
      "to keep them as they are, add \(key): .frozen; to train them, give \(key) an optimizer; to train one selection alone, SGD(…, parameters: …) is shorter"
  }

  /// Whether two selections pick the same elements of `model` (a selection that matches a
  /// head-less model's head is not the same as anything).
  private static func sameElements(_ a: ParameterSelection, _ b: ParameterSelection, in model: Module) throws -> Bool {
    guard let left = try? a.resolve(in: model) else { return false }
    let right = try b.resolve(in: model)
    func elements(_ chosen: [SelectedParameter]) -> [String: [Float]] {
      Dictionary(
        chosen.map { ($0.path, $0.mask?.scalars ?? [Float](repeating: 1, count: $0.variable.value.count)) },
        uniquingKeysWith: { first, _ in first })
    }
    return elements(left) == elements(right)
  }
}
