import Datasets
import TempoRuntime

/// `split.patched(side:seed:)`: the four data sets of the patch experiment (multirate paper
/// App. C.1) as one value, sharing one pair of patches.
final class PatchedDataObject: HostObject {
  let data: PatchedSplit
  init(_ data: PatchedSplit) { self.data = data }

  var typeName: String { "PatchedData" }

  var description: String {
    let side = data.train.patchAugmentation?.side ?? 0
    return [
      "patched data (patch \(side)×\(side)):",
      "train: \(data.train.description)",
      "test (clean): \(data.test.count) samples",
      "augmentedTest: \(data.augmentedTest.count) samples",
      "patchOnly: \(data.patchOnly.count) samples",
    ].joined(separator: "\n")
  }

  static let memberTypes: [String: String] = [
    "augmentedTest": "Dataset", "patchOnly": "Dataset", "test": "Dataset", "train": "Dataset",
    "validation": "[String: Dataset]",
  ]
  var memberNames: [String] { Self.memberTypes.keys.sorted() }

  func member(_ name: String) throws -> Value? {
    switch name {
    case "train": return .host(DatasetObject(data.train))
    case "test": return .host(DatasetObject(data.test))
    case "augmentedTest": return .host(DatasetObject(data.augmentedTest))
    case "patchOnly": return .host(DatasetObject(data.patchOnly))
    case "validation":
      return .record(
        [("clean", data.test), ("augmented", data.augmentedTest), ("patch only", data.patchOnly)].map { name, set in
          (name, Value.host(DatasetObject(set)))
        })
    default: return nil
    }
  }

  var documentation: Documentation? {
    Documentation(
      name: "PatchedData",
      summary: "The patch experiment's data sets, sharing one patch: what split.patched(side:seed:) gives.",
      discussion:
        "train: the training part with the patch over ≈ 80 % of its samples, re-drawn every epoch (80 % of accesses mix the patch with the image, 20 % show the patch alone); test: the clean test part; augmentedTest: the test part augmented with the same patches (its own 80 % selection, fixed draws); patchOnly: patches on all-zero images with random labels (1,000 by default). validation is the dictionary [\"clean\": test, \"augmented\": augmentedTest, \"patch only\": patchOnly] for fit's validate:, so every run reports all three per epoch.",
      example:
        "let patched = Digits().split(0.8, seed: 0).normalized().patched(side: 3, seed: 0)\nlet run = fit(MLP([64, 64, 10]), on: patched.train, validate: patched.validation, epochs: 2, progress: false)\nrun.on(\"patch only\").accuracy",
      category: "Data")
  }
}
