extension Dataset {
  /// Per-channel standardisation, `(x − mean[c]) / std[c]`, applied when batches are made (the
  /// stored bytes are not touched).
  ///
  /// Compute the statistics on the training set and pass the same to the test set
  /// (`test.normalized(mean: train.normalization?.mean, std: train.normalization?.std)`):
  /// statistics taken from the test set would leak it into the model. Normalising twice
  /// composes the two.
  /// - Parameters:
  ///   - mean: one value per channel (or one for all); `nil` takes each channel's mean over
  ///     this data set's values.
  ///   - std: as `mean`, positive; `nil` takes the population standard deviation about `mean`
  ///     (a constant channel, with deviation 0, gets 1).
  /// - Throws: `DataError` for a text data set, one already patch-augmented (the patch must land
  ///   on normalised values), a count that is neither 1 nor the channel count, or a `std` ≤ 0.
  public func normalized(mean: [Float]? = nil, std: [Float]? = nil) throws(DataError) -> Dataset {
    try requireImageOrVector("normalized")
    let channels = channelLayout.channels
    func expanded(_ values: [Float]?, _ label: String) throws(DataError) -> [Float]? {
      guard let values else { return nil }
      if values.count == 1 { return [Float](repeating: values[0], count: channels) }
      guard values.count == channels else {
        throw .invalid(
          "normalized", "got \(values.count) \(label) values for \(channels) channels of \(Self.describe(storedShape))",
          help: "give one value per channel, or one for all")
      }
      return values
    }
    let givenMean = try expanded(mean, "mean")
    let givenStd = try expanded(std, "std")
    if let givenStd, let bad = givenStd.first(where: { !($0 > 0) || !$0.isFinite }) {
      throw .invalid("normalized", "needs positive finite std values, got \(bad)")
    }
    var statistics = Normalization(mean: givenMean ?? [], std: givenStd ?? [])
    if givenMean == nil || givenStd == nil {
      let computed = try channelStatistics(about: givenMean)
      if givenMean == nil { statistics.mean = computed.mean }
      if givenStd == nil { statistics.std = computed.std.map { $0 > 0 ? $0 : 1 } }
    }
    var result = self
    result.normalization = normalization.map { $0.followed(by: statistics) } ?? statistics
    return result
  }

  /// Samples as vectors: `sampleShape` becomes `[C·H·W]` (free; normalisation and patch
  /// augmentation still know the image layout).
  public func flattened() -> Dataset {
    var result = self
    result.sampleShape = [elementsPerSample]
    return result
  }

  /// A regression data set whose targets are the one-hot vectors of the class labels
  /// (`[n, classes]`), for training a classifier with a squared-error loss.
  ///
  /// Batches then carry `targets` and no `labels`; the class of a target is its argmax.
  /// - Throws: `DataError` when this is not a classification data set.
  public func oneHotTargets() throws(DataError) -> Dataset {
    guard case .classification(let classes) = task else {
      throw .invalid("oneHotTargets", "needs a classification data set, but '\(name)' is \(task)")
    }
    var targets = [Float](repeating: 0, count: count * classes)
    for (position, label) in classLabels.enumerated() { targets[position * classes + label] = 1 }
    var result = self
    result.task = .regression(outputs: classes)
    result.targetValues = targets
    return result
  }

  /// Images with `amount` zero rows and columns added on every side (value 0 before
  /// normalisation, as torchvision's `Pad` before `Normalize`); copies the images.
  /// - Throws: `DataError` when the samples are not `[C, H, W]` images, `amount` is negative, or
  ///   the data set is already patch-augmented (augment last).
  public func padded(by amount: Int) throws(DataError) -> Dataset {
    let shape = try requireImages("padded")
    guard (0...Self.largestSide).contains(amount) else {
      throw .invalid("padded", "needs an amount in 0…\(Self.largestSide), got \(amount)")
    }
    let (height, width) = (shape[1], shape[2])
    let (paddedHeight, paddedWidth) = (height + 2 * amount, width + 2 * amount)
    return remappedImages(to: [shape[0], paddedHeight, paddedWidth]) { source, destination in
      for channel in 0..<shape[0] {
        for row in 0..<height {
          let from = (channel * height + row) * width
          let to = (channel * paddedHeight + row + amount) * paddedWidth + amount
          for column in 0..<width { destination[to + column] = source[from + column] }
        }
      }
    }
  }

