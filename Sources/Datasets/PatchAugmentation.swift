import TensorCore

/// The patches of the patch augmentation of Li, Wei & Ma (2019) as used by the multirate paper
/// (App. C.1): one random patch `z` shared by all images and one small
/// class patch `ζ_c` per class, drawn once.
///
/// A training set and its "augmented" test set must use the same patches: make one with
/// `patchAugmented(side:seed:)` and give the other `patchAugmented(sharing:seed:)` (or build a
/// `PatchAugmentation` and pass it to both with `patchAugmented(with:seed:)`). Drawing new
/// patches for the test set would test a different task.
public struct PatchAugmentation: Sendable, Equatable {
  public let channels: Int
  /// The patch side `s`; the window is rows and columns `r0…r0+s−1`, `r0 = floor(H/2 − s/2)`.
  public let side: Int
  public let classes: Int
  /// `z`, `channels × side × side` row-major, entries `patchScale · N(0, 1)` (variance 1.5625).
  public let patch: [Float]
  /// `ζ_c` for each class `c`, laid out as `patch`, entries `U(−classPatchRange, classPatchRange)`.
  public let classPatches: [[Float]]
  /// The chance that an access of a selected sample mixes the patch with the image (0.8);
  /// otherwise the image is replaced by the patch alone.
  public let mixedProbability: Double
  /// The factor `1.75` of `ζ_y` in patch-only accesses (times `a ~ U[0, 1)`).
  public let patchOnlyScale: Float

  /// Draws `z`, then `ζ_0`, `ζ_1`, … from one generator seeded with `seed`.
  /// - Throws: `DataError` when a size is not positive or a probability is outside [0, 1].
  public init(
    channels: Int, side: Int, classes: Int, seed: UInt64, patchScale: Float = 1.25, classPatchRange: Float = 0.1,
    mixedProbability: Double = 0.8, patchOnlyScale: Float = 1.75
  ) throws(DataError) {
    guard channels > 0, side > 0, classes > 0 else {
      throw .invalid(
        "PatchAugmentation", "needs positive channels, side and classes, got \(channels), \(side), \(classes)")
    }
    guard (0...1).contains(mixedProbability) else {
      throw .invalid("PatchAugmentation", "needs a mixed probability in [0, 1], got \(mixedProbability)")
    }
    var generator = RandomGenerator(seed: seed)
    let size = channels * side * side
    patch = (0..<size).map { _ in patchScale * generator.nextNormal() }
    classPatches = (0..<classes).map { _ in
      (0..<size).map { _ in classPatchRange * (2 * generator.nextUnitFloat() - 1) }
    }
    self.channels = channels
    self.side = side
    self.classes = classes
    self.mixedProbability = mixedProbability
    self.patchOnlyScale = patchOnlyScale
  }

  /// The first row and column of the window in an image of `height × width`:
  /// `floor(H/2 − s/2)`, 2 for 8×8 with s = 3, 12 for 32×32 with s = 7.
  public func windowOrigin(height: Int, width: Int) -> (row: Int, column: Int) {
    ((height - side) / 2, (width - side) / 2)
  }
}

/// A patch augmentation attached to a data set: which stored samples it selected (each with
/// probability `probability`, fixed) and the seed of the per-access draws.
struct AppliedPatchAugmentation: Sendable {
  var patch: PatchAugmentation
  /// Per stored sample (the data as loaded, before subsets), so a sample keeps its selection
  /// and its draws in every subset or split made afterwards.
  var selected: [Bool]
  var accessSeed: UInt64

  var selectedCount: Int { selected.count(where: { $0 }) }

  /// Overwrites the window of every selected row in this epoch's way.
  ///
  /// One generator per access, seeded from `(accessSeed, epoch, stored index)`, draws in this
  /// order: the sign σ (`u < 0.5` → +1), the branch (`u < mixedProbability` → mixed), and for a
  /// patch-only access `a ~ U[0, 1)`. Mixed: `window := z + σ·ζ_y`; patch-only: the whole image
  /// `:= 0`, then `window := z + σ·patchOnlyScale·a·ζ_y`.
  func apply(
    to values: UnsafeMutablePointer<Float>, storedIndices: [Int], classes: [Int], imageShape: [Int], epoch: Int
  ) {
    let (height, width) = (imageShape[1], imageShape[2])
    let elements = patch.channels * height * width
    let origin = patch.windowOrigin(height: height, width: width)
    let side = patch.side
    for (row, stored) in storedIndices.enumerated() where selected[stored] {
      var generator = RandomGenerator(seed: Seeds.mix(accessSeed, epoch: epoch, index: stored))
      let sign: Float = generator.nextUnitFloat() < 0.5 ? 1 : -1
      let mixed = Double(generator.nextUnitFloat()) < patch.mixedProbability
      let image = values + row * elements
      var classFactor = sign
      if !mixed {
        classFactor *= patch.patchOnlyScale * generator.nextUnitFloat()
        image.update(repeating: 0, count: elements)
      }
      let classPatch = patch.classPatches[classes[row]]
      for channel in 0..<patch.channels {
        for patchRow in 0..<side {
          let target = image + channel * height * width + (origin.row + patchRow) * width + origin.column
          let source = (channel * side + patchRow) * side
          for column in 0..<side {
            target[column] = patch.patch[source + column] + classFactor * classPatch[source + column]
          }
        }
      }
    }
  }
}

