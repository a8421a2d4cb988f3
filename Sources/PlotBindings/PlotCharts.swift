import Plotting
import TempoRuntime

/// The chart builtins' parameters, documentation and conversion of arguments into series.
enum PlotCharts {
  static let plot = PlotBuiltins.Chart(
    name: "plot",
    parameters: [
      ParameterSpec(
        nil, "values", .any, "y values; or x values when a second array follows; or a dictionary of named series"),
      ParameterSpec(nil, "y", .optional(.array(.double)), default: nil, "y values (the first argument is then x)"),
      ParameterSpec("label", .optional(.string), default: nil, "the series' name in the legend"),
      ParameterSpec(
        "lower", .optional(.array(.double)), default: nil,
        "lower edge of a shaded band (min or mean − std over seeds)"),
      ParameterSpec("upper", .optional(.array(.double)), default: nil, "upper edge of the band"),
      ParameterSpec("markers", .bool, default: false, "draw a dot at each point"),
      ParameterSpec("dashed", .bool, default: false, "draw the line dashed"),
      ParameterSpec(
        "metric", .optional(.symbol), default: nil,
        "for runs: .testAccuracy (default), .testLoss, .trainLoss, .trainAccuracy, or on text .testBitsPerCharacter and .trainBitsPerCharacter"
      ),
    ],
    summary: "A line chart: one series, x and y values, several named series, or runs' learning curves.",
    discussion:
      "plot(ys) draws ys against 0, 1, 2, …; plot(xs, ys) against xs; plot([\"train\": a, \"test\": b]) draws one named line per entry (an entry may be (xs, ys)); an array of arrays draws one line each. nil, nan and inf values leave a gap. With lower: and upper: the line gets a shaded band, as for the mean and range over seeds. plot(runs, metric: .testLoss) draws a run's curve per epoch, or for a group from seeds(n) its mean with a min–max band; runs may come as an array or a dictionary of names.",
    example:
      "plot([\"train\": [2.3, 1.2, 0.8], \"test\": [2.4, 1.5, 1.1]], title: \"loss\", xLabel: \"epoch\")\nplot([1e-4, 1e-3, 1e-2], [0.61, 0.83, 0.79], markers: true, xScale: .log)",
    defaults: { panel, args in
      guard let kind = CurvePlots.kind(of: try args.value("values")) else { return }
      let metric = try CurvePlots.metric(args, kind: kind)
      panel.xLabel = kind.stepTitle
      panel.xWholeNumbers = true
      panel.yLabel = kind.axisTitle(metric: metric)
    },
    makeSeries: { args in
      let first = try args.value("values")
      if let kind = CurvePlots.kind(of: first) {
        let metric = try CurvePlots.metric(args, kind: kind)
        return try kind.series(first, metric: metric, function: args.function)
      }
      if args.has("metric") {
        throw RuntimeError(
          .typeError, "'metric' of 'plot' is for runs, not numbers",
          help: "pass runs from fit or seeds: plot([sgd, adam], metric: .testLoss)")
      }
      let label = try args.optionalString("label")
      let markers = try args.bool("markers")
      let dashed = try args.bool("dashed")
      if case .dictionary(let map) = first {
        guard !args.has("y") else {
          throw RuntimeError(
            .typeError, "'plot' takes a dictionary of series alone, not with a second array",
            help: "give each entry its own x values as a tuple: [\"train\": (xs, ys)]")
        }
        return try zip(map.keys, map.values).map { key, value in
          let name = key.stringValue ?? key.description
          if let parts = value.tupleElements, parts.count == 2 {
            let (x, y) = try matched(
              args, try args.numbers(from: parts[0], parameter: "values"),
              try args.numbers(from: parts[1], parameter: "values"), name: name)
            return .line(LineSeries(name: name, x: x, y: y, markers: markers, dashed: dashed))
          }
          return .line(
            LineSeries(
              name: name, y: try args.numbers(from: value, parameter: "values"), markers: markers, dashed: dashed))
        }
      }
      var x: [Double]?
      var ys: [[Double]]
      if let second = try args.optionalValue("y") {
        x = try args.numbers("values")
        ys = args.isNested(second) ? try args.matrix("y") : [try args.numbers("y")]
      } else {
        ys = args.isNested(first) ? try args.matrix("values") : [try args.numbers("values")]
      }
      var series: [Series] = []
      for (index, y) in ys.enumerated() {
        let name = ys.count == 1 ? label : label.map { "\($0) \(index)" }
        let points = try x.map { try matched(args, $0, y, name: name) } ?? (y.indices.map(Double.init), y)
        if args.has("lower") || args.has("upper") {
          guard args.has("lower"), args.has("upper") else {
            throw RuntimeError(
              .typeError, "'plot' needs both lower: and upper: for a band",
              help: "pass both edges, e.g. lower: mins, upper: maxs")
          }
          let lower = try args.numbers("lower")
          let upper = try args.numbers("upper")
          guard lower.count == points.1.count, upper.count == points.1.count else {
            throw RuntimeError(
              .valueError,
              "the band's edges have \(lower.count) and \(upper.count) values but the line has \(points.1.count)",
              help: "give lower: and upper: one value per point")
          }
          series.append(.band(BandSeries(name: name, x: points.0, lower: lower, upper: upper, center: points.1)))
        } else {
          series.append(.line(LineSeries(name: name, x: points.0, y: points.1, markers: markers, dashed: dashed)))
        }
      }
      return series
    })

