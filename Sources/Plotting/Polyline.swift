/// A point in pixels.
struct Point: Equatable {
  var x: Double
  var y: Double
}

/// An axis-aligned rectangle in pixels (the plot area of a panel).
struct Rect {
  var x: Double
  var y: Double
  var width: Double
  var height: Double

  var maxX: Double { x + width }
  var maxY: Double { y + height }

  func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }

  func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// Turns data points into what a path draws: split at values that cannot be shown, thinned
/// to a few points per pixel column, and clipped to the plot area.
enum Polyline {
  /// Runs of consecutive drawable points, in pixels. A NaN, an infinity or (on a log axis) a
  /// value ≤ 0 ends a run: the line has a gap there.
  static func segments(x: [Double], y: [Double], xScale: Scale, yScale: Scale) -> [[Point]] {
    var segments: [[Point]] = []
    var current: [Point] = []
    let n = min(x.count, y.count)
    current.reserveCapacity(n)
    for i in 0..<n {
      if let px = xScale.position(x[i]), let py = yScale.position(y[i]) {
        current.append(Point(x: px, y: py))
      } else if !current.isEmpty {
        segments.append(current)
        current = []
      }
    }
    if !current.isEmpty { segments.append(current) }
    return segments
  }

  /// Keeps, for each pixel column, the first, lowest, highest and last point in their
  /// original order, so a line of 100,000 points draws the same picture from a few thousand,
  /// spikes included. Only for runs whose x only grows (or only shrinks); others are returned
  /// unchanged, since columns would not be contiguous.
  static func decimated(_ points: [Point], columnWidth: Double = 1) -> [Point] {
    guard points.count > 8, isMonotone(points) else { return points }
    var result: [Point] = []
    result.reserveCapacity(min(points.count, 4 * 2048))
    var start = 0
    while start < points.count {
      let column = (points[start].x / columnWidth).rounded(.down)
      var end = start + 1
      var lowest = start
      var highest = start
      while end < points.count, (points[end].x / columnWidth).rounded(.down) == column {
        if points[end].y < points[lowest].y { lowest = end }
        if points[end].y > points[highest].y { highest = end }
        end += 1
      }
      let last = end - 1
      var kept = [start, lowest, highest, last]
      kept.sort()
      var previous = -1
      for index in kept where index != previous {
        result.append(points[index])
        previous = index
      }
      start = end
    }
    return result
  }

  private static func isMonotone(_ points: [Point]) -> Bool {
    var increasing = true
    var decreasing = true
    for i in 1..<points.count {
      if points[i].x < points[i - 1].x { increasing = false }
      if points[i].x > points[i - 1].x { decreasing = false }
      if !increasing && !decreasing { return false }
    }
    return true
  }

  /// Appends a run to `path`, clipped to `bounds` (Liang–Barsky per segment): a part outside
  /// is left out and drawing resumes with a new subpath where the line comes back in.
  static func append(_ points: [Point], to path: inout PathBuilder, clippedTo bounds: Rect) {
    var pen: Point?
    for i in 1..<max(points.count, 1) {
      guard let (a, b) = clip(points[i - 1], points[i], to: bounds) else {
        pen = nil
        continue
      }
      if pen != a {
        path.move(a.x, a.y)
      }
      path.line(b.x, b.y)
      pen = b
      if b != points[i] { pen = nil }
    }
    path.gap()
  }

  /// The part of segment a–b inside `r`, or nil when none of it is.
  static func clip(_ a: Point, _ b: Point, to r: Rect) -> (Point, Point)? {
    let dx = b.x - a.x
    let dy = b.y - a.y
    var t0 = 0.0
    var t1 = 1.0
    let edges: [(Double, Double)] = [(-dx, a.x - r.x), (dx, r.maxX - a.x), (-dy, a.y - r.y), (dy, r.maxY - a.y)]
    for (p, q) in edges {
      if p == 0 {
        if q < 0 { return nil }
        continue
      }
      let t = q / p
      if p < 0 {
        if t > t1 { return nil }
        if t > t0 { t0 = t }
      } else {
        if t < t0 { return nil }
        if t < t1 { t1 = t }
      }
    }
    let start = t0 == 0 ? a : Point(x: a.x + t0 * dx, y: a.y + t0 * dy)
    let end = t1 == 1 ? b : Point(x: a.x + t1 * dx, y: a.y + t1 * dy)
    return (start, end)
  }
}
