import Autodiff
import TensorCore

/// What a non-strict load did: which tensors it loaded, and what it left out and why (PyTorch's
/// `load_state_dict(strict=False)` returns the missing and unexpected keys alike).
public struct StateLoadReport: Sendable, Equatable {
  /// Paths loaded from the state.
  public var loaded: [String] = []
  /// Model paths the state has no tensor for: they keep their values (initial weights).
  public var missing: [String] = []
  /// State paths the model has no parameter or buffer for: skipped.
  public var unexpected: [String] = []
  /// Paths in both whose shapes differ: skipped, the model keeps its values.
  public var mismatched: [(path: String, state: [Int], model: [Int])] = []
  /// The model's paths that kept their values (missing or mismatched), in the model's order.
  public var kept: [String] = []

  public static func == (a: StateLoadReport, b: StateLoadReport) -> Bool {
    a.loaded == b.loaded && a.missing == b.missing && a.unexpected == b.unexpected
      && a.mismatched.map(\.path) == b.mismatched.map(\.path)
  }

  /// Whether every tensor of the state and every path of the model matched.
  public var isComplete: Bool { missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty }
}

extension Module {
  /// Every parameter and buffer by path: what a checkpoint holds.
  public func stateDictionary() -> [(path: String, tensor: Tensor)] {
    (namedParameters() + namedBuffers()).map { ($0.path, $0.variable.value) }
  }

  /// Replaces parameters and buffers with the given tensors.
  ///
  /// When `strict`, nothing is changed unless every tensor fits: a missing or unexpected path
  /// or a shape that differs is an error naming the path, so a failed load never leaves a model
  /// half-updated. When not `strict`, the tensors that match a path and its shape are loaded
  /// and the rest is reported (unlike PyTorch, which still refuses a shape mismatch: a new head
  /// with another number of classes is the usual reason to load non-strictly).
  @discardableResult
  public func loadStateDictionary(_ state: [(path: String, tensor: Tensor)], strict: Bool = true) throws
    -> StateLoadReport
  {
    let targets = namedParameters() + namedBuffers()
    var byPath: [String: Tensor] = [:]
    for (path, tensor) in state { byPath[path] = tensor }
    var updates: [(Variable, Tensor)] = []
    var report = StateLoadReport()
    for (path, variable) in targets {
      guard let tensor = byPath.removeValue(forKey: path) else {
        report.missing.append(path)
        report.kept.append(path)
        continue
      }
      guard tensor.shape == variable.value.shape else {
        if strict {
          throw ModuleError(
            "'\(path)' has shape \(Tensor.describe(tensor.shape)) in the state but \(Tensor.describe(variable.value.shape)) in the model"
          )
        }
        report.mismatched.append((path, tensor.shape, variable.value.shape))
        report.kept.append(path)
        continue
      }
      updates.append((variable, tensor))
      report.loaded.append(path)
    }
    report.unexpected = byPath.keys.sorted()
    if strict, !report.isComplete {
      var problems: [String] = []
      if !report.missing.isEmpty { problems.append("missing \(report.missing.joined(separator: ", "))") }
      if !report.unexpected.isEmpty { problems.append("unexpected \(report.unexpected.joined(separator: ", "))") }
      throw ModuleError("state does not match the model: \(problems.joined(separator: "; "))")
    }
    for (variable, tensor) in updates { variable.value = tensor }
    return report
  }
}
