import Autodiff
import Datasets
import NN
import Optimizers

/// Composite-network averaging as a value (Vlaar & Leimkuhler 2022, App. C.1; ALGORITHMS §1.9):
/// when a run starts the model becomes a `CompositeNetwork` of two copies from the same
/// weights; the fast copy steps at `learningRate` every step, the slow copy at
/// `slowLearningRate` once per cycle of `k` steps (on the cycle's first batch), and both are
/// replaced by their average after each cycle. The run evaluates, and leaves behind, the
/// merged network.
public struct CompositeAveragingRecipe: OptimizerRecipe {
  /// h_F, the fast copy's rate (the paper: 0.004).
  public var learningRate: Float
  /// h_S, the slow copy's rate (the paper: 0.1).
  public var slowLearningRate: Float
  /// Steps per cycle (the paper: 25 = h_S / h_F).
  public var k: Int
  public var momentum: Float
  public var weightDecay: Float
  /// The fast copy's share in the merge.
  public var fastWeight: Float
  public var schedule: ScheduleRecipe { .constant }

  public init(
    learningRate: Float, slowLearningRate: Float, k: Int, momentum: Float = 0, weightDecay: Float = 0,
    fastWeight: Float = 0.5
  ) throws {
    guard k >= 1 else {
      throw TrainingError("CompositeAveraging's k must be at least 1, not \(k)", help: "the paper uses k: 25")
    }
    guard (0...1).contains(fastWeight) else {
      throw TrainingError(
        "CompositeAveraging's fastWeight must be in 0...1, not \(fastWeight)", help: "0.5 averages the copies")
    }
    self.learningRate = learningRate
    self.slowLearningRate = slowLearningRate
    self.k = k
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.fastWeight = fastWeight
  }

  public func prepare(_ model: Module, for task: DataTask, seed: UInt64) throws -> Module {
    do { return try CompositeNetwork(copying: model, fastWeight: fastWeight) } catch let error as ModuleError {
      throw TrainingError(error.description, help: error.help)
    }
  }

  public func make(for model: Module, plan: RunPlan) throws -> Optimizer {
    let network = try Self.network(model)
    return try CompositeAveraging(
      fast: [OptimizedParameter](network.fast), slow: [OptimizedParameter](network.slow), k: k,
      learningRate: learningRate, slowLearningRate: slowLearningRate, momentum: momentum, weightDecay: weightDecay,
      fastWeight: fastWeight)
  }

  public func objective(for model: Module, optimizer: Optimizer) throws -> (any TrainingObjective)? {
    CompositeObjective(network: try Self.network(model), loss: nil)
  }

  public func trainedModel(from model: Module) throws -> Module {
    guard let network = model as? CompositeNetwork else { return model }
    return try network.merged()
  }

  private static func network(_ model: Module) throws -> CompositeNetwork {
    guard let network = model as? CompositeNetwork else {
      throw TrainingError(
        "CompositeAveraging trains the composite network its 'prepare' makes, not a '\(model.typeName)'")
    }
    return network
  }

  public var description: String {
    var parts = ["fastLearningRate: \(learningRate)", "slowLearningRate: \(slowLearningRate)", "k: \(k)"]
    if momentum != 0 { parts.append("momentum: \(momentum)") }
    if weightDecay != 0 { parts.append("weightDecay: \(weightDecay)") }
    if fastWeight != 0.5 { parts.append("fastWeight: \(fastWeight)") }
    return "CompositeAveraging(\(parts.joined(separator: ", ")))"
  }
}

/// What a composite-averaging step minimises: the fast copy's loss plus, on the steps that run
/// the slow copy, the slow copy's loss on the same batch. The copies share no parameter, so each
/// gets the gradient of its own loss. The step reports the fast copy's loss and accuracy: the
/// slow copy's loss enters as `L_slow − L_slow` held constant, zero in value, so the training
/// loss curve does not jump on the cycles' first steps.
public struct CompositeObjective: TrainingObjective {
  public let network: CompositeNetwork
  /// The standard loss both copies use; nil until the run supplies it (`using(_:)`), then the
  /// task's automatic one.
  public let loss: Loss?

  public init(network: CompositeNetwork, loss: Loss?) {
    self.network = network
    self.loss = loss
  }

  public var displayName: String { "\(loss?.displayName ?? "loss") of the fast copy + of the slow copy" }

  public func using(_ loss: Loss) -> any TrainingObjective { CompositeObjective(network: network, loss: loss) }

  public func measure(_ output: Variable, on batch: Batch, task: DataTask) throws -> Measurement {
    let chosen = loss ?? Loss.automatic(for: task, outputWidth: output.shape.last ?? 1)
    var measured = try chosen.measure(output, on: batch, task: task)
    if let slowOutput = network.takeSlowOutput() {
      let slowLoss = try chosen.measure(slowOutput, on: batch, task: task).loss
      measured.loss = try measured.loss + (slowLoss - slowLoss.detached())
    }
    return measured
  }
}
