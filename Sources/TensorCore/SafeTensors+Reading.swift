import Glibc
import JSONValue
import SystemCalls

extension SafeTensorsFile {
  /// Reads every tensor of a safetensors file, converted to Float32.
  ///
  /// F32 is read as is; F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL are converted (rounding to
  /// nearest, BOOL to 0 or 1); any other dtype is an error naming the tensor. The whole file is
  /// checked against the format before a tensor is built: the header must be UTF-8 JSON, each
  /// entry must have a known dtype, a non-negative shape and offsets holding exactly its bytes, and
  /// the tensors must cover the data buffer exactly, without overlaps or gaps. The file is read
  /// with `pread`, one tensor at a time, and not memory-mapped: the tensors own their values, so
  /// the file may be replaced or deleted afterwards. Reading a tensor briefly needs its file bytes
  /// in memory besides its Float32 values.
  ///
  /// - Parameter path: the file to read; a relative path starts in the working directory.
  /// - Returns: the tensors in the order of their bytes in the file, and the metadata.
  /// - Throws: `SafeTensorsError` naming the file and what is wrong with it.
  public static func read(from path: String) throws(SafeTensorsError) -> SafeTensorsFile {
    let file: FileDescriptor
    do { file = try FileDescriptor(opening: path, flags: O_RDONLY) } catch { throw .cannotOpen(path, error) }
    let status: (size: Int, isDirectory: Bool)
    do { status = try file.status() } catch { throw .cannotRead(path, error) }
    guard !status.isDirectory else { throw SafeTensorsError(path: path, "is a directory, not a safetensors file") }
    let size = status.size

    guard size >= headerStart else { throw .fileTooShort(path, size: size) }
    let lengthBytes = try readBytes(file, count: headerStart, at: 0, path: path)
    let declaredLength = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard declaredLength <= UInt64(maximumHeaderLength) else { throw .headerTooLong(path, length: declaredLength) }
    let headerLength = Int(declaredLength)
    guard headerLength <= size - headerStart else {
      throw .headerBeyondFile(path, length: headerLength, available: size - headerStart)
    }
    let header = try readBytes(file, count: headerLength, at: headerStart, path: path)
    let bufferStart = headerStart + headerLength
    let (entries, metadata) = try parseHeader(header, bufferSize: size - bufferStart, path: path)

    var tensors: [(name: String, tensor: Tensor)] = []
    for entry in entries {
      let bytes = try readBytes(file, count: entry.end - entry.begin, at: bufferStart + entry.begin, path: path)
      let storage = TensorStorage(count: entry.count)
      bytes.withUnsafeBytes { raw in
        entry.dtype.decode(raw, into: UnsafeMutableBufferPointer(start: storage.base, count: entry.count))
      }
      tensors.append((entry.name, Tensor(shape: entry.shape, storage: storage)))
    }
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// One checked header entry.
  struct Entry {
    var name: String
    var dtype: SafeTensorsDType
    var shape: [Int]
    var count: Int
    var begin: Int
    var end: Int
  }

  /// Exactly `count` bytes from `offset`; a shorter read means the file shrank since `fstat`.
  private static func readBytes(
    _ file: borrowing FileDescriptor, count: Int, at offset: Int, path: String
  ) throws(SafeTensorsError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    // `withUnsafeMutableBytes` rethrows untyped errors; a `Result` keeps this one typed.
    let outcome = bytes.withUnsafeMutableBytes { raw in
      Result { () throws(SystemCallError) in try file.read(into: raw, at: offset) }
    }
    let done: Int
    do { done = try outcome.get() } catch { throw .cannotRead(path, error) }
    guard done == count else {
      throw SafeTensorsError(
        path: path, "the file ended while it was being read", help: "was it being written? read it again")
    }
    return bytes
  }

  /// Checks the header against the format and the data buffer's size; returns the entries in the
  /// order of their bytes (empty tensors sharing an offset by name) and the metadata.
  static func parseHeader(
    _ bytes: [UInt8], bufferSize: Int, path: String
  ) throws(SafeTensorsError) -> (entries: [Entry], metadata: [String: String]) {
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw SafeTensorsError(path: path, "the header is not valid UTF-8", help: damagedHelp)
    }
    let json: JSON
    do { json = try JSON.parse(bytes) } catch { throw .headerNotJSON(path, error) }
    guard case .object(let members) = json else {
      throw SafeTensorsError(path: path, "the header is not a JSON object", help: damagedHelp)
    }

    var entries: [Entry] = []
    var metadata: [String: String] = [:]
    // Sorted, so that a header with several faults always reports the same one.
    for (name, value) in members.sorted(by: { $0.key < $1.key }) {
      if name == "__metadata__" {
        metadata = try parseMetadata(value, path: path)
      } else {
        entries.append(try parseEntry(name, value, path: path))
      }
    }

    entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var covered = 0
    var previous: Entry?
    for entry in entries {
      guard entry.end <= bufferSize else { throw .beyondBuffer(path, entry, bufferSize: bufferSize) }
      if let previous, entry.begin < covered { throw .overlap(path, previous, entry) }
      guard entry.begin == covered else { throw .uncovered(path, from: covered, to: entry.begin) }
      covered = entry.end
      previous = entry
    }
    guard covered == bufferSize else { throw .uncovered(path, from: covered, to: bufferSize) }
    return (entries, metadata)
  }

