import SystemCalls

extension Dataset {
  /// The CIFAR-10 class names, in label order.
  public static let cifar10ClassNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]

  /// The size of one CIFAR-10 binary record: a label byte, then 3 × 32 × 32 pixel bytes
  /// (red plane, green plane, blue plane, rows top to bottom).
  static let cifarRecordSize = 1 + 3 * 32 * 32

  /// CIFAR-10 images from binary batch files (`data_batch_1.bin`, …; gzip-compressed or plain),
  /// in file order: samples `[3, 32, 32]` (channels first, as stored), bytes standing for [0, 1].
  /// - Throws: `DataError` naming the file when one is missing, its size is not a whole number
  ///   of 3,073-byte records, or a label is above 9.
  public static func cifar10(files: [String], name: String = "CIFAR-10") throws(DataError) -> Dataset {
    var pixels: [UInt8] = []
    var labels: [Int] = []
    for path in files {
      let bytes = try DataFile(opening: path, expected: "a CIFAR-10 binary batch").readToEnd()
      guard bytes.count % cifarRecordSize == 0, !bytes.isEmpty else {
        throw .malformed(
          path,
          "is not a CIFAR-10 binary batch: its \(bytes.count) bytes are not a whole number of \(cifarRecordSize)-byte "
            + "records (1 label byte + 3×32×32 pixels)",
          help: "use the binary version (cifar-10-binary.tar.gz), not the Python pickles")
      }
      let records = bytes.count / cifarRecordSize
      pixels.reserveCapacity(pixels.count + records * (cifarRecordSize - 1))
      for record in 0..<records {
        let start = record * cifarRecordSize
        guard bytes[start] < 10 else {
          throw .malformed(path, "has label \(bytes[start]) in record \(record): expected 0…9")
        }
        labels.append(Int(bytes[start]))
        pixels += bytes[(start + 1)..<(start + cifarRecordSize)]
      }
    }
    return Dataset(
      name: name, features: .bytes(pixels, scale: 1 / 255, offset: 0), storedShape: [3, 32, 32],
      task: .classification(classes: 10), classNames: cifar10ClassNames, classLabels: labels)
  }

  /// The CIFAR-10 training set (`data_batch_1.bin` … `data_batch_5.bin`, 50,000 images) and
  /// test set (`test_batch.bin`, 10,000) of the extracted `cifar-10-batches-bin` directory.
  /// - Throws: `DataError` as `cifar10(files:)`.
  public static func cifar10(directory: String) throws(DataError) -> (train: Dataset, test: Dataset) {
    guard FileStatus.isDirectory(directory) else {
      throw .missing(directory, expected: "the directory cifar-10-batches-bin holding data_batch_1.bin, …")
    }
    let train = (1...5).map { FileSystem.join(directory, "data_batch_\($0).bin") }
    return (
      try cifar10(files: train, name: "CIFAR-10 train"),
      try cifar10(files: [FileSystem.join(directory, "test_batch.bin")], name: "CIFAR-10 test")
    )
  }
}
