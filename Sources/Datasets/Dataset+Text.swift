import SystemCalls

extension Dataset {
  /// A character-level language-modelling data set: `text` as token ids, cut into
  /// non-overlapping windows of `sequenceLength` tokens, each labelled with the next character
  /// at every position (task `.sequence`).
  ///
  /// Window `k` holds tokens `k·L ..< (k+1)·L` and its labels are tokens `k·L+1 ..< (k+1)·L+1`;
  /// the tokens after the last whole window (fewer than `L + 1`) are dropped. The class names
  /// are the characters, and `vocabulary` decodes predictions.
  /// - Parameters:
  ///   - vocabulary: the characters to number by; `nil` takes the sorted distinct characters of
  ///     `text`. Pass the training set's vocabulary when building a validation set.
  /// - Throws: `DataError` when `sequenceLength` is not positive, the text is shorter than one
  ///   window and its next character, or a character is not in `vocabulary`.
  public static func text(
    _ text: String, sequenceLength: Int, vocabulary: Vocabulary? = nil, name: String = "text"
  ) throws(DataError) -> Dataset {
    guard sequenceLength > 0 else {
      throw .invalid("text", "needs a positive sequence length, got \(sequenceLength)")
    }
    let characters = vocabulary ?? Vocabulary(of: text)
    let tokens = try characters.encode(text)
    guard tokens.count > sequenceLength else {
      throw .invalid(
        "text",
        "needs more than \(sequenceLength) characters for one window and its next character, "
          + "but '\(name)' has \(tokens.count)",
        help: "use a shorter sequence length or a longer text")
    }
    return Dataset(
      name: name, features: .tokens(tokens.map { Int32($0) }, length: sequenceLength), storedShape: [sequenceLength],
      task: .sequence(vocabulary: characters.count), classNames: characters.characters.map { String($0) },
      vocabulary: characters)
  }

  /// As `text(_:sequenceLength:)`, from a UTF-8 file (gzip-compressed or plain; invalid UTF-8
  /// reads as U+FFFD), or from a directory of them (`corpus(directory:)`).
  /// - Throws: `DataError` naming the file when it is missing or unreadable, or as `text`.
  public static func text(
    path: String, sequenceLength: Int, vocabulary: Vocabulary? = nil, name: String? = nil
  ) throws(DataError) -> Dataset {
    let contents =
      FileStatus.isDirectory(path)
      ? try corpus(directory: path)
      : String(decoding: try DataFile(opening: path, expected: "a UTF-8 text file").readToEnd(), as: UTF8.self)
    return try text(
      contents, sequenceLength: sequenceLength, vocabulary: vocabulary, name: name ?? FileSystem.baseName(path))
  }

  /// The files of `directory` as one text, one after the other in name order: every regular
  /// file, skipping subdirectories, hidden files and symbolic links. A link is another name for
  /// a file, usually one already read (Debian's `common-licenses/GPL` is `GPL-3`), and the same
  /// passage twice would put it in a training part and a test part at once.
  /// - Throws: `DataError` when the directory holds no such file or one is unreadable.
  public static func corpus(directory: String) throws(DataError) -> String {
    var text = ""
    var files = 0
    for name in try FileSystem.contents(of: directory) where !name.hasPrefix(".") {
      let path = FileSystem.join(directory, name)
      guard !FileSystem.isSymbolicLink(path), !FileStatus.isDirectory(path) else { continue }
      text += String(decoding: try DataFile(opening: path, expected: "a UTF-8 text file").readToEnd(), as: UTF8.self)
      files += 1
    }
    guard files > 0 else {
      throw DataError(
        path: directory, "'\(directory)' holds no text file (symbolic links and subdirectories are skipped)",
        help: "give a directory of text files, or one file")
    }
    return text
  }

  /// The fortune-cookie corpus (Debian package `fortunes`) as one text, entries separated by a
  /// blank line, cut into windows as `text(_:sequenceLength:)`.
  /// - Throws: `DataError` when the directory is missing (with the package to install), or as `text`.
  public static func fortunes(
    directory: String = "/usr/share/games/fortunes", sequenceLength: Int, name: String = "fortunes"
  ) throws(DataError) -> Dataset {
    let entries = try fortuneEntries(directory: directory)
    return try text(entries.joined(separator: "\n"), sequenceLength: sequenceLength, name: name)
  }

  /// The entries of every fortune file in `directory` (files in name order, skipping the
  /// `*.dat` indexes, `*.u8` links and subdirectories); entries are separated by lines holding
  /// only `%` and keep their final newline.
  /// - Throws: `DataError` when the directory is missing (with the package to install).
  public static func fortuneEntries(directory: String = "/usr/share/games/fortunes") throws(DataError) -> [String] {
    guard FileStatus.isDirectory(directory) else {
      throw .missing(
        directory, expected: "a directory of fortune files",
        help: "install them with `apt-get install fortunes`")
    }
    var entries: [String] = []
    for name in try FileSystem.contents(of: directory)
    where !name.hasSuffix(".dat") && !name.hasSuffix(".u8") && !name.hasPrefix(".") {
      let path = FileSystem.join(directory, name)
      guard !FileStatus.isDirectory(path) else { continue }
      let text = String(decoding: try DataFile(opening: path, expected: "a fortune file").readToEnd(), as: UTF8.self)
      var entry = ""
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      if lines.last?.isEmpty == true { lines.removeLast() }
      for line in lines {
        if line == "%" {
          if !entry.trimmingNewlines.isEmpty { entries.append(entry) }
          entry = ""
        } else {
          entry += line + "\n"
        }
      }
      if !entry.trimmingNewlines.isEmpty { entries.append(entry) }
    }
    return entries
  }

  /// The token ids of `text` in this data set's vocabulary.
  /// - Throws: `DataError` when this is not a text data set or a character is not in its vocabulary.
  public func encode(_ text: String) throws(DataError) -> [Int] {
    guard let vocabulary else {
      throw .invalid("encode", "needs a text data set, but '\(name)' has no vocabulary")
    }
    return try vocabulary.encode(text)
  }

  /// The text of token ids (U+FFFD for an id outside the vocabulary); for a data set without a
  /// vocabulary, the class names joined by spaces.
  public func decode(_ ids: [Int]) -> String {
    if let vocabulary { return vocabulary.decode(ids) }
    return ids.map { classNames.indices.contains($0) ? classNames[$0] : "\u{FFFD}" }.joined(separator: " ")
  }
}

extension String {
  fileprivate var trimmingNewlines: Substring {
    let start = firstIndex { $0 != "\n" } ?? endIndex
    return self[start...]
  }
}
