/// The characters (Unicode scalars) of a text corpus, sorted, each standing for its index: the
/// token ids of a character-level language model.
///
/// Keep the vocabulary of the training text to read a model's predictions (`decode`) and to
/// turn a prompt into ids (`encode`); a vocabulary built from another text numbers the
/// characters differently.
public struct Vocabulary: Sendable, Equatable {
  /// The distinct characters, in ascending scalar order; a character's id is its index.
  public let characters: [Unicode.Scalar]
  private let ids: [Unicode.Scalar: Int]

  /// The distinct Unicode scalars of `text`, sorted.
  public init(of text: String) {
    self.init(characters: Array(Set(text.unicodeScalars)))
  }

  /// These characters, sorted and without repeats.
  public init(characters: [Unicode.Scalar]) {
    self.characters = Array(Set(characters)).sorted { $0.value < $1.value }
    ids = Dictionary(uniqueKeysWithValues: self.characters.enumerated().map { ($0.element, $0.offset) })
  }

  public var count: Int { characters.count }

  /// The id of one character, or nil when the vocabulary does not hold it.
  public func id(of scalar: Unicode.Scalar) -> Int? { ids[scalar] }

  /// The id of each Unicode scalar of `text`.
  /// - Throws: `DataError` naming the first character the vocabulary does not hold.
  public func encode(_ text: String) throws(DataError) -> [Int] {
    var result: [Int] = []
    result.reserveCapacity(text.unicodeScalars.count)
    for (offset, scalar) in text.unicodeScalars.enumerated() {
      guard let id = ids[scalar] else {
        throw DataError(
          "'encode' got \(Self.quoted(scalar)) at scalar \(offset), which is not in the vocabulary of "
            + "\(count) characters",
          help: "use only characters of the training text")
      }
      result.append(id)
    }
    return result
  }

  /// The text of `ids`; an id outside the vocabulary reads as U+FFFD (�), so a model's raw
  /// output can always be shown.
  public func decode(_ ids: [Int]) -> String {
    var scalars = String.UnicodeScalarView()
    for id in ids { scalars.append(characters.indices.contains(id) ? characters[id] : "\u{FFFD}") }
    return String(scalars)
  }

  /// A character as a diagnostic shows it: `'a'`, or `U+000A` for a control character.
  static func quoted(_ scalar: Unicode.Scalar) -> String {
    guard scalar.properties.generalCategory == .control else { return "'\(scalar)'" }
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}
