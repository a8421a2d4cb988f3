extension Dataset {
  /// The 8×8 handwritten digits bundled in the binary: 1,797 grey images `[1, 8, 8]`, 10
  /// classes "0"…"9" (178 zeros, 182 ones, …), pixel counts 0–16 stored as bytes standing for
  /// `count / 16`, so inputs lie in [0, 1].
  ///
  /// UCI Optical Recognition of Handwritten Digits, E. Alpaydin & C. Kaynak (1998), CC BY 4.0,
  /// as shipped by scikit-learn (see DIGITS-LICENSE.md). The stand-in for MNIST and CIFAR in
  /// quick experiments; split it with `split(fraction: 0.8, seed:)`.
  /// Decoded once, at the first call.
  public static func digits() -> Dataset {
    switch bundledDigits {
    case .success(let digits): return digits
    case .failure(let error):
      // Only a damaged BundledDigits.swift can get here, and DatasetsTests would fail on it; an
      // empty data set whose name says why fails visibly in any training loop.
      return Dataset(
        name: "digits (unreadable: \(error.message))", features: .bytes([], scale: 1, offset: 0),
        storedShape: [1, 8, 8], task: .classification(classes: 10), classNames: (0..<10).map(String.init))
    }
  }

  /// The decoded bundled digits, or why they could not be decoded.
  static func loadBundledDigits() -> Result<Dataset, DataError> {
    Result { () throws(DataError) in
      guard let compressed = Base64.decode(BundledDigits.gzipBase64) else {
        throw .malformed("BundledDigits.swift", "does not hold valid Base64")
      }
      let text = try DataFile.inflate(gzip: compressed, name: "digits.csv.gz")
      var digits = try csv(
        bytes: text, path: "digits.csv.gz", labelColumn: -1, imageShape: [1, 8, 8], scale: 1 / 16,
        classNames: (0..<10).map(String.init), name: "digits")
      digits.source = digitsAttribution
      return digits
    }
  }

  static let digitsAttribution =
    "UCI Optical Recognition of Handwritten Digits, E. Alpaydin & C. Kaynak (1998), CC BY 4.0, "
    + "via scikit-learn's digits.csv.gz"

  private static let bundledDigits = loadBundledDigits()
}
