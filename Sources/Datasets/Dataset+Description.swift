extension Dataset: CustomStringConvertible {
  /// One line for a notebook: name, size, sample shape, task and classes, and the storage of
  /// its own samples (a view also says how much it shares).
  ///
  /// `Fashion-MNIST train: 60,000 samples of [1, 28, 28], 10 classes (T-shirt/top, Trouser, …),
  /// 55.4 MB as bytes`
  public var description: String {
    var parts = ["\(name): \(Self.grouped(count)) samples of \(Self.describe(sampleShape))"]
    switch task {
    case .classification(let classes):
      let shown = classNames.prefix(4).joined(separator: ", ") + (classNames.count > 4 ? ", …" : "")
      parts.append("\(classes) classes (\(shown))")
    case .regression(let outputs):
      parts.append("\(outputs) regression target\(outputs == 1 ? "" : "s")")
    case .sequence(let vocabulary):
      parts.append("next-token labels over \(vocabulary) characters")
    }
    if let normalization {
      parts.append("normalised with mean \(Self.listed(normalization.mean)) std \(Self.listed(normalization.std))")
    }
    if let augmentation {
      // Count this data set's samples: the selection covers the data as loaded, which a split's
      // part shares with the other part.
      let selected = (0..<count).count(where: isPatchSelected)
      parts.append("patch-augmented (side \(augmentation.patch.side), \(selected) of \(count) selected)")
    }
    let kind =
      switch features {
      case .bytes: "bytes"
      case .floats: "Float32"
      case .tokens: "token ids"
      }
    parts.append("\(Self.megabytes(ownBytes)) as \(kind)" + sharedStorageNote)
    return parts.joined(separator: ", ") + (source.map { "\nsource: " + $0 } ?? "")
  }

  /// The bytes this data set's own samples take: their stored values, labels and targets, and
  /// the index list of a view. A subset of 5,936 Fashion-MNIST images is 4.7 MB of them, not the
  /// 47.1 MB of the 60,000 it shares storage with.
  var ownBytes: Int {
    let stored = features.sampleCount(elementsPerSample: elementsPerSample)
    let perSample = stored > 0 ? Double(features.storageBytes) / Double(stored) : 0
    return Int((perSample * Double(count)).rounded()) + storageBytes - features.storageBytes
  }

  /// For a view that shows only some of the stored samples, how much it shares with the data
  /// it came from, so the storage is neither hidden nor counted as this set's own.
  var sharedStorageNote: String {
    let stored = features.sampleCount(elementsPerSample: elementsPerSample)
    guard indices != nil, stored > count else { return "" }
    return " (a view into \(Self.megabytes(features.storageBytes)) of \(Self.grouped(stored)) stored samples)"
  }

  /// The number of samples of each class, indexed by label (empty without class labels).
  public var classCounts: [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for label in classLabels where label < counts.count { counts[label] += 1 }
    return counts
  }

  /// The values of sample `index` as a batch would hold them (normalised, and augmented as in
  /// `epoch`), row-major in `sampleShape`: for showing a sample as an image or a table.
  /// - Throws: `DataError` when the index is outside the data set.
  public func sampleImage(_ index: Int, epoch: Int = 0) throws(DataError) -> [Float] {
    try batch([index], epoch: epoch).inputs.scalars
  }

  /// `60000` as `60,000`.
  static func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
      if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
      result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
  }

  /// Bytes in decimal megabytes with one decimal (`55.4 MB`), kilobytes below one megabyte.
  static func megabytes(_ bytes: Int) -> String {
    if bytes < 1_000_000 { return "\(oneDecimal(Double(bytes) / 1e3)) kB" }
    return "\(oneDecimal(Double(bytes) / 1e6)) MB"
  }

  static func oneDecimal(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  static func listed(_ values: [Float]) -> String {
    let shown = values.prefix(3).map { String(Float(Int(($0 * 1e4).rounded())) / 1e4) }
    return "[" + shown.joined(separator: ", ") + (values.count > 3 ? ", …" : "") + "]"
  }
}
