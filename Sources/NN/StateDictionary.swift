import Autodiff
import TensorCore

extension Module {
  /// Every parameter and buffer by path: what a checkpoint holds.
  public func stateDictionary() -> [(path: String, tensor: Tensor)] {
    (namedParameters() + namedBuffers()).map { ($0.path, $0.variable.value) }
  }

  /// Replaces parameters and buffers with the given tensors.
  ///
  /// Nothing is changed unless every tensor fits: a missing or unexpected path (when `strict`)
  /// or a shape that differs is an error naming the path, so a failed load never leaves a model
  /// half-updated.
  public func loadStateDictionary(_ state: [(path: String, tensor: Tensor)], strict: Bool = true) throws {
    let targets = namedParameters() + namedBuffers()
    var byPath: [String: Tensor] = [:]
    for (path, tensor) in state { byPath[path] = tensor }
    var updates: [(Variable, Tensor)] = []
    var missing: [String] = []
    for (path, variable) in targets {
      guard let tensor = byPath.removeValue(forKey: path) else {
        missing.append(path)
        continue
      }
      guard tensor.shape == variable.value.shape else {
        throw ModuleError(
          "'\(path)' has shape \(Tensor.describe(tensor.shape)) in the state but \(Tensor.describe(variable.value.shape)) in the model"
        )
      }
      updates.append((variable, tensor))
    }
    if strict, !missing.isEmpty || !byPath.isEmpty {
      var problems: [String] = []
      if !missing.isEmpty { problems.append("missing \(missing.joined(separator: ", "))") }
      if !byPath.isEmpty { problems.append("unexpected \(byPath.keys.sorted().joined(separator: ", "))") }
      throw ModuleError(
        "state does not match the model: \(problems.joined(separator: "; ")) (load with strict: false to skip them)")
    }
    for (variable, tensor) in updates { variable.value = tensor }
  }
}
