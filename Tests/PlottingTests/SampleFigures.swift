import Glibc

@testable import Plotting

/// One figure of every chart kind, with the awkward data real runs produce (gaps, spikes,
/// log ranges), for the structural, XML and rendering tests.
enum SampleFigures {
  static var all: [(name: String, figure: Figure)] {
    [
      ("line", line), ("line-log", logLine), ("scatter", scatter), ("band", band), ("bar", bar),
      ("grouped-bar", groupedBar), ("histogram", histogram), ("histogram-log", logHistogram),
      ("heatmap", heatmap), ("heatmap-large", largeHeatmap), ("images", images), ("regions", regions), ("grid", grid),
    ]
  }

  static var line: Figure {
    let steps = (0..<200).map(Double.init)
    let train = steps.map { 2.3 * exp(-$0 / 40) + 0.1 + 0.05 * sin($0 / 3) }
    var test = steps.map { 2.3 * exp(-$0 / 50) + 0.25 }
    test[120] = .nan
    test[121] = .infinity
    return Figure(
      Panel(
        title: "Training loss", xLabel: "step", yLabel: "loss",
        series: [
          .line(LineSeries(name: "train", x: steps, y: train)), .line(LineSeries(name: "test", x: steps, y: test)),
        ]
      ))
  }

  static var logLine: Figure {
    let rates = (0...12).map { pow(10, -5 + Double($0) / 2) }
    let loss = rates.map { 0.4 + 0.3 * pow(log10($0) + 1.5, 2) / 6 }
    return Figure(
      Panel(
        title: "Final loss by learning rate", xLabel: "learning rate", yLabel: "test loss", xScale: .log,
        yScale: .log, series: [.line(LineSeries(name: "SGD", x: rates, y: loss, markers: true))]))
  }

  static var scatter: Figure {
    var generator = SeededNumbers(seed: 7)
    var x: [Double] = []
    var y: [Double] = []
    var classes: [Int] = []
    for k in 0..<3 {
      for _ in 0..<60 {
        x.append(Double(k) * 2 + generator.normal())
        y.append(Double(k % 2) * 2 + generator.normal())
        classes.append(k)
      }
    }
    return Figure(
      Panel(
        title: "Blobs", xLabel: "x₁", yLabel: "x₂",
        series: [
          .scatter(ScatterSeries(x: x, y: y, classes: classes, classNames: ["setosa", "versicolor", "virginica"]))
        ]))
  }

  static var band: Figure {
    let epochs = (1...20).map(Double.init)
    func runs(_ rate: Double) -> (lower: [Double], upper: [Double], mean: [Double]) {
      let mean = epochs.map { 0.95 - 0.5 * exp(-$0 * rate) }
      return (mean.map { $0 - 0.03 }, mean.map { $0 + 0.02 }, mean)
    }
    let sgd = runs(0.15)
    let alrao = runs(0.25)
    return Figure(
      Panel(
        title: "Test accuracy over 5 seeds", xLabel: "epoch", yLabel: "accuracy",
        series: [
          .band(BandSeries(name: "SGD", x: epochs, lower: sgd.lower, upper: sgd.upper, center: sgd.mean)),
          .band(BandSeries(name: "Alrao", x: epochs, lower: alrao.lower, upper: alrao.upper, center: alrao.mean)),
        ]))
  }

  static var bar: Figure {
    Figure(
      Panel(
        title: "Wall time", yLabel: "seconds",
        series: [
          .bars(BarSeries(categories: ["full", "multirate k=5", "k=10"], groups: [("time", [41.2, 27.9, 25.1])]))
        ]
      ))
  }

  static var groupedBar: Figure {
    Figure(
      Panel(
        title: "Accuracy by optimizer", yLabel: "test accuracy",
        series: [
          .bars(
            BarSeries(
              categories: ["MLP", "ConvNet", "ResNet"],
              groups: [("SGD", [0.88, 0.91, 0.93]), ("Adam", [0.87, 0.90, 0.92]), ("Alrao", [0.86, 0.90, 0.91])]))
        ]))
  }

