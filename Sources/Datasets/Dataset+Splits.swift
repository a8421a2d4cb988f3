import TensorCore

extension Dataset {
  /// Two disjoint parts holding `fraction` and `1 − fraction` of the samples, drawn with a
  /// generator seeded by `seed`; each part keeps the original order.
  ///
  /// Stratified (the default for class labels), each class is split on its own, so both parts
  /// keep the class proportions: `round(fraction · n_c)` samples of class `c` go to the first.
  /// Otherwise `round(fraction · count)` samples chosen at random go to the first.
  /// - Throws: `DataError` when `fraction` is outside [0, 1].
  public func split(fraction: Double, seed: UInt64, stratified: Bool = true) throws(DataError) -> (Dataset, Dataset) {
    guard (0...1).contains(fraction) else {
      throw .invalid("split", "needs a fraction in [0, 1], got \(fraction)")
    }
    var generator = RandomGenerator(seed: seed)
    var first: [Int] = []
    if stratified, case .classification = task {
      var members = [[Int]](repeating: [], count: classCount)
      for (position, label) in classLabels.enumerated() { members[label].append(position) }
      for group in members {
        let taken = Int((fraction * Double(group.count)).rounded())
        first += generator.shuffled(group).prefix(taken)
      }
    } else {
      first = Array(generator.shuffled(Array(0..<count)).prefix(Int((fraction * Double(count)).rounded())))
    }
    var inFirst = [Bool](repeating: false, count: count)
    for position in first { inFirst[position] = true }
    let firstPart = (0..<count).filter { inFirst[$0] }
    let secondPart = (0..<count).filter { !inFirst[$0] }
    return (try subset(firstPart), try subset(secondPart))
  }

  /// The samples of the classes `first` and those of `second` as two data sets, each relabelled
  /// `0..<k` in the order given, with the class names following (for transfer learning:
  /// pre-train on one group of classes, fine-tune on the other).
  /// - Throws: `DataError` as `filterClasses(_:)`.
  public func splitByClass(_ first: [Int], _ second: [Int]) throws(DataError) -> (Dataset, Dataset) {
    (try filterClasses(first), try filterClasses(second))
  }

  /// The samples whose class is in `classes`, in their original order.
  /// - Parameters:
  ///   - relabel: true gives class `classes[k]` the label `k` and the name `classNames[classes[k]]`;
  ///     false keeps labels and names (to evaluate a model of all classes on some of them).
  /// - Throws: `DataError` when this is not a classification data set, a class is out of range
  ///   or repeated, or the data set is already patch-augmented and would be relabelled.
  public func filterClasses(_ classes: [Int], relabel: Bool = true) throws(DataError) -> Dataset {
    guard case .classification(let classCount) = task else {
      throw .invalid("filterClasses", "needs a classification data set, but '\(name)' is \(task)")
    }
    if let outside = classes.first(where: { !(0..<classCount).contains($0) }) {
      throw .invalid(
        "filterClasses", "got class \(outside) but '\(name)' has classes 0 to \(classCount - 1)")
    }
    guard Set(classes).count == classes.count else {
      throw .invalid("filterClasses", "got a class twice in \(classes)")
    }
    if relabel, augmentation != nil {
      throw .invalid(
        "filterClasses", "cannot relabel a patch-augmented data set (its class patches follow the old labels)",
        help: "filter the classes first, then call 'patchAugmented'")
    }
    var newLabel = [Int](repeating: -1, count: classCount)
    for (label, kept) in classes.enumerated() { newLabel[kept] = label }
    var result = try subset(classLabels.indices.filter { newLabel[classLabels[$0]] >= 0 })
    if relabel {
      result.classLabels = result.classLabels.map { newLabel[$0] }
      result.classNames = classes.map { $0 < classNames.count ? classNames[$0] : String($0) }
      result.task = .classification(classes: classes.count)
    }
    return result
  }
}
