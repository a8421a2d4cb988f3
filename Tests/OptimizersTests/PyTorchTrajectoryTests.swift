import Autodiff
import Foundation
import JSONValue
import NN
import Optimizers
import TensorCore
import Testing

/// Five-step trajectories recorded with PyTorch by `scripts/record-goldens.py`: a Linear(4, 3)
/// fitted to fixed data with MSE, the parameters after every step.
enum TrajectoryGoldens {
  static let optimizers: [JSON] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../NNTests/Goldens/pytorch-goldens.json")
    guard let data = try? Data(contentsOf: url), let json = try? JSON.parse(Array(data)) else {
      fatalError("cannot read \(url.path); regenerate it with scripts/record-goldens.py")
    }
    return json["optimizers"]?.arrayValue ?? []
  }()

  static var names: [String] { optimizers.compactMap { $0["name"]?.stringValue } }
}

private func tensor(_ json: JSON?) throws -> Tensor {
  let shape = json?["shape"]?.arrayValue?.compactMap { $0.intValue }
  let values = json?["values"]?.arrayValue?.compactMap { value -> Double? in
    if case .double(let number) = value { return number }
    return value.intValue.map(Double.init)
  }
  guard let shape, let values else { throw ModuleError("golden tensor lacks shape or values") }
  return try Tensor(shape: shape, values: values.map(Float.init))
}

private func number(_ json: JSON?) -> Float? {
  switch json {
  case .double(let value): Float(value)
  case .int(let value): Float(value)
  default: nil
  }
}

@Suite("Optimizers follow PyTorch's trajectories")
struct PyTorchTrajectoryTests {
  @Test("five steps of SGD, Adam and AdamW, with schedules and clipping", arguments: TrajectoryGoldens.names)
  func trajectory(name: String) throws {
    let golden = try #require(TrajectoryGoldens.optimizers.first { $0["name"]?.stringValue == name })
    let config = try #require(golden["config"])
    let problem = try #require(golden["problem"])
    var generator = RandomGenerator(seed: 0)
    let model = try Linear(4, 3, generator: &generator)
    try model.loadStateDictionary([
      ("weight", try tensor(golden["initial"]?["weight"])), ("bias", try tensor(golden["initial"]?["bias"])),
    ])
    let (x, y) = (Variable(try tensor(problem["x"])), try tensor(problem["y"]))
    let rate = try #require(number(config["lr"]))
    let decay = number(config["weight_decay"]) ?? 0
    var schedule = LearningRateSchedule.constant
    if let step = config["schedule"]?["step_size"]?.intValue, let gamma = number(config["schedule"]?["gamma"]) {
      schedule = .step(every: step, factor: gamma)
    }
    let parameters = [OptimizedParameter](model)
    let optimizer: Optimizer
    switch golden["optimizer"]?.stringValue {
    case "SGD":
      optimizer = try SGD(
        parameters, learningRate: rate, momentum: number(config["momentum"]) ?? 0,
        dampening: number(config["dampening"]) ?? 0, nesterov: config["nesterov"]?.boolValue ?? false,
        weightDecay: decay, schedule: schedule)
    case "Adam", "AdamW":
      let betas = config["betas"]?.arrayValue?.compactMap(number) ?? [0.9, 0.999]
      optimizer = try Adam(
        parameters, learningRate: rate, beta1: betas[0], beta2: betas[1], epsilon: number(config["eps"]) ?? 1e-8,
        weightDecay: decay, decoupledWeightDecay: golden["optimizer"]?.stringValue == "AdamW", schedule: schedule)
    default:
      Issue.record("unknown optimizer in goldens: \(name)")
      return
    }
    let clip = number(config["clip"]?["max_norm"])

    for (index, expected) in (golden["trajectory"]?.arrayValue ?? []).enumerated() {
      #expect(
        abs(optimizer.currentLearningRate - (number(expected["lr"]) ?? .nan)) < 1e-7, "\(name) step \(index) rate")
      optimizer.zeroGradients()
      let loss = try model(x).meanSquaredError(targets: y)
      try loss.backward()
      if let clip { optimizer.clipGradientNorm(clip) }
      try optimizer.step()
      let expectedLoss = number(expected["loss"]) ?? .nan
      #expect(abs((loss.value.scalar ?? .nan) - expectedLoss) <= 1e-5 * max(1, abs(expectedLoss)), "\(name) loss")
      for (parameter, path) in [(model.weight, "weight"), (model.bias!, "bias")] {
        let target = try tensor(expected[path])
        let worst = zip(parameter.value.scalars, target.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * max(1, target.scalars.map(abs).max() ?? 0), "\(name) step \(index) \(path): \(worst)")
      }
    }
  }
}
