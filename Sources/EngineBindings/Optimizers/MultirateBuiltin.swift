import Optimizers
import TempoRuntime
import Training

/// `Multirate(base, k:, fast: | slow:, …)`: multirate training as an optimizer value.
enum MultirateBuiltin {
  static var multirate: BuiltinFunction {
    trainingBuiltin(
      "Multirate",
      [
        ParameterSpec(
          nil, "base", .host("Optimizer"),
          "SGD (its momentum μ and weight decay) or Adam, its learningRate the per-step rate h/k; or Alrao(…): its per-feature rates on the slow trunk, its copies fast"
        ),
        ParameterSpec(
          "k", .int, default: 5, check: .positive, "steps per cycle: the slow group's gradient every k steps"),
        ParameterSpec("fast", .optional(.host("Parameters")), default: nil, "the fast group (the rest is slow)"),
        ParameterSpec(
          "slow", .optional(.oneOf([.host("Parameters"), .host("RandomSubsets")])), default: nil,
          "the slow group (the rest is fast), or random weight subsets redrawn every cycle (the §5.1 regulariser)"),
        ParameterSpec(
          "scales", .optional(.array(.tuple([.host("Parameters"), .int]))), default: nil,
          "r ≥ 2 clocks instead of fast/slow: (group, period) pairs, periods such as 4, 2, 1 (§3.1)"),
        ParameterSpec(
          "slowLearningRate", .optional(.double), default: nil, check: .positive,
          "the slow group's step per cycle h_S (nil: k × learningRate, the paper's coupling)"),
        ParameterSpec(
          "drift", .bool, default: true,
          "Algorithm 1: the slow group moves every step along its last momentum; false: Algorithm 2, one jump per cycle"
        ),
        ParameterSpec(
          "fastGradientPoint", .symbol, default: .symbol("afterSlowJump"),
          check: .choices(["afterSlowJump", "beforeSlowJump"]),
          "without drift, where a cycle's first fast gradient is taken (the paper: after the jump, one more pass)"),
        ParameterSpec(
          "semantics", .symbol, default: .symbol("paper"), check: .choices(["paper", "referenceCode"]),
          ".referenceCode reproduces the published code's loop instead of the paper's"),
        ParameterSpec(
          "interpretation", .symbol, default: .symbol("zeroedStepsThenJoint"),
          check: .choices(["zeroedStepsThenJoint", "jointAsKthStep"]),
          "random subsets only: k steps with the subsets off then a joint step (the paper's order), or the joint step as the k-th"
        ),
      ], returns: "Optimizer", category: OptimizerBuiltins.category,
      "Multirate training (Vlaar & Leimkuhler, ICML 2022): a fast and a slow group of parameters on two clocks.",
      discussion:
        "Every step updates the fast group with the base rule at its learningRate, h/k; the slow group gets a fresh gradient only on the first step of each cycle of k and in between drifts along its last momentum, by k × learningRate per cycle (Algorithm 1, §3.1; slowLearningRate sets it apart, App. E). On the other k − 1 steps only the fast group is differentiated: with the head fast, the trunk runs forward without recording and the backward stops at the head, which is where the time goes (Eq. 6 predicts 2k/(k+1) for a small head). drift: false is Algorithm 2 (the slow group jumps once per cycle); weightDecay of the base is Algorithm A3. semantics: .referenceCode reproduces the published code: the slow refresh on the last batch of each group of k, which moves nothing, the (1+μ)g first step and the first k − 1 batches fully fast. run.speedup reports the measured speed-up beside Eq. 6 and the cost model from the run's own times. With k = 1 it is the base SGD. With Alrao(…) as the base (beyond both papers) the head is replaced by Alrao's classifier copies, which with their switch are the fast group (fast: net.head); the slow trunk keeps Alrao's per-feature rates: feature i is refreshed every k steps and drifts by ηᵢ per step along its last gradient (or momentum), k·ηᵢ per cycle; the switch is updated every step. Algorithm 1 on Alrao-SGD only (no scales:, slowLearningRate:, drift: false or .referenceCode). With k = 1 it is Alrao.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet net = MLP([64, 32, 10])\nlet run = fit(net, on: data, optimizer: Multirate(SGD(learningRate: 0.05, momentum: 0.9), k: 5, fast: net.head), epochs: 2, progress: false)\nrun.speedup"
    ) { args in
      let base = try args.object("base", OptimizerObject.self).recipe
      let fast = try args.optionalValue("fast")
      let slow = try args.optionalValue("slow")
      if let alrao = base as? AlraoRecipe {
        return .host(OptimizerObject(try alraoOnClock(alrao, fast: fast, slow: slow, args)))
      }
      if case .host(let subsets as RandomSubsetsObject)? = slow {
        guard fast == nil else {
          throw RuntimeError(
            .valueError, "'Multirate' takes fast: or slow:, not both: the other group is the rest of the model",
            help: "keep one of them")
        }
        return .host(OptimizerObject(try randomSubgroup(base, subsets.subsets, args)))
      }
      let partition: MultirateRecipe.Partition
      if let scales = try args.optionalValue("scales") {
        guard fast == nil, slow == nil else {
          throw RuntimeError(
            .valueError, "'Multirate' takes scales: or fast:/slow:, not both", help: "list every group in scales:")
        }
        partition = .scales(try Self.scales(scales))
      } else {
        partition = try Self.partition(fast: fast, slow: slow)
      }
      let (rule, weightDecay) = try baseRule(base)
      let recipe = MultirateRecipe(
        learningRate: base.learningRate, rule: rule, weightDecay: weightDecay, schedule: base.schedule,
        partition: partition, k: try args.int("k"),
        slowLearningRate: try args.optionalDouble("slowLearningRate").map(Float.init), drift: try args.bool("drift"),
        fastGradientPoint: try args.symbol("fastGradientPoint") == "beforeSlowJump" ? .beforeSlowJump : .afterSlowJump,
        semantics: try args.symbol("semantics") == "referenceCode" ? .referenceCode : .paper,
        baseDescription: base.description)
      return .host(OptimizerObject(recipe))
    }
  }

