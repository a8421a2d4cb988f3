import Datasets
import Plotting
import TempoRuntime
import Training

/// A finished (or stopped) run as a Tempo value: the trained model, the history, the timing.
/// Shown as a one-paragraph summary and its learning curves.
final class RunObject: HostObject {
  let record: RunRecord
  let model: ModelObject
  /// What the run is called in comparisons (the optimizer, unless named).
  let name: String

  init(record: RunRecord, model: ModelObject, name: String) {
    self.record = record
    self.model = model
    self.name = name
  }

  var typeName: String { "Run" }

  var statusText: String {
    switch record.status {
    case .completed: return "completed"
    case .interrupted(let epoch, let step): return "interrupted in epoch \(epoch) after step \(step)"
    case .diverged(let epoch, let step, let loss): return "diverged: loss \(loss) at epoch \(epoch), step \(step)"
    }
  }

  var description: String {
    var lines = ["Run: \(model.recipe.title), \(record.optimizerDescription), seed \(record.configuration.seed)"]
    let epochs = record.history.filter { !$0.isPartial }.count
    lines.append(
      "\(epochs) of \(record.configuration.epochs) epochs, \(record.steps) steps in \(Format.seconds(record.wallTime))"
        + " (\(Format.rate(record.stepsPerSecond)) steps/s) — \(statusText)")
    if let last = record.history.last {
      var parts = ["train loss \(Format.number(last.trainLoss))"]
      if let accuracy = last.trainAccuracy { parts.append("train accuracy \(Format.percent(accuracy))") }
      if last.evaluations.count > 1 {
        for set in last.evaluations {
          parts.append("\(set.name) loss \(Format.number(set.loss))")
          if let accuracy = set.accuracy { parts.append("\(set.name) accuracy \(Format.percent(accuracy))") }
        }
      } else {
        if let loss = last.testLoss { parts.append("test loss \(Format.number(loss))") }
        if let accuracy = last.testAccuracy { parts.append("test accuracy \(Format.percent(accuracy))") }
      }
      if let bits = last.trainBitsPerCharacter { parts.append("train \(Format.number(bits)) bits/char") }
      if let bits = last.testBitsPerCharacter { parts.append("test \(Format.number(bits)) bits/char") }
      lines.append(parts.joined(separator: ", "))
    }
    let time = record.time
    if time.total > 0 {
      let shares = [
        ("data", time.data), ("forward", time.forward), ("backward", time.backward), ("optimizer", time.optimizer),
        ("evaluation", time.evaluation),
      ].map { "\($0.0) \(Format.percent($0.1 / time.total))" }
      lines.append("time: " + shares.joined(separator: ", "))
    }
    if let meter = SpeedupMeter(record.stepKinds) {
      lines.append(
        "speed-up over full steps: measured \(Format.fixed(meter.measured, 2))×, Eq. 6 \(Format.fixed(meter.equation6, 2))×, "
          + "cost model \(Format.fixed(meter.costModel, 2))× (\(Format.fixed(meter.stepsPerCycle, 1)) steps per cycle); "
          + "a fast step keeps \(Format.percent(meter.activationShare)) of a full step's activations")
      if let explanation = meter.explanation { lines.append("note: " + explanation) }
    }
    if let trace = record.alrao, let posterior = trace.switchWeights.last {
      let copies = zip(trace.classifierRates, posterior).map {
        "η \(Format.significant(Double($0), 3)): \(Format.percent(Double($1)))"
      }
      lines.append("Alrao posterior over copies: " + copies.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }

  /// The multirate speed-up meter as a dictionary, nil for a run with only full steps.
  var speedup: Value {
    guard let meter = SpeedupMeter(record.stepKinds) else { return .nil }
    var entries: [(String, Value)] = [
      ("measured", .double(meter.measured)), ("equation6", .double(meter.equation6)),
      ("costModel", .double(meter.costModel)), ("stepsPerCycle", .double(meter.stepsPerCycle)),
      ("backwardShare", .double(meter.backwardShare)), ("activationShare", .double(meter.activationShare)),
    ]
    if let explanation = meter.explanation { entries.append(("note", .string(explanation))) }
    return .record(entries)
  }

  var figure: Figure { RunFigures.overview(RunFigures.Entry(name: name, runs: [record]), title: name) }

  func displayRepresentations() -> [String: String] {
    guard !record.history.isEmpty else { return [:] }
    return ["image/svg+xml": figure.svg]
  }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  static let memberTypes: [String: String] = [
    "accuracy": "Double?", "bitsPerCharacter": "Double?", "classifierRates": "[Double]?", "diverged": "Bool",
    "epochs": "Int", "featureRates": "[[Double]]?", "history": "[[String: Double]]", "interrupted": "Bool",
    "loss": "Double?", "model": "Model", "name": "String", "on": "-> Run", "optimizer": "String", "seed": "Int",
    "speedup": "[String: Double]?", "status": "String", "stepLosses": "[Double]", "steps": "Int",
    "stepsPerSecond": "Double", "switchWeights": "[[Double]]?", "testAccuracy": "[Double?]",
    "testBitsPerCharacter": "[Double?]", "testLoss": "[Double?]", "time": "[String: Double]",
    "trainAccuracy": "[Double?]", "trainBitsPerCharacter": "[Double?]", "trainLoss": "[Double?]",
    "validationSets": "[String]", "wallTime": "Double",
  ]

  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "model": return .host(model)
    case "name": return .string(self.name)
    case "optimizer": return .string(record.optimizerDescription)
    case "seed": return .int(Int(record.configuration.seed))
    case "steps": return .int(record.steps)
    case "epochs": return .int(record.history.count)
    case "wallTime": return .double(record.wallTime)
    case "stepsPerSecond": return .double(record.stepsPerSecond)
    case "accuracy": return record.finalTestAccuracy.map(Value.double) ?? .nil
    case "loss": return record.finalTestLoss.map(Value.double) ?? .nil
    case "bitsPerCharacter": return record.history.last?.testBitsPerCharacter.map(Value.double) ?? .nil
    case "status": return .string(statusText)
    case "interrupted":
      if case .interrupted = record.status { return .bool(true) }
      return .bool(false)
    case "diverged":
      if case .diverged = record.status { return .bool(true) }
      return .bool(false)
    case "stepLosses": return .array(record.stepLosses.map { .double(Double($0)) })
    case "switchWeights":
      return record.alrao.map { trace in
        .array(trace.switchWeights.map { row in .array(row.map { .double(Double($0)) }) })
      } ?? .nil
    case "classifierRates": return record.alrao.map { .array($0.classifierRates.map(Self.rateValue)) } ?? .nil
    case "featureRates": return record.alrao.map { .array($0.featureRates.map(Self.rateValue)) } ?? .nil
    case "speedup": return speedup
    case "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "trainBitsPerCharacter", "testBitsPerCharacter":
      guard let metric = Metric(rawValue: name) else { return nil }
      return .array(record.series(metric).map { $0.map(Value.double) ?? .nil })
    case "history": return .array(record.history.map(Self.historyRow))
    case "validationSets": return .array(record.validationNames.map(Value.string))
    case "on":
      return .function(
        ValidationView.method(on: self.name, sets: record.validationNames, returns: "Run") { [self] set in
          guard let view = record.viewed(on: set) else { return nil }
          return .host(RunObject(record: view, model: model, name: ValidationView.name(self.name, set)))
        })
    case "time":
      let time = record.time
      return .record(
        [
          ("data", time.data), ("forward", time.forward), ("backward", time.backward), ("optimizer", time.optimizer),
          ("evaluation", time.evaluation), ("total", record.wallTime),
        ].map { ($0, .double($1)) })
    default: return nil
    }
  }

