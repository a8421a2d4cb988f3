import Autodiff
import Glibc
import Optimizers

/// Where the time of some steps of one kind went, in seconds.
struct PhaseTimes: Equatable {
  var steps = 0
  var forward = 0.0
  var backward = 0.0
  /// `prepareStep`, zeroing the gradients, `step` and `finishStep`: the optimizer's share.
  var optimizer = 0.0

  static func + (lhs: PhaseTimes, rhs: PhaseTimes) -> PhaseTimes {
    PhaseTimes(
      steps: lhs.steps + rhs.steps, forward: lhs.forward + rhs.forward, backward: lhs.backward + rhs.backward,
      optimizer: lhs.optimizer + rhs.optimizer)
  }

  /// Mean seconds per step of one phase (nan without steps).
  func mean(_ phase: KeyPath<PhaseTimes, Double>) -> Double {
    steps > 0 ? self[keyPath: phase] / Double(steps) : .nan
  }
}

/// Training steps driven through the optimizer's per-step protocol, in the order Training's step
/// uses and with no case for any optimizer: `prepareStep()` → zero the gradients → forward and
/// backward inside `GradientMode.differentiating(only:)` the planned parameters → `step()` → each
/// `followUpPass()` the same way → `finishStep(updated:)`, also when the step throws.
///
/// So a multirate fast step runs exactly as in `fit`: the trunk's forward records nothing and
/// backward stops at the head. Misuse to avoid: calling the optimizer between steps yourself —
/// the protocol's bookkeeping (the multirate clock) would drift from what was timed.
final class ProtocolStepper {
  let problem: TrainingProblem
  let optimizer: Optimizer
  /// The loss of a pass, when not the problem's cross-entropy (Alrao's objective).
  let objective: ((Variable) throws -> Variable)?
  private let input: Variable
  private var mark = 0.0

  init(problem: TrainingProblem, optimizer: Optimizer, objective: ((Variable) throws -> Variable)? = nil) {
    self.problem = problem
    self.optimizer = optimizer
    self.objective = objective
    self.input = Variable(problem.input)
  }

  /// Runs one step and adds its phase times to `times` under the step's kind (the plan's
  /// `kind`: `"full"`, multirate's `"fast"`); `inspect` sees the kind and the recorded graph of
  /// the step's first pass before its backward, outside the timed phases.
  ///
  /// - Returns: the kind of the step.
  /// - Throws: what the model, the loss or the optimizer throws.
  @discardableResult
  func step(into times: inout [String: PhaseTimes], inspect: ((String, RecordedGraph) -> Void)? = nil) throws -> String
  {
    mark = Self.now()
    let plan = try optimizer.prepareStep()
    var phases = PhaseTimes(steps: 1)
    var updated = false
    defer {
      optimizer.finishStep(updated: updated)
      phases.optimizer += lap()
      times[plan.kind] = (times[plan.kind] ?? PhaseTimes()) + phases
    }
    try pass(plan, phases: &phases, inspect: inspect)
    try optimizer.step()
    phases.optimizer += lap()
    while let next = optimizer.followUpPass() {
      try pass(next, phases: &phases, inspect: nil)
      try optimizer.step()
      phases.optimizer += lap()
    }
    updated = true
    return plan.kind
  }

  /// One forward and its backward, differentiating what `plan` names.
  private func pass(_ plan: GradientPlan, phases: inout PhaseTimes, inspect: ((String, RecordedGraph) -> Void)?) throws
  {
    optimizer.zeroGradients()
    phases.optimizer += lap()
    var forward = 0.0
    var backward = 0.0
    let body = {
      let loss = try self.objective?(self.input) ?? self.problem.loss(of: self.input)
      forward = self.lap()
      if let inspect {
        inspect(plan.kind, loss.recordedGraph())
        _ = self.lap()
      }
      try loss.backward()
      backward = self.lap()
    }
    if let parameters = plan.parameters {
      try GradientMode.differentiating(only: parameters, body)
    } else {
      try body()
    }
    phases.forward += forward
    phases.backward += backward
  }

  /// Seconds since the last lap.
  private func lap() -> Double {
    let now = Self.now()
    defer { mark = now }
    return now - mark
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
