import Datasets
import Testing

@Suite("Data set descriptions")
struct DescriptionTests {
  /// 10,000 images of 28×28 bytes with labels: 7,840,000 bytes of pixels and 80,000 of labels.
  static func images() throws -> Dataset {
    try Dataset(
      name: "images", bytes: [UInt8](repeating: 7, count: 10_000 * 784), scale: 1 / 255, sampleShape: [1, 28, 28],
      labels: (0..<10_000).map { $0 % 10 })
  }

  @Test("a whole data set reports the storage it holds")
  func wholeDataSet() throws {
    let data = try Self.images()
    #expect(data.description.hasSuffix("7.9 MB as bytes"), "\(data.description)")
  }

  /// 1,000 of the images: 784,000 bytes of pixels, 8,000 of labels and 8,000 of positions.
  @Test("a subset reports its own samples' storage and what it shares, not the whole data set's")
  func subsetStorage() throws {
    let data = try Self.images()
    for part in [try data.subset(Array(0..<1000)), data.prefix(1000)] {
      #expect(part.description.contains("1,000 samples of [1, 28, 28]"))
      #expect(
        part.description.hasSuffix("800.0 kB as bytes (a view into 7.8 MB of 10,000 stored samples)"),
        "\(part.description)")
    }
    let (_, test) = try data.split(fraction: 0.9, seed: 0)
    #expect(test.description.hasSuffix("800.0 kB as bytes (a view into 7.8 MB of 10,000 stored samples)"))
    // A view of every stored sample (a shuffle) shares nothing it does not show.
    let shuffled = try data.subset(Array((0..<10_000).reversed()))
    #expect(shuffled.description.hasSuffix("8.0 MB as bytes"), "\(shuffled.description)")
  }
}