  /// Images resampled to `height × width` by bilinear interpolation with half-pixel centres and
  /// no antialiasing (PyTorch's `interpolate(mode: "bilinear", align_corners: False)`); byte
  /// images round to the nearest byte. Copies the images.
  /// - Throws: `DataError` when the samples are not `[C, H, W]` images, a size is not positive,
  ///   or the data set is already patch-augmented (augment last).
  public func resized(height: Int, width: Int) throws(DataError) -> Dataset {
    let shape = try requireImages("resized")
    guard (1...Self.largestSide).contains(height), (1...Self.largestSide).contains(width) else {
      throw .invalid("resized", "needs a height and width in 1…\(Self.largestSide), got \(height)×\(width)")
    }
    let rows = BilinearTaps(input: shape[1], output: height)
    let columns = BilinearTaps(input: shape[2], output: width)
    return remappedImages(to: [shape[0], height, width]) { source, destination in
      for channel in 0..<shape[0] {
        let plane = channel * shape[1] * shape[2]
        for row in 0..<height {
          let (top, bottom, down) = rows.taps[row]
          for column in 0..<width {
            let (left, right, across) = columns.taps[column]
            let upper =
              source[plane + top * shape[2] + left] * (1 - across) + source[plane + top * shape[2] + right] * across
            let lower =
              source[plane + bottom * shape[2] + left] * (1 - across) + source[plane + bottom * shape[2] + right]
              * across
            destination[(channel * height + row) * width + column] = upper * (1 - down) + lower * down
          }
        }
      }
    }
  }

  /// The samples at `indices`, in that order (repeats allowed); shares the stored features.
  /// - Throws: `DataError` naming an index outside the data set.
  public func subset(_ indices: [Int]) throws(DataError) -> Dataset {
    if let outside = indices.first(where: { $0 < 0 || $0 >= count }) {
      throw .indexOutOfRange("subset", index: outside, count: count)
    }
    var result = self
    result.indices = indices.map(storedIndex)
    result.count = indices.count
    if !classLabels.isEmpty { result.classLabels = indices.map { classLabels[$0] } }
    if case .regression(let outputs) = task {
      result.targetValues = []
      result.targetValues.reserveCapacity(indices.count * outputs)
      for index in indices { result.targetValues += targetValues[(index * outputs)..<((index + 1) * outputs)] }
    }
    return result
  }

  /// The first `n` samples (all of them when there are fewer).
  public func prefix(_ n: Int) -> Dataset {
    let kept = Array(0..<min(max(0, n), count))
    var result = self
    result.indices = kept.map(storedIndex)
    result.count = kept.count
    if !classLabels.isEmpty { result.classLabels = Array(classLabels.prefix(kept.count)) }
    if case .regression(let outputs) = task { result.targetValues = Array(targetValues.prefix(kept.count * outputs)) }
    return result
  }

