import Autodiff
import NN
import TensorCore

/// Some of a model's parameters, possibly only some elements of them: what an optimizer
/// updates. Multirate's fast and slow parts and Alrao's per-feature groups are selections.
public indirect enum ParameterSelection: Sendable, Equatable {
  /// Every parameter.
  case all
  /// Parameters whose path matches a glob (`*` matches any run of characters, `?` one):
  /// `"layers.2.*"`, `"*.bias"`.
  case path(String)
  /// Parameters that are weights (named `weight…`) or biases (named `bias…`).
  case weights
  case biases
  /// The parameters of one top-level layer, by position or by name.
  case layer(Int)
  case layerNamed(String)
  /// The head (the module at `Module.headPath`) and everything else (the trunk).
  case head
  case trunk
  /// A seeded random subset of output features (rows of a weight with their bias entry; output
  /// channels of a convolution), each feature chosen with its layer's probability:
  /// `probabilities` maps a layer path to a probability, `defaultProbability` covers the rest.
  case randomFeatures(defaultProbability: Float, probabilities: [String: Float] = [:], seed: UInt64)
  case union([ParameterSelection])
  case intersection([ParameterSelection])
  case complement(ParameterSelection)
}

/// One parameter chosen by a selection; `mask` (0 or 1 per element, nil = every element) says
/// which of its elements belong.
public struct SelectedParameter {
  public let path: String
  public let variable: Variable
  public let mask: Tensor?
}

extension ParameterSelection {
  /// The parameters of `model` this selection picks, in the model's order.
  public func resolve(in model: Module) throws -> [SelectedParameter] {
    let parameters = model.namedParameters()
    let masks = try elementMasks(parameters: parameters, model: model)
    var result: [SelectedParameter] = []
    for ((path, variable), mask) in zip(parameters, masks) {
      switch mask {
      case .none: continue
      case .all: result.append(SelectedParameter(path: path, variable: variable, mask: nil))
      case .some(let tensor):
        result.append(SelectedParameter(path: path, variable: variable, mask: tensor))
      }
    }
    return result
  }

  enum Membership {
    case none
    case all
    case some(Tensor)

    /// A mask as membership, whole where it is all ones or all zeros.
    init(_ mask: Tensor) {
      let values = mask.scalars
      if values.allSatisfy({ $0 == 0 }) {
        self = .none
      } else if values.allSatisfy({ $0 == 1 }) {
        self = .all
      } else {
        self = .some(mask)
      }
    }

    func tensor(_ shape: [Int]) throws -> Tensor {
      switch self {
      case .none: try Tensor.zeros(shape)
      case .all: try Tensor.ones(shape)
      case .some(let mask): mask
      }
    }
  }

