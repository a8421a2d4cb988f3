import Datasets
import TempoRuntime

/// The methods of `Dataset` and `DataSplit` values. A split applies each to both parts, taking
/// what a transform learns (normalisation statistics) from the training part.
enum DataMethods {
  enum Receiver {
    case single(Dataset)
    case split(train: Dataset, test: Dataset)
  }

  static func method(_ name: String, on receiver: Receiver) -> BuiltinFunction? {
    switch name {
    case "normalized":
      return make(
        "normalized",
        [
          ParameterSpec(
            "mean", .optional(.array(.double)), default: nil, "per channel (nil: computed from the training data)"),
          ParameterSpec("std", .optional(.array(.double)), default: nil, "per channel"),
        ], "The data with each channel shifted and scaled to mean 0 and standard deviation 1.",
        example: "let data = FashionMNIST().normalized()", receiver
      ) { args, dataset, role in
        let mean = try args.floats("mean")
        let std = try args.floats("std")
        return try dataset.normalized(mean: mean ?? role.mean, std: std ?? role.std)
      }
    case "flattened":
      return make("flattened", [], "Each sample as one row of values.", example: "data.flattened()", receiver) {
        _, dataset, _ in dataset.flattened()
      }
    case "oneHot":
      return make(
        "oneHot", [], "Class labels as one-hot target vectors (regression targets, for mean squared error).",
        example: "data.oneHot()", receiver
      ) { _, dataset, _ in try dataset.oneHotTargets() }
    case "padded":
      return make(
        "padded", [ParameterSpec("by", .int, check: .nonNegative, "zeros added on every side of each image")],
        "Images padded with zeros.", example: "data.padded(by: 2)", receiver
      ) { args, dataset, _ in try dataset.padded(by: try args.int("by")) }
    case "resized":
      return make(
        "resized", [ParameterSpec("height", .int, check: .positive), ParameterSpec("width", .int, check: .positive)],
        "Images resized (bilinear).", example: "Digits().resized(height: 28, width: 28)", receiver
      ) { args, dataset, _ in try dataset.resized(height: try args.int("height"), width: try args.int("width")) }
    case "filterClasses":
      return make(
        "filterClasses",
        [ParameterSpec(nil, "classes", .array(.int), "the classes to keep, relabelled 0, 1, … in this order")],
        "Only the samples of some classes.", example: "data.filterClasses([3, 8])", receiver
      ) { args, dataset, _ in try dataset.filterClasses(try args.classList("classes")) }
    case "patchAugmented":
      return make(
        "patchAugmented",
        [
          ParameterSpec("side", .int, check: .positive, "the patch's side (7 for 32×32 images, 3 for 8×8)"),
          .seed(),
        ],
        "Patch augmentation (Li et al. 2019, multirate paper App. C.1): a class-dependent patch over 80 % of the images, redrawn each epoch.",
        example: "Digits().split(0.8, seed: 0).patchAugmented(side: 3)", receiver
      ) { args, dataset, role in
        let seed = try args.seed("seed")
        if let shared = role.augmentedTrain { return try dataset.patchAugmented(sharing: shared, seed: seed &+ 1) }
        return try dataset.patchAugmented(side: try args.int("side"), seed: seed)
      }
    case "patched":
      guard case .split(let train, let test) = receiver else { return nil }
      return trainingBuiltin(
        "patched",
        [
          ParameterSpec("side", .int, check: .positive, "the patch's side (7 for 32×32 images, 3 for 8×8)"),
          .seed("draws the patches, which samples carry one, and each epoch's draws"),
          ParameterSpec("patchOnlyCount", .int, default: 1000, check: .nonNegative, "images in the patch-only set"),
        ], returns: "PatchedData", category: "Data",
        "The patch experiment's data (Li et al. 2019, multirate paper App. C.1): the augmented training part, the clean, augmented and patch-only test sets, one patch for all.",
        discussion:
          "Normalise first: the patch lands on normalised values. Members train, test (clean), augmentedTest, patchOnly, and validation, the three test sets as fit's validate: takes them ([\"clean\": …, \"augmented\": …, \"patch only\": …]).",
        example:
          "let patched = Digits().split(0.8, seed: 0).normalized().patched(side: 3, seed: 0)\nfit(MLP([64, 64, 10]), on: patched.train, validate: patched.validation, epochs: 2, progress: false)"
      ) { args in
        .host(
          PatchedDataObject(
            try PatchedSplit(
              train: train, test: test, side: try args.int("side"), seed: try args.seed("seed"),
              patchOnlyCount: try args.int("patchOnlyCount"))))
      }
    case "prefix":
      switch receiver {
      case .single(let dataset):
        return trainingBuiltin(
          "prefix", [ParameterSpec(nil, "count", .int, check: .nonNegative)], returns: "Dataset", category: "Data",
          "The first samples.", example: "data.prefix(1000)"
        ) { args in .host(DatasetObject(dataset.prefix(try args.int("count")))) }
      case .split(let train, let test):
        return trainingBuiltin(
          "prefix",
          [
            ParameterSpec("train", .int, check: .nonNegative),
            ParameterSpec("test", .int, default: .computed("all"), check: .nonNegative),
          ],
          returns: "DataSplit", category: "Data", "The first samples of each part, for quick runs.",
          example: "FashionMNIST().prefix(train: 5000, test: 1000)"
        ) { args in
          .host(
            DataSplitObject(
              train: train.prefix(try args.int("train")),
              test: args.isGiven("test") ? test.prefix(try args.int("test")) : test))
        }
      }
    case "splitByClass":
      let parameters = [
        ParameterSpec(nil, "first", .array(.int), "classes of the first part, relabelled 0, 1, …"),
        ParameterSpec(nil, "second", .array(.int), "classes of the second part, relabelled 0, 1, …"),
      ]
      switch receiver {
      case .single(let dataset):
        return trainingBuiltin(
          "splitByClass", parameters, returns: "(Dataset, Dataset)", category: "Data",
          "Two data sets by class, each relabelled from 0 (pre-training and fine-tuning tasks).",
          example: "let (a, b) = Digits().splitByClass([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])"
        ) { args in
          let (first, second) = try dataset.splitByClass(try args.classList("first"), try args.classList("second"))
          return .tuple([.host(DatasetObject(first)), .host(DatasetObject(second))])
        }
      case .split(let train, let test):
        return trainingBuiltin(
          "splitByClass", parameters, returns: "(DataSplit, DataSplit)", category: "Data",
          "Two train/test splits by class, each relabelled from 0 (pre-training and fine-tuning tasks).",
          example: "let (pre, target) = FashionMNIST().splitByClass([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])"
        ) { args in
          let first = try args.classList("first")
          let second = try args.classList("second")
          let (trainA, trainB) = try train.splitByClass(first, second)
          let (testA, testB) = try test.splitByClass(first, second)
          return .tuple([
            .host(DataSplitObject(train: trainA, test: testA)), .host(DataSplitObject(train: trainB, test: testB)),
          ])
        }
      }
    case "split":
      guard case .single(let dataset) = receiver else { return nil }
      return trainingBuiltin(
        "split",
        [
          ParameterSpec(nil, "fraction", .double, check: .openUnitInterval, "the training part's share, e.g. 0.8"),
          .seed(),
          ParameterSpec("stratified", .bool, default: true, "keep each class's share in both parts"),
        ], returns: "DataSplit", category: "Data", "A seeded random train/test split.",
        example: "let data = Digits().split(0.8, seed: 0)"
      ) { args in
        let (train, test) = try dataset.split(
          fraction: try args.double("fraction"), seed: try args.seed("seed"), stratified: try args.bool("stratified"))
        return .host(DataSplitObject(train: train, test: test))
      }
    case "splitInOrder":
      guard case .single(let dataset) = receiver else { return nil }
      return trainingBuiltin(
        "splitInOrder",
        [ParameterSpec(nil, "fractions", .array(.double), "each part's share, in order, adding up to 1")],
        returns: "(Dataset, Dataset, …)", category: "Data",
        "Consecutive parts in stored order, no shuffling: train, validation and test passages of one text.",
        discussion:
          "Part k ends at sample round(count · (f0 + … + fk)). For sequential data such as a text's windows, where split(_:seed:) would scatter neighbouring windows of one passage over both sides. Each part is named after the data set and its shares (\"common-licenses 90–95 %\").",
        example:
          "let (train, validation, test) = Text(\"/usr/share/common-licenses\", length: 70).splitInOrder([0.9, 0.05, 0.05])"
      ) { args in
        .tuple(try dataset.splitInOrder(try args.numbers("fractions")).map { .host(DatasetObject($0)) })
      }
    case "subset":
      guard case .single(let dataset) = receiver else { return nil }
      return trainingBuiltin(
        "subset", [ParameterSpec(nil, "indices", .array(.int))], returns: "Dataset", category: "Data",
        "The samples at some positions.", example: "data.subset([0, 5, 9])"
      ) { args in .host(DatasetObject(try dataset.subset(try args.classList("indices")))) }
    default: return nil
    }
  }