extension Dataset {
  /// This image data set with the patch augmentation of `PatchAugmentation`, with new
  /// patches `z`, `ζ` drawn from `seed`.
  ///
  /// Each sample is selected once, with probability `probability` (0.8); a selected sample gets
  /// its window overwritten at every access, re-drawn per epoch (see `batch(_:epoch:)`). The
  /// patch lands on normalised values, so normalise first; an unselected sample stays clean.
  /// Draws are deterministic from `seed`, the epoch and the sample's index in the data as loaded.
  /// - Throws: `DataError` when the samples are not `[C, H, W]` images with class labels, the
  ///   patch is larger than the image, or `probability` is outside [0, 1].
  public func patchAugmented(
    side: Int, seed: UInt64, probability: Double = 0.8, mixedProbability: Double = 0.8
  ) throws(DataError) -> Dataset {
    let shape = try imageShapeForPatches()
    let patch = try PatchAugmentation(
      channels: shape[0], side: side, classes: classCount, seed: Seeds.mix(seed, 1),
      mixedProbability: mixedProbability)
    return try patchAugmented(with: patch, seed: seed, probability: probability)
  }

  /// This data set augmented with the same patches `z`, `ζ` as `other` (the augmented test set
  /// of the multirate paper's App. C.1), with its own selection and per-access draws from `seed`.
  /// - Throws: `DataError` when `other` is not patch-augmented, or as `patchAugmented(with:seed:)`.
  public func patchAugmented(sharing other: Dataset, seed: UInt64, probability: Double = 0.8) throws(DataError)
    -> Dataset
  {
    guard let patch = other.augmentation?.patch else {
      throw .invalid(
        "patchAugmented(sharing:)", "needs a patch-augmented data set, but '\(other.name)' is not",
        help: "augment the training set with 'patchAugmented(side:seed:)' and share its patches")
    }
    return try patchAugmented(with: patch, seed: seed, probability: probability)
  }

  /// This data set augmented with `patch`; the selection and per-access draws come from `seed`.
  /// - Throws: `DataError` when the channels, classes or image size do not fit the patch.
  public func patchAugmented(with patch: PatchAugmentation, seed: UInt64, probability: Double = 0.8)
    throws(DataError) -> Dataset
  {
    let shape = try imageShapeForPatches()
    guard (0...1).contains(probability) else {
      throw .invalid("patchAugmented", "needs a probability in [0, 1], got \(probability)")
    }
    guard patch.channels == shape[0], patch.classes == classCount else {
      throw .invalid(
        "patchAugmented",
        "got patches for \(patch.channels) channels and \(patch.classes) classes, but '\(name)' has "
          + "\(shape[0]) channels and \(classCount) classes")
    }
    guard patch.side <= min(shape[1], shape[2]) else {
      throw .invalid(
        "patchAugmented", "got a patch of side \(patch.side) for images of \(shape[1])×\(shape[2])",
        help: "use a side of at most \(min(shape[1], shape[2]))")
    }
    var selection = RandomGenerator(seed: Seeds.mix(seed, 2))
    let storedCount = features.sampleCount(elementsPerSample: elementsPerSample)
    var result = self
    result.augmentation = AppliedPatchAugmentation(
      patch: patch, selected: (0..<storedCount).map { _ in Double(selection.nextUnitFloat()) < probability },
      accessSeed: Seeds.mix(seed, 3))
    return result
  }

  /// The patch-only evaluation set (the patches without the images): `count` all-zero images with
  /// uniformly random labels, every one passed through this data set's patch transform at each
  /// access (so ≈ 80 % carry `z ± ζ_y` and ≈ 20 % `z ± 1.75·a·ζ_y` on a zero background).
  /// - Throws: `DataError` when this data set is not patch-augmented or `count` is negative.
  public func patchOnly(count: Int = 1000, seed: UInt64) throws(DataError) -> Dataset {
    guard let augmentation else {
      throw .invalid(
        "patchOnly", "needs a patch-augmented data set, but '\(name)' is not",
        help: "call it on the result of 'patchAugmented(side:seed:)'")
    }
    guard count >= 0 else { throw .invalid("patchOnly", "needs a non-negative count, got \(count)") }
    var generator = RandomGenerator(seed: Seeds.mix(seed, 4))
    let labels = (0..<count).map { _ in generator.nextIndex(below: augmentation.patch.classes) }
    var result = Dataset(
      name: "\(name) patch-only",
      features: .bytes(
        [UInt8](repeating: 0, count: count * elementsPerSample),
        scale: 1, offset: 0),
      storedShape: storedShape, task: .classification(classes: augmentation.patch.classes), classNames: classNames,
      classLabels: labels)
    result.sampleShape = sampleShape
    result.augmentation = AppliedPatchAugmentation(
      patch: augmentation.patch, selected: [Bool](repeating: true, count: count), accessSeed: Seeds.mix(seed, 3))
    return result
  }

  /// The patch augmentation of this data set (its `z` and `ζ`), if it has one.
  public var patchAugmentation: PatchAugmentation? { augmentation?.patch }

  /// Whether the sample at `index` was selected for patch augmentation (false without one).
  public func isPatchSelected(_ index: Int) -> Bool {
    guard let augmentation, (0..<count).contains(index) else { return false }
    return augmentation.selected[storedIndex(index)]
  }

  private func imageShapeForPatches() throws(DataError) -> [Int] {
    guard storedShape.count == 3, classCount > 0, !classLabels.isEmpty || count == 0 else {
      throw .invalid(
        "patchAugmented",
        "needs images [C, H, W] with class labels, but '\(name)' has samples of "
          + "\(Self.describe(storedShape))\(classCount == 0 ? " without classes" : "")")
    }
    return storedShape
  }
}
