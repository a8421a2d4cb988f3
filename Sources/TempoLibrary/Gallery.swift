import PlotBindings
import TempoRuntime

/// One figure of every chart kind, as the Tempo code that makes it: `tempo docs gallery`
/// renders them into `docs/gallery/` (so a reader sees the code beside the picture), and the
/// browser test renders each in Chromium.
public enum Gallery {
  public struct Entry: Sendable {
    public var name: String
    public var title: String
    public var code: String
  }

  public static let entries: [Entry] = [
    Entry(
      name: "line", title: "Lines, with a gap where a value is missing",
      code: """
        let steps = Array(0..<200)
        let train = steps.map { s in 2.3 * exp(-Double(s) / 40) + 0.1 + 0.05 * sin(Double(s) / 3) }
        var test: [Double?] = steps.map { s in 2.3 * exp(-Double(s) / 50) + 0.25 }
        test[120] = nil  // a missing value leaves a gap
        plot(steps, train, label: "train", title: "Training loss", xLabel: "step", yLabel: "loss")
          .plot(steps, test, label: "test", dashed: true)
        """),
    Entry(
      name: "line-log", title: "Log–log axes with markers",
      code: """
        let rates = (0...12).map { k in pow(10.0, -5 + Double(k) / 2) }
        let loss = rates.map { r in 0.4 + 0.05 * pow(log(r) / log(10.0) + 1.5, 2) }
        plot(rates, loss, label: "SGD", markers: true, title: "Final loss by learning rate",
             xLabel: "learning rate", yLabel: "test loss", xScale: .log, yScale: .log)
        """),
    Entry(
      name: "band", title: "Mean and range over seeds",
      code: """
        let epochs = Array(1...20)
        func curve(_ rate: Double, _ shift: Double) -> [Double] {
          epochs.map { e in 0.95 - 0.5 * exp(-Double(e) * rate) + shift }
        }
        plot(epochs, curve(0.15, 0), label: "SGD", lower: curve(0.15, -0.03), upper: curve(0.15, 0.02),
             title: "Test accuracy over 5 seeds", xLabel: "epoch", yLabel: "accuracy")
          .plot(epochs, curve(0.25, 0), label: "Alrao", lower: curve(0.25, -0.02), upper: curve(0.25, 0.015))
        """),
    Entry(
      name: "scatter", title: "Points coloured by class",
      code: """
        var xs: [Double] = []
        var ys: [Double] = []
        var classes: [Int] = []
        for i in 0..<240 {
          let k = i % 3
          let t = Double(i) * 2.399963  // golden-angle spiral: even, deterministic scatter
          let r = sqrt(Double(i) / 240) * 1.6
          xs.append(Double(k) * 2 + r * cos(t))
          ys.append(Double(k % 2) * 2 + r * sin(t))
          classes.append(k)
        }
        scatter(xs, ys, classes: classes, names: ["class A", "class B", "class C"],
                title: "Three classes", xLabel: "x₁", yLabel: "x₂")
        """),
    Entry(
      name: "regions", title: "Decision regions under the data",
      code: """
        func arm(_ x: Double, _ y: Double) -> Int {
          let angle = 4 * log(sqrt(x * x + y * y) + 0.05) + (y >= 0 ? 1.0 : -1.0) * acosine(x, y)
          return sin(angle) > 0 ? 1 : 0
        }
        func acosine(_ x: Double, _ y: Double) -> Double {
          let r = sqrt(x * x + y * y)
          return r == 0 ? 0 : 2 * (r - x) / (r + 0.0001)
        }
        let points = (0..<300).map { i in (sin(Double(i) * 12.9898) * 0.999, cos(Double(i) * 78.233) * 0.999) }
        regions(x: (-1, 1), y: (-1, 1), resolution: 80, title: "Decision regions", xLabel: "x₁", yLabel: "x₂") { x, y in arm(x, y) }
          .scatter(points.map { $0.0 }, points.map { $0.1 }, classes: points.map { arm($0.0, $0.1) }, names: ["arm A", "arm B"])
        """),
    Entry(
      name: "histogram", title: "A histogram with round bin edges",
      code: """
        let values = (0..<2000).map { i in
          let u = (Double(i) + 0.5) / 2000
          return 1 + 0.5 * (u - 0.5) * 4 * (1 - 0.6 * cos(Double(i)))
        }
        hist(values, bins: 30, title: "Weights of layer 1", xLabel: "value")
        """),
    Entry(
      name: "histogram-log", title: "Logarithmic bins (Alrao's learning rates)",
      code: """
        let rates = (0..<1000).map { i in pow(10.0, -5 + 6 * (Double(i * 7919 % 1000) + 0.5) / 1000) }
        hist(rates, bins: 24, log: true, title: "Feature learning rates, log-uniform", xLabel: "learning rate", yLabel: "features")
        """),
    Entry(
      name: "bar", title: "Bars",
      code: """
        bar(["full fine-tuning": 41.2, "multirate k=5": 27.9, "multirate k=10": 25.1],
            title: "Wall time for 3 epochs", yLabel: "seconds")
        """),
    Entry(
      name: "grouped-bar", title: "Grouped bars",
      code: """
        bar(["SGD": [0.88, 0.91, 0.93], "Adam": [0.87, 0.90, 0.92], "Alrao": [0.86, 0.90, 0.91]],
            labels: ["MLP", "ConvNet", "ResNet"], title: "Test accuracy by optimizer", yLabel: "accuracy", yLimits: (0.8, 0.95))
        """),
    Entry(
      name: "heatmap", title: "A small heatmap (cells as rectangles)",
      code: """
        let posterior = (0..<10).map { copy in
          (0..<12).map { epoch in exp(-pow(Double(copy) - Double(epoch) * 0.6, 2) / 6) }
        }
        heatmap(posterior, colorbar: "weight", title: "Switch posterior", xLabel: "epoch", yLabel: "classifier copy")
        """),
    Entry(
      name: "heatmap-large", title: "A large heatmap (one raster image)",
      code: """
        let posterior = (0..<10).map { copy in
          (0..<600).map { step in exp(-pow(Double(copy) - Double(step) / 60, 2) / 4) }
        }
        heatmap(posterior, colorbar: "posterior", x: (0, 600), title: "Switch posterior per step", xLabel: "step", yLabel: "classifier copy")
        """),
    Entry(
      name: "images", title: "Samples of a data set",
      code: """
        let rings = (0..<12).map { k in
          (0..<28).map { r in
            (0..<28).map { c in
              let d = sqrt(pow(Double(r) - 13.5, 2) + pow(Double(c) - 13.5, 2))
              return max(0.0, 1 - abs(d - Double(4 + k)) / 2)
            }
          }
        }
        images(rings, labels: (0..<12).map { k in "r = \\(4 + k)" },
               columns: 6, title: "Rings of growing radius")
        """),
    Entry(
      name: "grid", title: "Several figures in one",
      code: """
        let steps = Array(0..<100)
        let loss = plot(steps, steps.map { s in exp(-Double(s) / 30) }, label: "train", title: "Loss")
        let weights = hist((0..<500).map { i in sin(Double(i)) * cos(Double(i) * 0.3) }, bins: 25, title: "Weights")
        let rates = plot(steps, steps.map { s in 0.1 * (1 + cos(3.14159 * Double(s) / 100)) / 2 }, title: "Cosine schedule", yLabel: "learning rate")
        let copies = heatmap((0..<5).map { i in (0..<20).map { j in Double((i + j) % 5) } }, title: "Copies")
        grid([loss, weights, rates, copies], columns: 2, title: "An experiment at a glance")
        """),
  ]

  /// Runs an entry's code in a fresh standard environment and returns the figure's SVG, or
  /// the error the code failed with.
  public static func render(_ entry: Entry) -> Result<String, CellError> {
    let environment = StandardLibrary.makeEnvironment()
    switch environment.execute(entry.code, name: "<gallery \(entry.name)>", output: CollectingOutput()) {
    case .success(let value):
      guard case .host(let figure as FigureObject) = value else {
        return .failure(
          CellError(
            family: .typeError, message: "not a figure", rendered: "gallery \(entry.name) does not end in a figure"))
      }
      return .success(figure.svg)
    case .failure(let error): return .failure(error)
    }
  }
}
