/// The loops that turn stored samples into a batch's Float32 values.
///
/// They run once per batch over every input value, so they are written over raw pointers with
/// one multiply-add per value (`stored * scale[c] + offset[c]`, the stored affine map and the
/// normalisation folded together per channel), which the compiler vectorises: 256 images of
/// 28×28 convert in well under a millisecond.
enum SampleConversion {
  /// The per-channel `scale` and `offset` that apply a stored affine map and then a
  /// normalisation in one multiply-add.
  static func channelAffine(
    scale: Float, offset: Float, normalization: Normalization?, channels: Int
  ) -> (scales: [Float], offsets: [Float]) {
    guard let normalization else { return ([scale], [offset]) }
    var scales = [Float](repeating: 1, count: channels)
    var offsets = [Float](repeating: 0, count: channels)
    for channel in 0..<channels {
      let std = normalization.std[channel]
      scales[channel] = scale / std
      offsets[channel] = (offset - normalization.mean[channel]) / std
    }
    return (scales, offsets)
  }

  /// Copies the samples `rows` (indices into `source`, `elements` values each) to consecutive
  /// rows of `destination`, mapping each value of channel `c` through `scales[c]`, `offsets[c]`.
  static func convert(
    _ source: UnsafePointer<UInt8>, rows: [Int], elements: Int, elementsPerChannel: Int,
    scales: [Float], offsets: [Float], into destination: UnsafeMutablePointer<Float>
  ) {
    for (row, stored) in rows.enumerated() {
      let from = source + stored * elements
      let to = destination + row * elements
      for channel in 0..<scales.count {
        let scale = scales[channel]
        let offset = offsets[channel]
        let start = channel * elementsPerChannel
        for value in start..<(start + elementsPerChannel) { to[value] = Float(from[value]) * scale + offset }
      }
    }
  }

  /// As for bytes, from stored Float32 values.
  static func convert(
    _ source: UnsafePointer<Float>, rows: [Int], elements: Int, elementsPerChannel: Int,
    scales: [Float], offsets: [Float], into destination: UnsafeMutablePointer<Float>
  ) {
    for (row, stored) in rows.enumerated() {
      let from = source + stored * elements
      let to = destination + row * elements
      for channel in 0..<scales.count {
        let scale = scales[channel]
        let offset = offsets[channel]
        let start = channel * elementsPerChannel
        for value in start..<(start + elementsPerChannel) { to[value] = from[value] * scale + offset }
      }
    }
  }

  /// Token windows as whole-number Float32 ids.
  static func convert(
    _ stream: UnsafePointer<Int32>, rows: [Int], length: Int, into destination: UnsafeMutablePointer<Float>
  ) {
    for (row, stored) in rows.enumerated() {
      let from = stream + stored * length
      let to = destination + row * length
      for position in 0..<length { to[position] = Float(from[position]) }
    }
  }
}
