import Plotting
import Training

/// Learning curves of runs and groups of runs: a mean line with a min–max band per group, a
/// plain line per single run, epochs on the x axis.
enum RunFigures {
  /// One labelled curve source: a single run or the runs of a group.
  struct Entry {
    var name: String
    var runs: [RunRecord]
  }

  /// The curves of `metric`, one colour per entry.
  static func series(_ entries: [Entry], metric: Metric) -> [Series] {
    var series: [Series] = []
    for (index, entry) in entries.enumerated() {
      if entry.runs.count == 1, let run = entry.runs.first {
        let values = run.history.map { $0[metric] ?? .nan }
        series.append(
          .line(
            LineSeries(
              name: entry.name, x: run.history.map { Double($0.epoch) }, y: values, markers: values.count <= 30,
              colorIndex: index)))
      } else {
        let summaries = entry.runs.summaries(metric)
        let x = summaries.indices.map { Double($0 + 1) }
        series.append(
          .band(
            BandSeries(
              name: entry.name, x: x, lower: summaries.map { $0?.minimum ?? .nan },
              upper: summaries.map { $0?.maximum ?? .nan }, center: summaries.map { $0?.mean ?? .nan },
              colorIndex: index)))
      }
    }
    return series
  }

  static func panel(_ entries: [Entry], metric: Metric, title: String? = nil) -> Panel {
    Panel(
      title: title ?? metric.displayName, xLabel: "epoch", yLabel: metric.displayName,
      series: series(entries, metric: metric), showsLegend: entries.count > 1 || entries.contains { $0.runs.count > 1 },
      xWholeNumbers: true)
  }

  /// A run's or a group's picture: loss and accuracy, train and test (each validation set when
  /// there are several), side by side.
  static func overview(_ entry: Entry, title: String? = nil) -> Figure {
    let hasAccuracy = entry.runs.contains { $0.history.contains { $0.trainAccuracy != nil } }
    let hasTest = entry.runs.contains { $0.history.contains { $0.testLoss != nil } }
    let sets = entry.runs.first?.validationNames ?? []
    func curves(_ train: Metric, _ test: Metric) -> Panel {
      var entries: [(Metric, String, [RunRecord])] = [(train, "train", entry.runs)]
      if sets.count > 1 {
        for set in sets { entries.append((test, set, entry.runs.compactMap { $0.viewed(on: set) })) }
      } else if hasTest {
        entries.append((test, "test", entry.runs))
      }
      var panel = Panel(
        title: train.isAccuracy ? "accuracy" : "loss", xLabel: "epoch", yLabel: train.isAccuracy ? "accuracy" : "loss",
        xWholeNumbers: true)
      for (index, (metric, name, runs)) in entries.enumerated() {
        var made = series([Entry(name: name, runs: runs)], metric: metric)
        for position in made.indices { made[position] = recolored(made[position], index) }
        panel.series += made
      }
      return panel
    }
    var panels = [curves(.trainLoss, .testLoss)]
    if hasAccuracy { panels.append(curves(.trainAccuracy, .testAccuracy)) }
    return Figure(panels: panels, columns: panels.count, title: title)
  }

  private static func recolored(_ series: Series, _ color: Int) -> Series {
    switch series {
    case .line(var line):
      line.colorIndex = color
      return .line(line)
    case .band(var band):
      band.colorIndex = color
      return .band(band)
    default: return series
    }
  }
}
