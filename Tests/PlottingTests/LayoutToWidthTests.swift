import Testing

@testable import Plotting

/// Figures laid out to the width they have: long titles wrap instead of running off the
/// picture, figures of several panels fit a notebook column, and axes that count epochs or
/// steps are labelled with whole numbers.
@Suite("Layout to width")
struct LayoutToWidthTests {
  /// A progress line as `fit` shows it, long enough to overflow a 560-px panel.
  static let statusLine =
    "ConvNet [1, 28, 28] → conv 32, conv 64 → [32, 64] → 10 · ConvNet · epoch 2/3 · step 340/469 · loss 0.4123 · accuracy 85.2 % · test 84.9 % · 17.7 steps/s · 12 s left"

  // MARK: - Wrapping

  @Test("a line that fits is left alone")
  func shortLine() {
    #expect(TextLines.wrapped("Loss", width: 200, fontSize: 13, bold: true) == ["Loss"])
    #expect(TextLines.wrapped("", width: 200, fontSize: 13) == [""])
  }

  @Test("a status line breaks between its ` · ` parts, every line fits, and no text is lost")
  func statusLineWraps() {
    let width = 544.0
    let lines = TextLines.wrapped(Self.statusLine, width: width, fontSize: 13, bold: true)
    #expect(lines.count >= 2)
    for line in lines {
      #expect(TextLines.width(line, fontSize: 13, bold: true) <= width, "\(line)")
      #expect(!line.hasPrefix("·") && !line.hasSuffix("·"), "broken at a separator, not beside it: \(line)")
    }
    #expect(lines.joined(separator: " · ") == Self.statusLine)
    // Parts stay whole: "loss 0.4123" is never split across lines.
    #expect(lines.contains { $0.contains("loss 0.4123") })
  }

  @Test("a part too long for a line breaks at its spaces; a word too long is shortened with …")
  func longPartsAndWords() {
    let words = TextLines.wrapped("alpha beta gamma delta epsilon", width: 100, fontSize: 13)
    #expect(words.count > 1)
    #expect(words.joined(separator: " ") == "alpha beta gamma delta epsilon")
    let word = TextLines.wrapped(String(repeating: "x", count: 80), width: 100, fontSize: 13)
    #expect(word.count == 1)
    #expect(word[0].hasSuffix("…"))
    #expect(TextLines.width(word[0], fontSize: 13) <= 100)
  }

  @Test("the estimate errs wide: bold is wider, digits and capitals wider than spaces")
  func widthEstimate() {
    #expect(TextLines.width("0123", fontSize: 10, bold: true) > TextLines.width("0123", fontSize: 10))
    #expect(TextLines.width("MMMM", fontSize: 10) > TextLines.width("    ", fontSize: 10))
    // DejaVu Sans Bold's digits are 0.696 em: the estimate must not be narrower.
    #expect(TextLines.width("0", fontSize: 100, bold: true) >= 69.6)
  }

  @Test(
    "a panel whose title is too wide wraps it into tspans inside the picture, and grows instead of shrinking its plot")
  func panelTitleWraps() throws {
    let long = Figure(Panel(title: Self.statusLine, xLabel: "step", series: [.line(LineSeries(y: [3, 2, 1]))]))
    let short = Figure(Panel(title: "loss", xLabel: "step", series: [.line(LineSeries(y: [3, 2, 1]))]))
    let document = try SVGDocument(parsing: long.svg)
    let title = try #require(document.select("text.title").first)
    let lines = title.children.filter { $0.tag == "tspan" }.map(\.text)
    #expect(lines.count >= 2)
    #expect(lines.joined(separator: " · ") == Self.statusLine)
    let width = try #require(document.root[attribute: "width"].flatMap(Double.init))
    let x = try #require(title[attribute: "x"].flatMap(Double.init))
    for line in lines {
      let half = TextLines.width(line, fontSize: Theme.standard.titleFontSize, bold: true) / 2
      #expect(x - half >= 0 && x + half <= width, "\(line) runs off the picture")
    }
    let grown = try #require(document.root[attribute: "height"].flatMap(Double.init))
    let plain = try #require(try SVGDocument(parsing: short.svg).root[attribute: "height"].flatMap(Double.init))
    #expect(grown == plain + Double(lines.count - 1) * Theme.standard.titleLineHeight)
  }

  @Test("a one-line title is written as before: one text element, no tspans")
  func oneLineTitle() throws {
    let document = try SVGDocument(parsing: Figure(Panel(title: "Loss", series: [.line(LineSeries(y: [1, 2]))])).svg)
    #expect(document.texts("text.title") == ["Loss"])
    #expect(document.select("text.title tspan").isEmpty)
  }

  @Test("a figure title too wide for the figure wraps")
  func figureTitleWraps() throws {
    let figure = Figure(
      panels: [Panel(series: [.line(LineSeries(y: [1, 2]))])], title: Self.statusLine)
    let document = try SVGDocument(parsing: figure.svg)
    #expect(document.select("text.figure-title tspan").count >= 2)
  }

  // MARK: - Width of figures

