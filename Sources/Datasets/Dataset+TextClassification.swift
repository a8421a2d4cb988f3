extension Dataset {
  /// Sentence classification over characters: each text becomes `length` character ids (cut
  /// after `length` characters, padded with `padding` after a shorter one), labelled with its
  /// class.
  ///
  /// Pass the vocabulary of the text a language model was pre-trained on, so the ids mean the
  /// same characters to the model being fine-tuned; characters it does not hold become
  /// `unknown` (or are an error when `unknown` is nil). Labels are class names numbered in
  /// sorted order (or as `classNames` orders them), or whole numbers ≥ 0 used as they are.
  /// The samples are `[length]` ids stored as Float32 (what `Embedding` takes), the task is
  /// classification and `vocabulary` decodes them.
  /// - Parameters:
  ///   - vocabulary: the characters to number by; nil takes the texts' own characters (and
  ///     `padding`).
  ///   - unknown: what a character outside `vocabulary` becomes; it must be in the vocabulary.
  ///   - padding: what fills a text shorter than `length`; it must be in the vocabulary.
  /// - Throws: `DataError` when `length` is not positive, the texts and labels differ in
  ///   number, there are no texts, a label is not among `classNames`, or a character (with no
  ///   `unknown`), `unknown` or `padding` is not in the vocabulary.
  public static func textClassification(
    texts: [String], labels: [String], length: Int, vocabulary: Vocabulary? = nil, unknown: Unicode.Scalar? = nil,
    padding: Unicode.Scalar = " ", classNames: [String]? = nil, name: String = "texts", path: String? = nil
  ) throws(DataError) -> Dataset {
    let operation = "textClassification"
    guard length > 0 else { throw .invalid(operation, "needs a positive length, got \(length)") }
    guard texts.count == labels.count else {
      throw .invalid(operation, "got \(texts.count) texts but \(labels.count) labels")
    }
    guard !texts.isEmpty else { throw DataError(path: path, "'\(operation)' got no texts for '\(name)'") }
    let characters = vocabulary ?? Vocabulary(characters: texts.flatMap(\.unicodeScalars) + [padding])
    func required(_ scalar: Unicode.Scalar, _ role: String) throws(DataError) -> Int {
      guard let id = characters.id(of: scalar) else {
        throw .invalid(
          operation,
          "needs its \(role) \(Vocabulary.quoted(scalar)) in the vocabulary of \(characters.count) characters",
          help: "choose a \(role) character the pre-training text has, such as ' '")
      }
      return id
    }
    let paddingID = try required(padding, "padding")
    let unknownID: Int?
    if let unknown { unknownID = try required(unknown, "unknown") } else { unknownID = nil }
    var ids: [Float] = []
    ids.reserveCapacity(texts.count * length)
    for (row, text) in texts.enumerated() {
      var filled = 0
      for scalar in text.unicodeScalars {
        if filled == length { break }
        guard let id = characters.id(of: scalar) ?? unknownID else {
          throw DataError(
            path: path,
            "'\(operation)' got \(Vocabulary.quoted(scalar)) in text \(row) of '\(name)', which is not in the "
              + "vocabulary of \(characters.count) characters",
            help: "pass unknown: \" \" to read characters the vocabulary lacks as a space")
        }
        ids.append(Float(id))
        filled += 1
      }
      ids.append(contentsOf: repeatElement(Float(paddingID), count: length - filled))
    }
    let (classLabels, names) = try csvLabels(labels, classNames: classNames, path: path ?? name)
    return Dataset(
      name: name, features: .floats(ids), storedShape: [length], task: .classification(classes: names.count),
      classNames: names, classLabels: classLabels, vocabulary: characters)
  }

  /// As `textClassification(texts:labels:…)`, from a CSV file (gzip, bzip2 or plain) with a
  /// header row naming its columns; other columns are ignored. With `classes`, only the rows
  /// labelled with one of them are kept, numbered in that order (the Rotten Tomatoes corpus
  /// has 156 `plot` rows beside its fresh and rotten snippets).
  /// - Throws: `DataError` naming the file when it is missing, a column is not in the header,
  ///   or a row has another number of cells than the header; or as `textClassification`.
  public static func textClassification(
    path: String, textColumn: String = "text", labelColumn: String = "label", length: Int,
    vocabulary: Vocabulary? = nil, unknown: Unicode.Scalar? = nil, padding: Unicode.Scalar = " ",
    classes: [String]? = nil, name: String? = nil
  ) throws(DataError) -> Dataset {
    let bytes = try DataFile(opening: path, expected: "a CSV file of texts and labels").readToEnd()
    let table = CSVTable(bytes)
    guard let header = table.rows.first else { throw .malformed(path, "is empty: expected a header and rows") }
    func column(_ wanted: String) throws(DataError) -> Int {
      guard let found = header.cells.firstIndex(where: { table.text($0) == wanted }) else {
        let names = header.cells.map { "'\(table.text($0))'" }.prefix(8).joined(separator: ", ")
        throw .malformed(path, "has no column named '\(wanted)': expected it in the header row (\(names))")
      }
      return found
    }
    let (textIndex, labelIndex) = (try column(textColumn), try column(labelColumn))
    var texts: [String] = []
    var labels: [String] = []
    for row in table.rows.dropFirst() {
      guard row.cells.count == header.cells.count else {
        throw .malformed(
          path, "has \(row.cells.count) cells on line \(row.line): expected \(header.cells.count), as in the header",
          help: "quote texts that hold commas: \"like, this\"")
      }
      let label = table.text(row.cells[labelIndex])
      if let classes, !classes.contains(label) { continue }
      texts.append(table.text(row.cells[textIndex]))
      labels.append(label)
    }
    return try textClassification(
      texts: texts, labels: labels, length: length, vocabulary: vocabulary, unknown: unknown, padding: padding,
      classNames: classes, name: name ?? FileSystem.baseName(path), path: path)
  }
}
