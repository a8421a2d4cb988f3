import Autodiff
import NN
import TensorCore

/// Several optimizers as one, each over its own group of parameters: PyTorch's parameter
/// groups (`[net.biases: SGD(learningRate: 1), net.weights: SGD(learningRate: 0.2)]`), where each
/// group has its own learning rate, momentum, weight decay, schedule — and its own state, since
/// each group is a separate optimizer that never sees another group's parameters.
///
/// Every element of the model belongs to exactly one group: a parameter left out would silently
/// stop training, one in two groups would be stepped twice per step. Both are refused, naming
/// the parameters and the groups. Parameters meant to stay as they are are said so, as frozen
/// groups (`[net.head: SGD(…), net.trunk: .frozen]`): they count as covered, but no optimizer
/// owns them, so they get no state, and no gradient is recorded for them (the step's plan
/// names only the trained groups). To train one selection alone, giving the optimizer itself
/// a selection is shorter (`SGD(…, parameters: net.head)`).
///
/// A step differentiates the union of what the groups ask for, then steps each group in order.
/// Groups are meant for optimizers that step once per batch (SGD, Adam): follow-up passes of a
/// group are not asked for, so the recipe that builds groups (Training) admits only those.
public final class ParameterGroups: Optimizer {
  /// One group: a name for errors and summaries, and the optimizer over its parameters.
  public struct Group {
    public let name: String
    public let optimizer: Optimizer

    public init(_ name: String, _ optimizer: Optimizer) {
      self.name = name
      self.optimizer = optimizer
    }
  }

  public let groups: [Group]
  public let parameters: [OptimizedParameter]
  /// The frozen groups: a name and the parameters (or parts of them) no optimizer steps.
  public let frozen: [(name: String, parameters: [OptimizedParameter])]

  /// The first group's rate and schedule: the optimizer protocol has one rate, and what reads
  /// it (a summary) shows the first group. Each group steps with its own.
  public var baseLearningRate: Float { groups[0].optimizer.baseLearningRate }
  public var schedule: LearningRateSchedule { groups[0].optimizer.schedule }
  public var stepCount: Int { groups[0].optimizer.stepCount }

  /// - Parameters:
  ///   - groups: the groups, each an optimizer over its own parameters; at least one.
  ///   - frozen: groups no optimizer steps, each a name and its parameters.
  ///   - model: when given, every element of every parameter of the model must be in a group,
  ///     trained or frozen.
  ///   - uncoveredHelp: the fix to show when some are in none, in the caller's spelling.
  /// - Throws: `ModuleError` for no trained group, two groups with one name, an element owned
  ///   by two groups, an empty group, or a parameter of `model` in no group.
  public init(
    _ groups: [Group], frozen: [(name: String, parameters: [OptimizedParameter])] = [], model: Module? = nil,
    uncoveredHelp: String? = nil
  ) throws {
    guard !groups.isEmpty else {
      let help =
        frozen.isEmpty
        ? "write [net.weights: SGD(…), net.biases: SGD(…)]"
        : "give at least one group an optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen]"
      throw ModuleError(
        frozen.isEmpty ? "parameter groups need at least one group" : "every parameter group is frozen: nothing trains",
        help: help)
    }
    let all = groups.map { ($0.name, $0.optimizer.parameters) } + frozen.map { ($0.name, $0.parameters) }
    var names = Set<String>()
    for (name, _) in all where !names.insert(name).inserted {
      throw ModuleError("two parameter groups are named '\(name)'", help: "give every group its own name")
    }
    for (name, parameters) in all where !parameters.contains(where: { Self.owned($0).contains(true) }) {
      throw ModuleError(
        "parameter group '\(name)' has no parameters",
        help: "a selection that matches nothing makes an empty group: drop it or pick other parameters")
    }
    try Self.checkDisjoint(all)
    if let model { try Self.checkCovers(model, all.flatMap(\.1), help: uncoveredHelp) }
    self.groups = groups
    self.frozen = frozen
    self.parameters = groups.flatMap { $0.optimizer.parameters }
  }

  public func prepareStep() throws -> GradientPlan {
    var seen = Set<ObjectIdentifier>()
    var variables: [Variable] = []
    for group in groups {
      let plan = try group.optimizer.prepareStep()
      let wanted = plan.parameters ?? group.optimizer.parameters.map(\.variable)
      for variable in wanted where seen.insert(ObjectIdentifier(variable)).inserted { variables.append(variable) }
    }
    return GradientPlan(parameters: variables, kind: "full")
  }

  public func step() throws {
    for group in groups { try group.optimizer.step() }
  }

  public func finishStep(updated: Bool) {
    for group in groups { group.optimizer.finishStep(updated: updated) }
  }
}

extension ParameterGroups {
  /// How many elements of `parameter` its entry owns, one flag per element.
  private static func owned(_ parameter: OptimizedParameter) -> [Bool] {
    guard let mask = parameter.mask else { return [Bool](repeating: true, count: parameter.variable.value.count) }
    return mask.scalars.map { $0 != 0 }
  }

  /// No element in two groups; the error names the tensor, both groups and the fix.
  private static func checkDisjoint(_ groups: [(name: String, parameters: [OptimizedParameter])]) throws {
    var owners: [ObjectIdentifier: (group: String, owned: [Bool])] = [:]
    for group in groups {
      for parameter in group.parameters {
        let key = ObjectIdentifier(parameter.variable)
        let mine = owned(parameter)
        guard let earlier = owners[key] else {
          owners[key] = (group.name, mine)
          continue
        }
        let shared = zip(earlier.owned, mine).filter { $0 && $1 }.count
        guard shared == 0 else {
          throw ModuleError(
            "parameter groups '\(earlier.group)' and '\(group.name)' both own \(parameter.origin) (\(shared) of its \(mine.count) elements); each parameter belongs to exactly one group",
            help: "make the groups disjoint, for example [net.biases: …, net.weights: …] or [net.head: …, net.trunk: …]"
          )
        }
        owners[key] = (earlier.group, zip(earlier.owned, mine).map { $0 || $1 })
      }
    }
  }

  /// Every element of the model in some group; the error lists what is missing.
  private static func checkCovers(_ model: Module, _ grouped: [OptimizedParameter], help: String?) throws {
    var owned: [ObjectIdentifier: [Bool]] = [:]
    for parameter in grouped {
      let key = ObjectIdentifier(parameter.variable)
      let mine = Self.owned(parameter)
      owned[key] = owned[key].map { earlier in zip(earlier, mine).map { $0 || $1 } } ?? mine
    }
    var missing: [String] = []
    for (path, variable) in model.namedParameters() {
      let flags = owned[ObjectIdentifier(variable)] ?? []
      let left = flags.isEmpty ? variable.value.count : flags.filter { !$0 }.count
      guard left > 0 else { continue }
      missing.append(
        left == variable.value.count ? "'\(path)'" : "'\(path)' (\(left) of \(variable.value.count) elements)")
    }
    guard missing.isEmpty else {
      let shown =
        missing.prefix(6).joined(separator: ", ") + (missing.count > 6 ? " and \(missing.count - 6) more" : "")
      throw ModuleError(
        "no parameter group owns \(shown); every parameter belongs to exactly one group",
        help: help
          ?? "add a group for the rest (net.weights + net.biases cover an MLP), or train a subset alone with SGD(…, parameters: …)"
      )
    }
  }
}
