/// A metric summarised over runs (the seeds of one arm): the papers report mean, min and max.
public struct Summary: Sendable, Equatable {
  public var mean: Double
  public var minimum: Double
  public var maximum: Double
  /// Sample standard deviation (n − 1); 0 for a single run.
  public var standardDeviation: Double
  public var count: Int

  /// Nil when no value is given; NaN values (a diverged run) are left out.
  public init?(_ values: [Double]) {
    let finite = values.filter { $0.isFinite }
    guard let first = finite.first else { return nil }
    count = finite.count
    mean = finite.reduce(0, +) / Double(count)
    minimum = finite.reduce(first, min)
    maximum = finite.reduce(first, max)
    let meanValue = mean
    let squares = finite.reduce(0) { $0 + ($1 - meanValue) * ($1 - meanValue) }
    standardDeviation = count > 1 ? (squares / Double(count - 1)).squareRoot() : 0
  }
}

extension Array where Element == RunRecord {
  /// Per epoch, the summary of `metric` over the runs that reached that epoch (complete epochs only).
  public func summaries(_ metric: Metric) -> [Summary?] {
    let epochs = map { $0.history.filter { !$0.isPartial }.count }.max() ?? 0
    return (0..<epochs).map { index in
      Summary(compactMap { run in run.history.indices.contains(index) ? run.history[index][metric] : nil })
    }
  }

  /// The summary of the final value of `metric` over the runs that completed.
  public func finalSummary(_ metric: Metric) -> Summary? {
    Summary(filter { $0.status.isCompleted }.compactMap { $0.history.last?[metric] })
  }
}