  /// x and y of one series, or an error naming both lengths.
  static func matched(_ args: Arguments, _ x: [Double], _ y: [Double], name: String?) throws -> ([Double], [Double]) {
    guard x.count == y.count else {
      throw RuntimeError(
        .valueError,
        "'\(args.function)' got \(x.count) x values but \(y.count) y values" + (name.map { " for '\($0)'" } ?? ""),
        help: "give one x value per y value")
    }
    return (x, y)
  }

  static let scatter = PlotBuiltins.Chart(
    name: "scatter",
    parameters: [
      ParameterSpec(nil, "x", .array(.double), "x values, or an array of (x, y) points"),
      ParameterSpec(nil, "y", .optional(.array(.double)), default: nil, "y values"),
      ParameterSpec(
        "classes", .optional(.array(.int)), default: nil, "a class per point: colours by class, with a legend"),
      ParameterSpec(
        "names", .optional(.array(.string)), default: nil, "class names for the legend (names[k] for class k)"),
      ParameterSpec("sizes", .optional(.array(.double)), default: nil, "a radius in pixels per point"),
      ParameterSpec("label", .optional(.string), default: nil, "the series' name in the legend"),
    ],
    summary: "Points, optionally coloured by class and sized by value.",
    discussion: "Points with a nil, nan or inf coordinate are left out (the figure's summary counts them).",
    example: "scatter([0.1, 0.5, 0.9], [1.0, 0.2, 0.7], classes: [0, 1, 1], names: [\"inner\", \"outer\"])",
    makeSeries: { args in
      var x: [Double]
      var y: [Double]
      if !args.has("y"), case .array(let elements) = try args.value("x"),
        !elements.isEmpty, elements.allSatisfy({ pairElements($0).count == 2 })
      {
        let pairs = try elements.map { try args.numbers(from: .array(Array(pairElements($0))), parameter: "x") }
        x = pairs.map { $0[0] }
        y = pairs.map { $0[1] }
      } else {
        guard args.has("y") else {
          throw RuntimeError(
            .typeError, "'scatter' needs y values", help: "call scatter(xs, ys), or pass an array of (x, y) points")
        }
        (x, y) = try matched(args, try args.numbers("x"), try args.numbers("y"), name: nil)
      }
      let classes = try args.integers("classes")
      if let classes, classes.count != x.count {
        throw RuntimeError(
          .valueError, "'classes' has \(classes.count) values but there are \(x.count) points",
          help: "give one class per point")
      }
      if let classes, let negative = classes.first(where: { $0 < 0 }) {
        throw RuntimeError(.valueError, "class \(negative) is negative", help: "classes are numbered 0, 1, 2, …")
      }
      let sizes = args.has("sizes") ? try args.numbers("sizes") : nil
      return [
        .scatter(
          ScatterSeries(
            name: try args.optionalString("label"), x: x, y: y, classes: classes, classNames: try args.strings("names"),
            sizes: sizes))
      ]
    })

  private static func pairElements(_ value: Value) -> [Value] {
    switch value {
    case .tuple(let parts), .labeledTuple(let parts, _), .array(let parts): return parts
    default: return []
    }
  }

