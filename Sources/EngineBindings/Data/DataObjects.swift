import Datasets
import Plotting
import TempoRuntime
import Training

/// A data set as a Tempo value. Transforms return new data sets that share the stored samples.
final class DatasetObject: HostObject {
  let dataset: Dataset
  init(_ dataset: Dataset) { self.dataset = dataset }

  var typeName: String { "Dataset" }
  var description: String { dataset.description }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  static let memberTypes: [String: String] = [
    "classCounts": "[Int]", "classes": "[String]", "count": "Int", "filterClasses": "-> Dataset",
    "flattened": "-> Dataset", "labels": "[Int]", "name": "String", "normalized": "-> Dataset", "oneHot": "-> Dataset",
    "padded": "-> Dataset", "patchAugmented": "-> Dataset", "prefix": "-> Dataset", "resized": "-> Dataset",
    "shape": "[Int]", "split": "-> DataSplit", "splitByClass": "-> (Dataset, Dataset)",
    "splitInOrder": "-> (Dataset, Dataset, …)", "storageBytes": "Int", "subset": "-> Dataset",
  ]

  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(dataset.count)
    case "name": return .string(dataset.name)
    case "shape": return .array(dataset.sampleShape.map(Value.int))
    case "classes": return .array(dataset.classNames.map(Value.string))
    case "classCounts": return .array(dataset.classCounts.map(Value.int))
    case "labels": return .array(dataset.labels.map(Value.int))
    case "storageBytes": return .int(dataset.storageBytes)
    default: return DataMethods.method(name, on: .single(dataset)).map(Value.function)
    }
  }

  var documentation: Documentation? {
    Documentation(
      name: "Dataset",
      summary: "Samples with labels (or targets), stored compactly and made into tensors a batch at a time.",
      discussion:
        "Members: count, shape (of one sample), classes, classCounts, labels, name, storageBytes; methods normalized(), flattened(), split(_:seed:stratified:), splitInOrder(_:) (consecutive parts, for text), splitByClass(_:_:), filterClasses(_:), subset(_:), prefix(_:), padded(by:), resized(height:width:), oneHot(), patchAugmented(side:seed:). Images stay bytes until a batch is made.",
      example: "let digits = Digits()\ndigits.classCounts", category: "Data")
  }
}

/// Training and test data together, as loaders of standard data sets return them: `fit(model,
/// on: split)` trains on `.train` and validates on `.test`. Transforms apply to both, with what
/// they learn (normalisation statistics) taken from the training part.
final class DataSplitObject: HostObject {
  let train: Dataset
  let test: Dataset
  init(train: Dataset, test: Dataset) {
    self.train = train
    self.test = test
  }

  var typeName: String { "DataSplit" }
  var description: String { "train: \(train.description)\ntest: \(test.description)" }

  /// Each member and what it gives (`-> T`: a method returning `T`), for completion.
  static let memberTypes: [String: String] = [
    "classes": "[String]", "filterClasses": "-> DataSplit", "flattened": "-> DataSplit", "normalized": "-> DataSplit",
    "oneHot": "-> DataSplit", "padded": "-> DataSplit", "patchAugmented": "-> DataSplit", "patched": "-> PatchedData",
    "prefix": "-> DataSplit", "resized": "-> DataSplit", "shape": "[Int]", "splitByClass": "-> (DataSplit, DataSplit)",
    "test": "Dataset", "train": "Dataset",
  ]

  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "train": return .host(DatasetObject(train))
    case "test": return .host(DatasetObject(test))
    case "classes": return .array(train.classNames.map(Value.string))
    case "shape": return .array(train.sampleShape.map(Value.int))
    default: return DataMethods.method(name, on: .split(train: train, test: test)).map(Value.function)
    }
  }

  var documentation: Documentation? {
    Documentation(
      name: "DataSplit",
      summary: "A training part and a test part: what FashionMNIST(), MNIST(path:) and data.split(…) give.",
      discussion:
        "fit(model, on: split) trains on split.train and validates on split.test. normalized() uses the training part's mean and std for both; splitByClass(a, b) splits both parts by class; patched(side:seed:) makes the patch experiment's data sets (PatchedData); prefix(train:test:) keeps the first samples of each, for quick runs.",
      example: "let fashion = FashionMNIST()\nfashion.train.count", category: "Data")
  }
}

/// Arguments that are data.
enum DataArguments {
  /// A data set; a split gives its training part only where the caller says so.
  static func dataset(_ args: Arguments, _ name: String) throws -> Dataset {
    switch try args.value(name) {
    case .host(let object as DatasetObject): return object.dataset
    case .host(is DataSplitObject):
      throw RuntimeError(
        .typeError, "\(args.subject(name)) needs one data set, not a train/test split",
        help: "pick a part: data.test or data.train")
    case let other: throw args.typeError(name, expected: "Dataset", got: other)
    }
  }

  /// `validate:` as named sets: one data set is the test set, a dictionary names each.
  static func validationSets(_ args: Arguments, _ name: String) throws -> [ValidationSet] {
    guard case .dictionary(let map) = try args.value(name) else {
      return [ValidationSet(name: "test", data: try dataset(args, name))]
    }
    guard map.count > 0 else {
      throw RuntimeError(
        .valueError, "\(args.subject(name)) got an empty dictionary: there is nothing to evaluate",
        help: "pass nil (or leave it out) to validate on a split's .test")
    }
    return try zip(map.keys, map.values).map { key, value in
      guard case .string(let setName) = key, !setName.isEmpty else {
        throw RuntimeError(
          .typeError, "\(args.subject(name)) needs non-empty names as keys, not \(key.description)",
          help: "name each set: [\"clean\": data.test, \"augmented\": augmented]")
      }
      guard case .host(let object as DatasetObject) = value else {
        throw RuntimeError(
          .typeError, "\(args.subject(name)) got a \(value.typeName) for '\(setName)', not a Dataset",
          help: "pick a part of a split: data.test")
      }
      return ValidationSet(name: setName, data: object.dataset)
    }
  }

  /// Training data and, for a split, its test part (the default validation data).
  static func trainingData(_ args: Arguments, _ name: String) throws -> (Dataset, Dataset?) {
    switch try args.value(name) {
    case .host(let object as DatasetObject): return (object.dataset, nil)
    case .host(let split as DataSplitObject): return (split.train, split.test)
    case let other: throw args.typeError(name, expected: "Dataset or DataSplit", got: other)
    }
  }
}
