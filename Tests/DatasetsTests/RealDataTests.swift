import Glibc
import Testing

@testable import Datasets

@Suite("Real data")
struct RealDataTests {
  static let fashionDirectory = "/usr/share/datasets/fashion-mnist"
  static var fashionInstalled: Bool { access(fashionDirectory, F_OK) == 0 }

  @Test(
    "Fashion-MNIST: 60,000 + 10,000 images of [1, 28, 28], 6,000 per class in train, first label Ankle boot",
    .enabled(if: fashionInstalled, "apt-get install dataset-fashion-mnist"))
  func fashionMNIST() throws {
    let (train, test) = try Dataset.fashionMNIST(directory: Self.fashionDirectory)
    #expect(train.count == 60_000)
    #expect(test.count == 10_000)
    #expect(train.sampleShape == [1, 28, 28])
    #expect(train.classCounts == [Int](repeating: 6000, count: 10))
    #expect(test.classCounts == [Int](repeating: 1000, count: 10))
    #expect(train.classNames == Dataset.fashionMNISTClassNames)
    // The label file itself: magic, count, then the first label at byte 8.
    let labelFile = try DataFile(opening: Self.fashionDirectory + "/train-labels-idx1-ubyte.gz", expected: "labels")
    let head = try labelFile.read(exactly: 9, what: "the header and the first label")
    #expect(Array(head.prefix(8)) == [0, 0, 8, 1, 0, 0, 0xEA, 0x60])
    #expect(head[8] == 9)
    #expect(train.labels[0] == 9)
    #expect(train.classNames[train.labels[0]] == "Ankle boot")
    let pixels = try train.batch(Array(0..<1000)).inputs.scalars
    #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(pixels.min() == 0 && pixels.max() == 1)
    #expect(train.storageBytes + test.storageBytes <= 60_000_000)
    #expect(train.description.contains("source: Fashion-MNIST"))
  }

  @Test("digits: 1,797 images [1, 8, 8], 178 zeros … 180 nines, values 0–16 scaled to [0, 1], attributed")
  func digits() throws {
    let digits = Dataset.digits()
    #expect(digits.count == 1797)
    #expect(digits.sampleShape == [1, 8, 8])
    #expect(digits.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    let values = try digits.batch(Array(0..<1797)).inputs.scalars
    #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(Set(values.map { $0 * 16 }) == Set((0...16).map(Float.init)))
    // The first row of digits.csv.gz: a zero.
    let first: [Float] = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
    #expect(Array(values.prefix(16)) == first.map { $0 / 16 })
    #expect(digits.labels.prefix(10) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(digits.storageBytes < 1797 * 64 + 1797 * 8 + 1)
    #expect(digits.description.contains("E. Alpaydin & C. Kaynak (1998), CC BY 4.0"))
  }

  @Test("the bundled digits decode (Base64, then gzip) and Base64 handles padding and rejects bad input")
  func bundle() throws {
    #expect(try Dataset.loadBundledDigits().get().count == 1797)
    #expect(Base64.decode("TWFu") == Array("Man".utf8))
    #expect(Base64.decode("TWE=") == Array("Ma".utf8))
    #expect(Base64.decode("TQ==\n") == Array("M".utf8))
    #expect(Base64.decode("TQ=") == nil)
    #expect(Base64.decode("T*==") == nil)
  }
}
