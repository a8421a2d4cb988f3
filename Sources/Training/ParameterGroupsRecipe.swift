import NN
import Optimizers

/// Parameter groups as a value: one optimizer recipe per selection of the model's parameters
/// (`[net.biases: SGD(learningRate: 1), net.weights: SGD(learningRate: 0.2)]`), made into one
/// `ParameterGroups` optimizer when a run builds the model.
///
/// A group's optimizer is SGD, Adam or AdamW without a selection of its own — the group's key is
/// its selection. Whether the groups cover the model exactly once is checked when the run starts,
/// against the model it builds.
public struct ParameterGroupsRecipe: OptimizerRecipe {
  public struct Group: Sendable {
    /// How the language wrote the key (`biases`, `weights - head`), for summaries and errors.
    public var title: String
    public var selection: ParameterSelection
    public var recipe: any OptimizerRecipe

    public init(title: String, selection: ParameterSelection, recipe: any OptimizerRecipe) {
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
      case let sgd as SGDRecipe where sgd.selection == nil: continue
      case let adam as AdamRecipe where adam.selection == nil: continue
      case is SGDRecipe, is AdamRecipe:
        throw ModuleError(
          "the optimizer of parameter group '\(group.title)' has 'parameters:' of its own; the group's key already says what it trains",
          help: "drop 'parameters:' from \(group.recipe.description)")
      default:
        throw ModuleError(
          "parameter group '\(group.title)' takes SGD, Adam or AdamW, not \(group.recipe.description)",
          help: "multirate and Alrao set their own groups: pass them to fit as the whole optimizer")
      }
    }
    self.groups = groups
  }

  /// The first group's: a run's summary shows one rate.
  public var learningRate: Float { groups[0].recipe.learningRate }
  public var schedule: ScheduleRecipe { groups[0].recipe.schedule }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    let made = try groups.map { group in
      ParameterGroups.Group(group.title, try restricted(group).make(for: model, plan: plan))
    }
    return try ParameterGroups(made, model: model)
  }

  /// The group's optimizer over the group's selection.
  private func restricted(_ group: Group) -> any OptimizerRecipe {
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
    "[" + groups.map { "\($0.title): \($0.recipe.description)" }.joined(separator: ", ") + "]"
  }
}
