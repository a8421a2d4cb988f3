import Glibc

/// A histogram's bins: edges and counts, and how many values could not be placed.
public struct HistogramBins: Sendable, Equatable {
  /// `counts.count + 1` increasing edges; bin i is `edges[i] ..< edges[i + 1]`, the last one
  /// closed.
  public var edges: [Double]
  public var counts: [Int]
  /// NaN, infinite, or (for log bins) not positive.
  public var skipped: Int

  /// Linear bins snap to round edges (the axis ticks' algorithm), so a histogram of values in
  /// 0.03…0.97 asked for 10 bins has edges 0, 0.1, …, 1; log bins are equal in log10(value).
  public init(_ series: HistogramSeries) {
    let usable = series.values.filter { $0.isFinite && (!series.logarithmicBins || $0 > 0) }
    skipped = series.values.count - usable.count
    let count = max(1, series.binCount)
    guard let low = usable.min(), let high = usable.max() else {
      edges = []
      counts = []
      return
    }
    if series.logarithmicBins {
      let a = log10(low == high ? low / 1.5 : low)
      let b = log10(low == high ? high * 1.5 : high)
      edges = (0...count).map { pow(10, a + (b - a) * Double($0) / Double(count)) }
      edges[0] = min(edges[0], low)
      edges[count] = max(edges[count], high)
    } else if low == high {
      edges = [low - 0.5, low + 0.5]
    } else {
      let (niceLow, niceHigh) = Ticks.nice(low, high, count: count)
      edges = Ticks.linear(from: niceLow, to: niceHigh, count: count)
      if edges.count < 2 { edges = [low, high] }
    }
    var counts = [Int](repeating: 0, count: edges.count - 1)
    for value in usable {
      // Binary search: log edges are not evenly spaced, and it is exact at the edges.
      var lower = 0
      var upper = counts.count - 1
      while lower < upper {
        let middle = (lower + upper + 1) / 2
        if value >= edges[middle] { lower = middle } else { upper = middle - 1 }
      }
      counts[lower] += 1
    }
    self.counts = counts
  }
}
