import TempoRuntime
import Training

/// `CompositeAveraging(fastLearningRate:, slowLearningRate:, k:, …)`: the two-clock composite
/// network of the multirate paper's patch experiment, as an optimizer value.
enum CompositeAveragingBuiltin {
  static var compositeAveraging: BuiltinFunction {
    trainingBuiltin(
      "CompositeAveraging",
      [
        ParameterSpec(
          "fastLearningRate", .double, default: 0.004, check: .nonNegative,
          "h_F: the fast copy's rate, every step (the paper: 0.004)"),
        ParameterSpec(
          "slowLearningRate", .double, default: 0.1, check: .nonNegative,
          "h_S: the slow copy's rate, once per cycle (the paper: 0.1)"),
        ParameterSpec("k", .int, default: 25, check: .positive, "steps per cycle (the paper: 25 = h_S / h_F)"),
        ParameterSpec("momentum", .double, default: 0, check: .nonNegative, "both copies' SGD momentum"),
        ParameterSpec(
          "weightDecay", .double, default: 0, check: .nonNegative, "both copies' L2 penalty added to the gradient"),
        ParameterSpec(
          "fastWeight", .double, default: 0.5, check: .unitInterval,
          "the fast copy's share in each merge: fastWeight·fast + (1 − fastWeight)·slow"),
      ], returns: "Optimizer", category: OptimizerBuiltins.category,
      "Composite-network averaging (Vlaar & Leimkuhler 2022, App. C.1): two copies of the model on two time scales, averaged every k steps.",
      discussion:
        "When the run starts, the model becomes two copies with the same weights. The fast copy takes an SGD step at fastLearningRate on every batch; the slow copy takes one step at slowLearningRate per cycle of k steps, on the cycle's first batch; after the k-th step both are replaced by their average. Each copy keeps its own momentum. Evaluation after each epoch and run.model are the merged network (the average of the copies as they are, which right after a merge is both). The step's reported loss and accuracy are the fast copy's. ALGORITHMS §1.9's reconstruction: the paper published no code for it.",
      example:
        "let patched = Digits().split(0.8, seed: 0).normalized().patched(side: 3, seed: 0)\nlet run = fit(MLP([64, 64, 10]), on: patched.train, validate: patched.validation, optimizer: CompositeAveraging(fastLearningRate: 0.004, slowLearningRate: 0.1, k: 25, momentum: 0.9), epochs: 2, progress: false)\nrun.on(\"patch only\").accuracy"
    ) { args in
      .host(
        OptimizerObject(
          try CompositeAveragingRecipe(
            learningRate: Float(try args.double("fastLearningRate")),
            slowLearningRate: Float(try args.double("slowLearningRate")), k: try args.int("k"),
            momentum: Float(try args.double("momentum")), weightDecay: Float(try args.double("weightDecay")),
            fastWeight: Float(try args.double("fastWeight")))))
    }
  }
}
