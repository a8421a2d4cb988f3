import Autodiff
import Glibc
import NN
import Optimizers
import TensorCore

/// Full SGD-momentum steps against multirate cycles on one workload: what multirate training
/// (Vlaar & Leimkuhler, "Multirate Training of Neural Networks", ICML 2022, §4.2; ALGORITHMS
/// §1.11–1.12) saves in time and activation memory, set beside the cost model of Eq. 6.
///
/// Both sides train the same network from the same seed on the same batch, SGD with learning
/// rate 0.01 and momentum 0.9. The multirate side is `Multirate(fast: head, slow: trunk, k:)`
/// (Algorithm 1, linear drift): one full step in k, the other k − 1 fast-only steps whose trunk
/// runs forward without recording and whose backward stops at the head. Every step of both goes
/// through `ProtocolStepper`, the per-step protocol as `fit` drives it.
///
/// After warm-up, rounds alternate a block of full steps and a block of whole multirate cycles
/// (swapping which goes first, each at least half a second), so both see the same machine noise;
/// each side keeps its fastest block, since other work on the machine only ever adds time.
///
/// Misuse to avoid: reading `speedUp` of a quick run — a single short block says little.
public struct MultirateBenchmark {
  /// The workloads it runs by default, in order.
  public static let workloadNames = ["cnn", "resnet", "transformer", "mlp"]

  /// The shortest block of whole cycles: short blocks, many rounds, so that both sides get
  /// blocks from the machine's quiet moments.
  static let blockSeconds = 0.5

  public let threads: Int
  public let k: Int
  public let quick: Bool
  /// Alternating rounds of one full block and one multirate block each.
  public let rounds: Int

  /// - Parameters:
  ///   - threads: the OpenBLAS thread count in use, for the report line.
  ///   - k: steps per multirate cycle (one of them full), at least 2.
  ///   - quick: one warm-up cycle and one round of one cycle per side, for smoke runs.
  ///   - rounds: alternating rounds when not quick (default 8).
  public init(threads: Int, k: Int = 5, quick: Bool = false, rounds: Int? = nil) {
    self.threads = threads
    self.k = k
    self.quick = quick
    self.rounds = quick ? 1 : Swift.max(1, rounds ?? 8)
  }

  /// What one workload gave; times in seconds, sizes in bytes.
  public struct Result: Sendable, Equatable {
    public var workload: String
    public var threads: Int
    public var k: Int
    /// Mean time of a full SGD step, from the fastest full block.
    public var fullStep: Double
    /// Mean time per step over whole multirate cycles, from the fastest multirate block.
    public var multirateStep: Double
    /// Forward (loss included) of the cycle's full step and of a fast step.
    public var forward: Double
    public var fastForward: Double
    /// Backward of the cycle's full step (through the whole network) and of a fast step (the head).
    public var backward: Double
    public var fastBackward: Double
    /// The optimizer's time per step, averaged over the cycle.
    public var optimizer: Double
    /// Activations the recorded graph kept before backward, trainable parameters left out.
    public var fullSavedBytes: Int
    public var fastSavedBytes: Int

    /// Full step time over multirate step time.
    public var speedUp: Double { fullStep / multirateStep }

    /// The speed-up the multirate block's own phase times predict, as `Training.SpeedupMeter`
    /// computes it: forward F (averaged over the cycle's steps) and per-step overhead O,
    /// k(F+B+O) / (k(F+O) + B + (k−1)·B_fast) — Eq. 6 generalised to a backward β times the forward.
    public var costModel: Double {
      let meanForward = (forward + Double(k - 1) * fastForward) / Double(k)
      return MultirateCostModel(forward: meanForward + optimizer, fullBackward: backward, fastBackward: fastBackward)
        .speedUp(k: k)
    }

    /// Eq. 6 of the paper (forward = backward), with ℓ/L taken as the fast backward's share of
    /// the full backward: 2k / ((k+1) + (k−1)·ℓ/L).
    public var equation6: Double {
      MultirateCostModel(fastFraction: backward > 0 ? fastBackward / backward : 1).speedUp(k: k)
    }

