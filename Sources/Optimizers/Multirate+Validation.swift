import Autodiff
import NN
import TensorCore

extension Multirate {
  /// The groups' parameters, each group's list validated (a tensor listed twice in one group is
  /// merged), after every check that names a group.
  static func checked(
    _ groups: [MultirateGroup], ratios: [Int], learningRate: Float, model: Module?
  ) throws -> [[OptimizedParameter]] {
    guard !groups.isEmpty else {
      throw ModuleError("a multirate optimizer needs at least one group", help: "give it a fast and a slow group")
    }
    var names = Set<String>()
    for group in groups where !names.insert(group.name).inserted {
      throw ModuleError("two groups are named '\(group.name)'", help: "give every group its own name: errors use it")
    }
    guard ratios.count == groups.count - 1 else {
      throw ModuleError(
        "\(groups.count) groups need \(groups.count - 1) ratios (one between each group and the next faster one) but got \(ratios.count)"
      )
    }
    for (index, ratio) in ratios.enumerated() where ratio < 1 {
      _ = try Self.ratio(Double(ratio), between: groups[index].name, and: groups[index + 1].name)
    }
    guard learningRate >= 0, learningRate.isFinite else {
      throw ModuleError("the learning rate must be finite and ≥ 0 but is \(learningRate)")
    }
    for group in groups {
      if let problem = group.rule.problem(group: group.name) { throw ModuleError(problem) }
      guard group.weightDecay >= 0 else {
        throw ModuleError("group '\(group.name)' needs weight decay ≥ 0 but has \(group.weightDecay)")
      }
      if let stepSize = group.stepSize, !(stepSize >= 0 && stepSize.isFinite) {
        throw ModuleError("group '\(group.name)' needs a finite step size ≥ 0 but has \(stepSize)")
      }
    }
    if let last = groups.last, last.stepSize != nil {
      throw ModuleError(
        "the fastest group '\(last.name)' steps with the learning rate and takes no 'stepSize' of its own",
        help: "set 'learningRate' to the fast per-step rate")
    }
    var entries: [[OptimizedParameter]] = []
    for group in groups {
      let list: [OptimizedParameter]
      do {
        list = try validated(group.parameters)
      } catch let error as ModuleError {
        throw ModuleError("in group '\(group.name)': \(error.description)", help: error.help)
      }
      let ownsSomething = list.contains { entry in entry.mask?.scalars.contains(1) ?? (entry.variable.value.count > 0) }
      guard ownsSomething else {
        throw ModuleError(
          "group '\(group.name)' has no parameters",
          help: "give every group at least one parameter; a selection that matches nothing makes an empty group")
      }
      entries.append(list)
    }
    if let model { try checkMembership(groups, entries, in: model) }
    try checkDisjoint(groups, entries)
    return entries
  }

  private static func checkMembership(
    _ groups: [MultirateGroup], _ entries: [[OptimizedParameter]], in model: Module
  ) throws {
    let known = Set(model.namedParameters().map { ObjectIdentifier($0.variable) })
    let help = "build the group from this model's parameters, for example '[OptimizedParameter](.head, in: model)'"
    for (group, list) in zip(groups, entries) {
      let missing = list.filter { !known.contains(ObjectIdentifier($0.variable)) }
      if missing.count == list.count {
        throw ModuleError(
          "group '\(group.name)' has no parameters in the model: none of its \(list.count) parameters belongs to it",
          help: help)
      }
      if let first = missing.first {
        throw ModuleError(
          "group '\(group.name)' lists \(first.origin), which is not a parameter of the model", help: help)
      }
    }
  }

  private static func checkDisjoint(_ groups: [MultirateGroup], _ entries: [[OptimizedParameter]]) throws {
    for first in groups.indices {
      for second in groups.indices where second > first {
        for a in entries[first] {
          for b in entries[second] where a.variable === b.variable {
            let count = a.variable.value.count
            let aMask = a.mask?.scalars ?? [Float](repeating: 1, count: count)
            let bMask = b.mask?.scalars ?? [Float](repeating: 1, count: count)
            let shared = zip(aMask, bMask).filter { $0 == 1 && $1 == 1 }.count
            guard shared == 0 else {
              throw ModuleError(
                "groups '\(groups[first].name)' and '\(groups[second].name)' both own \(shared) of the \(count) elements of \(a.origin); an element belongs to one group only",
                help:
                  "make the groups disjoint, for example the slow group as the complement of the fast one ('.complement')"
              )
            }
          }
        }
      }
    }
  }

  /// The published loop has two groups, linear drift, SGD with momentum and one rate.
  static func checkReferenceCode(_ groups: [MultirateGroup], ratios: [Int], drift: Bool) throws {
    let help = "use the default '.paper' semantics for this; '.referenceCode' only reproduces the published loop"
    guard groups.count == 2, let k = ratios.first else {
      throw ModuleError(
        "'.referenceCode' semantics need exactly two groups (slow, fast) but got \(groups.count)", help: help)
    }
    guard k >= 2 else {
      throw ModuleError(
        "'.referenceCode' semantics need k ≥ 2: with k = 1 every batch is a slow batch and nothing ever moves",
        help: help)
    }
    guard drift else {
      throw ModuleError("'.referenceCode' semantics have linear drift; 'drift: false' is not one of them", help: help)
    }
    for group in groups {
      guard case .sgd = group.rule, group.stepSize == nil else {
        throw ModuleError(
          "'.referenceCode' semantics step group '\(group.name)' with SGD momentum at the one learning rate", help: help
        )
      }
    }
  }
}
