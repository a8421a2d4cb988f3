import Foundation
import Plotting
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
@testable import TempoLibrary

/// Runs cells in an environment with the standard library, as the kernel does.
final class LibrarySession {
  let environment = StandardLibrary.makeEnvironment()
  let output = CollectingOutput()

  /// The value of the cell's last expression; records an issue when the cell fails.
  func value(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
    switch environment.execute(code, output: output) {
    case .success(let value): return value
    case .failure(let error):
      Issue.record("cell failed: \(error.rendered)", sourceLocation: sourceLocation)
      return nil
    }
  }

  func figure(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) -> Figure? {
    guard case .host(let object as FigureObject)? = value(code, sourceLocation: sourceLocation) else {
      Issue.record("not a figure", sourceLocation: sourceLocation)
      return nil
    }
    return object.figure
  }

  /// The error a cell fails with (family and rendered text), or nil when it succeeds.
  func error(_ code: String) -> CellError? {
    if case .failure(let error) = environment.execute(code, output: output) { return error }
    return nil
  }
}

@Suite("Figures in the language")
struct FigureBuiltinTests {
  @Test("plot(ys), plot(xs, ys) and plot of a dictionary give one line per series, named by key")
  func plotForms() throws {
    let session = LibrarySession()
    let single = try #require(session.figure("plot([3, 2, 1])"))
    guard case .line(let line)? = single.panels.first?.series.first else {
      Issue.record("expected a line")
      return
    }
    #expect(line.x == [0, 1, 2])
    #expect(line.y == [3, 2, 1])

    let pairs = try #require(session.figure("plot([0.5, 1.5], [10, 20], label: \"a\")"))
    guard case .line(let xy)? = pairs.panels.first?.series.first else { return }
    #expect(xy.x == [0.5, 1.5])
    #expect(xy.name == "a")

    let named = try #require(
      // `yscale:` is the deprecated spelling of `yScale:` (LibraryParameterTests covers both).
      session.figure("plot([\"train\": [2.0, 1.0], \"test\": ([0, 2], [2.5, 1.5])], title: \"loss\", yscale: .log)"))
    let panel = try #require(named.panels.first)
    #expect(panel.title == "loss")
    #expect(panel.yScale == .log)
    let names = panel.series.compactMap { series -> String? in
      if case .line(let l) = series { return l.name }
      return nil
    }
    #expect(names == ["train", "test"])
  }

  @Test("nil in the data becomes a gap, and the summary counts it")
  func nilIsAGap() throws {
    let session = LibrarySession()
    let value = try #require(session.value("plot([1.0, nil, 3.0], label: \"loss\")"))
    #expect(value.description.contains("1 not shown"))
    guard case .host(let object as FigureObject) = value else { return }
    #expect(object.svg.contains("NaN") == false)
  }

  @Test("a band from lower: and upper: keeps the centre line")
  func band() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure("plot([0.5, 0.7, 0.8], label: \"SGD\", lower: [0.4, 0.6, 0.75], upper: [0.6, 0.75, 0.85])"))
    guard case .band(let band)? = figure.panels.first?.series.first else {
      Issue.record("expected a band")
      return
    }
    #expect(band.center == [0.5, 0.7, 0.8])
    #expect(band.name == "SGD")
  }

  @Test("fig.plot and fig.scatter draw over the same panel and leave the first figure as it was")
  func overlays() throws {
    let session = LibrarySession()
    _ = session.value("let a = plot([1, 2, 3], label: \"one\")")
    let both = try #require(session.figure("a.plot([3, 2, 1], label: \"two\").scatter([0, 1], [1, 2])"))
    #expect(both.panels.count == 1)
    #expect(both.panels[0].series.map(\.kind) == ["line", "line", "scatter"])
    let original = try #require(session.figure("a"))
    #expect(original.panels[0].series.count == 1)
  }

  @Test("regions calls the closure at each cell centre, row 0 at the bottom")
  func regionsFromClosure() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure("regions(x: (0, 1), y: (0, 1), resolution: 4) { x, y in y > 0.5 ? 1 : 0 }"))
    guard case .regions(let regions)? = figure.panels.first?.series.first else {
      Issue.record("expected regions")
      return
    }
    #expect(regions.classes == [[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1]])
  }

  @Test("bar of a dictionary of arrays gives grouped bars over the labels")
  func groupedBars() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure("bar([\"SGD\": [0.88, 0.91], \"Alrao\": [0.86, 0.90]], labels: [\"MLP\", \"ConvNet\"])"))
    guard case .bars(let bars)? = figure.panels.first?.series.first else { return }
    #expect(bars.categories == ["MLP", "ConvNet"])
    #expect(bars.groups.map(\.name) == ["SGD", "Alrao"])
  }

  @Test("images accepts grey rows, RGB triples and flat arrays, and scales bytes to 0…1")
  func imageForms() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure("images([[[0, 255], [255, 0]], [[[1, 0, 0], [0, 1, 0]]], [0.0, 1.0, 1.0, 0.0]], columns: 3)"))
    guard case .images(let grid)? = figure.panels.first?.series.first else { return }
    #expect(grid.images.map(\.channels) == [1, 3, 1])
    #expect(grid.images[0].pixels == [0, 1, 1, 0])
    #expect(grid.images[1].width == 2 && grid.images[1].height == 1)
    #expect(grid.images[2].width == 2)
  }

  @Test("heatmap of a grid of runs: names for rows and columns, numbers in the cells, marks for failed cells")
  func heatmapOfRuns() throws {
    let session = LibrarySession()
    let figure = try #require(
      session.figure(
        "heatmap([[0.91, 0.95, nil], [nil, 0.97, nil]], range: (0, 1), rows: [\"1e-4\", \"1e-2\"], columns: [\"1e-3\", \"0.1\", \"10\"], digits: 2, marks: [[nil, nil, nil], [nil, nil, \"NaN\"]])"
      ))
    guard case .heatmap(let map)? = figure.panels.first?.series.first else {
      Issue.record("not a heatmap")
      return
    }
    #expect(map.rowLabels == ["1e-4", "1e-2"])
    #expect(map.columnLabels == ["1e-3", "0.1", "10"])
    #expect(map.decimals == 2)
    #expect(map.mark(row: 1, column: 2) == "NaN" && map.markedCount == 1)
    #expect(map.values[1][0].isNaN, "nil is a blank cell")
    #expect(figure.summary.contains("1 marked"))
  }

  @Test("grid puts the panels of several figures in one picture")
  func gridOfFigures() throws {
    let session = LibrarySession()
    let figure = try #require(session.figure("grid([plot([1, 2]), hist([1, 2, 2, 3]), heatmap([[1, 2]])], columns: 2)"))
    #expect(figure.panels.count == 3)
    #expect(figure.columns == 2)
    #expect(figure.svg.components(separatedBy: "class=\"panel\"").count - 1 == 3)
  }

  @Test(
    "mistakes name the function, the argument and the fix",
    arguments: [
      ("plot([1, 2], [1, 2, 3])", "'plot' got 2 x values but 3 y values"),
      ("plot([1, \"a\"])", "'values' of 'plot' must hold numbers; element 1 is a String"),
      // The old spelling (deprecated, still working) is named as written; the new one too.
      ("plot([1, 2], xscale: .logarithmic)", "'xscale' of 'plot' has no option '.logarithmic'"),
      ("plot([1, 2], xScale: .logarithmic)", "'xScale' of 'plot' has no option '.logarithmic'"),
      ("plot([1, 2], lower: [0, 1])", "'plot' needs both lower: and upper: for a band"),
      ("scatter([1, 2], [1, 2], classes: [0])", "'classes' has 1 values but there are 2 points"),
      ("hist([1, 2], bins: 0)", "'bins' of 'hist' must be between 1 and 10000, not 0"),
      ("grid([1, 2])", "element 0 of the figures passed to 'grid' is a Int, not a Figure"),
      ("regions(x: (0, 1), y: (0, 1)) { x, y in \"a\" }", "it must return an Int class"),
      (
        "regions(x: (0, 1), y: (0, 1), classes: [[1e300]])",
        "'classes' of 'regions' holds 1e+300, which is not a class number"
      ),
      ("plot([1], xlim: (0, 1, 2))", "'xlim' of 'plot' takes two numbers, (low, high); got 3"),
      ("plot([1], xLimits: (0, 1, 2))", "'xLimits' of 'plot' takes two numbers, (low, high); got 3"),
      ("save(plot([1]), \"/tmp/x.png\")", "a figure is saved as SVG, not as '.png'"),
      ("save(3, \"/tmp/x.svg\")", "save(…) writes figures and tables, not a Int"),
      ("heatmap([[1, 2]], rows: [\"a\", \"b\"])", "'heatmap' got 2 names in rows: for 1 rows"),
      (
        "heatmap([[1, 2]], x: (0, 1), columns: [\"a\", \"b\"])",
        "'heatmap' takes either x: (numbers at the edges) or columns:"
      ),
      ("heatmap([[1, 2]], marks: [[nil], [nil], [nil]])", "'heatmap' marks: must be rows of texts, at most 1 of them"),
    ])
  func mistakes(code: String, message: String) throws {
    let session = LibrarySession()
    let error = try #require(session.error(code))
    #expect(error.rendered.contains(message), "\(error.rendered)")
    #expect(error.rendered.contains("help:") || error.family == .typeError)
  }

  @Test("a figure displays as SVG with its summary as text/plain")
  func displayRepresentations() throws {
    let session = LibrarySession()
    guard case .host(let object)? = session.value("scatter([1, 2], [3, 4], label: \"points\")") else { return }
    let representations = object.displayRepresentations()
    let svg = try #require(representations["image/svg+xml"])
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(object.description.contains("scatter \"points\": 2 points"))
  }

  @Test("save writes the figure's SVG and the table's renderings, whole")
  func saving() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-save-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let session = LibrarySession()
    _ = session.value("let f = plot([1, 2, 3])\nlet t = table([\"a\": [1, 2], \"b\": [\"x\", \"y,z\"]])")
    for name in ["f.svg", "t.csv", "t.md", "t.html", "t.txt"] {
      let variable = name.hasPrefix("f") ? "f" : "t"
      _ = session.value("save(\(variable), \"\(folder.path)/\(name)\")")
    }
    let svg = try String(contentsOf: folder.appendingPathComponent("f.svg"), encoding: .utf8)
    guard case .host(let figure as FigureObject)? = session.value("f") else { return }
    #expect(svg == figure.svg)
    let csv = try String(contentsOf: folder.appendingPathComponent("t.csv"), encoding: .utf8)
    #expect(csv == "a,b\r\n1,x\r\n2,\"y,z\"\r\n")
    #expect(try String(contentsOf: folder.appendingPathComponent("t.md"), encoding: .utf8).contains("|"))
    let missing = try #require(session.error("save(f, \"\(folder.path)/no/such/folder/f.svg\")"))
    #expect(missing.rendered.contains("cannot write"))
    #expect(missing.rendered.contains("help: check that the folder exists"))
  }
}

