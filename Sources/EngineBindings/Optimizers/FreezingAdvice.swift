import TempoRuntime
import Training

/// Did-you-mean for the ways other libraries train part of a model: `fit(…, parameters:)`,
/// `Trainer.step(only:)`, `net.trunk.freeze()`, `freeze(net.trunk)`, `requiresGrad = false`.
///
/// Tempo says what trains in one place, the optimizer: `SGD(…, parameters: net.head)` trains
/// a selection alone, and parameter groups give each selection an optimizer or `.frozen`
/// (`[net.head: SGD(…), net.trunk: .frozen]`). A model or selection has no frozen flag to set,
/// because models are values — `fit` trains a copy — and a flag on a value would not say which
/// run it is for. Each answer shows the real spelling with the user's own selection and
/// optimizer where the call has them.
enum FreezingAdvice {
  /// Labels that mean "train only these".
  static let onlyLabels: Set<String> = ["parameters", "params", "only", "trainable", "train", "subset", "selection"]
  /// Labels that mean "keep these as they are".
  static let frozenLabels: Set<String> = ["frozen", "freeze", "freezing", "fixed", "exclude"]
  /// Member names that freeze or unfreeze in other libraries.
  static let memberNames: Set<String> = [
    "freeze", "frozen", "unfreeze", "requiresGrad", "requires_grad", "requires_grad_", "trainable", "isTrainable",
    "stopGradient", "detach",
  ]

  /// The two spellings, for a page of help that has no selection to name.
  static let general =
    "optimizer: SGD(learningRate: 0.1, parameters: net.head) trains the head alone; optimizer: [net.head: SGD(learningRate: 0.1), net.trunk: .frozen] keeps the trunk as it is and gives each group its own settings"

  /// `fit(…, parameters: net.head)` and its kin, on `fit` and `Trainer`.
  static func forFitLabel(_ function: String) -> Signature.LabelAdvice {
    { label, call in
      let isOnly = onlyLabels.contains(label)
      guard isOnly || frozenLabels.contains(label) else { return nil }
      let given = call.first { $0.label == label }?.value
      guard case .host(let chosen as ParametersObject)? = given else {
        return "'\(function)' trains what its optimizer trains: \(general)"
      }
      let optimizer: (any OptimizerRecipe)? = call.lazy.compactMap { argument -> (any OptimizerRecipe)? in
        guard argument.label == "optimizer", case .host(let object as OptimizerObject) = argument.value else {
          return nil
        }
        return object.recipe
      }.first
      let key = keyText(chosen.title)
      if isOnly {
        return "'\(function)' trains what its optimizer trains: write optimizer: \(restricted(optimizer, to: key))"
      }
      return
        "'\(function)' trains what its optimizer trains: write optimizer: [\(complement(of: chosen.title)): \(optimizer.map(groupText) ?? "SGD(learningRate: 0.01, momentum: 0.9)"), \(key): .frozen]"
    }
  }

  /// `SGD(learningRate: 0.1, frozen: net.trunk)`: an optimizer names what it trains.
  static func forOptimizerLabel(_ function: String) -> Signature.LabelAdvice {
    { label, call in
      guard frozenLabels.contains(label) || (onlyLabels.contains(label) && label != "parameters") else { return nil }
      guard case .host(let chosen as ParametersObject)? = call.first(where: { $0.label == label })?.value else {
        return "an optimizer names what it trains with parameters: (\(general))"
      }
      let key = keyText(chosen.title)
      // The call's other arguments as written (as source: a string keeps its quotes).
      let settings = call.compactMap { argument in
        argument.label.flatMap { $0 == label ? nil : "\($0): \(argument.value.debugDescription)" }
      }
      let own = "\(function)(\(settings.joined(separator: ", ")))"
      if onlyLabels.contains(label) {
        return
          "an optimizer names what it trains with parameters:, write \(function)(\((settings + ["parameters: \(key)"]).joined(separator: ", ")))"
      }
      return
        "an optimizer names what it trains, not what it leaves: write [\(complement(of: chosen.title)): \(own), \(key): .frozen], or \(function)(\((settings + ["parameters: \(complement(of: chosen.title))"]).joined(separator: ", ")))"
    }
  }

