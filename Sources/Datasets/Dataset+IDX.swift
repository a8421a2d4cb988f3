extension Dataset {
  /// The IDX magic numbers: unsigned bytes (0x08) in 3 dimensions (images) or 1 (labels).
  static let idxImagesMagic: UInt32 = 0x0000_0803
  static let idxLabelsMagic: UInt32 = 0x0000_0801

  /// Images and labels from a pair of IDX files, the format of MNIST and Fashion-MNIST
  /// (gzip-compressed or plain, told apart by the gzip magic number, read through zlib).
  ///
  /// Images are magic `0x00000803`, then big-endian sizes N, H, W, then N·H·W pixel bytes;
  /// labels are magic `0x00000801`, then N, then N label bytes. Samples are `[1, H, W]`, kept as
  /// bytes standing for `byte / 255` (values in [0, 1]).
  /// - Parameters:
  ///   - classNames: one per class; `nil` names them "0", "1", … up to the largest label.
  /// - Throws: `DataError` naming the file when one is missing, not an IDX file of its kind (the
  ///   magic number found and expected), truncated, longer than its header says, or when the
  ///   image and label counts differ.
  public static func idx(
    images: String, labels: String, name: String? = nil, classNames: [String]? = nil, help: String? = nil
  ) throws(DataError) -> Dataset {
    let imageFile = try DataFile(opening: images, expected: "an IDX image file (magic 0x00000803)", help: help)
    let imageHeader = try readIDXHeader(imageFile, magic: idxImagesMagic, kind: "image", dimensions: 3)
    let (count, height, width) = (imageHeader[0], imageHeader[1], imageHeader[2])
    guard height > 0, width > 0 else {
      throw .malformed(images, "declares images of \(height)×\(width): expected positive sizes")
    }
    guard let pixelCount = elementCount([count, height, width]) else {
      throw .malformed(images, "declares \(count) images of \(height)×\(width), more than any file can hold")
    }
    let pixels = try imageFile.read(
      exactly: pixelCount, what: "the pixels of \(count) images of \(height)×\(width)")
    try imageFile.expectEnd(after: "\(count) images of \(height)×\(width)")

    let labelFile = try DataFile(opening: labels, expected: "an IDX label file (magic 0x00000801)", help: help)
    let labelCount = try readIDXHeader(labelFile, magic: idxLabelsMagic, kind: "label", dimensions: 1)[0]
    guard labelCount == count else {
      throw .malformed(
        labels, "holds \(labelCount) labels but '\(images)' holds \(count) images: expected one label per image",
        help: "the two files must come from the same set (train with train, t10k with t10k)")
    }
    let labelBytes = try labelFile.read(exactly: count, what: "\(count) labels")
    try labelFile.expectEnd(after: "\(count) labels")
    let labelValues = labelBytes.map(Int.init)
    let names = try checkedClassNames(classNames, labels: labelValues, operation: "idx", path: labels)
    return Dataset(
      name: name ?? FileSystem.baseName(images), features: .bytes(pixels, scale: 1 / 255, offset: 0),
      storedShape: [1, height, width], task: .classification(classes: names.count), classNames: names,
      classLabels: labelValues)
  }

  /// Reads and checks the magic number, then the big-endian sizes.
  private static func readIDXHeader(
    _ file: DataFile, magic: UInt32, kind: String, dimensions: Int
  ) throws(DataError) -> [Int] {
    let expected = "expected \(hex(idxImagesMagic)) (images) or \(hex(idxLabelsMagic)) (labels)"
    let head = try file.read(exactly: 4, what: "the IDX magic number")
    let found = bigEndian(head, at: 0)
    guard found == magic else {
      let what = found == idxImagesMagic ? "an IDX image file" : found == idxLabelsMagic ? "an IDX label file" : nil
      throw .malformed(
        file.path,
        "is not an IDX \(kind) file: magic number \(hex(found))\(what.map { " (\($0))" } ?? ""), \(expected)",
        help: what == nil ? "is it an IDX file (MNIST format)?" : "pass the \(kind) file as '\(kind)s'")
    }
    let sizes = try file.read(exactly: 4 * dimensions, what: "the \(dimensions) sizes of the IDX header")
    return (0..<dimensions).map { Int(bigEndian(sizes, at: 4 * $0)) }
  }

  static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}
