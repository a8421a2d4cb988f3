import Testing

@testable import Datasets

@Suite("Batching")
struct BatchingTests {
  @Test("batchIndices covers every index exactly once per epoch, in batches of the size asked, the last smaller")
  func coverage() {
    let data = Dataset.blobs(points: 103, seed: 1)
    for shuffle in [false, true] {
      let batches = data.batchIndices(size: 10, shuffle: shuffle, seed: 3, epoch: 0)
      #expect(batches.count == 11)
      #expect(batches.dropLast().allSatisfy { $0.count == 10 })
      #expect(batches.last?.count == 3)
      #expect(batches.flatMap { $0 }.sorted() == Array(0..<103))
    }
    #expect(data.batchIndices(size: 10, shuffle: false, seed: 3, epoch: 5).flatMap { $0 } == Array(0..<103))
    #expect(data.batchIndices(size: 0, shuffle: false, seed: 3, epoch: 0).count == 103)
  }

  @Test("the shuffle is a function of (seed, epoch): repeatable, different between epochs and seeds")
  func shuffleSeeding() {
    let data = Dataset.blobs(points: 100, seed: 1)
    let first = data.batchIndices(size: 16, shuffle: true, seed: 9, epoch: 1)
    #expect(data.batchIndices(size: 16, shuffle: true, seed: 9, epoch: 1) == first)
    #expect(data.batchIndices(size: 16, shuffle: true, seed: 9, epoch: 2) != first)
    #expect(data.batchIndices(size: 16, shuffle: true, seed: 10, epoch: 1) != first)
    #expect(first.flatMap { $0 } != Array(0..<100))
  }

  @Test("a batch holds the stored bytes converted through their scale and offset, in the order asked")
  func conversion() throws {
    var generator = SplitMix(seed: 4)
    let bytes = (0..<(20 * 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let data = try Dataset(
      name: "bytes", bytes: bytes, scale: 0.5, offset: -3, sampleShape: [3, 2, 2], labels: (0..<20).map { $0 % 4 })
    let batch = try data.batch([19, 0, 5, 5])
    #expect(batch.count == 4)
    #expect(batch.inputs.shape == [4, 3, 2, 2])
    #expect(batch.labels == [3, 0, 1, 1])
    #expect(batch.targets == nil)
    var expected: [Float] = []
    for sample in [19, 0, 5, 5] {
      for byte in bytes[(sample * 12)..<((sample + 1) * 12)] { expected.append(Float(byte) * 0.5 - 3) }
    }
    #expect(batch.inputs.scalars == expected)
    #expect(try data.flattened().batch([19]).inputs.shape == [1, 12])
    #expect(try data.batch([]).inputs.shape == [0, 3, 2, 2])
  }

  @Test("an index outside the data set is a DataError naming it")
  func outOfRange() throws {
    let data = Dataset.blobs(points: 10, seed: 1)
    expectDataError(containing: ["index 10", "10 samples"]) { _ = try data.batch([0, 10]) }
    expectDataError(containing: ["index -1"]) { _ = try data.batch([-1]) }
  }

  @Test("70,000 images of 28×28 with labels take at most 60 MB, as bytes")
  func storage() throws {
    let data = try Dataset(
      name: "synthetic", bytes: [UInt8](repeating: 7, count: 70_000 * 784), scale: 1 / 255,
      sampleShape: [1, 28, 28], labels: (0..<70_000).map { $0 % 10 })
    #expect(data.storageBytes <= 60_000_000)
    #expect(data.storageBytes >= 70_000 * 784)
    #expect(data.description.contains("70,000 samples of [1, 28, 28]"))
    // Views share the bytes: a split adds index lists, not images.
    let (train, test) = try data.split(fraction: 0.8, seed: 1)
    #expect(train.storageBytes + test.storageBytes - 2 * 70_000 * 784 < 3_000_000)
  }
}

/// A tiny generator for test inputs, independent of the one under test.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