  static let hist = PlotBuiltins.Chart(
    name: "hist",
    parameters: [
      ParameterSpec(nil, "values", .array(.double), "the values to count"),
      ParameterSpec(
        "bins", .int, default: 20, check: .range(1...10_000, help: "about 20 to 50 bins suit most data"),
        "about how many bins (linear bins snap to round edges)"),
      ParameterSpec(
        "log", .bool, default: false, "bins of equal width in log10 (learning rates, say), on a log x axis"),
      ParameterSpec("label", .optional(.string), default: nil, "the series' name in the legend"),
    ],
    summary: "A histogram: how many values fall in each bin.",
    discussion: "nil, nan and inf values (and values ≤ 0 with log: true) are left out and counted in the summary.",
    example: "hist([0.1, 0.4, 0.35, 0.8, 0.9, 0.5], bins: 4, title: \"weights\")",
    defaults: { panel, args in
      panel.yLabel = "count"
      if try args.bool("log") { panel.xScale = .log }
    },
    makeSeries: { args in
      return [
        .histogram(
          HistogramSeries(
            name: try args.optionalString("label"), values: try args.numbers("values"),
            binCount: try args.int("bins"), logarithmicBins: try args.bool("log")))
      ]
    })

  static let heatmap = PlotBuiltins.Chart(
    name: "heatmap",
    parameters: [
      ParameterSpec(nil, "values", .array(.array(.double)), "rows of values; row 0 is drawn at the top"),
      ParameterSpec("colorbar", .optional(.string), default: nil, "what the colours mean"),
      ParameterSpec(
        "x", .optional(.pair), default: nil, "x values at the left and right edges (nil: column numbers)"),
      ParameterSpec("y", .optional(.pair), default: nil, "y values at the top and bottom edges (nil: row numbers)"),
      ParameterSpec("range", .optional(.pair), default: nil, "values for the ends of the colour scale"),
      ParameterSpec(
        "rows", .optional(.array(.string)), default: nil, "a name for each row, top first, on the y axis"),
      ParameterSpec(
        "columns", .optional(.array(.string)), default: nil, "a name for each column, left first, on the x axis"),
      ParameterSpec(
        "digits", .optional(.int), default: nil, check: .range(0...6),
        "write each value in its cell with this many decimals (nil: no numbers)"),
      ParameterSpec(
        "marks", .optional(.array(.array(.optional(.string)))), default: nil,
        "a short text for special cells, in place of the value (\"NaN\" for a diverged run; nil: none); a marked cell without a value is grey and crossed out"
      ),
    ],
    summary: "A matrix of values as coloured cells, with a colour bar.",
    discussion:
      "For a switch posterior, pass one row per classifier copy and one column per step. For a grid of runs (one learning rate per row, another per column), name the rows and columns with rows: and columns:, write the numbers in the cells with digits:, and mark the cells whose runs failed with marks: — a cell with a nil value and no mark is left blank (not run), one with a nil value and a mark is grey and crossed out (run, and failed). Colours are viridis, readable in grey and with colour-vision deficiencies.",
    example:
      "heatmap([[0.9, 0.5, 0.1], [0.1, 0.5, 0.9]], colorbar: \"weight\", xLabel: \"step\")\nheatmap([[0.91, 0.95, nil], [nil, 0.97, nil]], colorbar: \"test accuracy\", range: (0, 1), rows: [\"1e-4\", \"1e-2\"], columns: [\"1e-3\", \"0.1\", \"10\"], digits: 2, marks: [[nil, nil, nil], [nil, nil, \"div.\"]], xLabel: \"η_max\", yLabel: \"η_min\")",
    makeSeries: { args in
      let values = try args.matrix("values")
      guard !values.isEmpty, values.contains(where: { !$0.isEmpty }) else {
        throw RuntimeError(
          .valueError, "'heatmap' needs at least one value", help: "pass rows of numbers, e.g. [[1, 2], [3, 4]]")
      }
      let columnCount = values.map(\.count).max() ?? 0
      let rows = try cellNames(args, "rows", count: values.count, across: "y", what: "row")
      let columns = try cellNames(args, "columns", count: columnCount, across: "x", what: "column")
      return [
        .heatmap(
          HeatmapSeries(
            values: values, xExtent: try args.pair("x"), yExtent: try args.pair("y"),
            colorbarLabel: try args.optionalString("colorbar"), valueRange: try args.pair("range"), rowLabels: rows,
            columnLabels: columns, decimals: try args.optionalInt("digits"),
            marks: try marks(args, rows: values.count, columns: columnCount)))
      ]
    })

