import Glibc

/// The switch model-averaging posterior over N models (van Erven, Grünwald & de Rooij), as
/// Alrao weighs its classifier copies, kept in log space.
///
/// The prior switches model after each observation t with hazard 1/(t+1), re-entering every
/// model uniformly; θ is the prior probability that more switches follow (θ = 0 is plain
/// Bayesian model averaging). State: log weights of the 2N states (row "more switches to
/// come", row "no more switches") and the count of observations. The recursion is the forward
/// pass of that 2N-state hidden Markov model (ALGORITHMS §2.5); every sum is a logsumexp.
public struct SwitchPosterior: Equatable {
  public let theta: Double
  /// Log weights `[2][N]`, normalised so that all 2N weights sum to 1.
  public private(set) var logWeights: [[Double]]
  /// Observations (minibatches) seen so far.
  public private(set) var observations: Int

  /// The prior: every model 1/N, a fraction θ of it in the "more switches" row.
  public init(models: Int, theta: Double) {
    self.theta = theta
    let uniform = -Glibc.log(Double(models))
    logWeights = [
      [Double](repeating: Glibc.log(theta) + uniform, count: models),
      [Double](repeating: Glibc.log(1 - theta) + uniform, count: models),
    ]
    observations = 0
  }

  /// A posterior from stored state (a checkpoint's buffers).
  public init(theta: Double, logWeights: [[Double]], observations: Int) {
    self.theta = theta
    self.logWeights = logWeights
    self.observations = observations
  }

  public var models: Int { logWeights[0].count }

  /// The log posterior over models: log(wa + wb) per model.
  public var logPosterior: [Double] {
    (0..<models).map { Self.logSumExp([logWeights[0][$0], logWeights[1][$0]]) }
  }

  /// One observation with each model's log-likelihood. One model: nothing changes. A NaN
  /// log-likelihood is refused (the models' outputs went wrong); −∞ is accepted (that model's
  /// weight before re-entry becomes 0).
  public mutating func observe(_ logLikelihoods: [Double]) throws {
    guard logLikelihoods.count == models else {
      throw ModuleError("the switch needs \(models) log-likelihoods but got \(logLikelihoods.count)")
    }
    if let bad = logLikelihoods.firstIndex(where: \.isNaN) {
      throw ModuleError(
        "the log-likelihood of copy \(bad) is NaN, so the switch cannot weigh it",
        help: "a copy's outputs became NaN: lower the maximum learning rate")
    }
    guard models > 1 else { return }
    observations += 1
    let hazard = 1 / Double(observations + 1)
    for row in 0..<2 { for k in 0..<models { logWeights[row][k] += logLikelihoods[k] } }
    let logPool = Self.logSumExp(logWeights[0]) + Glibc.log(hazard)
    let reentry = logPool - Glibc.log(Double(models))
    let stayA = Glibc.log(1 - hazard)
    let (logTheta, logRest) = (Glibc.log(theta), Glibc.log(1 - theta))
    for k in 0..<models {
      logWeights[0][k] = Self.logSumExp([logWeights[0][k] + stayA, reentry + logTheta])
      logWeights[1][k] = Self.logSumExp([logWeights[1][k], reentry + logRest])
    }
    let total = Self.logSumExp(logWeights[0] + logWeights[1])
    for row in 0..<2 { for k in 0..<models { logWeights[row][k] -= total } }
  }

  /// log Σ exp, subtracting the largest first; −∞ for no finite term.
  static func logSumExp(_ values: [Double]) -> Double {
    let largest = values.max() ?? -.infinity
    guard largest > -.infinity else { return -.infinity }
    return largest + Glibc.log(values.reduce(0) { $0 + Glibc.exp($1 - largest) })
  }
}
