import Foundation
import Testing

@testable import Plotting

/// The SVG of figures read as structure: which series groups, which tick labels, which legend
/// entries, where the paths go and where they break. Snapshots (SnapshotTests) come second.
@Suite("Figure structure")
struct FigureStructureTests {
  // MARK: - Helpers

  /// The parsed SVG of a sample or edge-case figure.
  func document(named name: String) throws -> SVGDocument {
    let figure = try #require(AllFigures.named(name), "no figure named \(name)")
    return try SVGDocument(parsing: figure.svg)
  }

  /// The kinds of the `g.series` groups in document order: `["line", "line"]`.
  func seriesKinds(_ document: SVGDocument) -> [String] {
    document.select("g.series").map { group in group.classes.filter { $0 != "series" }.joined(separator: " ") }
  }

  /// The path of the line series named `name` (not its dots), parsed.
  func linePath(named name: String, in document: SVGDocument) throws -> SVGPathData? {
    let paths = document.select("g.series.line[data-name=\"\(name)\"] path").filter { $0.classes.isEmpty }
    #expect(paths.count <= 1, "one path per line series")
    return try paths.first.flatMap { $0[attribute: "d"] }.map(SVGPathData.init)
  }

  /// The isolated points and markers of the line series named `name`.
  func lineDots(named name: String, in document: SVGDocument) throws -> SVGPathData? {
    try document.select("g.series.line[data-name=\"\(name)\"] path.dots").first.flatMap { $0[attribute: "d"] }
      .map(SVGPathData.init)
  }

  /// A one-panel figure of one line called `loss`, without markers.
  func lineFigure(
    x: [Double]? = nil, y: [Double], yScale: AxisScale = .linear, xLimits: (Double, Double)? = nil,
    yLimits: (Double, Double)? = nil
  ) -> Figure {
    Figure(
      Panel(
        yScale: yScale, xLimits: xLimits, yLimits: yLimits, series: [.line(LineSeries(name: "loss", x: x, y: y))]))
  }

  // MARK: - Series, ticks, legends

  @Test(
    "each sample figure has one series group per series, of the right kind",
    arguments: [
      ("line", ["line", "line"]), ("line-log", ["line"]), ("scatter", ["scatter"]), ("band", ["band", "band"]),
      ("bar", ["bars"]), ("grouped-bar", ["bars"]), ("histogram", ["histogram"]), ("histogram-log", ["histogram"]),
      ("heatmap", ["heatmap"]), ("heatmap-large", ["heatmap"]), ("images", ["images"]),
      // Regions are drawn under the points whatever their order in the panel.
      ("regions", ["regions", "scatter"]),
      ("grid", ["line", "line", "histogram", "scatter", "heatmap"]),
    ])
  func seriesGroups(name: String, kinds: [String]) throws {
    let document = try document(named: name)
    #expect(seriesKinds(document) == kinds)
    let lines = document.select("g").filter { $0[attribute: "class"] == "series line" }
    #expect(lines.count == kinds.filter { $0 == "line" }.count)
  }

