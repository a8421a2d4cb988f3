import Glibc
import JSONValue
import SystemCalls

extension SafeTensorsFile {
  /// Writes tensors as F32 to a safetensors file, replacing `path` atomically.
  ///
  /// The data buffer holds the tensors in the order given (the Python library lays them out by
  /// dtype size, then name; readers do not care), so ``read(from:)`` returns them in that order.
  /// The header is compact JSON with sorted keys, padded with spaces to a multiple of 8 bytes;
  /// `"__metadata__"` is written only when `metadata` is not empty. The file is written with
  /// `AtomicFile`: a temporary file beside `path`, flushed with `fsync`, renamed over `path` and
  /// followed by an `fsync` of the directory, so a reader sees the old file or the new one, never
  /// a part, and a failure leaves the old file as it was. The new file's permissions come from
  /// the umask, not from the file it replaces; and a symbolic link at `path` is replaced by the
  /// file rather than followed, so save to the link's target when other paths must see the new
  /// weights.
  ///
  /// - Parameters:
  ///   - tensors: names and tensors; the names must be distinct and not `"__metadata__"`.
  ///   - metadata: free text stored in the header (for example the epoch or the model's config).
  ///   - path: the file to create or replace; its directory must exist.
  /// - Throws: `SafeTensorsError` naming the file and the fault; the old file is then untouched,
  ///   except when only the final directory `fsync` fails (the message says so).
  public static func write(
    _ tensors: [(String, Tensor)], metadata: [String: String] = [:], to path: String
  ) throws(SafeTensorsError) {
    let header = try makeHeader(tensors, metadata: metadata, path: path)
    do throws(AtomicFile.Failure) {
      try AtomicFile.write(to: path) { (file: borrowing FileDescriptor) throws(SystemCallError) in
        try writeContents(header: header, tensors: tensors, to: file)
      }
    } catch {
      throw SafeTensorsError(path: path, error)
    }
  }

  /// The JSON header, padded with spaces to a multiple of 8 bytes.
  private static func makeHeader(
    _ tensors: [(String, Tensor)], metadata: [String: String], path: String
  ) throws(SafeTensorsError) -> [UInt8] {
    var entries: [String: JSON] = [:]
    var offset = 0
    for (name, tensor) in tensors {
      guard name != "__metadata__" else {
        throw SafeTensorsError(
          path: path, "'__metadata__' cannot name a tensor; the header keeps the metadata under that key",
          help: "rename the tensor")
      }
      guard entries[name] == nil else {
        throw SafeTensorsError(
          path: path, "the tensor name '\(name)' appears twice", help: "give each tensor a distinct name")
      }
      let (byteCount, overflow) = tensor.count.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
      let (end, endOverflow) = offset.addingReportingOverflow(byteCount)
      guard !overflow, !endOverflow else {
        throw SafeTensorsError(path: path, "the tensors need more bytes than a file can hold")
      }
      entries[name] = [
        "dtype": "F32", "shape": .array(tensor.shape.map { .int($0) }), "data_offsets": [.int(offset), .int(end)],
      ]
      offset = end
    }
    if !metadata.isEmpty { entries["__metadata__"] = .object(metadata.mapValues { .string($0) }) }

    var header = JSON.object(entries).serialized
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
    guard header.count <= maximumHeaderLength else {
      throw SafeTensorsError(
        path: path,
        "the header would be \(header.count) bytes, more than the \(maximumHeaderLength) bytes readers accept",
        help: "save the tensors in several files or shorten the metadata")
    }
    return header
  }

  /// Length, header and data.
  private static func writeContents(
    header: [UInt8], tensors: [(String, Tensor)], to file: borrowing FileDescriptor
  ) throws(SystemCallError) {
    // The `withUnsafe…` functions rethrow untyped errors; each write returns a `Result` to keep its type.
    let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * $0)) }
    try (length + header).withUnsafeBytes { raw in Result { () throws(SystemCallError) in try file.write(raw) } }
      .get()
    for (_, tensor) in tensors {
      #if _endian(big)
        let values = tensor.scalars.map { $0.bitPattern.littleEndian }
      #else
        let values = tensor
      #endif
      try values.withUnsafeBufferPointer { buffer in
        Result { () throws(SystemCallError) in try file.write(UnsafeRawBufferPointer(buffer)) }
      }.get()
    }
  }
}

// MARK: - Writing errors

extension SafeTensorsError {
  /// The message for each way an atomic save can fail.
  init(path: String, _ failure: AtomicFile.Failure) {
    switch failure {
    case .noFileName:
      self.init(path: path, "the path has no file name", help: "add one, e.g. 'model.safetensors'")
    case .cannotCreate(let directory, let error): self = .cannotCreate(path, in: directory, error)
    case .cannotWrite(let error):
      self.init(path: path, "cannot write the file: \(error.reason)", help: "the existing file, if any, is unchanged")
    case .cannotReplace(let error): self = .cannotReplace(path, error)
    case .cannotSynchronizeDirectory(let error):
      self.init(
        path: path, "the file was saved, but syncing its directory failed: \(error.reason)",
        help: "the new file may not survive a power failure; save it again to be sure")
    }
  }

  static func cannotCreate(_ path: String, in directory: String, _ error: SystemCallError) -> SafeTensorsError {
    switch error.code {
    case ENOENT:
      SafeTensorsError(
        path: path, "cannot save: the directory '\(directory)' does not exist",
        help: "create it first ('mkdir -p \(directory)') or save somewhere else")
    case ENOTDIR:
      SafeTensorsError(path: path, "cannot save: part of the directory '\(directory)' is a file, not a directory")
    default:
      SafeTensorsError(path: path, "cannot create a temporary file in '\(directory)': \(error.reason)")
    }
  }

  static func cannotReplace(_ path: String, _ error: SystemCallError) -> SafeTensorsError {
    guard error.code == EISDIR else {
      return SafeTensorsError(
        path: path, "cannot replace the file: \(error.reason)", help: "the existing file, if any, is unchanged")
    }
    return SafeTensorsError(
      path: path, "is a directory, so it cannot be replaced by a file",
      help: "save to a file inside it, e.g. '\(path)/model.safetensors'")
  }
}
