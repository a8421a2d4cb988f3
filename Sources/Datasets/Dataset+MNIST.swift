import SystemCalls

extension Dataset {
  /// The Fashion-MNIST class names (Zalando), in label order.
  public static let fashionMNISTClassNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// Fashion-MNIST as the Debian package `dataset-fashion-mnist` installs it: 60,000 training
  /// and 10,000 test images of 28×28 grey pixels (bytes standing for [0, 1]), 10 classes.
  ///
  /// Reads `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz` in `directory`.
  /// - Throws: `DataError` naming the directory or file, with the package to install when the
  ///   files are missing, or as `idx(images:labels:)`.
  public static func fashionMNIST(
    directory: String = "/usr/share/datasets/fashion-mnist"
  ) throws(DataError) -> (train: Dataset, test: Dataset) {
    let help = "install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (`make setup` installs it)"
    guard FileStatus.isDirectory(directory) else {
      throw .missing(
        directory, expected: "a directory holding the Fashion-MNIST files train-images-idx3-ubyte.gz, …", help: help)
    }
    func part(_ prefix: String, _ name: String) throws(DataError) -> Dataset {
      var part = try idx(
        images: FileSystem.join(directory, "\(prefix)-images-idx3-ubyte.gz"),
        labels: FileSystem.join(directory, "\(prefix)-labels-idx1-ubyte.gz"), name: name,
        classNames: fashionMNISTClassNames, help: help)
      part.source = "Fashion-MNIST, Zalando Research (Xiao, Rasul & Vollgraf 2017), MIT licence"
      return part
    }
    return (try part("train", "Fashion-MNIST train"), try part("t10k", "Fashion-MNIST test"))
  }

  /// MNIST (or any data set in its four IDX files) from a directory, gzip-compressed or not:
  /// `train-images-idx3-ubyte[.gz]` or `train-images.idx3-ubyte[.gz]`, and likewise for
  /// `train-labels-idx1`, `t10k-images-idx3` and `t10k-labels-idx1`. Class names "0"…"9".
  /// - Throws: `DataError` naming the file names tried when one is missing, or as
  ///   `idx(images:labels:)`.
  public static func mnist(path: String) throws(DataError) -> (train: Dataset, test: Dataset) {
    guard FileStatus.isDirectory(path) else {
      throw .missing(path, expected: "a directory holding the MNIST files train-images-idx3-ubyte(.gz), …")
    }
    func file(_ prefix: String, _ kind: String, _ format: String) throws(DataError) -> String {
      let candidates = ["\(prefix)-\(kind)-\(format)-ubyte", "\(prefix)-\(kind).\(format)-ubyte"].flatMap {
        [$0 + ".gz", $0]
      }
      for candidate in candidates where FileStatus.exists(FileSystem.join(path, candidate)) {
        return FileSystem.join(path, candidate)
      }
      throw .missing(
        FileSystem.join(path, candidates[0]),
        expected: "one of \(candidates.map { "'\($0)'" }.joined(separator: ", ")) in '\(path)'")
    }
    let digits = (0..<10).map(String.init)
    func part(_ prefix: String, _ name: String) throws(DataError) -> Dataset {
      try idx(
        images: try file(prefix, "images", "idx3"), labels: try file(prefix, "labels", "idx1"), name: name,
        classNames: digits)
    }
    return (try part("train", "MNIST train"), try part("t10k", "MNIST test"))
  }
}
