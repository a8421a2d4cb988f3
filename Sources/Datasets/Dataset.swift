/// Samples with their labels or targets, stored compactly and converted to tensors one batch at
/// a time.
///
/// A `Dataset` is a value that shares its stored features with the data sets made from it:
/// `subset`, `split`, `flattened` and `normalized` cost an index list or a few numbers, not a
/// copy of the images. Per-sample work that must differ between epochs (patch augmentation) is
/// drawn when a batch is made, from `(seed, epoch, index)`, so a run replays exactly.
///
/// Use `batchIndices(size:shuffle:seed:epoch:)` for the order of an epoch and `batch(_:epoch:)` to
/// convert; do not call `batch` one sample at a time in a training loop (each call allocates a
/// tensor).
public struct Dataset: Sendable {
  /// Shown in descriptions and errors, e.g. "Fashion-MNIST train".
  public var name: String
  /// One name per class ("T-shirt/top", "0"…"9"); the characters of the vocabulary for text.
  public var classNames: [String]
  public internal(set) var task: DataTask
  /// The shape of one sample in a batch: `[1, 28, 28]` images (channels first), `[784]`
  /// flattened, `[2]` points, `[length]` token windows.
  public internal(set) var sampleShape: [Int]
  /// The number of samples.
  public internal(set) var count: Int
  /// The characters of a text data set, to encode prompts and decode predictions.
  public internal(set) var vocabulary: Vocabulary?
  /// The per-channel normalisation applied when batches are made, if any.
  public internal(set) var normalization: Normalization?
  /// Where the data comes from and under which licence, for data sets that need attribution.
  public var source: String?

  var features: FeatureValues
  /// The layout of one stored sample (`[C, H, W]` for images); `sampleShape` may flatten it.
  var storedShape: [Int]
  /// Position in this data set → sample in `features`; `nil` when they are the same.
  var indices: [Int]?
  /// A class per position: the labels of a classification data set, and the classes kept by
  /// `oneHotTargets()` so that patch augmentation can still pick ζ_y; empty otherwise.
  var classLabels: [Int]
  /// Regression targets per position, row-major `[count, outputs]`.
  var targetValues: [Float]
  var augmentation: AppliedPatchAugmentation?

  init(
    name: String, features: FeatureValues, storedShape: [Int], task: DataTask, classNames: [String],
    classLabels: [Int] = [], targetValues: [Float] = [], vocabulary: Vocabulary? = nil
  ) {
    self.name = name
    self.features = features
    self.storedShape = storedShape
    self.sampleShape = storedShape
    self.task = task
    self.classNames = classNames
    self.classLabels = classLabels
    self.targetValues = targetValues
    self.vocabulary = vocabulary
    self.count = features.sampleCount(elementsPerSample: storedShape.reduce(1, *))
  }

  /// Classification labels, one per sample (empty for regression and sequence data).
  public var labels: [Int] {
    if case .classification = task { return classLabels }
    return []
  }

  /// Bytes held by the features, labels, targets and index lists (shared storage counted once
  /// per data set that uses it).
  public var storageBytes: Int {
    features.storageBytes + (indices?.count ?? 0) * MemoryLayout<Int>.size
      + classLabels.count * MemoryLayout<Int>.size + targetValues.count * MemoryLayout<Float>.size
      + (augmentation?.selected.count ?? 0)
  }

  /// The number of values in one sample.
  var elementsPerSample: Int { storedShape.reduce(1, *) }

  /// The stored sample behind a position.
  func storedIndex(_ position: Int) -> Int { indices?[position] ?? position }

  /// How normalisation groups a sample's values: the first dimension of an image layout, each
  /// feature of a vector.
  var channelLayout: (channels: Int, elementsPerChannel: Int) {
    if storedShape.count >= 2 { return (storedShape[0], storedShape.dropFirst().reduce(1, *)) }
    return (elementsPerSample, 1)
  }

  /// The number of classes whose labels `classLabels` holds.
  var classCount: Int {
    switch task {
    case .classification(let classes): classes
    case .regression, .sequence: classLabels.isEmpty ? 0 : classNames.count
    }
  }
}

extension Dataset {
  /// A classification data set from Float32 values, `sampleShape` each, in row-major order.
  ///
  /// - Parameters:
  ///   - classNames: one per class; `nil` names the classes "0", "1", … up to the largest label.
  /// - Throws: `DataError` when the values do not fill whole samples, the label count differs
  ///   from the sample count, or a label is outside the classes.
  public init(
    name: String, values: [Float], sampleShape: [Int], labels: [Int], classNames: [String]? = nil
  ) throws(DataError) {
    let names = try Self.checkedClassNames(classNames, labels: labels, operation: "Dataset")
    try Self.checkSamples(valueCount: values.count, sampleShape: sampleShape, sampleCount: labels.count)
    self.init(
      name: name, features: .floats(values), storedShape: sampleShape, task: .classification(classes: names.count),
      classNames: names, classLabels: labels)
  }

