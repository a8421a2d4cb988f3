import Testing

@testable import Datasets

@Suite("NPY loader")
struct NPYTests {
  @Test("|u1 features stay bytes and <i8 labels load, from version-1 headers")
  func bytesAndInt64Labels() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let pixels: [UInt8] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255]
    let features = try directory.write("x.npy", Formats.npy(descr: "|u1", shape: [3, 2, 2], data: pixels))
    let labels = try directory.write(
      "y.npy", Formats.npy(descr: "<i8", shape: [3], data: Formats.littleEndian([Int64(2), 0, 1])))
    let dataset = try Dataset.npy(features: features, labels: labels)
    #expect(dataset.sampleShape == [2, 2])
    #expect(dataset.labels == [2, 0, 1])
    #expect(dataset.storageBytes == 12 + 3 * 8)
    #expect(try dataset.batch([0, 1, 2]).inputs.scalars == pixels.map(Float.init))
  }

  @Test("<f4 and <f8 features load as Float32 (f8 rounded once), <i4 labels, and a version-2 header")
  func floats() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let values: [Float] = [0.1, -2.5, 3.25, 1e-7, 1e7, -0]
    let labels = try directory.write(
      "y.npy", Formats.npy(descr: "<i4", shape: [2], data: Formats.littleEndian([Int32(1), 4])))
    let single = try directory.write(
      "f4.npy", Formats.npy(descr: "<f4", shape: [2, 3], data: Formats.littleEndian(values)))
    #expect(try Dataset.npy(features: single, labels: labels).batch([0, 1]).inputs.scalars == values)
    let doubles: [Double] = [0.1, -2.5, 3.25, 1e-7, 1e7, 1.0 / 3]
    let double = try directory.write(
      "f8.npy", Formats.npy(descr: "<f8", shape: [2, 3], data: Formats.littleEndian(doubles), version: 2))
    let dataset = try Dataset.npy(features: double, labels: labels)
    #expect(try dataset.batch([0, 1]).inputs.scalars == doubles.map { Float($0) })
    #expect(dataset.labels == [1, 4])
  }

  @Test("regression targets of shape [N, k] give a regression data set")
  func targets() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let features = try directory.write(
      "x.npy", Formats.npy(descr: "<f4", shape: [2], data: Formats.littleEndian([Float(1), 2])))
    let targets = try directory.write(
      "t.npy", Formats.npy(descr: "<f4", shape: [2, 2], data: Formats.littleEndian([Float(1), 2, 3, 4])))
    let dataset = try Dataset.npy(features: features, labels: nil, targets: targets)
    #expect(dataset.task == .regression(outputs: 2))
    #expect(dataset.sampleShape == [1])
    let batch = try dataset.batch([1, 0])
    #expect(batch.targets?.shape == [2, 2])
    #expect(batch.targets?.scalars == [3, 4, 1, 2])
    #expect(batch.labels.isEmpty)
  }

  @Test("Fortran order, float labels, unsupported dtypes, count mismatches and truncation are refused by path")
  func errors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let data = Formats.littleEndian([Float(1), 2, 3, 4])
    let fortran = try directory.write(
      "f.npy", Formats.npy(descr: "<f4", shape: [2, 2], data: data, fortranOrder: true))
    let labels = try directory.write("y.npy", Formats.npy(descr: "|u1", shape: [2], data: [0, 1]))
    expectDataError(containing: [fortran, "Fortran order", "expected C order"]) {
      _ = try Dataset.npy(features: fortran, labels: labels)
    }
    let features = try directory.write("x.npy", Formats.npy(descr: "<f4", shape: [2, 2], data: data))
    let floatLabels = try directory.write(
      "fy.npy", Formats.npy(descr: "<f4", shape: [2], data: Formats.littleEndian([Float(0), 1])))
    expectDataError(containing: [floatLabels, "'<f4' labels", "expected integers"]) {
      _ = try Dataset.npy(features: features, labels: floatLabels)
    }
    let bigEndian = try directory.write("be.npy", Formats.npy(descr: ">f4", shape: [2, 2], data: data))
    expectDataError(containing: [bigEndian, "dtype '>f4'", "'<f4'"]) {
      _ = try Dataset.npy(features: bigEndian, labels: labels)
    }
    let threeLabels = try directory.write("y3.npy", Formats.npy(descr: "|u1", shape: [3], data: [0, 1, 2]))
    expectDataError(containing: [threeLabels, features, "holds 3 labels", "holds 2 samples"]) {
      _ = try Dataset.npy(features: features, labels: threeLabels)
    }
    let short = try directory.write(
      "short.npy", Formats.npy(descr: "<f4", shape: [2, 2], data: Array(data.prefix(10))))
    expectDataError(containing: [short, "is truncated", "expected 16 bytes", "found 10"]) {
      _ = try Dataset.npy(features: short, labels: labels)
    }
    let notNPY = try directory.write("n.npy", text: "not an array at all")
    expectDataError(containing: [notNPY, "is not a .npy file"]) {
      _ = try Dataset.npy(features: notNPY, labels: labels)
    }
  }

  @Test("a label too large for a class index is refused, not turned into billions of class names (fuzzer's find)")
  func hugeLabel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let features = try directory.write(
      "x.npy", Formats.npy(descr: "<f4", shape: [2, 2], data: Formats.littleEndian([Float(1), 2, 3, 4])))
    for label in [Int64(1) << 62, Int64.max, 1_000_000] {
      let labels = try directory.write(
        "y.npy", Formats.npy(descr: "<i8", shape: [2], data: Formats.littleEndian([Int64(0), label])))
      expectDataError(containing: [
        "got the label \(label) in \(labels), too large for a class index", "at most 1000000",
      ]) {
        _ = try Dataset.npy(features: features, labels: labels)
      }
    }
    let largest = try directory.write(
      "y.npy", Formats.npy(descr: "<i8", shape: [2], data: Formats.littleEndian([Int64(0), 999_999])))
    #expect(try Dataset.npy(features: features, labels: largest).classNames.count == 1_000_000)
  }
}