  /// A Float rate as the Double it reads as (1e-05, not 9.999999747378752e-06).
  static func rateValue(_ rate: Float) -> Value { .double(Double("\(rate)") ?? Double(rate)) }

  static func historyRow(_ entry: EpochRecord) -> Value {
    var entries: [(String, Value)] = [
      ("epoch", .int(entry.epoch)),
      ("trainLoss", .double(entry.trainLoss)),
      ("trainAccuracy", entry.trainAccuracy.map(Value.double) ?? .nil),
      ("testLoss", entry.testLoss.map(Value.double) ?? .nil),
      ("testAccuracy", entry.testAccuracy.map(Value.double) ?? .nil),
      ("steps", .int(entry.steps)),
      ("seconds", .double(entry.elapsed)),
    ]
    if let bits = entry.trainBitsPerCharacter { entries.append(("trainBitsPerCharacter", .double(bits))) }
    if let bits = entry.testBitsPerCharacter { entries.append(("testBitsPerCharacter", .double(bits))) }
    if entry.evaluations.count > 1 {
      for set in entry.evaluations {
        entries.append(("\(set.name) loss", .double(set.loss)))
        entries.append(("\(set.name) accuracy", set.accuracy.map(Value.double) ?? .nil))
      }
    }
    if entry.isPartial { entries.append(("partial", .bool(true))) }
    return .record(entries)
  }

