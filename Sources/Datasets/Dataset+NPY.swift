extension Dataset {
  /// A data set from NumPy `.npy` files: features of shape `[N, …]` (a sample is the rest of
  /// the shape, `[1]` for `[N]`) and either integer class labels `[N]` or regression targets
  /// `[N]` / `[N, k]`.
  ///
  /// `|u1` features stay bytes (values 0…255 as they are; normalise them or use
  /// `scale: 1/255`), other dtypes become Float32 (`<f8` rounded once). Labels must be an
  /// integer dtype (`|u1`, `<i4`, `<i8`).
  /// - Parameters:
  ///   - labels: the class labels file, or `nil` with `targets` for regression.
  ///   - targets: the regression targets file, when `labels` is `nil`.
  /// - Throws: `DataError` naming the file for a missing or truncated file, a dtype or layout
  ///   other than the supported ones (Fortran order included), float labels, or counts that
  ///   differ between the files.
  public static func npy(
    features: String, labels: String?, targets: String? = nil, scale: Float = 1, classNames: [String]? = nil,
    name: String? = nil
  ) throws(DataError) -> Dataset {
    guard (labels == nil) != (targets == nil) else {
      throw .invalid(
        "npy",
        labels == nil ? "needs a labels file or a targets file" : "takes a labels file or a targets file, not both")
    }
    let array = try NPYArray(path: features)
    guard let count = array.shape.first else {
      throw .malformed(features, "holds a scalar: expected features of shape [N, …]")
    }
    let sampleShape = array.shape.count == 1 ? [1] : Array(array.shape.dropFirst())
    guard sampleShape.allSatisfy({ $0 > 0 }) else {
      throw .malformed(features, "has samples of shape \(describe(sampleShape)): expected positive sizes")
    }
    let values: FeatureValues =
      array.dtype == .uint8
      ? .bytes(array.data, scale: scale, offset: 0)
      : .floats(scale == 1 ? array.floats : array.floats.map { $0 * scale })
    let datasetName = name ?? FileSystem.baseName(features)

    func checkCount(_ other: NPYArray, _ what: String) throws(DataError) {
      guard other.shape.first == count else {
        throw .malformed(
          other.path,
          "holds \(other.shape.first.map(String.init) ?? "no") \(what) (shape \(describe(other.shape))) but "
            + "'\(features)' holds \(count) samples: expected one per sample")
      }
    }
    if let labels {
      let labelArray = try NPYArray(path: labels)
      guard labelArray.dtype.isInteger else {
        throw .malformed(
          labels, "holds '\(labelArray.dtype.rawValue)' labels: expected integers ('|u1', '<i4' or '<i8')",
          help: "convert them with labels.astype(numpy.int64)")
      }
      try checkCount(labelArray, "labels")
      guard labelArray.count == count else {
        throw .malformed(labels, "has labels of shape \(describe(labelArray.shape)): expected [\(count)]")
      }
      let labelValues = labelArray.integers
      let names = try checkedClassNames(classNames, labels: labelValues, operation: "npy", path: labels)
      return Dataset(
        name: datasetName, features: values, storedShape: sampleShape, task: .classification(classes: names.count),
        classNames: names, classLabels: labelValues)
    }
    let targetPath = targets ?? ""
    let targetArray = try NPYArray(path: targetPath)
    try checkCount(targetArray, "targets")
    let outputs = count == 0 ? 1 : targetArray.count / count
    return Dataset(
      name: datasetName, features: values, storedShape: sampleShape, task: .regression(outputs: max(1, outputs)),
      classNames: [], targetValues: targetArray.floats)
  }
}