  /// What a transform of a split's part may take from the training part.
  struct Role {
    var mean: [Float]?
    var std: [Float]?
    var augmentedTrain: Dataset?
  }

  /// A method whose transform applies to a data set, or to both parts of a split (the test part
  /// with the training part's statistics and patches).
  private static func make(
    _ name: String, _ parameters: [ParameterSpec], _ summary: String, example: String, _ receiver: Receiver,
    _ transform: @escaping (Arguments, Dataset, Role) throws -> Dataset
  ) -> BuiltinFunction {
    switch receiver {
    case .single(let dataset):
      return trainingBuiltin(name, parameters, returns: "Dataset", category: "Data", summary, example: example) {
        args in
        .host(DatasetObject(try transform(args, dataset, Role())))
      }
    case .split(let train, let test):
      return trainingBuiltin(name, parameters, returns: "DataSplit", category: "Data", summary, example: example) {
        args in
        let newTrain = try transform(args, train, Role())
        let role = Role(
          mean: newTrain.normalization?.mean, std: newTrain.normalization?.std,
          augmentedTrain: newTrain.patchAugmentation != nil ? newTrain : nil)
        return .host(DataSplitObject(train: newTrain, test: try transform(args, test, role)))
      }
    }
  }
}

extension Arguments {
  /// Numbers as Float32 (per-channel statistics), nil when not given.
  func floats(_ name: String) throws -> [Float]? {
    guard has(name) else { return nil }
    return try numbers(name).map(Float.init)
  }

  /// Whole numbers ≥ 0 (classes, indices).
  func classList(_ name: String) throws -> [Int] {
    try sequence(name).enumerated().map { position, element in
      guard case .int(let value) = element, value >= 0 else {
        throw invalid(name, "must hold whole numbers ≥ 0; element \(position) is \(element.description)")
      }
      return value
    }
  }
}
