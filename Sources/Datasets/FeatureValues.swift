/// The stored features of every sample, in the narrowest type that holds them exactly.
///
/// Images stay bytes until a batch is made: 70,000 Fashion-MNIST images take 55 MB as bytes and
/// would take 220 MB as Float32. The arrays are never written after loading, so data sets made
/// from one another (subsets, splits, flattened or normalised views) share them for free.
enum FeatureValues: Sendable {
  /// A sample's value is `byte * scale + offset`.
  case bytes([UInt8], scale: Float, offset: Float)
  /// Values as they are.
  case floats([Float])
  /// One token stream cut into windows of `length`: sample `b` is `stream[b*length ..< (b+1)*length]`
  /// and its labels are the same window shifted by one token.
  case tokens([Int32], length: Int)

  /// The number of samples stored, given the number of values in one sample.
  func sampleCount(elementsPerSample: Int) -> Int {
    switch self {
    case .bytes(let bytes, _, _): elementsPerSample > 0 ? bytes.count / elementsPerSample : 0
    case .floats(let values): elementsPerSample > 0 ? values.count / elementsPerSample : 0
    case .tokens(let stream, let length): length > 0 ? max(0, stream.count - 1) / length : 0
    }
  }

  /// The bytes the stored values take.
  var storageBytes: Int {
    switch self {
    case .bytes(let bytes, _, _): bytes.count
    case .floats(let values): values.count * MemoryLayout<Float>.size
    case .tokens(let stream, _): stream.count * MemoryLayout<Int32>.size
    }
  }

  /// The affine map from stored to real values (`value = stored * scale + offset`).
  var affine: (scale: Float, offset: Float) {
    if case .bytes(_, let scale, let offset) = self { return (scale, offset) }
    return (1, 0)
  }
}