  static var histogram: Figure {
    var generator = SeededNumbers(seed: 3)
    let values = (0..<2_000).map { _ in generator.normal() * 0.5 + 1 }
    return Figure(
      Panel(
        title: "Weights of layer 1", xLabel: "value", yLabel: "count",
        series: [.histogram(HistogramSeries(values: values, binCount: 30))]))
  }

  static var logHistogram: Figure {
    var generator = SeededNumbers(seed: 5)
    let rates = (0..<1_000).map { _ in pow(10, -5 + 6 * generator.uniform()) }
    return Figure(
      Panel(
        title: "Alrao feature learning rates", xLabel: "learning rate", yLabel: "features", xScale: .log,
        series: [.histogram(HistogramSeries(values: rates, binCount: 24, logarithmicBins: true))]))
  }

  static var heatmap: Figure {
    let values = (0..<10).map { i in (0..<12).map { j in exp(-pow(Double(i) - Double(j) * 0.6, 2) / 6) } }
    return Figure(
      Panel(
        title: "Switch posterior", xLabel: "epoch", yLabel: "classifier copy",
        series: [.heatmap(HeatmapSeries(values: values, colorbarLabel: "weight"))]))
  }

  static var largeHeatmap: Figure {
    let values = (0..<10).map { i in (0..<600).map { j in exp(-pow(Double(i) - Double(j) / 60, 2) / 4) } }
    return Figure(
      Panel(
        title: "Switch posterior per step", xLabel: "step", yLabel: "classifier copy",
        series: [.heatmap(HeatmapSeries(values: values, colorbarLabel: "posterior"))]))
  }

  static var images: Figure {
    let images = (0..<12).map { k -> RasterImage in
      let pixels = (0..<(28 * 28)).map { p -> Double in
        let (r, c) = (Double(p / 28) - 13.5, Double(p % 28) - 13.5)
        return max(0, 1 - abs((r * r + c * c).squareRoot() - Double(4 + k)) / 2)
      }
      return RasterImage(width: 28, height: 28, pixels: pixels)
    }
    let labels = [
      "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot", "T-shirt", "Bag",
    ]
    return Figure(
      Panel(title: "Samples", series: [.images(ImageGridSeries(images: images, captions: labels, columns: 6))]))
  }

  static var regions: Figure {
    let n = 60
    let classes = (0..<n).map { i in
      (0..<n).map { j -> Int in
        let x = -1 + 2 * (Double(j) + 0.5) / Double(n)
        let y = -1 + 2 * (Double(i) + 0.5) / Double(n)
        return sin(4 * atan2(y, x) + 6 * (x * x + y * y).squareRoot()) > 0 ? 1 : 0
      }
    }
    var generator = SeededNumbers(seed: 11)
    var xs: [Double] = []
    var ys: [Double] = []
    var labels: [Int] = []
    for _ in 0..<300 {
      let (x, y) = (generator.uniform() * 2 - 1, generator.uniform() * 2 - 1)
      xs.append(x)
      ys.append(y)
      labels.append(sin(4 * atan2(y, x) + 6 * (x * x + y * y).squareRoot()) > 0 ? 1 : 0)
    }
    return Figure(
      Panel(
        title: "Decision regions", xLabel: "x₁", yLabel: "x₂",
        series: [
          .regions(DecisionRegions(classes: classes, xExtent: (-1, 1), yExtent: (-1, 1))),
          .scatter(ScatterSeries(x: xs, y: ys, classes: labels, classNames: ["arm A", "arm B"])),
        ]))
  }

  static var grid: Figure {
    Figure.grid([line, histogram, scatter, heatmap], columns: 2, title: "An experiment at a glance")
  }
}

/// Reproducible numbers for sample data (SplitMix64 with Box–Muller).
struct SeededNumbers {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

  mutating func normal() -> Double {
    let u = max(uniform(), 1e-12)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
  }
}
