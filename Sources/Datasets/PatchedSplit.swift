/// The four data sets of the patch experiment (multirate paper App. C.1, ALGORITHMS §3.1(b)),
/// made together so they share one pair of patches `z`, `ζ`: the augmented training set, the
/// clean test set, the augmented test set and the patch-only set.
public struct PatchedSplit: Sendable {
  /// The training data with the patch over each selected sample (≈ 80 %), re-drawn every epoch.
  public var train: Dataset
  /// The test data as it was: clean images.
  public var test: Dataset
  /// The test data with the same patches, its own ≈ 80 % selection and per-access draws.
  public var augmentedTest: Dataset
  /// Patches on all-zero images with uniformly random labels (`Dataset.patchOnly`).
  public var patchOnly: Dataset

  /// - Parameters:
  ///   - train, test: the two parts of a split, normalised (the patch lands on normalised values).
  ///   - side: the patch's side (7 for 32×32 images, 3 for 8×8).
  ///   - seed: draws the patches and the training set's selection and per-access draws; the
  ///     augmented test set uses `seed + 1`, the patch-only set `seed + 2`.
  ///   - patchOnlyCount: the patch-only set's size (1,000 as in Li et al.).
  /// - Throws: `DataError` as `patchAugmented(side:seed:)` and `patchOnly(count:seed:)` do.
  public init(train: Dataset, test: Dataset, side: Int, seed: UInt64, patchOnlyCount: Int = 1000) throws(DataError) {
    let augmented = try train.patchAugmented(side: side, seed: seed)
    self.train = augmented
    self.test = test
    augmentedTest = try test.patchAugmented(sharing: augmented, seed: seed &+ 1)
    patchOnly = try augmented.patchOnly(count: patchOnlyCount, seed: seed &+ 2)
  }
}
