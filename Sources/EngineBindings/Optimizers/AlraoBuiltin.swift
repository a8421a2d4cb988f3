import Optimizers
import TempoRuntime
import Training

/// `Alrao(minLearningRate:, maxLearningRate:, classifiers:, …)`: all learning rates at once,
/// as an optimizer value.
enum AlraoBuiltin {
  static var alrao: BuiltinFunction {
    trainingBuiltin(
      "Alrao",
      [
        ParameterSpec(
          "minLearningRate", .double, default: 1e-5, check: .positive, "ηmin, the bottom of the interval"),
        ParameterSpec("maxLearningRate", .double, default: 10, check: .positive, "ηmax, the top of the interval"),
        ParameterSpec(
          "classifiers", .int, default: 10, check: .positive,
          "copies of the model's last Linear layer, with rates log-evenly spread from ηmin to ηmax"),
        ParameterSpec(
          "base", .symbol, default: .symbol("sgd"), check: .choices(["sgd", "adam"]),
          ".sgd (the paper) or .adam (β 0.9/0.999, ε 1e-8 added to √v; the paper found it unreliable)"),
        ParameterSpec("momentum", .double, default: 0, check: .nonNegative, "SGD momentum μ (the paper: 0)"),
        ParameterSpec(
          "momentumRule", .symbol, default: .symbol("standard"), check: .choices(["standard", "sqrtRate"]),
          "the trunk's momentum: .standard (PyTorch's) or .sqrtRate, the reference code's friction μ√η"),
        ParameterSpec("weightDecay", .double, default: 0, check: .nonNegative, "L2 penalty added to the gradient"),
        ParameterSpec(
          "theta", .double, default: 0.9999, check: .range(0...1),
          "the switch's prior probability of more switches (0: Bayesian model averaging)"),
        ParameterSpec(
          "batchLikelihood", .symbol, default: .symbol("mean"), check: .choices(["mean", "sum"]),
          "a minibatch counts for the switch with its mean log-likelihood (the reference code) or the sum"),
        ParameterSpec(
          "prediction", .symbol, default: .symbol("bestCopy"), check: .choices(["bestCopy", "posteriorMean"]),
          "regression's point prediction: the mean of the highest-posterior copy (the reference code) or the posterior-weighted mean"
        ),
        ParameterSpec(
          "lstmFeatures", .symbol, default: .symbol("perUnit"), check: .choices(["perUnit", "perGateRow"]),
          "an LSTM feature: a hidden unit across its four gates (the paper) or each gate row (the reference code)"),
        ParameterSpec(
          "perWeight", .bool, default: false, "every weight its own rate instead of every feature (App. E)"),
        ParameterSpec(
          "trainableFraction", .double, default: 1, check: .range(1e-9...1),
          "the chance that a feature is trained at all; the others keep their initial values (App. F)"),
        ParameterSpec(
          "catchUp", .optional(.int), default: nil, check: .positive,
          "every this many steps, copies with posterior below e^−20 take the posterior-weighted average (nil: never)"),
        ParameterSpec(
          "seed", .optional(.int), default: nil, "seeds the rates and the extra copies (nil: fit's seed)"),
        OptimizerBuiltins.scheduleParameter("schedule", "divides all of Alrao's rates by one factor over the run"),
      ], returns: "Optimizer", category: OptimizerBuiltins.category,
      "Alrao (Blier, Wolinski & Ollivier 2019, \"Learning with Random Learning Rates\"): a random learning rate per feature and N copies of the last layer, averaged by the switch.",
      discussion:
        "Each feature of the trunk (a Linear or Conv2d output unit with its bias, an LSTM hidden unit across its gates, an embedding dimension, an attention projection row, a normalisation channel) draws once a rate log-uniformly in [minLearningRate, maxLearningRate]: η = exp(ln ηmin + u (ln ηmax − ln ηmin)), u ~ U[0, 1). The model's last Linear layer is replaced by `classifiers` copies with rates η_j = ηmin (ηmax/ηmin)^((j−1)/(N−1)) (N = 1: ηmin), computed as one stacked product. The model's output is the mixture log Σ_j a_j softmax_j(z) (regression data: Gaussian copies with σ² = 1). On regression data `prediction` chooses the point prediction that evaluate, predict and the test loss use: .bestCopy (default) predicts with the mean of the copy of highest posterior weight, ties to the lowest index — the reference code's rule (the paper gives none: it only says regression is \"similar\"); .posteriorMean predicts Σ_j a_j μ_j. The switch never gives a copy exactly zero weight, so when one copy diverges (a copy whose rate is too large, such as η = 1 on the regression toy) its infinite mean makes the posterior mean infinite however small its weight, while the best copy's stays finite as long as another copy leads. The rule changes only the prediction, never training: the objective described next does not read it. A model keeps its rule when saved and loaded; classification always predicts with the mixture. Each step trains the trunk on the mixture's NLL and each copy on its own NLL with the trunk's output held constant (one backward), then updates the switch posterior a from the copies' log-likelihoods before the update: prior switch hazard 1/(t+1), θ = theta (default 0.9999), a minibatch counting with its mean log-likelihood. A copy whose loss is not finite is not updated; a trunk output that is not finite ends the run as diverged. run.switchWeights (one row per step, one column per copy; transposed to one row per copy it is a heatmap, as in notebooks/03-alrao), run.classifierRates and run.featureRates show what happened.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet run = fit(MLP([64, 32, 10]), on: data, optimizer: Alrao(minLearningRate: 1e-5, maxLearningRate: 10, classifiers: 10), epochs: 2, progress: false)\nrun.classifierRates"
    ) { args in
      let momentum = Float(try args.double("momentum"))
      let weightDecay = Float(try args.double("weightDecay"))
      let base: Alrao.Base
      if try args.symbol("base") == "adam" {
        guard momentum == 0 else {
          throw RuntimeError(
            .valueError, "'Alrao' with base: .adam takes no momentum (Adam has its own moments)",
            help: "drop momentum:, or use base: .sgd")
        }
        base = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: weightDecay)
      } else {
        let rule: Alrao.MomentumRule = try args.symbol("momentumRule") == "sqrtRate" ? .sqrtRate : .standard
        base = .sgd(momentum: momentum, rule: rule, weightDecay: weightDecay)
      }
      let seed = try args.optionalInt("seed")
      if let seed, seed < 0 {
        throw RuntimeError(.valueError, "'Alrao' needs a seed ≥ 0, not \(seed)", help: "pass seed: 0 or more")
      }
      let recipe = try EngineErrors.translating {
        try AlraoRecipe(
          minimumLearningRate: Float(try args.double("minLearningRate")),
          maximumLearningRate: Float(try args.double("maxLearningRate")), classifiers: try args.int("classifiers"),
          base: base, theta: try args.double("theta"),
          batchLikelihood: try args.symbol("batchLikelihood") == "sum" ? .sum : .mean,
          prediction: try args.symbol("prediction") == "posteriorMean" ? .posteriorMean : .bestCopy,
          lstmFeatures: try args.symbol("lstmFeatures") == "perGateRow" ? .perGateRow : .perUnit,
          perWeight: try args.bool("perWeight"), trainableFraction: Float(try args.double("trainableFraction")),
          catchUpPeriod: try args.optionalInt("catchUp"), seed: seed.map(UInt64.init),
          schedule: try OptimizerBuiltins.schedule(args, "schedule"))
      }
      return .host(OptimizerObject(recipe))
    }
  }
}