  /// A classification data set from bytes (images), each standing for `byte * scale + offset`.
  ///
  /// Keep images as bytes with a scale (1/255 for 0…255 pixels) rather than converting them to
  /// Float32: they take a quarter of the memory and convert while a batch is made.
  /// - Throws: `DataError` as for the Float32 initializer.
  public init(
    name: String, bytes: [UInt8], scale: Float = 1, offset: Float = 0, sampleShape: [Int], labels: [Int],
    classNames: [String]? = nil
  ) throws(DataError) {
    let names = try Self.checkedClassNames(classNames, labels: labels, operation: "Dataset")
    try Self.checkSamples(valueCount: bytes.count, sampleShape: sampleShape, sampleCount: labels.count)
    self.init(
      name: name, features: .bytes(bytes, scale: scale, offset: offset), storedShape: sampleShape,
      task: .classification(classes: names.count), classNames: names, classLabels: labels)
  }

  /// A regression data set: `values` (`sampleShape` per sample) and `outputs` targets per sample.
  /// - Throws: `DataError` when the values or targets do not fill the same number of samples.
  public init(
    name: String, values: [Float], sampleShape: [Int], targets: [Float], outputs: Int
  ) throws(DataError) {
    guard outputs > 0, targets.count % outputs == 0 else {
      throw .invalid("Dataset", "got \(targets.count) targets, not a multiple of \(outputs) outputs")
    }
    try Self.checkSamples(valueCount: values.count, sampleShape: sampleShape, sampleCount: targets.count / outputs)
    self.init(
      name: name, features: .floats(values), storedShape: sampleShape, task: .regression(outputs: outputs),
      classNames: [], targetValues: targets)
  }

  static func checkSamples(valueCount: Int, sampleShape: [Int], sampleCount: Int) throws(DataError) {
    guard !sampleShape.isEmpty, sampleShape.allSatisfy({ $0 > 0 }) else {
      throw .invalid("Dataset", "needs a sample shape of positive sizes, got \(describe(sampleShape))")
    }
    guard let elements = elementCount(sampleShape), elementCount([elements, sampleCount]) != nil else {
      throw .invalid("Dataset", "got a sample shape \(describe(sampleShape)) too large to hold")
    }
    guard valueCount == elements * sampleCount else {
      throw .invalid(
        "Dataset",
        "got \(valueCount) values for \(sampleCount) samples of \(describe(sampleShape)) "
          + "(expected \(elements * sampleCount))")
    }
  }

  /// The most classes a data set may have: far above any classification task, far below what a
  /// corrupt label would ask for.
  static let maximumClassCount = 1_000_000

  /// The class names to use: the given ones when every label indexes them, else "0", "1", ….
  static func checkedClassNames(
    _ names: [String]?, labels: [Int], operation: String, path: String? = nil
  ) throws(DataError) -> [String] {
    if let negative = labels.first(where: { $0 < 0 }) {
      throw DataError(path: path, "'\(operation)' got the negative label \(negative)")
    }
    let largest = labels.max() ?? -1
    guard largest < maximumClassCount else {
      // A corrupt file's label (2⁶² from a misread column) would otherwise name billions of classes.
      throw DataError(
        path: path,
        "'\(operation)' got the label \(largest)\(path.map { " in \($0)" } ?? ""), too large for a class index",
        help: "labels are class indices from 0 to the number of classes − 1 (at most \(maximumClassCount) classes); "
          + "for real-valued targets load them as targets, not labels")
    }
    let classes = largest + 1
    guard let names else { return (0..<classes).map(String.init) }
    guard classes <= names.count else {
      throw DataError(
        path: path, "'\(operation)' got label \(classes - 1) but only \(names.count) class names",
        help: "labels index the class names and run from 0 to \(names.count - 1)")
    }
    return names
  }

  /// The product of `sizes`, or `nil` when it overflows (a corrupt header) or a size is negative.
  static func elementCount(_ sizes: [Int]) -> Int? {
    var total = 1
    for size in sizes {
      guard size >= 0 else { return nil }
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow else { return nil }
      total = product
    }
    return total
  }

  /// A shape as diagnostics print it: `[1, 28, 28]`.
  static func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
  }
}