  var documentation: Documentation? {
    Documentation(
      name: "Run",
      summary: "What fit returns: the trained model, the history per epoch, the steps and where the time went.",
      discussion:
        "Members: model, history (a dictionary per epoch; with several validation sets also \"<set> loss\" and \"<set> accuracy\"), validationSets (their names, the first is the test set), on(set) (this run as that set sees it: its testLoss, testAccuracy and curves are that set's), trainLoss, trainAccuracy, testLoss, testAccuracy (per epoch), accuracy and loss (the last test values), stepLosses, for a run on text also trainBitsPerCharacter and testBitsPerCharacter (the cross-entropy per epoch in bits per character: nats / ln 2) and bitsPerCharacter (the last test value; nil for other data), steps, epochs, wallTime, stepsPerSecond, time (seconds in data, forward, backward, optimizer, evaluation), speedup (for a multirate run: the measured speed-up of its cycles over full steps beside Eq. 6 and the cost model from its own forward and backward times, nil otherwise), seed, optimizer, status, interrupted, diverged. For an Alrao run: switchWeights (the posterior over the classifier copies after every step, one row per step: for a heatmap with one row per copy, transpose it — run.classifierRates!.indices.map { j in run.switchWeights!.map { step in step[j] } }), classifierRates (the copies' rates) and featureRates (each trunk feature's rate once: hist of their log10); nil for other runs.",
      example: "let run = fit(MLP([64, 32, 10]), on: Digits(), epochs: 3)\nrun.accuracy", category: "Training")
  }
}

/// Runs of one arm over seeds: summaries of each metric, and mean curves with min–max bands.
final class RunGroupObject: HostObject {
  let runs: [RunObject]
  let name: String

  init(runs: [RunObject], name: String) {
    self.runs = runs
    self.name = name
  }

  var typeName: String { "RunGroup" }
  var records: [RunRecord] { runs.map(\.record) }
  var completed: [RunRecord] { records.filter { $0.status.isCompleted } }

  var description: String {
    var lines = ["\(name): \(runs.count) runs (\(completed.count) completed)"]
    for metric in Metric.allCases {
      guard let summary = records.finalSummary(metric) else { continue }
      let values = [summary.mean, summary.minimum, summary.maximum, summary.standardDeviation].map {
        metric.isAccuracy ? Format.percent($0) : Format.number($0)
      }
      lines.append("\(metric.displayName): mean \(values[0]), min \(values[1]), max \(values[2]), std \(values[3])")
    }
    for run in runs where !run.record.status.isCompleted {
      lines.append("seed \(run.record.configuration.seed): \(run.statusText)")
    }
    return lines.joined(separator: "\n")
  }

