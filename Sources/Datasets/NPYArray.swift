/// One array of a NumPy `.npy` file (format versions 1, 2 and 3), read as the header describes
/// it.
///
/// Little-endian `<f4`, `<f8`, `<i4`, `<i8` and bytes `|u1` in C order; anything else is a
/// `DataError` that says which dtype or layout was found and what is supported.
struct NPYArray {
  enum DType: String {
    case float32 = "<f4"
    case float64 = "<f8"
    case int32 = "<i4"
    case int64 = "<i8"
    case uint8 = "|u1"

    var size: Int {
      switch self {
      case .uint8: 1
      case .float32, .int32: 4
      case .float64, .int64: 8
      }
    }

    var isInteger: Bool { self != .float32 && self != .float64 }
  }

  static let supported = "'<f4', '<f8', '<i4', '<i8' or '|u1'"

  var path: String
  var dtype: DType
  var shape: [Int]
  /// The raw little-endian values.
  var data: [UInt8]

  var count: Int { shape.reduce(1, *) }

  init(path: String) throws(DataError) {
    let file = try DataFile(opening: path, expected: "a NumPy .npy file")
    let preamble = try file.read(exactly: 8, what: "the .npy magic string and version")
    guard preamble.prefix(6) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
      throw .malformed(path, "is not a .npy file: expected the magic string '\\x93NUMPY' at its start")
    }
    let version = preamble[6]
    let lengthBytes: Int
    switch version {
    case 1: lengthBytes = 2
    case 2, 3: lengthBytes = 4
    default:
      throw .malformed(path, "has .npy format version \(version).\(preamble[7]): expected 1.0, 2.0 or 3.0")
    }
    let lengthField = try file.read(exactly: lengthBytes, what: "the .npy header length")
    let headerLength = lengthField.reversed().reduce(0) { $0 << 8 | Int($1) }
    let header = String(decoding: try file.read(exactly: headerLength, what: "the .npy header"), as: UTF8.self)
    let descr = try Self.field("descr", in: header, path: path)
    let order = try Self.field("fortran_order", in: header, path: path)
    let shapeText = try Self.field("shape", in: header, path: path)
    let dtypeName = descr.trimmingQuotes
    guard let dtype = DType(rawValue: dtypeName == "<u1" ? "|u1" : dtypeName) else {
      throw .malformed(path, "has dtype '\(dtypeName)': expected \(Self.supported)")
    }
    guard order == "False" else {
      throw .malformed(
        path, "is in Fortran order (fortran_order: \(order)): expected C order",
        help: "save it with numpy.ascontiguousarray(array) first")
    }
    var shape: [Int] = []
    for part in shapeText.dropFirst().dropLast().split(separator: ",") {
      let trimmed = part.filter { $0 != " " }
      if trimmed.isEmpty { continue }
      guard let size = Int(trimmed), size >= 0 else {
        throw .malformed(path, "has the shape \(shapeText) in its header: expected a tuple of sizes")
      }
      shape.append(size)
    }
    self.path = path
    self.dtype = dtype
    self.shape = shape
    guard let count = Dataset.elementCount(shape), let byteCount = Dataset.elementCount([count, dtype.size]) else {
      throw .malformed(path, "declares the shape \(shape), more values than any file can hold")
    }
    data = try file.read(exactly: byteCount, what: "\(count) values of \(dtypeName) for shape \(shape)")
    try file.expectEnd(after: "\(count) values of shape \(shape)")
  }

  /// The text of a header dictionary entry (`'shape': (3, 4)` → `(3, 4)`).
  private static func field(_ key: String, in header: String, path: String) throws(DataError) -> String {
    guard let keyRange = header.firstRange(of: "'\(key)'"),
      let colon = header[keyRange.upperBound...].firstIndex(of: ":")
    else {
      throw .malformed(
        path, "has no '\(key)' in its .npy header: expected a dictionary with descr, fortran_order, shape")
    }
    var value = header[header.index(after: colon)...].drop { $0 == " " }
    if value.first == "(" {
      guard let close = value.firstIndex(of: ")") else {
        throw .malformed(path, "has an unterminated shape in its .npy header")
      }
      value = value[...close]
    } else {
      value = value.prefix { $0 != "," && $0 != "}" }
    }
    return String(value).trimmingSpaces
  }

  /// Every value as Float.
  var floats: [Float] {
    data.withUnsafeBytes { raw in
      (0..<count).map { index -> Float in
        let offset = index * dtype.size
        switch dtype {
        case .uint8: return Float(raw[offset])
        case .float32:
          return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .float64:
          return Float(
            Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
        case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        }
      }
    }
  }

  /// Every value as Int (integer dtypes only).
  var integers: [Int] {
    data.withUnsafeBytes { raw in
      (0..<count).map { index -> Int in
        let offset = index * dtype.size
        switch dtype {
        case .uint8: return Int(raw[offset])
        case .int32: return Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .int64: return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .float32, .float64: return 0
        }
      }
    }
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }

  fileprivate var trimmingQuotes: String {
    String(trimmingSpaces.drop { $0 == "'" || $0 == "\"" }.reversed().drop { $0 == "'" || $0 == "\"" }.reversed())
  }
}
