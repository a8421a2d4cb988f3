import Testing

@testable import Datasets

@Suite("The patch experiment's four data sets")
struct PatchedSplitTests {
  @Test(
    "one patch for all: augmented train and test share z and ζ, the test part stays clean, the patch-only set is sized")
  func fourSets() throws {
    let (train, test) = try Dataset.digits().normalized().split(fraction: 0.8, seed: 0)
    let patched = try PatchedSplit(train: train, test: test, side: 3, seed: 4, patchOnlyCount: 300)
    let patch = try #require(patched.train.patchAugmentation)
    #expect(patch.side == 3)
    #expect(patched.augmentedTest.patchAugmentation == patch)
    #expect(patched.patchOnly.patchAugmentation == patch)
    #expect(patched.test.patchAugmentation == nil)
    #expect(patched.train.count == train.count && patched.augmentedTest.count == test.count)
    #expect(patched.patchOnly.count == 300)
    #expect(patched.patchOnly.sampleShape == train.sampleShape)
    // About 80 % of this part's samples carry the patch, and its description counts them.
    let selected = (0..<patched.train.count).count(where: patched.train.isPatchSelected)
    #expect(abs(Double(selected) / Double(patched.train.count) - 0.8) < 0.05)
    #expect(patched.train.description.contains("\(selected) of \(patched.train.count) selected"))
    // The clean test set's values are the split's, the augmented one's differ where selected.
    let indices = Array(0..<test.count)
    #expect(try patched.test.batch(indices).inputs == (try test.batch(indices).inputs))
    #expect(try patched.augmentedTest.batch(indices).inputs != (try test.batch(indices).inputs))
    // The same seed gives the same sets; another seed other patches.
    let again = try PatchedSplit(train: train, test: test, side: 3, seed: 4, patchOnlyCount: 300)
    #expect(try again.patchOnly.batch(Array(0..<300)).inputs == (try patched.patchOnly.batch(Array(0..<300)).inputs))
    let other = try PatchedSplit(train: train, test: test, side: 3, seed: 5, patchOnlyCount: 300)
    #expect(other.train.patchAugmentation != patch)
  }
}