  /// `Multirate(Alrao(…), k:, fast: | slow:)`: Alrao's trunk slow, its copies fast.
  static func alraoOnClock(_ alrao: AlraoRecipe, fast: Value?, slow: Value?, _ args: Arguments) throws
    -> MultirateAlraoRecipe
  {
    let unsupported: [(given: Bool, what: String)] = [
      (try args.optionalValue("scales") != nil, "scales:"),
      (
        try args.optionalDouble("slowLearningRate") != nil,
        "slowLearningRate: (the slow step is k × each feature's rate)"
      ),
      (try !args.bool("drift"), "drift: false"),
      (try args.symbol("semantics") != "paper", "semantics: .referenceCode"),
    ]
    if let first = unsupported.first(where: { $0.given }) {
      throw RuntimeError(
        .valueError,
        "'Multirate' with an Alrao base runs Algorithm 1 with the coupled slow step; \(first.what) is not supported",
        help: "write Multirate(Alrao(…), k: 5, fast: net.head)")
    }
    if case .host(is RandomSubsetsObject)? = slow {
      throw RuntimeError(
        .valueError, "'Multirate' with an Alrao base takes a slow or fast group of parameters, not random subsets",
        help: "write Multirate(Alrao(…), k: 5, fast: net.head)")
    }
    let partition = try Self.partition(fast: fast, slow: slow)
    let k = try args.int("k")
    return try EngineErrors.translating { try MultirateAlraoRecipe(alrao: alrao, partition: partition, k: k) }
  }

  /// Two groups: the one given, and the rest of the model.
  static func partition(fast: Value?, slow: Value?) throws -> MultirateRecipe.Partition {
    switch (fast, slow) {
    case (.host(let chosen as ParametersObject)?, nil): return .fast(chosen.selection)
    case (nil, .host(let chosen as ParametersObject)?): return .slow(chosen.selection)
    case (nil, nil):
      throw RuntimeError(
        .valueError, "'Multirate' needs its fast or its slow group",
        help: "pass fast: net.head (fine-tuning) or slow: net.biases")
    default:
      throw RuntimeError(
        .valueError, "'Multirate' takes fast: or slow:, not both: the other group is the rest of the model",
        help: "keep one of them")
    }
  }