  private static func parseEntry(_ name: String, _ value: JSON, path: String) throws(SafeTensorsError) -> Entry {
    guard case .object(let fields) = value else {
      throw SafeTensorsError(
        path: path, "entry '\(name)' is \(value.text), not an object with 'dtype', 'shape' and 'data_offsets'",
        help: damagedHelp)
    }
    func field(_ key: String) throws(SafeTensorsError) -> JSON {
      guard let value = fields[key] else {
        throw SafeTensorsError(path: path, "tensor '\(name)' has no '\(key)'", help: damagedHelp)
      }
      return value
    }
    func wrong(_ key: String, _ value: JSON, expected: String) -> SafeTensorsError {
      SafeTensorsError(
        path: path, "tensor '\(name)' has '\(key)' \(value.text); expected \(expected)", help: damagedHelp)
    }

    let dtypeValue = try field("dtype")
    guard case .string(let dtypeName) = dtypeValue else {
      throw wrong("dtype", dtypeValue, expected: "a string such as \"F32\"")
    }
    let shapeValue = try field("shape")
    guard let shape = integers(shapeValue) else {
      throw wrong("shape", shapeValue, expected: "an array of integers such as [2, 3]")
    }
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw SafeTensorsError(
        path: path, "tensor '\(name)' has a negative size in shape \(Tensor.describe(shape))", help: damagedHelp)
    }
    let offsetsValue = try field("data_offsets")
    guard let offsets = integers(offsetsValue), offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
      let shown = integers(offsetsValue).map(Tensor.describe) ?? offsetsValue.text
      throw SafeTensorsError(
        path: path, "tensor '\(name)' has 'data_offsets' \(shown); expected [begin, end] with 0 <= begin <= end",
        help: damagedHelp)
    }
    guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
      throw SafeTensorsError(
        path: path, "tensor '\(name)' has dtype '\(dtypeName)', which Tempo cannot read",
        help: "Tempo reads \(SafeTensorsDType.readableList); convert the tensor (in PyTorch, 'tensor.float()') "
          + "and save the file again")
    }
    var count = 1
    var overflow = false
    for size in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: size) }
    let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
    let (begin, end) = (offsets[0], offsets[1])
    guard !overflow, !byteOverflow, byteCount == end - begin else {
      let needed = overflow || byteOverflow ? "more bytes than a file can hold" : "\(byteCount) bytes"
      throw SafeTensorsError(
        path: path,
        "tensor '\(name)' of dtype \(dtype.rawValue) and shape \(Tensor.describe(shape)) needs \(needed), "
          + "but its data_offsets \(Tensor.describe(offsets)) hold \(end - begin)",
        help: damagedHelp)
    }
    return Entry(name: name, dtype: dtype, shape: shape, count: count, begin: begin, end: end)
  }

  private static func parseMetadata(_ value: JSON, path: String) throws(SafeTensorsError) -> [String: String] {
    // The reference implementation reads `null` as no metadata.
    if case .null = value { return [:] }
    guard case .object(let pairs) = value else {
      throw SafeTensorsError(path: path, "'__metadata__' is \(value.text), not an object of strings", help: damagedHelp)
    }
    var metadata: [String: String] = [:]
    for (key, item) in pairs.sorted(by: { $0.key < $1.key }) {
      guard case .string(let text) = item else {
        throw SafeTensorsError(
          path: path, "'__metadata__' maps '\(key)' to \(item.text); metadata values must be strings",
          help: damagedHelp)
      }
      metadata[key] = text
    }
    return metadata
  }

  /// The integers of a JSON array, or `nil` when it is not an array of integers.
  private static func integers(_ value: JSON) -> [Int]? {
    guard case .array(let items) = value else { return nil }
    var result: [Int] = []
    for item in items {
      guard case .int(let number) = item else { return nil }
      result.append(number)
    }
    return result
  }

  static let damagedHelp = "the file is damaged or is not a safetensors file"
  static let truncatedHelp = "the file is truncated; save or download it again"
}