  /// The names of a heatmap's rows or columns: one per cell, and not together with an extent
  /// (`x:`/`y:`), whose numbers they would replace.
  private static func cellNames(
    _ args: Arguments, _ name: String, count: Int, across axis: String, what: String
  ) throws -> [String]? {
    guard let names = try args.strings(name) else { return nil }
    guard names.count == count else {
      throw RuntimeError(
        .valueError, "'heatmap' got \(names.count) names in \(name): for \(count) \(what)s",
        help: "give one name per \(what)")
    }
    guard !args.has(axis) else {
      throw RuntimeError(
        .valueError,
        "'heatmap' takes either \(axis): (numbers at the edges) or \(name): (a name per \(what)), not both",
        help: "drop \(axis): to name the \(what)s")
    }
    return names
  }

  /// The marks: rows of texts or nil, no larger than the values.
  private static func marks(_ args: Arguments, rows: Int, columns: Int) throws -> [[String?]] {
    guard let value = try args.optionalValue("marks") else { return [] }
    let help = "pass rows like the values', a text or nil per cell: [[nil, \"NaN\"], [nil, nil]]"
    guard case .array(let markRows) = value, markRows.count <= rows else {
      throw RuntimeError(.valueError, "'heatmap' marks: must be rows of texts, at most \(rows) of them", help: help)
    }
    return try markRows.enumerated().map { index, row in
      guard case .array(let cells) = row, cells.count <= columns else {
        throw RuntimeError(
          .valueError, "'heatmap' marks: row \(index) must be an array of at most \(columns) texts or nil", help: help)
      }
      return try cells.map { cell in
        switch cell {
        case .nil: return nil
        case .string(let text): return text
        default:
          throw RuntimeError(
            .typeError, "'heatmap' marks: row \(index) holds a \(cell.typeName), not a text or nil", help: help)
        }
      }
    }
  }

  static let bar = PlotBuiltins.Chart(
    name: "bar",
    parameters: [
      ParameterSpec(nil, "values", .any, "numbers; a dictionary name → number; or name → [numbers] for grouped bars"),
      ParameterSpec(
        "labels", .optional(.array(.string)), default: nil, "the category under each bar (or group of bars)"),
    ],
    summary: "A bar chart; a dictionary of arrays gives grouped bars.",
    example:
      "bar([\"full\": 41.2, \"multirate\": 27.9], yLabel: \"seconds\")\nbar([\"SGD\": [0.88, 0.91], \"Alrao\": [0.86, 0.90]], labels: [\"MLP\", \"ConvNet\"])",
    makeSeries: { args in
      let labels = try args.strings("labels")
      let first = try args.value("values")
      var categories: [String]
      var groups: [(name: String, values: [Double])]
      if case .dictionary(let map) = first, let sample = map.values.first, case .array = sample {
        groups = try zip(map.keys, map.values).map { key, value in
          (key.stringValue ?? key.description, try args.numbers(from: value, parameter: "values"))
        }
        let count = groups.map(\.values.count).max() ?? 0
        categories = labels ?? (0..<count).map(String.init)
      } else if case .dictionary(let map) = first {
        categories = map.keys.map { $0.stringValue ?? $0.description }
        groups = [("value", try args.numbers(from: .array(map.values), parameter: "values"))]
      } else {
        let values = try args.numbers("values")
        categories = labels ?? values.indices.map(String.init)
        groups = [("value", values)]
      }
      for group in groups where group.values.count != categories.count {
        throw RuntimeError(
          .valueError,
          "'bar' got \(group.values.count) values" + (groups.count > 1 ? " for '\(group.name)'" : "")
            + " but \(categories.count) labels", help: "give one label per bar")
      }
      return [.bars(BarSeries(categories: categories, groups: groups))]
    })

