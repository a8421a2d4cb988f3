import Testing

@testable import Datasets

@Suite("CSV loader")
struct CSVTests {
  @Test("a header row is detected, the label column is found by name, and values round-trip exactly")
  func headerAndNamedLabel() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write(
      "data.csv", text: "label,a,b,c\n2,0.5,-1.25,3\n0,1e-3,2,4\r\n\n1,7,8,9.75\n")
    let dataset = try Dataset.csv(path: path, labelColumn: "label")
    #expect(dataset.count == 3)
    #expect(dataset.sampleShape == [3])
    #expect(dataset.labels == [2, 0, 1])
    #expect(try dataset.batch([0, 1, 2]).inputs.scalars == [0.5, -1.25, 3, 1e-3, 2, 4, 7, 8, 9.75])
    #expect(dataset.name == "data.csv")
  }

  @Test("without a header, the label column may be first or last (-1), gzipped or plain", arguments: [true, false])
  func labelFirstOrLast(gzip: Bool) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let last = try directory.write("last.csv", text: "1,2,3\n4,5,6\n", gzip: gzip)
    let byLast = try Dataset.csv(path: last)
    #expect(byLast.labels == [3, 6])
    #expect(try byLast.batch([0, 1]).inputs.scalars == [1, 2, 4, 5])
    let byFirst = try Dataset.csv(path: last, labelColumn: 0)
    #expect(byFirst.labels == [1, 4])
    #expect(try byFirst.batch([0, 1]).inputs.scalars == [2, 3, 5, 6])
    #expect(byFirst.classNames == ["0", "1", "2", "3", "4"])
  }

  @Test("text labels become classes numbered in sorted order, quoted cells included")
  func textLabels() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("iris.csv", text: "x,y,species\n1,2,virginica\n3,4,\"setosa\"\n5,6,virginica\n")
    let dataset = try Dataset.csv(path: path)
    #expect(dataset.classNames == ["setosa", "virginica"])
    #expect(dataset.labels == [1, 0, 1])
  }

  @Test("whole numbers 0…255 with an image shape are stored as bytes; any other value keeps Float32")
  func bytesOrFloats() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let pixels = (0..<4).map { row in (0..<16).map { String(($0 * 17 + row) % 256) }.joined(separator: ",") + ",\(row)"
    }
    let path = try directory.write("pixels.csv", text: pixels.joined(separator: "\n"))
    let images = try Dataset.csv(path: path, imageShape: [1, 4, 4], scale: 1 / 255)
    #expect(images.sampleShape == [1, 4, 4])
    #expect(images.storageBytes == 4 * 16 + 4 * 8)
    #expect(try images.batch([1]).inputs.scalars == (0..<16).map { Float(($0 * 17 + 1) % 256) * (1 / 255 as Float) })
    let floats = try directory.write("floats.csv", text: "0.5,1,0\n256,2,1\n")
    let wide = try Dataset.csv(path: floats, imageShape: [1, 1, 2])
    #expect(wide.storageBytes == 4 * 4 + 2 * 8)
    #expect(try wide.batch([0, 1]).inputs.scalars == [0.5, 1, 256, 2])
  }

  @Test("a cell that is not a number is reported as path:line:column with its text")
  func badCell() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = try directory.write("bad.csv", text: "a,b,label\n1,2,0\n3,abc,1\n")
    expectDataError(containing: ["\(path):3:2: 'abc' is not a number"]) { _ = try Dataset.csv(path: path) }
    let empty = try directory.write("empty-cell.csv", text: "1,2,0\n3,,1\n")
    expectDataError(containing: ["\(empty):2:2: an empty cell is not a number"]) { _ = try Dataset.csv(path: empty) }
  }

  @Test("ragged rows, a missing label column name, a wrong image shape and a missing file are refused")
  func otherErrors() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let ragged = try directory.write("ragged.csv", text: "1,2,0\n3,1\n")
    expectDataError(containing: [ragged, "has 2 cells on line 2", "expected 3"]) { _ = try Dataset.csv(path: ragged) }
    let headed = try directory.write("headed.csv", text: "a,b,label\n1,2,0\n")
    expectDataError(containing: [headed, "no column named 'class'", "'a', 'b', 'label'"]) {
      _ = try Dataset.csv(path: headed, labelColumn: "class")
    }
    expectDataError(containing: [headed, "2 feature columns", "[1, 2, 2]"]) {
      _ = try Dataset.csv(path: headed, imageShape: [1, 2, 2])
    }
    expectDataError(containing: [headed, "no label column 5"]) { _ = try Dataset.csv(path: headed, labelColumn: 5) }
    expectDataError(containing: [directory.file("none.csv"), "does not exist", "expected a CSV file"]) {
      _ = try Dataset.csv(path: directory.file("none.csv"))
    }
  }
}