    /// `workload=… threads=… k=… full_ms=… multirate_ms=… speedup=… cost_model=… eq6=… …`, the
    /// line `bench/compare_multirate.py` reads and `bench/pytorch/multirate.py` prints too.
    public var line: String {
      let milliseconds: [(String, Double)] = [
        ("full_ms", fullStep), ("multirate_ms", multirateStep),
      ]
      let phases: [(String, Double)] = [
        ("forward_ms", forward), ("fast_forward_ms", fastForward), ("backward_ms", backward),
        ("fast_backward_ms", fastBackward), ("optimizer_ms", optimizer),
      ]
      var fields = ["workload=\(workload)", "threads=\(threads)", "k=\(k)"]
      fields += milliseconds.map { "\($0.0)=\(format($0.1 * 1000, 3))" }
      fields += [
        "speedup=\(format(speedUp, 3))", "cost_model=\(format(costModel, 3))", "eq6=\(format(equation6, 3))",
      ]
      fields += phases.map { "\($0.0)=\(format($0.1 * 1000, 3))" }
      fields += [
        "full_saved_mb=\(format(Double(fullSavedBytes) / 1_048_576, 3))",
        "fast_saved_mb=\(format(Double(fastSavedBytes) / 1_048_576, 3))",
      ]
      return fields.joined(separator: " ")
    }
  }

  /// Times one workload; `makeProblem` is called twice (once per side) and must give the same
  /// model and data each time.
  ///
  /// - Throws: `ModuleError` when the model has no head or `k` < 2; what a step throws.
  public func run(_ makeProblem: () throws -> TrainingProblem) throws -> Result {
    guard k >= 2 else {
      throw ModuleError("'bench multirate' needs k ≥ 2 but got \(k)", help: "k = 1 is plain SGD: no step would be fast")
    }
    let fullProblem = try makeProblem()
    let full = ProtocolStepper(
      problem: fullProblem,
      optimizer: try SGD([OptimizedParameter](fullProblem.model), learningRate: 0.01, momentum: 0.9))
    let multirateProblem = try makeProblem()
    let model = multirateProblem.model
    let multirate = ProtocolStepper(
      problem: multirateProblem,
      optimizer: try Multirate(
        fast: try [OptimizedParameter](.head, in: model), slow: try [OptimizedParameter](.trunk, in: model), k: k,
        learningRate: 0.01, rule: .sgd(momentum: 0.9), model: model))

    // Warm-up, whole cycles so every block starts a cycle; the first step of each kind shows its graph.
    var savedBytes: [String: Int] = [:]
    var ignored: [String: PhaseTimes] = [:]
    let warmUpCycles = quick ? 1 : 2
    for _ in 0..<(warmUpCycles * k) { try full.step(into: &ignored) }
    let cycleStart = ProtocolStepper.now()
    for index in 0..<(warmUpCycles * k) {
      try multirate.step(into: &ignored) { kind, graph in
        if index < k, savedBytes[kind] == nil { savedBytes[kind] = graph.savedActivationBytes }
      }
    }
    let cycleTime = (ProtocolStepper.now() - cycleStart) / Double(warmUpCycles)
    let cyclesPerBlock = quick ? 1 : Swift.max(1, Int((Self.blockSeconds / Swift.max(cycleTime, 1e-6)).rounded(.up)))

    var bestFull = Double.infinity
    var bestMultirate: (perStep: Double, phases: [String: PhaseTimes])?
    for round in 0..<rounds {
      for side in round % 2 == 0 ? [0, 1] : [1, 0] {
        var phases: [String: PhaseTimes] = [:]
        let stepper = side == 0 ? full : multirate
        let steps = cyclesPerBlock * k
        let start = ProtocolStepper.now()
        for _ in 0..<steps { try stepper.step(into: &phases) }
        let perStep = (ProtocolStepper.now() - start) / Double(steps)
        if side == 0 {
          bestFull = Swift.min(bestFull, perStep)
        } else if perStep < bestMultirate?.perStep ?? .infinity {
          bestMultirate = (perStep, phases)
        }
      }
    }
    let phases = bestMultirate?.phases ?? [:]
    let fullPhases = phases["full"] ?? PhaseTimes()
    // Any kind but "full" is a partial step, as `Training.SpeedupMeter` counts them.
    let fastPhases = phases.filter { $0.key != "full" }.values.reduce(PhaseTimes(), +)
    let allPhases = fullPhases + fastPhases
    return Result(
      workload: multirateProblem.name, threads: threads, k: k, fullStep: bestFull,
      multirateStep: bestMultirate?.perStep ?? .nan, forward: fullPhases.mean(\.forward),
      fastForward: fastPhases.mean(\.forward), backward: fullPhases.mean(\.backward),
      fastBackward: fastPhases.mean(\.backward), optimizer: allPhases.mean(\.optimizer),
      fullSavedBytes: savedBytes["full"] ?? 0, fastSavedBytes: savedBytes.filter { $0.key != "full" }.values.max() ?? 0)
  }
}
