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

  /// Consecutive parts holding the given shares of the samples, in their stored order: the
  /// first `fractions[0]` of the samples, then the next `fractions[1]`, and so on — for
  /// sequential data such as the windows of a text, where a random split would put neighbouring
  /// windows of the same passage on both sides (train/validation/test 90/5/5 of one corpus).
  ///
  /// Part `k` ends at sample `round(count · (f₀ + … + f_k))`; the last part ends at `count`. Each
  /// part is named after this data set and the shares it covers: "corpus 90–95 %".
  /// - Throws: `DataError` when there are fewer than two fractions, one is not positive, they do
  ///   not add up to 1, or a part would be empty.
  public func splitInOrder(_ fractions: [Double]) throws(DataError) -> [Dataset] {
    guard fractions.count >= 2 else {
      throw .invalid(
        "splitInOrder", "needs at least two fractions, got \(fractions.count)",
        help: "give one share per part, adding up to 1: [0.9, 0.05, 0.05]")
    }
    if let bad = fractions.first(where: { !($0 > 0) || !$0.isFinite }) {
      throw .invalid("splitInOrder", "needs positive fractions, got \(bad) in \(fractions)")
    }
    let total = fractions.reduce(0, +)
    guard abs(total - 1) <= 1e-9 else {
      throw .invalid(
        "splitInOrder", "needs fractions that add up to 1, but \(fractions) add up to \(total)",
        help: "give every part its share: [0.9, 0.05, 0.05]")
    }
    var parts: [Dataset] = []
    var start = 0
    var covered = 0.0
    for (position, fraction) in fractions.enumerated() {
      let from = covered
      covered += fraction
      let end = position == fractions.count - 1 ? count : min(count, Int((covered * Double(count)).rounded()))
      guard end > start else {
        throw .invalid(
          "splitInOrder",
          "would leave part \(position + 1) (\(Self.percent(fraction)) % of \(count) samples) empty",
          help: "use larger fractions or more data")
      }
      var part = try subset(Array(start..<end))
      part.name = "\(name) \(Self.percent(from))–\(Self.percent(min(covered, 1))) %"
      parts.append(part)
      start = end
    }
    return parts
  }

  /// A share in percent as a name shows it: 0.9 as "90", 0.925 as "92.5".
  private static func percent(_ share: Double) -> String {
    let tenths = Int((share * 1000).rounded())
    return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
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
