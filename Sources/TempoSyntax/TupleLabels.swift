/// How a tuple's elements and labels are written: `(min: Int, max: Int)`, `(x: 1, 2)`.
public enum TupleLabels {
  /// The parenthesized list of `parts`, each after its label when it has one.
  public static func spelled(_ parts: [String], labels: [String?]) -> String {
    var text = "("
    for (index, part) in parts.enumerated() {
      if index > 0 { text += ", " }
      if index < labels.count, let label = labels[index] { text += label + ": " }
      text += part
    }
    return text + ")"
  }

  /// Whether one tuple converts to the other as Swift allows: no element labeled differently
  /// on the two sides (a label missing on either side is fine).
  public static func agree(_ labels: [String?], _ others: [String?]) -> Bool {
    zip(labels, others).allSatisfy { $0 == nil || $1 == nil || $0 == $1 }
  }
}