// MARK: - Reading errors

extension SafeTensorsError {
  static func cannotOpen(_ path: String, _ error: SystemCallError) -> SafeTensorsError {
    guard error.code == ENOENT else { return SafeTensorsError(path: path, "cannot open the file: \(error.reason)") }
    guard !path.hasPrefix("/") else { return SafeTensorsError(path: path, "no such file", help: "check the path") }
    let directory = getcwd(nil, 0).map { pointer in
      defer { free(pointer) }
      return String(cString: pointer)
    }
    return SafeTensorsError(
      path: path, "no such file",
      help: "check the path; a relative path starts in the working directory '\(directory ?? "?")'")
  }

  static func cannotRead(_ path: String, _ error: SystemCallError) -> SafeTensorsError {
    SafeTensorsError(path: path, "cannot read the file: \(error.reason)")
  }

  static func fileTooShort(_ path: String, size: Int) -> SafeTensorsError {
    SafeTensorsError(
      path: path, "the file has \(size) bytes, too few for the 8-byte header length",
      help: SafeTensorsFile.truncatedHelp)
  }

  static func headerTooLong(_ path: String, length: UInt64) -> SafeTensorsError {
    SafeTensorsError(
      path: path,
      "the header length is \(length) bytes, more than the \(SafeTensorsFile.maximumHeaderLength) bytes readers accept",
      help: SafeTensorsFile.damagedHelp)
  }

  static func headerBeyondFile(_ path: String, length: Int, available: Int) -> SafeTensorsError {
    SafeTensorsError(
      path: path, "the header length is \(length) bytes but only \(available) bytes follow it",
      help: SafeTensorsFile.truncatedHelp)
  }

  static func headerNotJSON(_ path: String, _ error: JSON.ParseError) -> SafeTensorsError {
    switch error.kind {
    case .duplicateKey(let key?):
      SafeTensorsError(
        path: path, "the header has the key '\(key)' twice",
        help: "each tensor name may appear only once; save the tensors again under distinct names")
    case .duplicateKey(nil), .malformed:
      SafeTensorsError(
        path: path, "the header is not valid JSON: \(error.message) at line \(error.line), column \(error.column)",
        help: SafeTensorsFile.damagedHelp)
    }
  }

  static func beyondBuffer(_ path: String, _ entry: SafeTensorsFile.Entry, bufferSize: Int) -> SafeTensorsError {
    SafeTensorsError(
      path: path,
      "tensor '\(entry.name)' has data_offsets \(Tensor.describe([entry.begin, entry.end])) "
        + "beyond the end of the \(bufferSize)-byte data buffer",
      help: SafeTensorsFile.truncatedHelp)
  }

  static func overlap(
    _ path: String, _ first: SafeTensorsFile.Entry, _ second: SafeTensorsFile.Entry
  ) -> SafeTensorsError {
    SafeTensorsError(
      path: path,
      "tensors '\(first.name)' at \(Tensor.describe([first.begin, first.end])) "
        + "and '\(second.name)' at \(Tensor.describe([second.begin, second.end])) overlap",
      help: SafeTensorsFile.damagedHelp)
  }

  static func uncovered(_ path: String, from begin: Int, to end: Int) -> SafeTensorsError {
    SafeTensorsError(
      path: path, "bytes \(Tensor.describe([begin, end])) of the data buffer belong to no tensor",
      help: "the format requires the tensors to cover the data buffer exactly; \(SafeTensorsFile.damagedHelp)")
  }
}