  func displayRepresentations() -> [String: String] {
    guard records.contains(where: { !$0.history.isEmpty }) else { return [:] }
    return ["image/svg+xml": RunFigures.overview(RunFigures.Entry(name: name, runs: records), title: name).svg]
  }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  static let memberTypes: [String: String] = [
    "count": "Int", "name": "String", "on": "-> RunGroup", "runs": "[Run]", "steps": "[String: Double]",
    "subscript": "-> Run", "testAccuracy": "[String: Double]", "testBitsPerCharacter": "[String: Double]",
    "testLoss": "[String: Double]", "trainAccuracy": "[String: Double]", "trainBitsPerCharacter": "[String: Double]",
    "trainLoss": "[String: Double]", "validationSets": "[String]", "wallTime": "[String: Double]",
  ]

  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "runs": return .array(runs.map { .host($0) })
    case "count": return .int(runs.count)
    case "name": return .string(self.name)
    case "wallTime": return summaryValue(Summary(completed.map(\.wallTime)))
    case "validationSets": return .array(validationNames.map(Value.string))
    case "on":
      return .function(
        ValidationView.method(on: self.name, sets: validationNames, returns: "RunGroup") { [self] set in
          var views: [RunObject] = []
          for run in runs {
            guard let view = run.record.viewed(on: set) else { return nil }
            views.append(RunObject(record: view, model: run.model, name: ValidationView.name(run.name, set)))
          }
          return .host(RunGroupObject(runs: views, name: ValidationView.name(self.name, set)))
        })
    case "steps": return summaryValue(Summary(completed.map { Double($0.steps) }))
    case "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "trainBitsPerCharacter", "testBitsPerCharacter":
      guard let metric = Metric(rawValue: name) else { return nil }
      return summaryValue(records.finalSummary(metric))
    case "subscript":
      return .function(
        BuiltinFunction(
          name: "subscript", signature: Signature([ParameterSpec(nil, "index", .int)], returns: "Run")
        ) { [runs] args in
          let index = try args.int("index")
          guard runs.indices.contains(index) else {
            throw RuntimeError(.indexError, "run \(index) is out of range: the group has \(runs.count) runs")
          }
          return .host(runs[index])
        })
    default: return nil
    }
  }

  /// The validation sets every run of the group has, in the first run's order.
  var validationNames: [String] {
    let first = runs.first?.record.validationNames ?? []
    return first.filter { name in runs.allSatisfy { $0.record.validationNames.contains(name) } }
  }

  private func summaryValue(_ summary: Summary?) -> Value {
    guard let summary else { return .nil }
    return .record([
      ("mean", .double(summary.mean)), ("min", .double(summary.minimum)), ("max", .double(summary.maximum)),
      ("std", .double(summary.standardDeviation)), ("count", .int(summary.count)),
    ])
  }

  var documentation: Documentation? {
    Documentation(
      name: "RunGroup",
      summary: "The runs seeds(n) { s in … } made: one arm of an experiment over seeds.",
      discussion:
        "group.testAccuracy (and trainLoss, trainAccuracy, testLoss, wallTime, steps, and for runs on text testBitsPerCharacter and trainBitsPerCharacter) is a dictionary of mean, min, max, std and count over the completed runs' final values; group[i] or group.runs[i] is one run; with several validation sets (fit's validate: [name: data]) group.on(\"name\") is the group as that set sees it (its testAccuracy, curves and claims read that set) and group.validationSets lists them; a diverged or interrupted run is kept, marked, and left out of the statistics.",
      example:
        "let group = seeds(3) { s in fit(MLP([64, 32, 10]), on: Digits(), epochs: 2, seed: s) }\ngroup.testAccuracy[\"mean\"]",
      category: "Training")
  }
}

/// Numbers as summaries print them.
enum Format {
  static func number(_ value: Double) -> String {
    let magnitude = abs(value)
    // Scientific beyond a million: a diverging loss passes 1e30 on its way to infinity.
    guard value.isFinite, magnitude < 1e6 else { return "\(value)" }
    if magnitude >= 1000 { return String(Int(value.rounded())) }
    // Below 0.001 four decimals would say 0.0001 for a test MSE of 0.000058: keep three
    // significant digits there instead, down to 1e-12 (smaller is scientific).
    if magnitude > 0, magnitude < 0.001 {
      guard magnitude >= 1e-12 else { return "\(value)" }
      var (scaled, leading) = (magnitude, 0)
      while scaled < 1 { (scaled, leading) = (scaled * 10, leading + 1) }
      // Written from an integer: Swift's own description turns scientific below 1e-4.
      let decimals = leading + 2
      let units = String(Int((magnitude * pow10(decimals)).rounded()))
      let padded = String(repeating: "0", count: max(0, decimals - units.count)) + units
      return (value < 0 ? "-" : "") + "0." + padded.suffix(decimals)
    }
    let digits = magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4
    return fixed(value, digits)
  }