  func size(_ figure: Figure) throws -> (Double, Double) {
    let root = try SVGDocument(parsing: figure.svg).root
    return (
      try #require(root[attribute: "width"].flatMap(Double.init)),
      try #require(root[attribute: "height"].flatMap(Double.init))
    )
  }

  @Test("one panel keeps the theme's size; panels side by side share maxFigureWidth")
  func figuresFitAColumn() throws {
    let panel = Panel(series: [.line(LineSeries(y: [1, 2, 3]))])
    let theme = Theme.standard
    #expect(try size(Figure(panel)) == (theme.panelWidth, theme.panelHeight))
    for columns in 2...4 {
      let (width, height) = try size(Figure(panels: Array(repeating: panel, count: columns), columns: columns))
      #expect(width <= theme.maxFigureWidth, "\(columns) columns")
      #expect(width >= theme.maxFigureWidth - 1, "\(columns) columns use the room they have")
      #expect(height >= theme.panelHeight * theme.minimumHeightScale && height < theme.panelHeight)
    }
    // Rows do not count: a 2 × 2 grid is as wide as 2 × 1.
    let four = Figure(panels: Array(repeating: panel, count: 4), columns: 2)
    #expect(try size(four).0 == size(Figure(panels: [panel, panel], columns: 2)).0)
  }

  @Test("the width and viewBox agree, so the figure shows at its size and crisp")
  func viewBoxMatches() throws {
    let root = try SVGDocument(parsing: Figure(panels: [Panel(), Panel()], columns: 2).svg).root
    let width = try #require(root[attribute: "width"])
    let height = try #require(root[attribute: "height"])
    #expect(root[attribute: "viewBox"] == "0 0 \(width) \(height)")
  }

  // MARK: - Whole-number axes

  func xTicks(_ x: [Double], wholeNumbers: Bool = true, limits: (Double, Double)? = nil) throws -> [String] {
    let panel = Panel(
      xLimits: limits, series: [.line(LineSeries(x: x, y: x.map { 0.5 + $0 / 10 }, markers: true))],
      xWholeNumbers: wholeNumbers)
    return try SVGDocument(parsing: Figure(panel).svg).texts("g.x.ticks text")
  }

  static let countingAxes: [([Double], [String])] = [
    ([1, 2], ["1", "2"]), ([1, 2, 3], ["1", "2", "3"]), ([0, 1, 2, 3, 4], ["0", "1", "2", "3", "4"]),
    // Longer axes already have whole-number ticks (steps of 1, 2, 5, 10, …): they are kept.
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]),
    (Array(1...20).map(Double.init), ["0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"]),
    ([0, 469, 938], ["0", "200", "400", "600", "800", "1000"]),
  ]

  @Test("epochs and steps get ticks at whole numbers only", arguments: countingAxes)
  func wholeNumberTicks(x: [Double], labels: [String]) throws {
    let ticks = try xTicks(x)
    #expect(ticks == labels)
  }

  @Test("without the flag a two-epoch axis still reads 1.0, 1.2, …, 2.0 (the flag is what changes it)")
  func withoutFlag() throws {
    #expect(try xTicks([1, 2], wholeNumbers: false) == ["1.0", "1.2", "1.4", "1.6", "1.8", "2.0"])
  }

  @Test("a single epoch gets an axis one unit wide around it, one tick, and its point as a dot")
  func singleEpoch() throws {
    #expect(try xTicks([1]) == ["1"])
    let document = try SVGDocument(
      parsing: Figure(Panel(series: [.line(LineSeries(x: [1], y: [0.8]))], xWholeNumbers: true)).svg)
    #expect(document.select("g.series.line path.dots").count == 1)
  }

  @Test("explicit limits are kept; their whole numbers are the ticks")
  func limits() throws {
    #expect(try xTicks([1, 2], limits: (0.5, 2.5)) == ["1", "2"])
    #expect(try xTicks([1, 2], limits: (2.5, 0.5)) == ["2", "1"])
  }

  @Test("whole-number ticks by themselves: reversed, negative, none inside, and never -0")
  func tickValues() {
    func labels(_ domain: (Double, Double), _ ticks: [Double] = [0.5]) -> [String] {
      PanelGeometry.wholeNumberTicks(ticks.map { Tick(value: $0, label: "\($0)") }, domain: domain).map(\.label)
    }
    #expect(labels((-0.5, 0.5)) == ["0"])
    #expect(labels((-2.2, -0.4)) == ["-2", "-1"])
    #expect(labels((3, 1)) == ["3", "2", "1"])
    #expect(labels((0.2, 0.8)) == [])
    // Nice ticks that are already whole are kept with their labels.
    #expect(labels((0, 10), [0, 5, 10]) == ["0.0", "5.0", "10.0"])
  }

  @Test("a group's band over one epoch draws a whisker and its mean as a dot")
  func singleEpochBand() throws {
    let band = BandSeries(name: "SGD", x: [1], lower: [0.7], upper: [0.9], center: [0.8])
    let document = try SVGDocument(parsing: Figure(Panel(series: [.band(band)], xWholeNumbers: true)).svg)
    #expect(document.select("g.series.band path.whiskers").count == 1)
    #expect(document.select("g.series.band path.dots").count == 1)
  }
}
