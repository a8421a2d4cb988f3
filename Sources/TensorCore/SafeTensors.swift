import Glibc
import SystemCalls

/// Named tensors and text metadata in the safetensors format (https://github.com/huggingface/safetensors).
///
/// A file is an 8-byte little-endian header length `N`, then `N` bytes of UTF-8 JSON naming each
/// tensor's `dtype`, `shape` and `data_offsets` (plus an optional `"__metadata__"` object of
/// strings), padded with spaces, then the data buffer that the offsets index. Use it to exchange
/// weights with PyTorch, NumPy or MLX; do not use it for anything but tensors and short text (the
/// metadata is a flat string map, and readers refuse headers over 100 MB).
///
/// ```swift
/// try SafeTensorsFile.write([("weight", w), ("bias", b)], metadata: ["epoch": "3"], to: "model.safetensors")
/// let file = try SafeTensorsFile.read(from: "model.safetensors")
/// let weight = file["weight"]
/// ```
public struct SafeTensorsFile: Sendable {
  /// The tensors in the order of their bytes in the data buffer.
  ///
  /// `write` lays tensors out in the order given, so a file written here reads back in that
  /// order; the one exception is a run of adjacent empty tensors, which share an offset and come
  /// back sorted by name. Files written by the Python library are laid out by dtype size, then name.
  public var tensors: [(name: String, tensor: Tensor)]

  /// The `"__metadata__"` strings; empty when the file has none.
  public var metadata: [String: String]

  public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The tensor called `name`, or `nil` when there is none.
  public subscript(name: String) -> Tensor? {
    tensors.first { $0.name == name }?.tensor
  }

  /// Writes these tensors and metadata to `path`, atomically; see ``write(_:metadata:to:)``.
  public func write(to path: String) throws(SafeTensorsError) {
    try Self.write(tensors.map { ($0.name, $0.tensor) }, metadata: metadata, to: path)
  }

  /// The largest header a reader accepts (the limit of the reference implementation); a larger
  /// length field means the file is damaged or not a safetensors file.
  static let maximumHeaderLength = 100_000_000

  /// Where the header starts: after the 8-byte length.
  static let headerStart = 8
}

/// A safetensors file that cannot be read or written: names the file, what is wrong and, when there
/// is one, how to fix it. Rendered as `path: message`, then `help: …` on a second line.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String
  public var help: String?

  public init(path: String, _ message: String, help: String? = nil) {
    self.path = path
    self.message = message
    self.help = help
  }

  public var description: String {
    guard let help else { return "\(path): \(message)" }
    return "\(path): \(message)\nhelp: \(help)"
  }
}

// MARK: - Element types

/// The element types Tempo reads; every one converts to Float32 (wider types round to nearest,
/// BOOL reads as 0 or 1). Raw values are the format's dtype strings.
enum SafeTensorsDType: String, CaseIterable {
  case float32 = "F32"
  case float64 = "F64"
  case float16 = "F16"
  case bfloat16 = "BF16"
  case int64 = "I64"
  case int32 = "I32"
  case int16 = "I16"
  case int8 = "I8"
  case uint8 = "U8"
  case bool = "BOOL"

  var byteCount: Int {
    switch self {
    case .float64, .int64: 8
    case .float32, .int32: 4
    case .float16, .bfloat16, .int16: 2
    case .int8, .uint8, .bool: 1
    }
  }

  /// Converts `output.count` little-endian elements from `bytes`, which holds exactly that many.
  func decode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Float>) {
    func load<T: FixedWidthInteger>(_ index: Int, as type: T.Type) -> T {
      T(littleEndian: bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }
    for index in output.indices {
      output[index] =
        switch self {
        case .float32: Float(bitPattern: load(index, as: UInt32.self))
        case .float64: Float(Double(bitPattern: load(index, as: UInt64.self)))
        case .float16: Float(Float16(bitPattern: load(index, as: UInt16.self)))
        // bfloat16 is the top half of a float32, so widening is exact.
        case .bfloat16: Float(bitPattern: UInt32(load(index, as: UInt16.self)) << 16)
        case .int64: Float(load(index, as: Int64.self))
        case .int32: Float(load(index, as: Int32.self))
        case .int16: Float(load(index, as: Int16.self))
        case .int8: Float(load(index, as: Int8.self))
        case .uint8: Float(load(index, as: UInt8.self))
        case .bool: load(index, as: UInt8.self) == 0 ? 0 : 1
        }
    }
  }

  /// The dtypes as help text lists them: `F32, F64, …, U8 and BOOL`.
  static var readableList: String {
    let names = allCases.map(\.rawValue)
    return names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
  }
}
