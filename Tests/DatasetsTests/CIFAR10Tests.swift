import Testing

@testable import Datasets

@Suite("CIFAR-10 loader")
struct CIFAR10Tests {
  /// A record as the CIFAR-10 binary format defines it: the label, then 1,024 red, 1,024 green
  /// and 1,024 blue bytes.
  func record(label: UInt8, seed: Int) -> [UInt8] {
    [label] + (0..<3072).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 17) }
  }

  @Test("records load in file order as [3, 32, 32] channels-first images with their labels")
  func roundTrip() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let first = try directory.write("data_batch_1.bin", record(label: 3, seed: 1) + record(label: 9, seed: 2))
    let second = try directory.write("data_batch_2.bin", record(label: 0, seed: 3), gzip: true)
    let dataset = try Dataset.cifar10(files: [first, second])
    #expect(dataset.count == 3)
    #expect(dataset.sampleShape == [3, 32, 32])
    #expect(dataset.labels == [3, 9, 0])
    #expect(dataset.classNames[3] == "cat")
    #expect(dataset.classNames[9] == "truck")
    let values = try dataset.batch([1]).inputs.scalars
    #expect(values == record(label: 9, seed: 2).dropFirst().map { Float($0) * (1 / 255 as Float) })
    // Pixel (row 0, column 1) of the green plane is byte 1 + 1024 + 1 of the record.
    #expect(values[1024 + 1] == Float(record(label: 9, seed: 2)[1 + 1024 + 1]) * (1 / 255 as Float))
  }

  @Test("a file whose size is not a whole number of 3,073-byte records, or with a label above 9, is refused")
  func errors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let odd = try directory.write("odd.bin", record(label: 1, seed: 1) + [1, 2, 3])
    expectDataError(containing: [odd, "not a CIFAR-10 binary batch", "3076 bytes", "3073-byte records"]) {
      _ = try Dataset.cifar10(files: [odd])
    }
    let badLabel = try directory.write("label.bin", record(label: 1, seed: 1) + record(label: 12, seed: 2))
    expectDataError(containing: [badLabel, "label 12 in record 1", "expected 0…9"]) {
      _ = try Dataset.cifar10(files: [badLabel])
    }
    expectDataError(containing: [directory.file("data_batch_1.bin"), "does not exist"]) {
      _ = try Dataset.cifar10(directory: directory.path)
    }
  }
}
