import TensorCore

extension Dataset {
  /// The samples at `indices` as one batch.
  ///
  /// Stored values are converted (bytes through their scale), normalised, and, for a
  /// patch-augmented data set, given this epoch's patch: the per-access draws depend only on
  /// `(seed, epoch, index)`, so asking again for the same samples in the same epoch gives the
  /// same batch, and another epoch re-draws them.
  /// - Parameters:
  ///   - indices: positions in `0..<count`, in the order the batch should hold them; may repeat.
  ///   - epoch: selects the per-access random draws (patch augmentation); ignored otherwise.
  /// - Returns: inputs `[n] + sampleShape`; labels or targets as `task` says.
  /// - Throws: `DataError` naming an index outside the data set.
  public func batch(_ indices: [Int], epoch: Int = 0) throws(DataError) -> Batch {
    if let outside = indices.first(where: { $0 < 0 || $0 >= count }) {
      throw .indexOutOfRange("batch", index: outside, count: count)
    }
    let stored = self.indices.map { map in indices.map { map[$0] } } ?? indices
    var inputs: Tensor
    do { inputs = try Tensor.zeros([indices.count] + sampleShape) } catch {
      throw .invalid("batch", "cannot hold \(indices.count) samples of \(Self.describe(sampleShape)): \(error)")
    }
    let elements = elementsPerSample
    let layout = normalization == nil ? (channels: 1, elementsPerChannel: elements) : channelLayout
    let affine = SampleConversion.channelAffine(
      scale: features.affine.scale, offset: features.affine.offset, normalization: normalization,
      channels: layout.channels)
    inputs.withUnsafeMutableBufferPointer { output in
      guard let destination = output.baseAddress else { return }
      switch features {
      case .bytes(let bytes, _, _):
        bytes.withUnsafeBufferPointer { source in
          guard let source = source.baseAddress else { return }
          SampleConversion.convert(
            source, rows: stored, elements: elements, elementsPerChannel: layout.elementsPerChannel,
            scales: affine.scales, offsets: affine.offsets, into: destination)
        }
      case .floats(let values):
        values.withUnsafeBufferPointer { source in
          guard let source = source.baseAddress else { return }
          SampleConversion.convert(
            source, rows: stored, elements: elements, elementsPerChannel: layout.elementsPerChannel,
            scales: affine.scales, offsets: affine.offsets, into: destination)
        }
      case .tokens(let stream, let length):
        stream.withUnsafeBufferPointer { source in
          guard let source = source.baseAddress else { return }
          SampleConversion.convert(source, rows: stored, length: length, into: destination)
        }
      }
      if let augmentation {
        augmentation.apply(
          to: destination, storedIndices: stored, classes: indices.map { classLabels[$0] }, imageShape: storedShape,
          epoch: epoch)
      }
    }
    return Batch(
      inputs: inputs, labels: batchLabels(indices, stored: stored), targets: try batchTargets(indices),
      count: indices.count)
  }

  /// Index lists of the batches of one epoch: shuffled by a generator seeded from `(seed, epoch)`
  /// when `shuffle`, otherwise in order; the last batch may be smaller.
  ///
  /// Every index appears exactly once per epoch. A `size` below 1 is taken as 1.
  public func batchIndices(size: Int, shuffle: Bool, seed: UInt64, epoch: Int) -> [[Int]] {
    let batchSize = max(1, size)
    var order = Array(0..<count)
    if shuffle {
      var generator = RandomGenerator(seed: Seeds.mix(seed, UInt64(bitPattern: Int64(epoch))))
      order = generator.shuffled(order)
    }
    return stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, count)]) }
  }

  private func batchLabels(_ positions: [Int], stored: [Int]) -> [Int] {
    switch (task, features) {
    case (.classification, _):
      return positions.map { classLabels[$0] }
    case (.sequence, .tokens(let stream, let length)):
      var labels = [Int]()
      labels.reserveCapacity(stored.count * length)
      for sample in stored {
        let start = sample * length + 1
        for token in stream[start..<(start + length)] { labels.append(Int(token)) }
      }
      return labels
    case (.regression, _), (.sequence, _):
      return []
    }
  }

  private func batchTargets(_ positions: [Int]) throws(DataError) -> Tensor? {
    guard case .regression(let outputs) = task else { return nil }
    var values = [Float]()
    values.reserveCapacity(positions.count * outputs)
    for position in positions { values += targetValues[(position * outputs)..<((position + 1) * outputs)] }
    do { return try Tensor(shape: [positions.count, outputs], values: values) } catch {
      throw .invalid("batch", "cannot hold the targets: \(error)")
    }
  }
}