  /// Each channel's mean and the population standard deviation about `mean` (or about the
  /// channel's own mean), accumulated in Double over this data set's values as batches hold
  /// them, so an existing normalisation is already applied (and `normalized` composes).
  private func channelStatistics(about mean: [Float]?) throws(DataError) -> Normalization {
    let (channels, perChannel) = channelLayout
    var sums = [Double](repeating: 0, count: channels)
    var squares = [Double](repeating: 0, count: channels)
    for start in stride(from: 0, to: count, by: 512) {
      let values = try batch(Array(start..<min(start + 512, count))).inputs.scalars
      for sample in stride(from: 0, to: values.count, by: elementsPerSample) {
        for channel in 0..<channels {
          var sum = 0.0
          var square = 0.0
          for value in values[(sample + channel * perChannel)..<(sample + (channel + 1) * perChannel)] {
            sum += Double(value)
            square += Double(value) * Double(value)
          }
          sums[channel] += sum
          squares[channel] += square
        }
      }
    }
    let total = Double(max(1, count * perChannel))
    let means = sums.map { $0 / total }
    let centres = mean.map { $0.map(Double.init) } ?? means
    let std = (0..<channels).map { channel in
      let variance =
        squares[channel] / total - 2 * centres[channel] * means[channel] + centres[channel] * centres[channel]
      return Float(max(0, variance).squareRoot())
    }
    return Normalization(mean: means.map { Float($0) }, std: std)
  }

  /// The largest image side `padded` and `resized` make; far beyond any image a notebook
  /// trains on, it keeps the size arithmetic from overflowing.
  static let largestSide = 1 << 15

  private func requireImageOrVector(_ operation: String) throws(DataError) {
    if case .sequence = task {
      throw .invalid(operation, "does not apply to the text data set '\(name)' (its inputs are token ids)")
    }
    if augmentation != nil {
      throw .invalid(
        operation, "must come before 'patchAugmented': the patch lands on the finished images",
        help: "call '\(operation)' first, then 'patchAugmented'")
    }
  }

  private func requireImages(_ operation: String) throws(DataError) -> [Int] {
    try requireImageOrVector(operation)
    guard storedShape.count == 3 else {
      throw .invalid(operation, "needs images [C, H, W], but '\(name)' has samples of \(Self.describe(storedShape))")
    }
    return storedShape
  }

  /// A copy of this data set's samples (in position order) mapped image by image to `shape`,
  /// in stored units (bytes stay bytes, rounded and clamped to 0…255).
  private func remappedImages(
    to shape: [Int], _ transform: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void
  ) -> Dataset {
    let inputCount = elementsPerSample
    let outputCount = shape.reduce(1, *)
    var input = [Float](repeating: 0, count: inputCount)
    var output = [Float](repeating: 0, count: outputCount)
    var bytes = [UInt8]()
    var floats = [Float]()
    for position in 0..<count {
      let start = storedIndex(position) * inputCount
      switch features {
      case .bytes(let stored, _, _): for offset in 0..<inputCount { input[offset] = Float(stored[start + offset]) }
      case .floats(let stored): for offset in 0..<inputCount { input[offset] = stored[start + offset] }
      case .tokens: break
      }
      for offset in 0..<outputCount { output[offset] = 0 }
      input.withUnsafeBufferPointer { source in output.withUnsafeMutableBufferPointer { transform(source, $0) } }
      if case .bytes = features {
        bytes += output.map { UInt8(max(0, min(255, $0.rounded()))) }
      } else {
        floats += output
      }
    }
    var result = self
    switch features {
    case .bytes(_, let scale, let offset): result.features = .bytes(bytes, scale: scale, offset: offset)
    default: result.features = .floats(floats)
    }
    result.indices = nil
    result.storedShape = shape
    result.sampleShape = sampleShape.count == 1 ? [outputCount] : shape
    return result
  }
}

/// For each output coordinate of a bilinear resampling: the two input coordinates it blends and
/// the weight of the second, with half-pixel centres (`x_in = (x_out + 0.5)·in/out − 0.5`,
/// clamped to the image).
struct BilinearTaps {
  var taps: [(Int, Int, Float)]

  init(input: Int, output: Int) {
    let ratio = Double(input) / Double(output)
    taps = (0..<output).map { coordinate in
      let source = max(0, (Double(coordinate) + 0.5) * ratio - 0.5)
      let low = min(Int(source), input - 1)
      let high = min(low + 1, input - 1)
      return (low, high, Float(source - Double(low)))
    }
  }
}