  /// `[(group, period), …]` as selections with their periods.
  static func scales(_ value: Value) throws -> [(selection: ParameterSelection, period: Int)] {
    guard case .array(let entries) = value else { return [] }
    return try entries.map { entry in
      guard let parts = entry.tupleElements, parts.count == 2, case .host(let group as ParametersObject) = parts[0],
        case .int(let period) = parts[1], period >= 1
      else {
        throw RuntimeError(
          .typeError, "each entry of 'scales' of 'Multirate' is (parameters, period ≥ 1), not \(entry)",
          help: "write scales: [(net.trunk, 4), (net.parameters(matching: \"3.*\"), 2), (net.head, 1)]")
      }
      return (group.selection, period)
    }
  }

  /// The random-subgroup regulariser over SGD.
  static func randomSubgroup(_ base: any OptimizerRecipe, _ subsets: RandomSubsets, _ args: Arguments) throws
    -> RandomSubgroupRecipe
  {
    guard let sgd = base as? SGDRecipe, !sgd.nesterov, sgd.weightDecay == 0 else {
      throw RuntimeError(
        .valueError, "random-subset multirate runs on plain SGD (momentum allowed), not \(base.description)",
        help: "use SGD(learningRate: 0.1) as the base, as the paper does")
    }
    return RandomSubgroupRecipe(
      learningRate: sgd.learningRate, momentum: sgd.momentum, schedule: sgd.schedule, subsets: subsets,
      k: try args.int("k"), slowLearningRate: try args.optionalDouble("slowLearningRate").map(Float.init),
      interpretation: try args.symbol("interpretation") == "jointAsKthStep" ? .jointAsKthStep : .zeroedStepsThenJoint,
      baseDescription: base.description)
  }

  /// `RandomMasking(SGD(…), masks:)`: the no-multirate ablation of the random-subgroup regulariser.
  static var randomMasking: BuiltinFunction {
    trainingBuiltin(
      "RandomMasking",
      [
        ParameterSpec(nil, "base", .host("Optimizer"), "SGD (its learning rate and momentum)"),
        ParameterSpec("masks", .host("RandomSubsets"), "the weights switched off, drawn anew every step"),
      ], returns: "Optimizer", category: OptimizerBuiltins.category,
      "The random-subgroup regulariser without its multirate part (Vlaar & Leimkuhler 2022, Fig. 8): a new mask every step, masked weights off for that step and left as they are, the rest stepped by SGD.",
      example:
        "let net = MLP([64, 32, 10])\nRandomMasking(SGD(learningRate: 0.1), masks: net.randomSubsets(probabilities: [0.8, 0.5]))"
    ) { args in
      let base = try args.object("base", OptimizerObject.self).recipe
      let subsets = try args.object("masks", RandomSubsetsObject.self).subsets
      guard let sgd = base as? SGDRecipe, !sgd.nesterov, sgd.weightDecay == 0 else {
        throw RuntimeError(
          .valueError, "'RandomMasking' runs on plain SGD (momentum allowed), not \(base.description)",
          help: "use SGD(learningRate: 0.1) as the base, as the paper does")
      }
      return .host(
        OptimizerObject(
          RandomMaskingRecipe(
            learningRate: sgd.learningRate, momentum: sgd.momentum, schedule: sgd.schedule, subsets: subsets,
            baseDescription: base.description)))
    }
  }

  /// The update rule and weight decay a base optimizer stands for.
  static func baseRule(_ base: any OptimizerRecipe) throws -> (MultirateRule, Float) {
    switch base {
    case let sgd as SGDRecipe:
      guard !sgd.nesterov else {
        throw RuntimeError(
          .valueError, "'Multirate' steps with heavy-ball momentum; Nesterov momentum is not part of the method",
          help: "use SGD(learningRate: …, momentum: 0.9) as the base")
      }
      return (.sgd(momentum: sgd.momentum), sgd.weightDecay)
    case let adam as AdamRecipe:
      guard !adam.decoupled else {
        throw RuntimeError(
          .valueError,
          "'Multirate' adds weight decay to the gradient (Algorithm A3); AdamW's decoupled decay is not supported",
          help: "use Adam(learningRate: …, weightDecay: …) as the base")
      }
      return (.adam(beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon), adam.weightDecay)
    default:
      throw RuntimeError(
        .valueError, "'Multirate' runs on SGD or Adam, not \(base.description)",
        help: "use SGD(learningRate: 0.001, momentum: 0.9) as the base")
    }
  }
}
