/// Which column of a CSV file holds the labels: by position (`0` first, `-1` last) or by its
/// header name (`"label"`). Integer and string literals convert, so `labelColumn: -1` and
/// `labelColumn: "label"` both read naturally.
public enum CSVColumn: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
  /// 0-based; negative counts from the end (`-1` is the last column).
  case index(Int)
  /// The column whose header cell is this name (the file must have a header row).
  case name(String)

  public init(integerLiteral value: Int) { self = .index(value) }
  public init(stringLiteral value: String) { self = .name(value) }
}

extension Dataset {
  /// A classification data set from a CSV file (gzip-compressed or plain): one sample per row,
  /// one label column, every other column a numeric feature.
  ///
  /// The first row is a header when the label column is given by name or when one of its
  /// feature cells is not a number. Labels that are all whole numbers ≥ 0 are used as they are
  /// (class names "0"… unless given); any other labels are class names, numbered in sorted
  /// order. Features are stored as bytes when `imageShape` is given and every value is a whole
  /// number in 0…255 (standing for `byte · scale`), else as Float32 (times `scale`).
  /// - Parameters:
  ///   - imageShape: the shape of a sample (`[1, 28, 28]`) whose size must equal the feature
  ///     count; `nil` gives vectors `[features]`.
  ///   - scale: multiplies every feature (`1 / 255` for 0…255 pixels).
  /// - Throws: `DataError` naming the file, and for a bad cell its line and column
  ///   (`path:3:7: 'abc' is not a number`); also for ragged rows, an unknown label column, or an
  ///   image shape that does not match.
  public static func csv(
    path: String, labelColumn: CSVColumn = -1, imageShape: [Int]? = nil, scale: Float = 1,
    classNames: [String]? = nil, name: String? = nil
  ) throws(DataError) -> Dataset {
    let bytes = try DataFile(opening: path, expected: "a CSV file").readToEnd()
    return try csv(
      bytes: bytes, path: path, labelColumn: labelColumn, imageShape: imageShape, scale: scale, classNames: classNames,
      name: name ?? FileSystem.baseName(path))
  }

  /// As `csv(path:…)`, from the bytes of a CSV file already in memory; `path` names it in errors.
  static func csv(
    bytes: [UInt8], path: String, labelColumn: CSVColumn, imageShape: [Int]?, scale: Float,
    classNames: [String]?, name: String
  ) throws(DataError) -> Dataset {
    let table = CSVTable(bytes)
    guard let first = table.rows.first else { throw .malformed(path, "is empty: expected CSV rows") }
    let width = first.cells.count
    let label: Int
    var hasHeader: Bool
    switch labelColumn {
    case .name(let wanted):
      guard let found = first.cells.firstIndex(where: { table.text($0) == wanted }) else {
        let header = first.cells.map { "'\(table.text($0))'" }.prefix(8).joined(separator: ", ")
        throw .malformed(
          path, "has no column named '\(wanted)': expected it in the header row (\(header)\(width > 8 ? ", …" : ""))")
      }
      label = found
      hasHeader = true
    case .index(let index):
      guard (-width..<width).contains(index) else {
        throw .malformed(
          path, "has \(width) columns, so there is no label column \(index)",
          help: "use 0…\(width - 1), or -1 for the last column")
      }
      label = index < 0 ? width + index : index
      hasHeader = first.cells.indices.contains { $0 != label && table.number(first.cells[$0]) == nil }
    }
    let rows = table.rows.dropFirst(hasHeader ? 1 : 0)
    let featureCount = width - 1
    if let imageShape, elementCount(imageShape) != featureCount || imageShape.contains(where: { $0 <= 0 }) {
      throw .malformed(
        path,
        "has \(featureCount) feature columns but the image shape \(describe(imageShape)) holds "
          + "\(elementCount(imageShape).map(String.init) ?? "too many") values")
    }
    var values = [Float]()
    values.reserveCapacity(rows.count * featureCount)
    var labelTexts: [String] = []
    labelTexts.reserveCapacity(rows.count)
    var fitsBytes = imageShape != nil
    for row in rows {
      guard row.cells.count == width else {
        throw .malformed(
          path, "has \(row.cells.count) cells on line \(row.line): expected \(width), as on line \(first.line)",
          help: "every row needs the same columns")
      }
      for (column, cell) in row.cells.enumerated() {
        if column == label {
          labelTexts.append(table.text(cell))
          continue
        }
        guard let value = table.number(cell) else {
          let text = table.text(cell)
          throw DataError(
            path: path,
            "\(path):\(row.line):\(column + 1): \(text.isEmpty ? "an empty cell" : "'\(text)'") is not a number",
            help: "every column but the label column must hold numbers")
        }
        if fitsBytes, !(value >= 0 && value <= 255 && value == value.rounded()) { fitsBytes = false }
        values.append(Float(value))
      }
    }
    let (labels, names) = try csvLabels(labelTexts, classNames: classNames, path: path)
    let shape = imageShape ?? [featureCount]
    let features: FeatureValues =
      fitsBytes
      ? .bytes(values.map { UInt8($0) }, scale: scale, offset: 0)
      : .floats(scale == 1 ? values : values.map { $0 * scale })
    return Dataset(
      name: name, features: features, storedShape: shape, task: .classification(classes: names.count),
      classNames: names, classLabels: labels)
  }

  /// Whole-number labels as they are; anything else as class names numbered in sorted order.
  static func csvLabels(
    _ texts: [String], classNames: [String]?, path: String
  ) throws(DataError) -> (labels: [Int], names: [String]) {
    let numbers = texts.map { Int($0) }
    if numbers.allSatisfy({ ($0 ?? -1) >= 0 }) {
      let labels = numbers.map { $0 ?? 0 }
      return (labels, try checkedClassNames(classNames, labels: labels, operation: "csv", path: path))
    }
    let names = classNames ?? Array(Set(texts)).sorted()
    var ids: [String: Int] = [:]
    for (id, name) in names.enumerated() { ids[name] = id }
    var labels: [Int] = []
    labels.reserveCapacity(texts.count)
    for text in texts {
      guard let id = ids[text] else {
        throw .malformed(path, "has the label '\(text)', which is not among the class names given")
      }
      labels.append(id)
    }
    return (labels, names)
  }
}
