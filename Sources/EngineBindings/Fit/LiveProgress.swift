import Plotting
import TempoRuntime
import Training

/// The one display a `fit` keeps up to date: epoch and step, loss, accuracy, steps/s, time left
/// and a small learning curve, replaced in place at most five times a second; its last state
/// stays in the notebook. Polls the interrupt flag, so an interrupt stops the run at the next
/// step with what it has.
final class LiveProgress: FitObserver {
  private let environment: Environment
  private let output: OutputSink
  private let title: String
  private let epochs: Int
  private var handle: DisplayHandle?
  private var lastSent = -Double.infinity
  private var latest: ProgressState
  /// Seconds between updates; the display throttle holds faster ones anyway, but not building a
  /// state per step keeps tiny models' steps cheap.
  static let interval = 0.2

  init(environment: Environment, output: OutputSink, title: String, epochs: Int, plannedSteps: Int) {
    self.environment = environment
    self.output = output
    self.title = title
    self.epochs = epochs
    latest = ProgressState(title: title, epochs: epochs, plannedSteps: plannedSteps)
  }

  var shouldStop: Bool { environment.interrupt.isRaised }

  func start() {
    handle = environment.liveDisplays.show(.host(ProgressObject(latest)), on: output)
  }

  func stepFinished(_ progress: FitProgress, run: RunRecord) {
    let now = MonotonicClock.seconds()
    guard now - lastSent >= Self.interval else { return }
    lastSent = now
    latest.progress = progress
    latest.stepLosses = run.stepLosses
    send()
  }

  func epochFinished(_ record: EpochRecord, run: RunRecord) {
    latest.history = run.history
    latest.stepLosses = run.stepLosses
    send()
  }

  /// The final state: sent whatever the throttle says (it is held until the cell ends at worst).
  func finish(_ run: RunRecord, status: String) {
    latest.history = run.history
    latest.stepLosses = run.stepLosses
    latest.finished = status
    latest.wallTime = run.wallTime
    latest.stepsDone = run.steps
    guard let handle else { return }
    environment.liveDisplays.updateNow(handle.id, to: .host(ProgressObject(latest)), on: output)
  }

  private func send() {
    guard let handle else { return }
    environment.liveDisplays.update(handle.id, to: .host(ProgressObject(latest)), on: output)
  }
}

/// What a progress display shows at one moment.
struct ProgressState {
  var title: String
  var epochs: Int
  var plannedSteps: Int
  var progress: FitProgress?
  var history: [EpochRecord] = []
  var stepLosses: [Float] = []
  /// Set when the run has ended: "completed", "interrupted …", "diverged …".
  var finished: String?
  var wallTime = 0.0
  var stepsDone = 0

  init(title: String, epochs: Int, plannedSteps: Int) {
    self.title = title
    self.epochs = epochs
    self.plannedSteps = plannedSteps
  }

  /// One line: `epoch 2/5 · step 340/469 · loss 0.4123 · accuracy 85.2 % · 1234 steps/s · 12 s left`.
  var line: String {
    var parts: [String] = [title]
    if let finished {
      parts.append(finished)
      parts.append("\(stepsDone) steps in \(Format.seconds(wallTime))")
      if let last = history.last {
        parts.append("train loss \(Format.number(last.trainLoss))")
        if let accuracy = last.testAccuracy { parts.append("test accuracy \(Format.percent(accuracy))") }
      }
      return parts.joined(separator: " · ")
    }
    guard let progress else { return parts.joined(separator: " · ") + " · starting" }
    parts.append("epoch \(progress.epoch)/\(progress.epochs)")
    parts.append("step \(progress.stepInEpoch)/\(progress.stepsPerEpoch)")
    parts.append("loss \(Format.number(progress.loss))")
    if let accuracy = progress.accuracy { parts.append("accuracy \(Format.percent(accuracy))") }
    if let test = history.last?.testAccuracy { parts.append("test \(Format.percent(test))") }
    parts.append("\(Format.rate(progress.stepsPerSecond)) steps/s")
    if progress.remaining.isFinite { parts.append("\(Format.seconds(progress.remaining)) left") }
    return parts.joined(separator: " · ")
  }

  /// A small chart of the step losses (a running mean, so the noise does not hide the trend).
  var figure: Figure {
    // As wide as a plot, so it fits where plots fit; a long line wraps (Plotting wraps
    // titles to their panel) rather than running off both sides.
    var theme = Theme.standard
    theme.panelHeight = 150
    let smoothed = Self.runningMean(stepLosses, window: max(1, stepLosses.count / 100))
    var panel = Panel(
      title: line, xLabel: "step", yLabel: "loss", series: [], showsLegend: false, xWholeNumbers: true)
    if !smoothed.isEmpty { panel.series.append(.line(LineSeries(y: smoothed))) }
    return Figure(panels: [panel], columns: 1, title: nil, theme: theme)
  }

  static func runningMean(_ values: [Float], window: Int) -> [Double] {
    guard window > 1 else { return values.map(Double.init) }
    var result: [Double] = []
    result.reserveCapacity(values.count)
    var sum = 0.0
    for (index, value) in values.enumerated() {
      sum += Double(value)
      if index >= window { sum -= Double(values[index - window]) }
      result.append(sum / Double(min(index + 1, window)))
    }
    return result
  }
}

/// A progress state as a value to display: the line as text, the line and curve as SVG.
final class ProgressObject: HostObject {
  let state: ProgressState
  init(_ state: ProgressState) { self.state = state }
  var typeName: String { "Progress" }
  var description: String { state.line }
  func displayRepresentations() -> [String: String] { ["image/svg+xml": state.figure.svg] }
}
