import Autodiff
import Glibc
import NN
import Optimizers
import TensorCore

/// Plain SGD steps against Alrao steps on one workload: what Alrao (Blier, Wolinski & Ollivier
/// 2019) costs over the SGD it replaces — per-feature rates in the trunk's update and N copies of
/// the head, computed as one stacked product, with the fused mixture objective.
///
/// The SGD side is SGD(learning rate 0.01, no momentum) on the workload's model; the Alrao side
/// the same model with its head replaced by `copies` copies, rates in [1e-5, 10], plain SGD base
/// and per-feature rates. Every step goes through `ProtocolStepper` (the switch update runs in
/// `finishStep`, inside the timed step). After warm-up, rounds alternate a block of SGD steps
/// and a block of Alrao steps (swapping which goes first, each at least half a second); each
/// side keeps its fastest block.
public struct AlraoBenchmark {
  public static let workloadNames = ["cnn", "transformer", "mlp"]
  static let blockSeconds = 0.5

  public let threads: Int
  public let copies: Int
  public let quick: Bool
  public let rounds: Int

  public init(threads: Int, copies: Int = 10, quick: Bool = false, rounds: Int? = nil) {
    self.threads = threads
    self.copies = copies
    self.quick = quick
    self.rounds = quick ? 1 : Swift.max(1, rounds ?? 8)
  }

  /// What one workload gave; times in seconds.
  public struct Result: Sendable, Equatable {
    public var workload: String
    public var threads: Int
    public var copies: Int
    public var sgdStep: Double
    public var alraoStep: Double
    public var peakResidentMegabytes: Double

    public var ratio: Double { alraoStep / sgdStep }

    /// `workload=cnn threads=2 copies=10 sgd_ms=… alrao_ms=… ratio=… peak_rss_mb=…`, the line
    /// the PyTorch twin prints too.
    public var line: String {
      "workload=\(workload) threads=\(threads) copies=\(copies) sgd_ms=\(format(sgdStep * 1000, 3)) "
        + "alrao_ms=\(format(alraoStep * 1000, 3)) ratio=\(format(ratio, 3)) "
        + "peak_rss_mb=\(format(peakResidentMegabytes, 1))"
    }
  }

  /// Times one workload; `makeProblem` is called twice and must give the same model and data.
  public func run(_ makeProblem: () throws -> TrainingProblem) throws -> Result {
    let sgdProblem = try makeProblem()
    let sgd = ProtocolStepper(
      problem: sgdProblem, optimizer: try SGD([OptimizedParameter](sgdProblem.model), learningRate: 0.01))
    let base = try makeProblem()
    var generator = RandomGenerator(seed: 1)
    let model = try base.model.replacingHeadWithAlrao(
      copies: copies, rates: AlraoFeatureRates.classifierRates(count: copies, minimum: 1e-5, maximum: 10),
      likelihood: .categorical, theta: 0.9999, generator: &generator)
    let problem = TrainingProblem(
      name: base.name, flopsPerStep: base.flopsPerStep, model: model, input: base.input, targets: base.targets,
      lossOverPositions: base.lossOverPositions)
    let optimizer = try Alrao(model: model, featureRates: AlraoFeatureRates(minimum: 1e-5, maximum: 10, seed: 0))
    let head = optimizer.head
    let alrao = ProtocolStepper(problem: problem, optimizer: optimizer) { input in
      _ = try model(input)
      return try head.trainingLoss(labels: problem.targets).loss
    }

    var ignored: [String: PhaseTimes] = [:]
    let warmUp = quick ? 1 : 3
    for _ in 0..<warmUp { try sgd.step(into: &ignored) }
    let start = ProtocolStepper.now()
    for _ in 0..<warmUp { try alrao.step(into: &ignored) }
    let stepTime = (ProtocolStepper.now() - start) / Double(warmUp)
    let stepsPerBlock = quick ? 1 : Swift.max(2, Int((Self.blockSeconds / Swift.max(stepTime, 1e-6)).rounded(.up)))

    var best = [Double.infinity, .infinity]
    for round in 0..<rounds {
      for side in round % 2 == 0 ? [0, 1] : [1, 0] {
        let stepper = side == 0 ? sgd : alrao
        let blockStart = ProtocolStepper.now()
        for _ in 0..<stepsPerBlock { try stepper.step(into: &ignored) }
        best[side] = Swift.min(best[side], (ProtocolStepper.now() - blockStart) / Double(stepsPerBlock))
      }
    }
    return Result(
      workload: problem.name, threads: threads, copies: copies, sgdStep: best[0], alraoStep: best[1],
      peakResidentMegabytes: BenchmarkRunner.peakResidentMegabytes())
  }
}