@Suite("Tables in the language")
struct TableBuiltinTests {
  @Test("columns, records and rows make the same table")
  func threeForms() throws {
    let session = LibrarySession()
    let forms = [
      "table([\"optimizer\": [\"SGD\", \"Adam\"], \"accuracy\": [0.91, 0.9]])",
      "table([[\"optimizer\": \"SGD\", \"accuracy\": 0.91], [\"optimizer\": \"Adam\", \"accuracy\": 0.9]])",
      "table([[\"SGD\", 0.91], [\"Adam\", 0.9]], columns: [\"optimizer\", \"accuracy\"])",
    ]
    let texts = forms.compactMap { session.value($0)?.description }
    #expect(texts.count == 3)
    #expect(Set(texts).count == 1)
    #expect(texts.first == "optimizer  accuracy\n─────────  ────────\nSGD            0.91\nAdam           0.90")
  }

  @Test("a table offers HTML and Markdown besides its text, and decimals: fixes digits")
  func renderings() throws {
    let session = LibrarySession()
    guard case .host(let object)? = session.value("table([\"x\": [1.23456, 2.0]], title: \"T\", decimals: 1)") else {
      Issue.record("expected a table")
      return
    }
    let representations = object.displayRepresentations()
    #expect(representations["text/html"]?.contains("<caption>T</caption>") == true)
    #expect(representations["text/markdown"]?.contains("1.2") == true)
    #expect(object.description.contains("2.0"))
  }

  @Test("a column that is not an array is a clear error")
  func badColumn() throws {
    let session = LibrarySession()
    let error = try #require(session.error("table([\"a\": [1, 2], \"b\": 3])"))
    #expect(error.rendered.contains("column 'b' of the table is a Int, not an array"))
  }
}
