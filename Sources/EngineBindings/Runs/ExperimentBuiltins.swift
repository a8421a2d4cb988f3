import PlotBindings
import Plotting
import TempoRuntime
import Training

/// `seeds` and `compare`: the arms of an experiment over seeds, and the table the papers print.
enum ExperimentBuiltins {
  static let category = "Training"

  static var all: [BuiltinFunction] { [seeds, compare, ClaimBuiltin.claim] }

  static var seeds: BuiltinFunction {
    trainingBuiltin(
      "seeds",
      [
        ParameterSpec(nil, "count", .int, check: .positive, "how many runs: seeds 0, 1, …, count − 1"),
        ParameterSpec("name", .optional(.string), default: nil, "the arm's name (nil: the first run's)"),
        ParameterSpec(
          nil, "body", .function("(Int) -> Run"), "makes one run from a seed, usually with fit(…, seed: s)"),
      ], returns: "RunGroup", category: category,
      "Runs an arm of an experiment once per seed and groups the runs: mean, min, max and std of each metric.",
      discussion:
        "A run that diverges is kept and marked, and the next seed goes on; statistics leave it out. An interrupt stops the run in progress at its next step and starts no further seed: the group keeps the runs finished so far and the interrupted run too (marked, left out of the statistics) when the closure returns it as its last expression, as in { s in fit(…) }; the cell then ends with KeyboardInterrupt, after the group is stored in its variable. With no run to keep, there is no group: the cell ends with KeyboardInterrupt as any other.",
      example:
        "let sgd = seeds(3) { s in\n  fit(MLP([64, 32, 10]), on: Digits().split(0.8, seed: 0), epochs: 2, seed: s, progress: false)\n}\nsgd.testAccuracy"
    ) { args in
      let count = try args.int("count")
      let body = try args.function("body")
      var runs: [RunObject] = []
      seedLoop: for seed in 0..<count {
        if args.environment.interrupt.isRaised { break }
        do {
          let result = try args.call(body, [.int(seed)])
          guard case .host(let run as RunObject) = result else {
            throw RuntimeError(
              .typeError, "the closure passed to 'seeds' returned a \(result.typeName), not a Run",
              help: "end the closure with fit(…, seed: s)")
          }
          runs.append(run)
        } catch let error as RuntimeError where error.family == .keyboardInterrupt && !runs.isEmpty {
          // The interrupt reached a statement of the closure after its run stopped: the runs
          // finished so far are kept, and the cell still ends as interrupted.
          break seedLoop
        } catch let error as RuntimeError where error.family == .divergenceError {
          guard let run = error.attachment?.object as? RunObject else { throw error }
          args.output.writeStandardError("seed \(seed): \(error.message) — kept and marked; going on\n")
          runs.append(run)
        }
      }
      let name = try args.optionalString("name") ?? runs.first?.name ?? "runs"
      return .host(RunGroupObject(runs: runs, name: name))
    }
  }

  static var compare: BuiltinFunction {
    trainingBuiltin(
      "compare",
      [
        ParameterSpec(
          nil, "runs",
          .oneOf([
            .dictionary(.string, .oneOf([.host("Run"), .host("RunGroup")])),
            .array(.oneOf([.host("Run"), .host("RunGroup")])),
          ]), "the arms to compare"),
        ParameterSpec("title", .optional(.string), default: nil),
      ], returns: "Table", category: category,
      "A table of arms as the papers report them: test accuracy (mean, min, max), test loss, wall time and steps/s.",
      discussion:
        "Runs may be named by a dictionary, or keep their own names (the optimizer unless fit was given name:). Diverged and interrupted runs are counted apart and left out of the statistics. Runs on text add test bits per character (mean, min, max) and train bits per character; multirate runs add their speed-up.",
      example:
        "let data = Digits().split(0.8, seed: 0)\nlet sgd = seeds(2) { s in fit(MLP([64, 32, 10]), on: data, optimizer: SGD(learningRate: 0.1), seed: s, progress: false) }\nlet adam = fit(MLP([64, 32, 10]), on: data, optimizer: Adam(), progress: false)\ncompare([\"SGD\": sgd, \"Adam\": adam])"
    ) { args in
      let entries = try RunPlots.entries(try args.value("runs"), function: "compare")
      return .host(TableObject(table(entries, title: try args.optionalString("title"))))
    }
  }

  static func table(_ entries: [RunFigures.Entry], title: String?) -> Table {
    var columns = [
      "arm", "runs", "test accuracy", "min", "max", "std", "test loss", "train loss", "wall time (s)", "steps/s",
    ]
    // Multirate arms add their speed-up over full steps: measured, and as Eq. 6 and the cost
    // model predict it.
    let meters = entries.map { entry in
      entry.runs.filter { $0.status.isCompleted }.compactMap { SpeedupMeter($0.stepKinds) }
    }
    let showsSpeedup = meters.contains { !$0.isEmpty }
    if showsSpeedup { columns += ["speed-up", "Eq. 6", "cost model"] }
    // Arms trained on text add the losses in bits per character, the unit of language-model papers.
    let showsBits = entries.contains { $0.runs.finalSummary(.testBitsPerCharacter) != nil }
    if showsBits { columns += ["test bits/char", "bits/char min", "bits/char max", "train bits/char"] }
    let rows: [[TableCell]] = zip(entries, meters).map { entry, meters in
      let completed = entry.runs.filter { $0.status.isCompleted }
      let accuracy = entry.runs.finalSummary(.testAccuracy)
      func cell(_ value: Double?) -> TableCell { value.map(TableCell.number) ?? .missing }
      let failed = entry.runs.count - completed.count
      let runsText = failed == 0 ? "\(entry.runs.count)" : "\(entry.runs.count) (\(failed) stopped)"
      var row: [TableCell] = [
        .text(entry.name), .text(runsText), cell(accuracy?.mean), cell(accuracy?.minimum), cell(accuracy?.maximum),
        cell(accuracy.map(\.standardDeviation)), cell(entry.runs.finalSummary(.testLoss)?.mean),
        cell(entry.runs.finalSummary(.trainLoss)?.mean), cell(Summary(completed.map(\.wallTime))?.mean),
        cell(Summary(completed.map(\.stepsPerSecond))?.mean),
      ]
      if showsSpeedup {
        row += [
          cell(Summary(meters.map(\.measured))?.mean), cell(Summary(meters.map(\.equation6))?.mean),
          cell(Summary(meters.map(\.costModel))?.mean),
        ]
      }
      if showsBits {
        let bits = entry.runs.finalSummary(.testBitsPerCharacter)
        row += [
          cell(bits?.mean), cell(bits?.minimum), cell(bits?.maximum),
          cell(entry.runs.finalSummary(.trainBitsPerCharacter)?.mean),
        ]
      }
      return row
    }
    return Table(columns: columns, rows: rows, title: title)
  }
}