  private func elementMasks(
    parameters: [(path: String, variable: Variable)], model: Module
  ) throws -> [Membership] {
    func whole(_ predicate: (String) -> Bool) -> [Membership] {
      parameters.map { predicate($0.path) ? .all : .none }
    }
    let topLevel = model.children.map(\.name)
    func topName(_ path: String) -> String { path.split(separator: ".").first.map(String.init) ?? path }
    switch self {
    case .all: return whole { _ in true }
    case .path(let pattern): return whole { Glob.matches(pattern, $0) }
    case .weights: return whole { lastComponent($0).hasPrefix("weight") }
    case .biases: return whole { lastComponent($0).hasPrefix("bias") }
    case .layer(let index):
      guard topLevel.indices.contains(index) else {
        throw ModuleError("layer \(index) does not exist: the model has \(topLevel.count) top-level layers")
      }
      return whole { topName($0) == topLevel[index] }
    case .layerNamed(let name):
      guard topLevel.contains(name) else {
        throw ModuleError("no layer named '\(name)'; the model's layers are \(topLevel.joined(separator: ", "))")
      }
      return whole { topName($0) == name }
    case .head, .trunk:
      guard let head = model.headPath else {
        throw ModuleError(
          "'\(self)' needs a head, a final 'Linear' or classifier, but '\(model.configurationDescription)' has none")
      }
      let inHead: (String) -> Bool = { head.isEmpty || $0.hasPrefix(head + ".") }
      return self == .head ? whole(inHead) : whole { !inHead($0) }
    case .randomFeatures(let defaultProbability, let probabilities, let seed):
      var generator = RandomGenerator(seed: seed)
      var chosenFeatures: [String: [Bool]] = [:]
      return try parameters.map { path, variable throws -> Membership in
        let layer = layerPath(path)
        let probability = probabilities[layer] ?? defaultProbability
        let features = variable.shape.first ?? 1
        // A layer's weight and bias share one draw, so a feature's bias goes with its row.
        let chosen =
          chosenFeatures[layer]
          ?? (0..<features).map { _ in generator.nextUnitFloat() < probability }
        chosenFeatures[layer] = chosen
        let perFeature = variable.value.count / Swift.max(features, 1)
        var mask = try Tensor.zeros(variable.shape)
        mask.withUnsafeMutableBufferPointer { values in
          for feature in 0..<Swift.min(features, chosen.count) where chosen[feature] {
            for offset in 0..<perFeature { values[feature * perFeature + offset] = 1 }
          }
        }
        return Membership(mask)
      }
    case .union(let parts):
      return try combine(parts, parameters: parameters, model: model) { Swift.max($0, $1) }
    case .intersection(let parts):
      return try combine(parts, parameters: parameters, model: model) { Swift.min($0, $1) }
    case .complement(let inner):
      return try inner.elementMasks(parameters: parameters, model: model).map { membership in
        switch membership {
        case .none: .all
        case .all: .none
        case .some(let mask): Membership(mask.map { 1 - $0 })
        }
      }
    }
  }

  private func combine(
    _ parts: [ParameterSelection], parameters: [(path: String, variable: Variable)], model: Module,
    _ body: @escaping (Float, Float) -> Float
  ) throws -> [Membership] {
    guard let first = parts.first else { return parameters.map { _ in .none } }
    var result = try first.elementMasks(parameters: parameters, model: model)
    for part in parts.dropFirst() {
      let next = try part.elementMasks(parameters: parameters, model: model)
      for index in result.indices {
        let shape = parameters[index].variable.shape
        switch (result[index], next[index]) {
        case (.all, .all): result[index] = .all
        case (.none, .none): result[index] = .none
        default:
          let combined = try Tensor.zip(
            "selection", try result[index].tensor(shape), try next[index].tensor(shape), body)
          result[index] = Membership(combined)
        }
      }
    }
    return result
  }

  private func lastComponent(_ path: String) -> String {
    path.split(separator: ".").last.map(String.init) ?? path
  }

  private func layerPath(_ path: String) -> String {
    var components = path.split(separator: ".")
    components.removeLast()
    return components.joined(separator: ".")
  }
}

extension ParameterSelection: CustomStringConvertible {
  /// The selection as the language writes it, for summaries and errors.
  public var description: String {
    func list(_ parts: [ParameterSelection]) -> String { parts.map(\.description).joined(separator: ", ") }
    switch self {
    case .all: return ".all"
    case .path(let pattern): return "path(\"\(pattern)\")"
    case .weights: return ".weights"
    case .biases: return ".biases"
    case .layer(let index): return "layer(\(index))"
    case .layerNamed(let name): return "layer(\"\(name)\")"
    case .head: return ".head"
    case .trunk: return ".trunk"
    case .randomFeatures(let probability, let probabilities, let seed):
      let layers = probabilities.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
      let perLayer = layers.isEmpty ? "" : ", probabilities: [\(layers.joined(separator: ", "))]"
      return "randomFeatures(probability: \(probability)\(perLayer), seed: \(seed))"
    case .union(let parts): return "union(\(list(parts)))"
    case .intersection(let parts): return "intersection(\(list(parts)))"
    case .complement(let inner): return "complement(\(inner))"
    }
  }
}

/// Shell-style matching of parameter paths.
enum Glob {
  static func matches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.unicodeScalars)
    let t = Array(text.unicodeScalars)
    var (pi, ti) = (0, 0)
    var star: Int? = nil
    var resume = 0
    while ti < t.count {
      if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == "*" {
        star = pi
        resume = ti
        pi += 1
      } else if let starIndex = star {
        pi = starIndex + 1
        resume += 1
        ti = resume
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