  static let images = PlotBuiltins.Chart(
    name: "images",
    parameters: [
      ParameterSpec(nil, "images", .array(.any), "images: 2-D arrays (grey), H×W×3 arrays (RGB), or flat arrays"),
      ParameterSpec("labels", .optional(.array(.any)), default: nil, "a caption under each image"),
      ParameterSpec("columns", .optional(.int), default: nil, check: .positive, "images per row (nil: up to 8)"),
      ParameterSpec("width", .optional(.int), default: nil, "the width of flat images (nil: square)"),
    ],
    summary: "A grid of images, such as samples of a data set with their labels.",
    discussion: "Values in 0…1 are shown as they are; images with values above 1 are taken to be 0…255.",
    example: "images([[[0, 1], [1, 0]], [[1, 1], [0, 0]]], labels: [\"a\", \"b\"])",
    makeSeries: { args in
      let elements = try args.sequence("images")
      guard !elements.isEmpty else {
        throw RuntimeError(.valueError, "'images' needs at least one image", help: "pass an array of images")
      }
      let width = try args.optionalInt("width")
      let images = try elements.enumerated().map { try ImageConversion.image($1, index: $0, width: width, args: args) }
      return [
        .images(
          ImageGridSeries(
            images: images, captions: try args.strings("labels"), columns: try args.optionalInt("columns")))
      ]
    })

  static let regions = PlotBuiltins.Chart(
    name: "regions",
    parameters: [
      ParameterSpec("x", .pair, "the x range of the grid"),
      ParameterSpec("y", .pair, "the y range of the grid"),
      ParameterSpec(
        "classes", .optional(.array(.array(.int))), default: nil, "the class at each grid cell, row 0 at the bottom"),
      ParameterSpec(
        "resolution", .int, default: 60,
        check: .range(2...400, help: "60 to 100 cells per side draw a smooth boundary"),
        "cells per side when a classifier is given"),
    ],
    summary: "Decision regions: the class a model predicts over the plane, drawn in light class colours.",
    discussion:
      "Give either a grid of classes or a closure, called at the centre of each of resolution × resolution cells. Add the data on top with .scatter(xs, ys, classes: labels).",
    example:
      "regions(x: (-1, 1), y: (-1, 1)) { x, y in x * y > 0 ? 1 : 0 }.scatter([0.5, -0.5], [0.5, 0.5], classes: [1, 0])",
    makeSeries: { args in
      guard let x = try args.pair("x"), let y = try args.pair("y") else {
        throw RuntimeError(
          .typeError, "'regions' needs x: and y: ranges", help: "write regions(x: (-1, 1), y: (-1, 1)) { x, y in … }")
      }
      var classes: [[Int]]
      if args.has("classes") {
        classes = try args.matrix("classes").map { row in
          try row.map { value in
            // nil or nan leaves a cell blank; anything else must be a class number.
            guard value.isFinite else { return -1 }
            guard value == value.rounded(), abs(value) < 1e9 else {
              throw RuntimeError(
                .valueError, "'classes' of 'regions' holds \(value), which is not a class number",
                help: "classes are whole numbers 0, 1, 2, …")
            }
            return Int(value)
          }
        }
      } else if let classify = try args.optionalFunction("classify") {
        let resolution = try args.int("resolution")
        classes = []
        for i in 0..<resolution {
          let py = y.0 + (y.1 - y.0) * (Double(i) + 0.5) / Double(resolution)
          var row: [Int] = []
          for j in 0..<resolution {
            let px = x.0 + (x.1 - x.0) * (Double(j) + 0.5) / Double(resolution)
            let result = try args.call(classify, [.double(px), .double(py)])
            guard case .int(let k) = result else {
              throw RuntimeError(
                .typeError,
                "the closure passed to 'regions' returned a \(result.typeName) at (\(px), \(py)); it must return an Int class",
                help: "return the predicted class number, e.g. { x, y in x > y ? 1 : 0 }")
            }
            row.append(k)
          }
          classes.append(row)
        }
      } else {
        throw RuntimeError(
          .typeError, "'regions' needs classes: or a classifying closure",
          help: "write regions(x: (-1, 1), y: (-1, 1)) { x, y in … }")
      }
      return [.regions(DecisionRegions(classes: classes, xExtent: x, yExtent: y))]
    },
    trailingClosure: ParameterSpec(
      "classify", .optional(.function("(Double, Double) -> Int")), default: nil,
      "the class at a point (a trailing closure)"))
}