  @Test(
    "tick labels read off the axes",
    arguments: [
      ("line", ["0", "20", "40", "60", "80", "100", "120", "140", "160", "180", "200"], ["0", "1", "2", "3"]),
      (
        "line-log", ["1e-5", "1e-4", "0.001", "0.01", "0.1", "1", "10"],
        ["0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]
      ),
      ("grouped-bar", ["MLP", "ConvNet", "ResNet"], ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
      ("bar", ["full", "multirate k=5", "k=10"], ["0", "10", "20", "30", "40", "50"]),
      ("histogram", ["-1.0", "-0.5", "0.0", "0.5", "1.0", "1.5", "2.0", "2.5"], ["0", "50", "100", "150", "200"]),
      // Cells are counted from 0 and the ticks sit on cell centres.
      ("heatmap", ["0", "2", "4", "6", "8", "10"], ["0", "2", "4", "6", "8"]),
      ("regions", ["-1.0", "-0.5", "0.0", "0.5", "1.0"], ["-1.0", "-0.5", "0.0", "0.5", "1.0"]),
    ])
  func tickLabels(name: String, x: [String], y: [String]) throws {
    let document = try document(named: name)
    #expect(document.texts("g.x.ticks text") == x)
    #expect(document.texts("g.y.ticks text") == y)
  }

  @Test("a small heatmap labels its cells 0, 1, 2, not 0.0, 1.0; an empty one has no ticks")
  func heatmapCellLabels() throws {
    let small = try SVGDocument(
      parsing: Figure(Panel(series: [.heatmap(HeatmapSeries(values: [[1, 2, 3], [4, 5, 6]]))])).svg)
    #expect(small.texts("g.x.ticks text") == ["0", "1", "2"])
    #expect(small.texts("g.y.ticks text") == ["0", "1"])
    let empty = try document(named: "empty-heatmap")
    #expect(empty.texts("g.x.ticks text") == [])
    #expect(empty.texts("g.y.ticks text") == [])
  }

  @Test("a grid of runs: named rows and columns, values written in cells, failed cells grey and crossed, unrun blank")
  func heatmapOfRuns() throws {
    let nan = Double.nan
    let map = HeatmapSeries(
      values: [[0.91, 0.95, nan], [nan, 0.1, nan]], valueRange: (0, 1), rowLabels: ["1e-4", "1e-2"],
      columnLabels: ["1e-3", "0.1", "10"], decimals: 2, marks: [[], [nil, nil, "NaN"]])
    let figure = Figure(Panel(series: [.heatmap(map)]))
    let document = try SVGDocument(parsing: figure.svg)
    #expect(document.texts("g.x.ticks text") == ["1e-3", "0.1", "10"])
    #expect(document.texts("g.y.ticks text") == ["1e-4", "1e-2"])
    // Three coloured cells; (0, 2) and (1, 0) were not run and stay blank; (1, 2) failed.
    #expect(document.select("g.series.heatmap rect").count == 3 + 1)
    #expect(document.select("g.marked rect").count == 1)
    #expect(document.select("g.marked line").count == 2, "a cross over the failed cell")
    #expect(document.texts("g.cell-labels text") == ["0.91", "0.95", "0.10", "NaN"])
    // Dark text on the light end of viridis (0.95), white on its dark end (0.10).
    let fills = document.select("g.cell-labels text").map { $0[attribute: "fill"] ?? "" }
    #expect(fills[1] != "#ffffff" && fills[2] == "#ffffff")
    #expect(figure.summary.contains("heatmap 2 × 3, values 0.1…0.95, 1 marked"))
    // Without digits: only the marks are written.
    var quiet = map
    quiet.decimals = nil
    let plain = try SVGDocument(parsing: Figure(Panel(series: [.heatmap(quiet)])).svg)
    #expect(plain.texts("g.cell-labels text") == ["NaN"])
  }

  @Test(
    "legend entries are the named series, the class names of a classed scatter, the groups of grouped bars",
    arguments: [
      ("line", ["train", "test"]), ("line-log", ["SGD"]), ("scatter", ["setosa", "versicolor", "virginica"]),
      ("band", ["SGD", "Alrao"]), ("grouped-bar", ["SGD", "Adam", "Alrao"]), ("regions", ["arm A", "arm B"]),
      // One group of bars, a histogram, a heatmap: nothing to tell apart.
      ("bar", []), ("histogram", []), ("heatmap", []),
    ])
  func legendEntries(name: String, entries: [String]) throws {
    let document = try document(named: name)
    #expect(document.texts("g.legend g.entry text") == entries)
    #expect(document.select("g.legend").count == (entries.isEmpty ? 0 : 1))
  }

  @Test("unnamed series stay out of the legend; unnamed classes are called class k")
  func legendOfUnnamedSeries() throws {
    let figure = Figure(
      Panel(series: [
        .line(LineSeries(y: [1, 2, 3])), .line(LineSeries(name: "named", y: [3, 2, 1])),
        .scatter(ScatterSeries(x: [0, 1, 2], y: [1, 1, 1], classes: [2, 0, 2])),
      ]))
    let document = try SVGDocument(parsing: figure.svg)
    #expect(document.texts("g.legend g.entry text") == ["named", "class 0", "class 2"])
  }

  @Test("grouped bars draw one group per optimizer with one bar per category")
  func groupedBars() throws {
    let document = try document(named: "grouped-bar")
    let groups = document.select("g.series.bars g.group")
    #expect(groups.map { $0[attribute: "data-name"] } == ["SGD", "Adam", "Alrao"])
    #expect(groups.map { $0.children.filter { $0.tag == "rect" }.count } == [3, 3, 3])
    #expect(document.select("g.series.bars rect").isEmpty == false)
    // Non-finite bar heights draw no bar at all.
    let nonFinite = try self.document(named: "nan-bars")
    #expect(nonFinite.select("g.series.bars rect").isEmpty)
  }

  // MARK: - Nothing non-finite, anywhere

  @Test("no NaN or infinity in any attribute or text of any figure", arguments: AllFigures.names)
  func noNonFiniteNumbers(name: String) throws {
    let document = try document(named: name)
    func nonFiniteWords(_ text: String) -> [String] {
      // Whole words only: `nan` in "nano" or in a base64 run is not a number.
      text.split { !$0.isLetter }.map { $0.lowercased() }.filter { ["nan", "inf", "infinity"].contains($0) }
    }
    for (element, attribute) in document.allAttributes where !attribute.value.hasPrefix("data:") {
      #expect(nonFiniteWords(attribute.value).isEmpty, "<\(element) \(attribute.name)=\"\(attribute.value)\">")
    }
    for element in document.allElements where !element.ownText.isEmpty {
      #expect(nonFiniteWords(element.ownText).isEmpty, "<\(element.tag)>\(element.ownText)")
    }
  }

  @Test("every point of every line, band and marker lies inside its plot area", arguments: AllFigures.names)
  func pathsStayInsideThePlot(name: String) throws {
    let document = try document(named: name)
    for panel in document.select("g.panel") {
      guard let axis = panel.select("path.axis").first else { continue }
      let plot = try PlotArea(axisPath: axis)
      for path in panel.select("g.series path") {
        let data = try SVGPathData(try #require(path[attribute: "d"]))
        for point in data.points {
          // Lines may reach 1 px past the axes (half a line width), plus 0.05 px of rounding.
          #expect(plot.contains(point, tolerance: 1.06), "\(name): \(point) outside \(plot)")
        }
      }
    }
  }

  // MARK: - Gaps

  @Test(
    "a missing value breaks the line; a lone value between gaps is a dot",
    arguments: [
      ([1.0, 2, .nan, 4, 5], 2, 0), ([.nan, 1, 2, 3, .nan], 1, 0), ([1, 2, .nan, 3, 4, .nan, 5, 6], 3, 0),
      ([1, 2, .nan, 3, .nan, 4, 5], 2, 1), ([1, .infinity, 2, 3], 1, 1), ([1, 2, 3, -.infinity], 1, 0),
      ([.nan, 7, .nan], 0, 1),
    ] as [([Double], Int, Int)])
  func gaps(y: [Double], subpaths: Int, dots: Int) throws {
    let document = try SVGDocument(parsing: lineFigure(y: y).svg)
    let line = try linePath(named: "loss", in: document)
    let isolated = try lineDots(named: "loss", in: document)
    #expect(line?.subpathCount ?? 0 == subpaths)
    #expect(isolated?.subpathCount ?? 0 == dots)
  }

  @Test("a log axis leaves out values at or below zero, with a gap, and says so in the summary")
  func logAxisGaps() throws {
    let figure = lineFigure(y: [1, 10, 0, 100, -5, 1000, 10_000], yScale: .log)
    let document = try SVGDocument(parsing: figure.svg)
    // 1, 10 | 100 alone | 1000, 10000
    let line = try linePath(named: "loss", in: document)
    let isolated = try lineDots(named: "loss", in: document)
    #expect(line?.subpathCount == 2)
    #expect(isolated?.subpathCount == 1)
    // Five decades on a y axis that asks for about four ticks: every other power.
    #expect(document.texts("g.y.ticks text") == ["1", "100", "1e4"])
    #expect(figure.summary.contains("2 not shown (missing or ≤ 0 on a log axis)"))
  }

  @Test("explicit limits clip a line to the plot area and it resumes where it comes back in")
  func limitsClip() throws {
    let x = (0...100).map(Double.init)
    let figure = lineFigure(x: x, y: x.map { 3 * sin($0 / 5) }, xLimits: (10, 60), yLimits: (-1, 1))
    let document = try SVGDocument(parsing: figure.svg)
    let path = try #require(try linePath(named: "loss", in: document))
    let plot = try PlotArea(axisPath: try #require(document.select("path.axis").first))
    #expect(path.points.allSatisfy { plot.contains($0, tolerance: 1.06) })
    // 3 sin(x / 5) is inside −1…1 only near its zeros, x = 5πk: 15.7, 31.4 and 47.1 lie between
    // the x limits 10 and 60, where the line is outside (2.7 and −1.6). So three pieces.
    #expect(path.subpathCount == 3)
    #expect(document.texts("g.x.ticks text").first == "10")
    #expect(document.texts("g.x.ticks text").last == "60")
    #expect(document.texts("g.y.ticks text") == ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
  }

  // MARK: - Decimation

  @Test("a 100,000-point line keeps at most four points per pixel column, and its one spike")
  func decimation() throws {
    var numbers = SeededNumbers(seed: 99)
    var y = (0..<100_000).map { _ in numbers.uniform() }
    y[61_803] = 100
    let document = try SVGDocument(parsing: lineFigure(y: y).svg)
    let path = try #require(try linePath(named: "loss", in: document))
    let plot = try PlotArea(axisPath: try #require(document.select("path.axis").first))
    let columns = plot.maxX - plot.minX + 1
    #expect(path.points.count <= Int(4 * columns), "\(path.points.count) points for \(columns) columns")
    #expect(path.points.count >= Int(columns), "every column keeps its points")
    // The y domain rounds out to 0…100, so the spike reaches the top of the plot.
    let highest = try #require(path.points.map(\.y).min())
    #expect(abs(highest - plot.minY) <= 0.05)
  }

  // MARK: - Output hygiene

  @Test("the same figure renders byte-identical twice", arguments: SampleFigures.all.map(\.name))
  func deterministic(name: String) throws {
    let first = try #require(SampleFigures.all.first { $0.name == name }).figure.svg
    let second = try #require(SampleFigures.all.first { $0.name == name }).figure.svg
    #expect(Array(first.utf8) == Array(second.utf8))
  }

  @Test("user text is escaped, control characters dropped, and the document still parses")
  func escaping() throws {
    let figure = try #require(AllFigures.named("awkward-text"))
    let svg = figure.svg
    #expect(svg.contains("a &lt; b &amp; &quot;c&quot; &gt; d"))
    #expect(!svg.contains("<script"))
    let document = try SVGDocument(parsing: svg)
    #expect(document.texts("text.title") == ["a < b & \"c\" > d"])
    #expect(document.texts("text.figure-title") == ["]]> <!-- -->"])
    // A tab would be invisible in SVG text: it becomes a space; a bell is not allowed in XML.
    #expect(document.texts("text.x.label") == ["tab here"])
    #expect(document.texts("text.y.label") == ["bell"])
    #expect(document.select("g.series.line").first?[attribute: "data-name"] == "<script>alert('x')</script>")
    #expect(document.texts("g.x.ticks text").suffix(2) == ["&amp;", "\"q\""])
    #expect(document.texts("g.legend g.entry text").suffix(2) == ["<g>", "&"])
  }

  @Test("figures are self-contained: no scripts, no links out, no ids", arguments: AllFigures.names)
  func selfContained(name: String) throws {
    let figure = try #require(AllFigures.named(name))
    let svg = figure.svg
    #expect(!svg.contains("<script"))
    #expect(!svg.contains("https://"))
    #expect(svg.components(separatedBy: "http://").count - 1 == 1, "only the SVG namespace")
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    let document = try SVGDocument(parsing: svg)
    for (element, attribute) in document.allAttributes {
      #expect(attribute.name != "id", "<\(element) id=…>: ids clash when a notebook shows two figures")
      #expect(!attribute.name.hasPrefix("on"), "<\(element) \(attribute.name)=…>")
      if attribute.name == "href" || attribute.name == "xlink:href" {
        #expect(attribute.value.hasPrefix("data:image/bmp;base64,"), "<\(element) href> loads nothing")
      }
    }
    let allowedTags: Set = ["svg", "g", "rect", "path", "text", "line", "circle", "image"]
    #expect(document.allElements.allSatisfy { allowedTags.contains($0.tag) })
  }

  @Test("embedded images are whole base64 BMPs of the right size")
  func embeddedImages() throws {
    for name in ["heatmap-large", "images", "nan-image"] {
      let document = try document(named: name)
      let images = document.select("image")
      #expect(!images.isEmpty)
      for image in images {
        let href = try #require(image[attribute: "href"])
        let payload = href.dropFirst("data:image/bmp;base64,".count)
        let bytes = try #require(Data(base64Encoded: String(payload)), "\(name): not base64")
        #expect(bytes.prefix(2) == Data("BM".utf8))
        // The file size field (little-endian at offset 2) matches the bytes.
        let declared = bytes[2..<6].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(declared == bytes.count)
      }
    }
  }

  // MARK: - Summary

  @Test("the summary names every series, counts points and says what is not shown")
  func summary() throws {
    let line = SampleFigures.line.summary
    #expect(line.hasPrefix("Figure: 1 panel"))
    #expect(line.contains("line \"train\": 200 points"))
    #expect(line.contains("line \"test\": 200 points"))
    // test[120] is NaN and test[121] infinite.
    #expect(line.contains("2 not shown (missing)"))
    let train = try #require(line.split(separator: "\n").first { $0.contains("\"train\"") })
    #expect(!train.contains("not shown"))

    let grid = SampleFigures.grid.summary
    #expect(grid.hasPrefix("Figure \"An experiment at a glance\": 4 panels in 2 × 2"))
    for name in ["Training loss", "Weights of layer 1", "Blobs", "Switch posterior"] {
      #expect(grid.contains("\"\(name)\""))
    }
    #expect(SampleFigures.scatter.summary.contains("scatter: 180 points"))
    #expect(SampleFigures.scatter.summary.contains("3 classes"))
    #expect(SampleFigures.histogram.summary.contains("histogram: 2000 values"))
    #expect(SampleFigures.heatmap.summary.contains("heatmap 10 × 12 of weight"))
    #expect(SampleFigures.images.summary.contains("12 images of 28×28 grey in 6 columns"))
  }

  // MARK: - Histograms, heatmaps, images, grids

  @Test(
    "histogram bin counts add up to the values that could be placed",
    arguments: [
      ("spread", (0..<500).map { sin(Double($0)) * 3 }, false),
      ("with gaps", [1, .nan, 2, .infinity, 3, -.infinity, 2.5], false),
      // 0.1 steps: edges land exactly on values, and the last edge is closed.
      ("on the edges", (0...10).map { Double($0) / 10 }, false), ("constant", [4, 4, 4], false),
      ("single", [7], false), ("log with non-positive values", [0, -1, 1e-4, 1e-2, 1, 100, .nan], true),
    ] as [(String, [Double], Bool)])
  func histogramCounts(label: String, values: [Double], logarithmic: Bool) throws {
    let series = HistogramSeries(values: values, binCount: 10, logarithmicBins: logarithmic)
    let bins = HistogramBins(series)
    let placeable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
    #expect(bins.counts.reduce(0, +) == placeable.count)
    #expect(bins.skipped == values.count - placeable.count)
    #expect(bins.edges.count == bins.counts.count + 1)
    #expect(zip(bins.edges, bins.edges.dropFirst()).allSatisfy { $0 < $1 })
    let first = try #require(bins.edges.first)
    let last = try #require(bins.edges.last)
    #expect(placeable.allSatisfy { $0 >= first && $0 <= last })
    // One bar per non-empty bin.
    let figure = Figure(Panel(xScale: logarithmic ? .log : .linear, series: [.histogram(series)]))
    let document = try SVGDocument(parsing: figure.svg)
    #expect(document.select("g.series.histogram rect").count == bins.counts.filter { $0 > 0 }.count)
  }

  @Test(
    "a heatmap of at most 2,500 cells is drawn as rectangles, a larger one as one BMP image",
    arguments: [(10, 12, false), (50, 50, false), (50, 51, true), (10, 600, true)])
  func heatmapRendering(rows: Int, columns: Int, raster: Bool) throws {
    var values = (0..<rows).map { i in (0..<columns).map { j in Double(i * columns + j) } }
    values[0][0] = .nan
    let figure = Figure(Panel(series: [.heatmap(HeatmapSeries(values: values))]))
    let document = try SVGDocument(parsing: figure.svg)
    let images = document.select("g.series.heatmap image")
    let rectangles = document.select("g.series.heatmap rect")
    if raster {
      #expect(images.count == 1)
      #expect(images.first?[attribute: "href"]?.hasPrefix("data:image/bmp;base64,") == true)
      #expect(rectangles.isEmpty)
    } else {
      #expect(images.isEmpty)
      // The NaN cell is left blank.
      #expect(rectangles.count == rows * columns - 1)
    }
    #expect(document.select("g.colorbar").count == 1)
  }

  @Test("a 6,000-cell heatmap renders in well under a second (its colour range is found once, not per cell)")
  func largeHeatmapIsQuick() {
    let figure = SampleFigures.largeHeatmap
    let elapsed = ContinuousClock().measure { _ = figure.svg }
    // About 10 ms in a debug build; scanning every value for every cell took about 9 s.
    #expect(elapsed < .seconds(2), "\(elapsed)")
  }

  @Test("an image grid has one image per sample, captioned")
  func imageGrid() throws {
    let document = try document(named: "images")
    #expect(document.select("g.series.images image.sample").count == 12)
    #expect(
      document.texts("g.series.images text") == [
        "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot", "T-shirt",
        "Bag",
      ])
    #expect(document.select("g.x.ticks").isEmpty, "images have no axes")
  }

  @Test("a grid of four figures has four panels under the figure title")
  func grid() throws {
    let document = try document(named: "grid")
    let panels = document.select("g.panel")
    #expect(panels.count == 4)
    #expect(
      panels.map { $0.texts("text.title") } == [
        ["Training loss"], ["Weights of layer 1"], ["Blobs"], ["Switch posterior"],
      ])
    #expect(document.texts("text.figure-title") == ["An experiment at a glance"])
    // Panels sit side by side in 2 columns: the second starts right of the first.
    let plots = try panels.map { try PlotArea(axisPath: try #require($0.select("path.axis").first)) }
    #expect(plots[1].minX > plots[0].maxX)
    #expect(plots[2].minY > plots[0].maxY)
  }
}

/// A panel's plot rectangle, read from its axis path `M x y V maxY H maxX`.
struct PlotArea: CustomStringConvertible {
  var minX: Double
  var minY: Double
  var maxX: Double
  var maxY: Double

  init(axisPath: SVGElement) throws {
    let data = try SVGPathData(try #require(axisPath[attribute: "d"]))
    let letters = data.commands.map(\.letter)
    try #require(letters == ["M", "V", "H"], "axis path \(data.commands)")
    minX = data.commands[0].numbers[0]
    minY = data.commands[0].numbers[1]
    maxY = data.commands[1].numbers[0]
    maxX = data.commands[2].numbers[0]
  }

  func contains(_ point: (x: Double, y: Double), tolerance: Double) -> Bool {
    point.x >= minX - tolerance && point.x <= maxX + tolerance && point.y >= minY - tolerance
      && point.y <= maxY + tolerance
  }

  var description: String { "plot \(minX)…\(maxX) × \(minY)…\(maxY)" }
}
