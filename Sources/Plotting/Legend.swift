/// A legend entry: a name and how its swatch looks.
struct LegendEntry {
  enum Swatch {
    case line(dashed: Bool)
    case dot
    case box
  }

  var name: String
  var color: String
  var swatch: Swatch
}

/// Where a legend goes: the inside corner that covers the fewest data points, or outside on
/// the right when every corner covers some.
enum LegendPlacement {
  static func size(of entries: [LegendEntry], theme: Theme) -> (width: Double, height: Double) {
    let widest = entries.map { Double($0.name.count) }.max() ?? 0
    return (widest * theme.fontSize * theme.characterWidth + 34, Double(entries.count) * (theme.fontSize + 6) + 8)
  }

  /// The top-left corner of the legend box in the plot area, or nil when it should go
  /// outside. `points` are the drawn data points in pixels (a sample is enough).
  static func insideCorner(
    plot: Rect, size: (width: Double, height: Double), points: [Point]
  ) -> Point? {
    guard size.width + 16 < plot.width, size.height + 16 < plot.height else { return nil }
    let margin = 8.0
    // Preference order when several corners are free: top right, top left, bottom right,
    // bottom left (where readers look for a legend first).
    let corners = [
      Point(x: plot.maxX - margin - size.width, y: plot.y + margin),
      Point(x: plot.x + margin, y: plot.y + margin),
      Point(x: plot.maxX - margin - size.width, y: plot.maxY - margin - size.height),
      Point(x: plot.x + margin, y: plot.maxY - margin - size.height),
    ]
    for corner in corners {
      let box = Rect(x: corner.x - 4, y: corner.y - 4, width: size.width + 8, height: size.height + 8)
      if !points.contains(where: box.contains) { return corner }
    }
    return nil
  }
}
