import Datasets
import Foundation
import PlotBindings
import Plotting
import TempoRuntime

/// Loaders of real data, seeded generators, and `samples` to look at images.
enum DataBuiltins {
  static let category = "Data"

  static var all: [BuiltinFunction] { loaders + generators + [samples] }

  static var loaders: [BuiltinFunction] {
    [
      trainingBuiltin(
        "FashionMNIST",
        [
          ParameterSpec(
            "directory", type: "String", default: "\"/usr/share/datasets/fashion-mnist\"",
            "where the four IDX files are (Debian's dataset-fashion-mnist puts them there)")
        ], returns: "DataSplit", category: category,
        "Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28×28 grey, 10 classes.",
        discussion:
          "Read from the gzipped IDX files of Debian's dataset-fashion-mnist package (make setup installs it). Pixels are scaled to 0…1 and stay bytes in memory (about 55 MB for all 70,000). License: MIT, Zalando SE.",
        example: "let fashion = FashionMNIST()\nfashion.train.count  // 60000"
      ) { args in
        let directory = try args.string(0, default: "/usr/share/datasets/fashion-mnist")
        let (train, test) = try Dataset.fashionMNIST(directory: directory)
        return .host(DataSplitObject(train: train, test: test))
      },
      trainingBuiltin(
        "MNIST",
        [ParameterSpec("path", type: "String", "the folder holding the four MNIST IDX files (gzipped or not)")],
        returns: "DataSplit", category: category, "The MNIST digits from its IDX files on disk.",
        example: "let mnist = MNIST(path: \"/data/mnist\")"
      ) { args in
        let (train, test) = try Dataset.mnist(path: try args.string(0))
        return .host(DataSplitObject(train: train, test: test))
      },
      trainingBuiltin(
        "Digits", [], returns: "Dataset", category: category,
        "The 8×8 handwritten digits (UCI optdigits as shipped by scikit-learn): 1,797 grey images, 10 classes.",
        discussion:
          "Shipped inside Tempo. Data: E. Alpaydin and C. Kaynak, UCI Machine Learning Repository (1998), CC BY 4.0. Split it with .split(0.8, seed: 0).",
        example: "let digits = Digits().split(0.8, seed: 0)"
      ) { _ in .host(DatasetObject(Dataset.digits())) },
      trainingBuiltin(
        "CSV",
        [
          ParameterSpec(nil, "path", type: "String", "a .csv or .csv.gz file; a header row is detected"),
          ParameterSpec(
            "label", type: "Int or String", default: "-1", "the label column: its position (-1: last) or name"),
          ParameterSpec("imageShape", type: "[Int]?", default: "nil", "e.g. [1, 28, 28] when the columns are pixels"),
        ], returns: "Dataset", category: category, "Labelled samples from a CSV file: one row per sample.",
        example: "let data = CSV(\"iris.csv\", label: \"species\")"
      ) { args in
        let path = try args.string(0)
        let label: CSVColumn
        switch args[1] {
        case .string(let name)?: label = .name(name)
        case .int(let position)?: label = .index(position)
        case nil: label = .index(-1)
        case let other?: throw args.typeError(1, expected: "Int or String", got: other)
        }
        let shape = args.has(2) ? try args.sizes(2) : nil
        return .host(DatasetObject(try Dataset.csv(path: path, labelColumn: label, imageShape: shape)))
      },
      trainingBuiltin(
        "NPY",
        [
          ParameterSpec(
            nil, "features", type: "String", "a .npy file: one sample per row (any shape after the first axis)"),
          ParameterSpec("labels", type: "String", "a .npy file of integer labels"),
        ], returns: "Dataset", category: category, "Samples and labels from NumPy .npy files.",
        example: "let data = NPY(\"x.npy\", labels: \"y.npy\")"
      ) { args in
        .host(DatasetObject(try Dataset.npy(features: try args.string(0), labels: try args.string(1))))
      },
      trainingBuiltin(
        "CIFAR10",
        [ParameterSpec(nil, "path", type: "String", "the folder of the binary batches, or one batch file")],
        returns: "DataSplit or Dataset", category: category,
        "CIFAR-10 from its binary batches: 32×32 colour images, 10 classes.",
        discussion:
          "A folder gives data_batch_1…5 as .train and test_batch as .test; a single file gives one data set.",
        example: "let cifar = CIFAR10(\"/data/cifar-10-batches-bin\")"
      ) { args in
        let path = try args.string(0)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
          let (train, test) = try Dataset.cifar10(directory: path)
          return .host(DataSplitObject(train: train, test: test))
        }
        return .host(DatasetObject(try Dataset.cifar10(files: [path])))
      },
      trainingBuiltin(
        "Text",
        [
          ParameterSpec(nil, "path", type: "String", "a text file (UTF-8)"),
          ParameterSpec("length", type: "Int", default: "64", "characters per training sequence"),
        ], returns: "Dataset", category: category,
        "A text for a character-level language model: sequences of characters, each labelled with the next.",
        example: "let text = Text(\"/usr/share/common-licenses/GPL-3\", length: 64)"
      ) { args in
        .host(
          DatasetObject(
            try Dataset.text(path: try args.string(0), sequenceLength: try args.positiveInt(1, default: 64))))
      },
    ]
  }

  static var generators: [BuiltinFunction] {
    [
      trainingBuiltin(
        "Spiral",
        [
          ParameterSpec("points", type: "Int", default: "500", "training points (half per class)"),
          ParameterSpec("test", type: "Int", default: "1000", "independent test points"),
          ParameterSpec("turns", type: "Double", default: "4"),
          ParameterSpec("noise", type: "Double", default: "0.02", "standard deviation of the Gaussian noise"),
          ParameterSpec("seed", type: "Int", default: "0"),
        ], returns: "DataSplit", category: category,
        "The two-spiral problem of Leimkuhler, Matthews & Vlaar (2019), as the multirate paper uses it.",
        discussion:
          "Radius 2·√t and angle 2π·turns·√t for t uniform in [0, 1); class 1 is the point reflection of class 0; Gaussian noise. The test points are drawn independently (from another seed).",
        example: "let spiral = Spiral(points: 500, seed: 0)"
      ) { args in
        let seed = try args.seed(4)
        let turns = try args.double(2, default: 4)
        let noise = try args.double(3, default: 0.02)
        let train = Dataset.spiral(
          points: try pointCount(args, 0, default: 500), turns: turns, noise: noise, seed: seed)
        let test = Dataset.spiral(
          points: try pointCount(args, 1, default: 1000), turns: turns, noise: noise, seed: independentSeed(seed))
        return .host(DataSplitObject(train: train.named("spiral train"), test: test.named("spiral test")))
      },
      trainingBuiltin(
        "Blobs",
        [
          ParameterSpec("points", type: "Int", default: "300"), ParameterSpec("classes", type: "Int", default: "3"),
          ParameterSpec("spread", type: "Double", default: "0.5", "standard deviation around each centre"),
          ParameterSpec("seed", type: "Int", default: "0"),
        ], returns: "Dataset", category: category, "Gaussian blobs in the plane, one per class.",
        example: "let blobs = Blobs(points: 300, classes: 3, seed: 0)"
      ) { args in
        .host(
          DatasetObject(
            Dataset.blobs(
              points: try pointCount(args, 0, default: 300), classes: try pointCount(args, 1, default: 3),
              spread: try args.double(2, default: 0.5), seed: try args.seed(3))))
      },
      trainingBuiltin(
        "XOR",
        [
          ParameterSpec("points", type: "Int", default: "400"),
          ParameterSpec("noise", type: "Double", default: "0.2"), ParameterSpec("seed", type: "Int", default: "0"),
        ], returns: "Dataset", category: category, "Four clusters whose class is the XOR of the quadrant's signs.",
        example: "let xor = XOR(points: 400, seed: 0)"
      ) { args in
        .host(
          DatasetObject(
            Dataset.xor(
              points: try pointCount(args, 0, default: 400), noise: try args.double(1, default: 0.2),
              seed: try args.seed(2))))
      },
      trainingBuiltin(
        "RegressionToy",
        [
          ParameterSpec("points", type: "Int", default: "1000"), ParameterSpec("test", type: "Int", default: "100"),
          ParameterSpec("seed", type: "Int", default: "0"),
        ], returns: "DataSplit", category: category,
        "Alrao's regression toy: inputs (u, u², …, u¹⁰) for u uniform in (−1, 1), target sin(πu).",
        example: "let toy = RegressionToy(seed: 0)"
      ) { args in
        let seed = try args.seed(2)
        return .host(
          DataSplitObject(
            train: Dataset.regressionToy(points: try pointCount(args, 0, default: 1000), seed: seed),
            test: Dataset.regressionToy(points: try pointCount(args, 1, default: 100), seed: independentSeed(seed))))
      },
    ]
  }

  /// Generated data sets are held in memory whole: ten million points is far beyond any toy
  /// experiment and still fits, while a mistyped count would end the process in the allocation.
  static let maximumPoints = 10_000_000

  static func pointCount(_ args: Arguments, _ index: Int, default fallback: Int) throws -> Int {
    let count = try args.positiveInt(index, default: fallback)
    guard count <= maximumPoints else {
      throw RuntimeError(
        .valueError,
        "'\(args.parameterName(index))' of '\(args.function)' is \(count); generated data holds at most \(maximumPoints) points",
        help: "generate fewer points")
    }
    return count
  }

  /// A seed for a test set drawn independently of the training set made from `seed`.
  static func independentSeed(_ seed: UInt64) -> UInt64 { seed &+ 0x5DEE_CE66_D1CE_4E5B }

  static var samples: BuiltinFunction {
    trainingBuiltin(
      "samples",
      [
        ParameterSpec(nil, "data", type: "Dataset or DataSplit", "image data (a split shows its training part)"),
        ParameterSpec("count", type: "Int", default: "16"),
        ParameterSpec("columns", type: "Int?", default: "nil"),
      ], returns: "Figure", category: category,
      "The first images of a data set in a grid, captioned with their classes.",
      example: "samples(Digits(), count: 12)"
    ) { args in
      let (data, _) = try DataArguments.trainingData(args, 0)
      guard data.sampleShape.count == 3 else {
        throw RuntimeError(
          .valueError, "'samples' shows images, but '\(data.name)' has samples of shape \(data.sampleShape)",
          help: "use image data shaped [channels, height, width]")
      }
      let count = min(try args.positiveInt(1, default: 16), data.count)
      let (channels, height, width) = (data.sampleShape[0], data.sampleShape[1], data.sampleShape[2])
      var images: [RasterImage] = []
      var captions: [String] = []
      let labels = data.labels
      for index in 0..<count {
        let values = try data.sampleImage(index).map(Double.init)
        images.append(raster(values, channels: channels, height: height, width: width))
        if index < labels.count, labels[index] < data.classNames.count {
          captions.append(data.classNames[labels[index]])
        }
      }
      let columns = args.has(2) ? try args.positiveInt(2) : nil
      let series = ImageGridSeries(images: images, captions: captions.count == count ? captions : nil, columns: columns)
      return .host(FigureObject(Figure(Panel(title: data.name, series: [.images(series)]))))
    }
  }

  /// A channels-first sample as an image, its values stretched to 0…1 (normalised data is not).
  static func raster(_ values: [Double], channels: Int, height: Int, width: Int) -> RasterImage {
    let finite = values.filter(\.isFinite)
    let low = finite.min() ?? 0
    let high = finite.max() ?? 1
    let span = high > low ? high - low : 1
    let plane = height * width
    let shown = channels == 3 ? 3 : 1
    var pixels = [Double](repeating: 0, count: plane * shown)
    for position in 0..<plane {
      for channel in 0..<shown {
        pixels[position * shown + channel] = (values[channel * plane + position] - low) / span
      }
    }
    return RasterImage(width: width, height: height, channels: shown, pixels: pixels)
  }
}

extension Dataset {
  func named(_ name: String) -> Dataset {
    var copy = self
    copy.name = name
    return copy
  }
}
