import Autodiff
import NN
import Optimizers
import Testing

@testable import EngineBenchmarks

/// The multirate benchmark's machinery on the tiny `spiral` workload. Only structure is checked:
/// speed is measured by `tempo bench multirate`, never asserted here.
@Suite("Multirate benchmark")
struct MultirateBenchmarkTests {
  static func spiral() throws -> TrainingProblem {
    try #require(try Workloads.problem("spiral"))
  }

  @Test("the stepper runs a k = 5 cycle as one full step then four fast steps, only the head differentiated in those")
  func cycleThroughTheProtocol() throws {
    let problem = try Self.spiral()
    let model = problem.model
    let head = try [OptimizedParameter](.head, in: model).map(\.variable)
    let trunk = try [OptimizedParameter](.trunk, in: model).map(\.variable)
    let stepper = ProtocolStepper(
      problem: problem,
      optimizer: try Multirate(
        fast: try [OptimizedParameter](.head, in: model), slow: try [OptimizedParameter](.trunk, in: model), k: 5,
        learningRate: 0.01, model: model))
    var times: [String: PhaseTimes] = [:]
    var kinds: [String] = []
    for index in 0..<6 {
      kinds.append(try stepper.step(into: &times))
      let trunkHasGradients = trunk.allSatisfy { $0.grad != nil }
      let trunkHasNone = trunk.allSatisfy { $0.grad == nil }
      #expect(head.allSatisfy { $0.grad != nil })
      #expect(index % 5 == 0 ? trunkHasGradients : trunkHasNone, "step \(index)")
    }
    #expect(kinds == ["full", "fast", "fast", "fast", "fast", "full"])
    #expect(times["full"]?.steps == 2)
    #expect(times["fast"]?.steps == 4)
  }

  @Test("a fast step's graph keeps only the head's activations, a full step's the whole network's")
  func savedActivations() throws {
    let problem = try Self.spiral()
    let model = problem.model
    let stepper = ProtocolStepper(
      problem: problem,
      optimizer: try Multirate(
        fast: try [OptimizedParameter](.head, in: model), slow: try [OptimizedParameter](.trunk, in: model), k: 5,
        learningRate: 0.01, model: model))
    var times: [String: PhaseTimes] = [:]
    var graphs: [String: RecordedGraph] = [:]
    for _ in 0..<2 {
      try stepper.step(into: &times) { kind, graph in graphs[kind] = graph }
    }
    let full = try #require(graphs["full"])
    let fast = try #require(graphs["fast"])
    // spiral is 2-64-64-4 on a batch of 32: the head's input is [32, 64], its output [32, 4].
    #expect(fast.savedActivationBytes < full.savedActivationBytes)
    #expect(fast.operations.count < full.operations.count)
    #expect(fast.savedActivationBytes <= (32 * 64 + 32 * 4) * MemoryLayout<Float>.stride * 2)
  }

  @Test("a quick run prints every key of the line compare_multirate.py reads, with finite numbers")
  func reportLine() throws {
    let result = try MultirateBenchmark(threads: 1, k: 5, quick: true).run { try Self.spiral() }
    let fields = Dictionary(
      uniqueKeysWithValues: result.line.split(separator: " ").map { field in
        let parts = field.split(separator: "=", maxSplits: 1)
        return (String(parts[0]), String(parts[1]))
      })
    let keys = [
      "workload", "threads", "k", "full_ms", "multirate_ms", "speedup", "cost_model", "eq6", "forward_ms",
      "fast_forward_ms", "backward_ms", "fast_backward_ms", "optimizer_ms", "full_saved_mb", "fast_saved_mb",
    ]
    #expect(result.line.split(separator: " ").map { String($0.split(separator: "=")[0]) } == keys)
    #expect(fields["workload"] == "spiral")
    #expect(fields["k"] == "5")
    for key in keys.dropFirst(3) {
      let value = try #require(Double(fields[key] ?? ""), "\(key)")
      #expect(value.isFinite && value >= 0, "\(key) = \(value)")
    }
    #expect(result.fastSavedBytes < result.fullSavedBytes)
  }

  @Test("k below 2 is refused: no step would be fast")
  func refusesKOne() throws {
    #expect(throws: ModuleError.self) {
      try MultirateBenchmark(threads: 1, k: 1, quick: true).run { try Self.spiral() }
    }
  }

  @Test("the cost model and Eq. 6 follow from the phase times: no fast saving, no speed-up")
  func costModelFromPhases() {
    var result = MultirateBenchmark.Result(
      workload: "w", threads: 1, k: 5, fullStep: 2, multirateStep: 1, forward: 1, fastForward: 1, backward: 1,
      fastBackward: 1, optimizer: 0, fullSavedBytes: 10, fastSavedBytes: 1)
    #expect(result.speedUp == 2)
    #expect(abs(result.costModel - 1) < 1e-12)
    #expect(abs(result.equation6 - 1) < 1e-12)
    result.fastBackward = 0
    // Eq. 6 with ℓ/L → 0 and k = 5: 2k / (k + 1).
    #expect(abs(result.equation6 - 10.0 / 6) < 1e-12)
    #expect(abs(result.costModel - 10.0 / 6) < 1e-12)
  }
}