  /// `t.step(only: net.head)`: a trainer's optimizer is fixed when it is made.
  static func forStep(_ recipe: any OptimizerRecipe) -> Signature.LabelAdvice {
    { label, call in
      guard onlyLabels.contains(label) || frozenLabels.contains(label) else { return nil }
      let given = call.first { $0.label == label }?.value
      guard case .host(let chosen as ParametersObject)? = given else {
        return "a Trainer steps what its optimizer trains, chosen when it is made: \(general)"
      }
      let key = keyText(chosen.title)
      let optimizer =
        onlyLabels.contains(label)
        ? restricted(recipe, to: key)
        : "[\(complement(of: chosen.title)): \(groupText(recipe)), \(key): .frozen]"
      return
        "a Trainer steps what its optimizer trains, chosen when it is made: Trainer(net, optimizer: \(optimizer), data: …), then t.step()"
    }
  }

  /// `net.trunk.freeze()`, `net.head.requiresGrad`: a selection has no flag to set. `setting`
  /// is the value assigned, when there is one: `trainable = true` trains, `= false` freezes.
  static func forMember(_ name: String, of selection: ParametersObject, setting: Value? = nil) -> String? {
    guard memberNames.contains(name) else { return nil }
    let key = keyText(selection.title)
    let trains: Bool
    if case .bool(let flag)? = setting, name != "frozen" {
      trains = flag
    } else {
      trains = name == "unfreeze" || name == "trainable" || name == "isTrainable"
    }
    if trains {
      return
        "selections have no frozen flag: train \(key) by naming it in the optimizer, SGD(learningRate: 0.1, parameters: \(key))"
    }
    return
      "selections have no frozen flag (fit trains a copy of the model): say it in the optimizer, optimizer: [\(complement(of: selection.title)): SGD(learningRate: 0.1), \(key): .frozen]"
  }

  /// `net.freeze()`: a model has no flag either.
  static func forModelMember(_ name: String) -> String? {
    guard memberNames.contains(name) else { return nil }
    return "models have no frozen flag (fit trains a copy); say it in the optimizer: \(general)"
  }

  /// `SGD(learningRate: 0.1)` with `parameters: key` added; the default optimizer when there
  /// is none, and groups for an optimizer that does not take a selection.
  static func restricted(_ recipe: (any OptimizerRecipe)?, to key: String) -> String {
    let recipe = recipe ?? SGDRecipe(learningRate: 0.01, momentum: 0.9)
    switch recipe {
    case is SGDRecipe, is AdamRecipe:
      let text = recipe.description
      guard text.hasSuffix(")"), let open = text.firstIndex(of: "(") else { return text }
      let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
      let name = text[..<open]
      return "\(name)(\(inside.isEmpty ? "" : inside + ", ")parameters: \(key))"
    default:
      return "[\(key): SGD(learningRate: \(recipe.learningRate)), \(complement(of: key)): .frozen]"
    }
  }

  /// An optimizer as a group's value: without a selection of its own.
  static func groupText(_ recipe: any OptimizerRecipe) -> String {
    switch recipe {
    case var sgd as SGDRecipe:
      sgd.selection = nil
      return sgd.description
    case var adam as AdamRecipe:
      adam.selection = nil
      return adam.description
    default: return "SGD(learningRate: \(recipe.learningRate))"
    }
  }

  /// The language's spelling of a selection from its title: `head` → `net.head`, `weights -
  /// head` → `net.weights - net.head`, `matching "3.*"` → `net.parameters(matching: "3.*")`.
  static func keyText(_ title: String) -> String {
    if title.hasPrefix("net.") { return title }
    let plus = title.components(separatedBy: " + ")
    if plus.count > 1 { return plus.map(keyText).joined(separator: " + ") }
    let minus = title.components(separatedBy: " - ")
    if minus.count > 1 { return minus.map(keyText).joined(separator: " - ") }
    switch title {
    case "input biases": return "net.inputBiases"
    case "output biases": return "net.outputBiases"
    default:
      if title.hasPrefix("matching ") { return "net.parameters(matching: \(title.dropFirst("matching ".count)))" }
      return "net.\(title)"
    }
  }

  /// What is left when `title` is taken out, in the language: the head's complement is the
  /// trunk and back; anything else is written as a difference.
  static func complement(of title: String) -> String {
    switch title {
    case "head", "net.head": return "net.trunk"
    case "trunk", "net.trunk": return "net.head"
    case "weights", "net.weights": return "net.biases"
    case "biases", "net.biases": return "net.weights"
    default: return "net.parameters(matching: \"*\") - \(keyText(title))"
    }
  }
}

extension String {
  /// Pieces of the string between occurrences of `separator` (no Foundation here).
  fileprivate func components(separatedBy separator: String) -> [String] {
    var pieces: [String] = []
    var rest = Substring(self)
    while let range = rest.firstRange(of: separator) {
      pieces.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    pieces.append(String(rest))
    return pieces
  }
}
