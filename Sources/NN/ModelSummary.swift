import Autodiff
import TensorCore

/// A table of a model's layers: path, configuration, output shape and parameter count, taken by
/// running one forward pass (without recording) on zeros of the input shape.
public struct ModelSummary: CustomStringConvertible, Sendable {
  public struct Row: Sendable, Equatable {
    public var path: String
    public var layer: String
    public var outputShape: [Int]
    public var parameterCount: Int
  }

  public var rows: [Row]
  public var totalParameters: Int
  public var trainableParameters: Int

  final class Recorder: @unchecked Sendable {
    var paths: [ObjectIdentifier: String] = [:]
    var rows: [Row] = []
  }

  @TaskLocal static var recorder: Recorder?

  static func record(module: Module, output: Variable) {
    guard let recorder, let path = recorder.paths[ObjectIdentifier(module)] else { return }
    let own = module.ownParameters.reduce(0) { $0 + $1.variable.value.count }
    recorder.rows.append(
      Row(
        path: path.isEmpty ? "(model)" : path, layer: module.configurationDescription, outputShape: output.shape,
        parameterCount: own))
  }

  public var description: String {
    let header = ("layer", "type", "output shape", "parameters")
    let lines = rows.map { ($0.path, $0.layer, Tensor.describe($0.outputShape), String($0.parameterCount)) }
    let all = [header] + lines
    let widths = (
      all.map(\.0.count).max() ?? 0, all.map(\.1.count).max() ?? 0, all.map(\.2.count).max() ?? 0,
      all.map(\.3.count).max() ?? 0
    )
    func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.count) }
    func padLeft(_ text: String, _ width: Int) -> String { String(repeating: " ", count: width - text.count) + text }
    var text = all.map {
      "\(pad($0.0, widths.0))  \(pad($0.1, widths.1))  \(pad($0.2, widths.2))  \(padLeft($0.3, widths.3))"
    }
    text.insert(String(repeating: "─", count: widths.0 + widths.1 + widths.2 + widths.3 + 6), at: 1)
    text.append("total parameters: \(totalParameters) (trainable: \(trainableParameters))")
    return text.joined(separator: "\n")
  }
}

extension Module {
  /// Runs the model once on zeros of `inputShape` (evaluation mode, no recording) and lists
  /// every layer it passes through, in order.
  public func summary(inputShape: [Int]) throws -> ModelSummary {
    let recorder = ModelSummary.Recorder()
    for (path, module) in namedModules() { recorder.paths[ObjectIdentifier(module)] = path }
    let input = Variable(try Tensor.zeros(inputShape))
    _ = try withMode(training: false) {
      try ModelSummary.$recorder.withValue(recorder) { try noGrad { try self(input) } }
    }
    // Modules report when they finish, so the model itself comes last; list them top-down.
    var order: [String: Int] = [:]
    for (index, entry) in namedModules().enumerated() { order[entry.path.isEmpty ? "(model)" : entry.path] = index }
    let rows = recorder.rows.enumerated().sorted { lhs, rhs in
      (order[lhs.element.path] ?? 0, lhs.offset) < (order[rhs.element.path] ?? 0, rhs.offset)
    }.map(\.element)
    let total = parameters.reduce(0) { $0 + $1.value.count }
    let trainable = parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.value.count }
    return ModelSummary(rows: rows, totalParameters: total, trainableParameters: trainable)
  }
}