  /// A rate such as steps per second: whole numbers from 100, one decimal from 10.
  static func rate(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    if value >= 1e15 { return "\(value)" }
    if value >= 100 { return String(Int(value.rounded())) }
    return fixed(value, value >= 10 ? 1 : 2)
  }

  /// `value` to `digits` significant digits, trailing zeros dropped: 4.6415887e-05 as
  /// "4.64e-05", 0.021544 as "0.0215", 10 as "10" — how a learning rate reads in a summary.
  static func significant(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite, value != 0 else { return "\(value)" }
    var mantissa = abs(value)
    var exponent = 0
    while mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while mantissa < 1 {
      mantissa *= 10
      exponent -= 1
    }
    // 9.9999997e-06 (Float's 1e-5) rounds to 10.0 at three digits: carry into the exponent.
    let scale = pow10(digits - 1)
    if (mantissa * scale).rounded() >= 10 * scale {
      mantissa /= 10
      exponent += 1
    }
    let sign = value < 0 ? "-" : ""
    func trimmed(_ text: String) -> String {
      guard text.contains(".") else { return text }
      var text = text
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
      return text
    }
    if (-3...4).contains(exponent) { return sign + trimmed(fixed(abs(value), max(0, digits - 1 - exponent))) }
    let power = (exponent < 0 ? "e-" : "e+") + (abs(exponent) < 10 ? "0" : "") + "\(abs(exponent))"
    return sign + trimmed(fixed(mantissa, digits - 1)) + power
  }

  static func percent(_ value: Double) -> String { value.isFinite ? fixed(value * 100, 1) + " %" : "–" }

  static func seconds(_ value: Double) -> String {
    if value < 1 { return fixed(value * 1000, 0) + " ms" }
    if value < 120 { return fixed(value, 1) + " s" }
    guard value < 1e12 else { return "\(value) s" }
    let minutes = Int(value) / 60
    return "\(minutes) min \(Int(value) % 60) s"
  }

  static func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
    let scale = pow10(digits)
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if digits == 0 { return String(Int(rounded)) }
    guard let dot = text.firstIndex(of: ".") else { return text }
    let decimals = text.distance(from: dot, to: text.endIndex) - 1
    if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    if text.contains("e") { return "\(value)" }
    return text
  }

  private static func pow10(_ digits: Int) -> Double {
    var result = 1.0
    for _ in 0..<digits { result *= 10 }
    return result
  }
}

/// `run.on(set)` and `group.on(set)`: a run or a group as one of its validation sets sees it.
enum ValidationView {
  /// What a view is called: "small lr (patch only)".
  static func name(_ name: String, _ set: String) -> String { "\(name) (\(set))" }

  /// The `on` method of `owner`, whose runs have `sets`; `view` gives nil for an unknown set.
  static func method(
    on owner: String, sets: [String], returns: String, view: @escaping (String) throws -> Value?
  ) -> BuiltinFunction {
    trainingBuiltin(
      "on", [ParameterSpec(nil, "set", .string, "the name of a validation set, a key of fit's validate:")],
      returns: returns, category: "Training",
      "The same runs, with a validation set's loss and accuracy as their test metrics (tables, curves, claims).",
      example: "run.on(\"patch only\").testAccuracy"
    ) { args in
      let set = try args.string("set")
      if let value = try view(set) { return value }
      let known = sets.map { "'\($0)'" }.joined(separator: ", ")
      throw RuntimeError(
        .valueError, "'\(owner)' has no validation set '\(set)'" + (sets.isEmpty ? "" : "; its sets are \(known)"),
        help: sets.count > 1
          ? "use one of its set names" : "name several sets in fit: validate: [\"clean\": a, \"augmented\": b]")
    }
  }
}
