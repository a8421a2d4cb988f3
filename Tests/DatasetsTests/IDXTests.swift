import Glibc
import Testing

@testable import Datasets

@Suite("IDX and MNIST loaders")
struct IDXTests {
  let pixels: [UInt8] = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255, 7, 77, 177, 17, 27, 255]
  let labels: [UInt8] = [3, 0, 9]

  @Test("gzipped and plain IDX files give the same images, bytes / 255 exactly, and labels", arguments: [true, false])
  func roundTrip(gzip: Bool) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let images = try directory.write("images", Formats.idxImages(pixels, count: 3, height: 2, width: 3), gzip: gzip)
    let labelPath = try directory.write("labels", Formats.idxLabels(labels), gzip: gzip)
    #expect(try DataFile(opening: images, expected: "x").readToEnd().count == 16 + pixels.count)
    let dataset = try Dataset.idx(images: images, labels: labelPath, name: "tiny")
    #expect(dataset.count == 3)
    #expect(dataset.sampleShape == [1, 2, 3])
    #expect(dataset.labels == [3, 0, 9])
    #expect(dataset.classNames == (0..<10).map(String.init))
    #expect(dataset.task == .classification(classes: 10))
    let batch = try dataset.batch([0, 1, 2])
    #expect(batch.inputs.shape == [3, 1, 2, 3])
    #expect(batch.inputs.scalars == pixels.map { Float($0) * (1 / 255 as Float) })
    #expect(batch.labels == [3, 0, 9])
  }

  @Test("the file on disk is gzip-compressed only when written so, and zlib reads both")
  func compressionIsReal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let bytes = Formats.idxLabels(labels)
    let compressed = try directory.write("c.gz", bytes, gzip: true)
    let plain = try directory.write("p", bytes, gzip: false)
    let plainFile = try DataFile(opening: plain, expected: "x")
    #expect(try plainFile.readToEnd() == bytes)
    #expect(!plainFile.isCompressed)
    let compressedFile = try DataFile(opening: compressed, expected: "x")
    #expect(try compressedFile.readToEnd() == bytes)
    #expect(compressedFile.isCompressed)
  }

  @Test("a directory with MNIST's four files loads under either naming, gzipped or not")
  func mnistDirectory() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write(
      "train-images-idx3-ubyte.gz", Formats.idxImages(pixels, count: 3, height: 2, width: 3), gzip: true)
    try directory.write("train-labels.idx1-ubyte", Formats.idxLabels(labels))
    try directory.write(
      "t10k-images.idx3-ubyte", Formats.idxImages(Array(pixels.prefix(6)), count: 1, height: 2, width: 3))
    try directory.write("t10k-labels-idx1-ubyte", Formats.idxLabels([5]), gzip: true)
    let (train, test) = try Dataset.mnist(path: directory.path)
    #expect(train.count == 3)
    #expect(test.count == 1)
    #expect(test.labels == [5])
    #expect(try test.batch([0]).inputs.scalars == pixels.prefix(6).map { Float($0) * (1 / 255 as Float) })
  }

  @Test("a missing IDX file names the path and what was expected")
  func missingFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let labelPath = try directory.write("labels", Formats.idxLabels(labels))
    expectDataError(containing: [directory.file("nope.gz"), "does not exist", "expected an IDX image file"]) {
      _ = try Dataset.idx(images: directory.file("nope.gz"), labels: labelPath)
    }
    expectDataError(containing: [directory.path, "t10k-images", "expected one of"]) {
      try directory.write("train-images-idx3-ubyte", Formats.idxImages(pixels, count: 3, height: 2, width: 3))
      try directory.write("train-labels-idx1-ubyte", Formats.idxLabels(labels))
      _ = try Dataset.mnist(path: directory.path)
    }
  }

  @Test("a truncated IDX file, plain or with its gzip stream cut, says how many bytes were expected and found")
  func truncated() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let labelPath = try directory.write("labels", Formats.idxLabels(labels))
    let short = try directory.write("short", Formats.idxImages(Array(pixels.prefix(10)), count: 3, height: 2, width: 3))
    expectDataError(containing: [short, "is truncated", "expected 18 bytes", "found 10"]) {
      _ = try Dataset.idx(images: short, labels: labelPath)
    }
    let large = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
    let full = try directory.write("full.gz", Formats.idxImages(large, count: 50, height: 10, width: 10), gzip: true)
    var raw = try readRaw(full)
    raw.removeLast(raw.count / 2)
    let cut = try directory.write("cut.gz", raw)
    let labelsFor50 = try directory.write("labels50", Formats.idxLabels([UInt8](repeating: 1, count: 50)))
    expectDataError(containing: [cut, "is truncated", "the gzip stream ends early"]) {
      _ = try Dataset.idx(images: cut, labels: labelsFor50)
    }
  }

  @Test("a label file given as the image file is refused by its magic number, with both magic numbers named")
  func wrongMagic() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let labelPath = try directory.write("labels.gz", Formats.idxLabels(labels), gzip: true)
    expectDataError(containing: [
      labelPath, "is not an IDX image file", "magic number 0x00000801", "expected 0x00000803",
    ]) {
      _ = try Dataset.idx(images: labelPath, labels: labelPath)
    }
    let text = try directory.write("notes.txt", text: "hello, this is not IDX")
    expectDataError(containing: [text, "magic number 0x68656c6c"]) {
      _ = try Dataset.idx(images: text, labels: labelPath)
    }
  }

  @Test("images and labels of different counts are refused, naming both files and both counts")
  func countMismatch() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let images = try directory.write("images", Formats.idxImages(pixels, count: 3, height: 2, width: 3))
    let twoLabels = try directory.write("labels", Formats.idxLabels([1, 2]))
    expectDataError(containing: [twoLabels, images, "holds 2 labels", "3 images"]) {
      _ = try Dataset.idx(images: images, labels: twoLabels)
    }
  }

  @Test("a header declaring far more data than the file holds fails as truncated or impossible, not by allocating it")
  func corruptSizes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let labelPath = try directory.write("labels", Formats.idxLabels(labels))
    let huge = try directory.write(
      "huge",
      [0, 0, 8, 3] + Formats.bigEndian(1 << 30) + Formats.bigEndian(1 << 12) + Formats.bigEndian(1 << 12) + pixels)
    expectDataError(containing: [huge, "is truncated", "found 18"]) {
      _ = try Dataset.idx(images: huge, labels: labelPath)
    }
    let impossible = try directory.write(
      "impossible", [0, 0, 8, 3] + [0x7F, 0xFF, 0xFF, 0xFF] + [0x7F, 0xFF, 0xFF, 0xFF] + [0x7F, 0xFF, 0xFF, 0xFF])
    expectDataError(containing: [impossible, "more than any file can hold"]) {
      _ = try Dataset.idx(images: impossible, labels: labelPath)
    }
  }

  @Test("bytes beyond what the header declares are refused")
  func trailingBytes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let images = try directory.write("images", Formats.idxImages(pixels + [9], count: 3, height: 2, width: 3))
    let labelPath = try directory.write("labels", Formats.idxLabels(labels))
    expectDataError(containing: [images, "more bytes than its header says"]) {
      _ = try Dataset.idx(images: images, labels: labelPath)
    }
  }

  @Test("Fashion-MNIST from a missing directory says which package to install")
  func fashionMissing() {
    expectDataError(containing: ["/nonexistent/fashion", "apt-get install dataset-fashion-mnist", "make setup"]) {
      _ = try Dataset.fashionMNIST(directory: "/nonexistent/fashion")
    }
  }

  /// The bytes of a file as stored (still compressed), through the plain-read mode of zlib.
  private func readRaw(_ path: String) throws -> [UInt8] {
    var bytes: [UInt8] = []
    guard let file = fopen(path, "rb") else { throw DataError("cannot open \(path)") }
    defer { fclose(file) }
    while true {
      let byte = fgetc(file)
      if byte == EOF { break }
      bytes.append(UInt8(byte))
    }
    return bytes
  }
}
