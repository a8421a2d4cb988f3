import Foundation
import Testing

@testable import TensorCore

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
  }

  func file(_ name: String) -> String { path + "/" + name }

  func write(_ bytes: [UInt8], to name: String) throws -> String {
    try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    return file(name)
  }

  func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

  /// What the directory holds, sorted: a leftover temporary file shows up here.
  func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The values of `tensor` as bit patterns, so that NaN payloads, infinities and -0 compare exactly.
func bitPatterns(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

/// A safetensors file with `header` as its header text and `bufferSize` data bytes (all 0x3F);
/// `declaredLength` replaces the header length field.
func craftedFile(_ header: [UInt8], bufferSize: Int = 0, declaredLength: UInt64? = nil) -> [UInt8] {
  let length = declaredLength ?? UInt64(header.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + header
    + [UInt8](repeating: 0x3F, count: bufferSize)
}

/// The safetensors tests, one suite per concern (`swift test --filter SafeTensorsTests` runs them all).
@Suite("safetensors")
struct SafeTensorsTests {}

let damagedHelp = "the file is damaged or is not a safetensors file"
let truncatedHelp = "the file is truncated; save or download it again"

extension SafeTensorsTests {
  @Suite("round trip")
  struct RoundTrip {
    @Test("names, order, shapes, bit-exact values and metadata survive a write and a read")
    func roundTrip() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let specials: [Float] = [
        .nan, Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0xFFA0_0001), .infinity, -.infinity, -0.0, 0,
        .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, 1 / 3,
      ]
      let tensors: [(String, Tensor)] = [
        ("z.weight", try Tensor.arange(0, 6).reshaped([2, 3])),
        ("scalar", Tensor(-2.5)),
        ("empty rows", try Tensor.zeros([0, 3])),
        ("special values", Tensor(specials)),
        ("empty middle", try Tensor.zeros([4, 0, 2])),
        ("a.bias", try Tensor.full([1, 1, 2], 7)),
      ]
      let metadata = ["epoch": "3", "note": "ünïcode ✓ and \"quotes\"", "": "empty key"]
      let path = scratch.file("model.safetensors")
      try SafeTensorsFile.write(tensors, metadata: metadata, to: path)

      let file = try SafeTensorsFile.read(from: path)
      #expect(file.tensors.map(\.name) == tensors.map(\.0))
      for (name, tensor) in tensors {
        #expect(file[name]?.shape == tensor.shape, "shape of \(name)")
        #expect(bitPatterns(file[name]) == bitPatterns(tensor), "values of \(name)")
      }
      #expect(file.metadata == metadata)
      #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test("the header is compact JSON padded with spaces to 8 bytes, without '__metadata__' when there is none")
    func headerLayout() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      try SafeTensorsFile(tensors: [("w", Tensor([1, -2]))]).write(to: scratch.file("a.safetensors"))
      let header = #"{"w":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#
      let padded = Array(header.utf8) + [UInt8](repeating: 0x20, count: 8 - header.utf8.count % 8)
      #expect(try scratch.bytes("a.safetensors") == craftedFile(padded) + [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])

      try SafeTensorsFile.write([], to: scratch.file("empty.safetensors"))
      #expect(try scratch.bytes("empty.safetensors") == craftedFile(Array("{}      ".utf8)))
      let empty = try SafeTensorsFile.read(from: scratch.file("empty.safetensors"))
      #expect(empty.tensors.isEmpty && empty.metadata.isEmpty)
    }

    @Test(
      "writing names the faults in the tensor list and the path",
      arguments: [
        ([("a", [1]), ("b", [2]), ("a", [3])], "x.safetensors", "the tensor name 'a' appears twice"),
        (
          [("__metadata__", [1])], "x.safetensors",
          "'__metadata__' cannot name a tensor; the header keeps the metadata under that key"
        ),
        ([("a", [1])], "sub/", "the path has no file name"),
        ([("a", [1])], "..", "the path has no file name"),
      ] as [([(String, [Float])], String, String)])
    func writeErrors(_ tensors: [(String, [Float])], _ name: String, _ message: String) throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let path = scratch.file(name)
      let error = #expect(throws: SafeTensorsError.self) {
        try SafeTensorsFile.write(tensors.map { ($0.0, Tensor($0.1)) }, to: path)
      }
      #expect(error?.path == path && error?.message == message)
      #expect(try scratch.contents() == [])
    }
  }
}

extension SafeTensorsTests {
  @Suite("golden file from the Python library")
  struct Golden {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/pytorch-golden.safetensors").path

    /// The formulas of `scripts/record-safetensors-golden.py`, evaluated here in Swift.
    static let expected: [String: (shape: [Int], values: [Float])] = [
      "f32": ([2, 3], (0..<6).map { Float($0) * 0.75 - 2 }),
      "f64": ([3, 2], (0..<6).map { Float(Double($0) / 3 - 1) }),
      "f16": (
        [2, 7],
        (0..<8).map { Float(Float16((Double($0) - 3) * 0.1)) } + [65504, 0x1p-24, -0.0, .infinity, -.infinity, .nan]
      ),
      "bf16": ([2, 4], (0..<6).map { Float($0) * 0.5 - 3 } + [0x1p100, -0x1p-130]),
      "i64": ([5], (0..<5).map { Float(Int64($0 - 2) * 3_000_000_019) }),
      "i32": ([2, 2], (0..<4).map { Float(($0 - 2) * 100_000) }),
      "i16": ([3], (0..<3).map { Float(($0 - 1) * 30_000) }),
      "i8": ([4], (0..<4).map { Float($0 * 85 - 128) }),
      "u8": ([4], (0..<4).map { Float($0 * 85) }),
      "bool": ([3], (0..<3).map { $0 % 2 == 0 ? 1 : 0 }),
      "scalar": ([], [3.5]),
      "empty": ([0, 3], []),
    ]

    @Test("every dtype written by Python's safetensors reads to the values of the recording formula")
    func golden() throws {
      let file = try SafeTensorsFile.read(from: Self.path)
      #expect(file.metadata == ["format": "np", "generator": "scripts/record-safetensors-golden.py"])
      #expect(Set(file.tensors.map(\.name)) == Set(Self.expected.keys))
      for (name, expected) in Self.expected {
        let tensor = file[name]
        #expect(tensor?.shape == expected.shape, "shape of \(name)")
        // One canonical NaN: numpy's half NaN need not widen to Swift's `.nan` payload.
        let canonical = { (values: [Float]) in values.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern } }
        #expect(canonical(tensor?.scalars ?? []) == canonical(expected.values), "values of \(name)")
      }
    }

    @Test("tensors come back in the order of their bytes (Python lays out by dtype size, then name)")
    func bufferOrder() throws {
      let file = try SafeTensorsFile.read(from: Self.path)
      #expect(
        file.tensors.map(\.name) == [
          "i64", "f64", "empty", "f32", "scalar", "i32", "bf16", "f16", "i16", "i8", "u8", "bool",
        ])
    }
  }
}

extension SafeTensorsTests {
  @Suite("damaged files")
  struct Damage {
    static let golden = (try? Data(contentsOf: URL(fileURLWithPath: Golden.path))).map(Array.init) ?? []

    /// Reads `bytes` from a scratch file and returns the error, with the path replaced by `<file>`.
    static func readError(_ bytes: [UInt8]) throws -> String? {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let path = try scratch.write(bytes, to: "damaged.safetensors")
      do {
        _ = try SafeTensorsFile.read(from: path)
        return nil
      } catch {
        #expect(error.path == path)
        return "<file>: " + error.message + (error.help.map { "\nhelp: " + $0 } ?? "")
      }
    }

    @Test("the golden file is what these tests assume: an 800-byte header and a 193-byte buffer")
    func goldenLayout() {
      #expect(Self.golden.count == 1001)
      #expect(Self.golden.prefix(8) == [0x20, 0x03, 0, 0, 0, 0, 0, 0])
    }

    @Test(
      "a truncated golden file names what is missing",
      arguments: [
        (0, "the file has 0 bytes, too few for the 8-byte header length\nhelp: \(truncatedHelp)"),
        (7, "the file has 7 bytes, too few for the 8-byte header length\nhelp: \(truncatedHelp)"),
        (8, "the header length is 800 bytes but only 0 bytes follow it\nhelp: \(truncatedHelp)"),
        (500, "the header length is 800 bytes but only 492 bytes follow it\nhelp: \(truncatedHelp)"),
        (807, "the header length is 800 bytes but only 799 bytes follow it\nhelp: \(truncatedHelp)"),
        (808, "tensor 'i64' has data_offsets [0, 40] beyond the end of the 0-byte data buffer\nhelp: \(truncatedHelp)"),
        (
          900,
          "tensor 'f32' has data_offsets [88, 112] beyond the end of the 92-byte data buffer\nhelp: \(truncatedHelp)"
        ),
        (
          1000,
          "tensor 'bool' has data_offsets [190, 193] beyond the end of the 192-byte data buffer\nhelp: \(truncatedHelp)"
        ),
      ])
    func truncated(_ length: Int, _ message: String) throws {
      #expect(try Self.readError(Array(Self.golden.prefix(length))) == "<file>: " + message)
    }

    @Test("bytes after the last tensor are refused: the tensors must cover the buffer exactly")
    func trailingBytes() throws {
      #expect(
        try Self.readError(Self.golden + [1, 2, 3, 4, 5])
          == "<file>: bytes [193, 198] of the data buffer belong to no tensor\n"
          + "help: the format requires the tensors to cover the data buffer exactly; \(damagedHelp)")
    }

    @Test("every truncation and every flipped header byte is an error or a valid file, never a crash")
    func exhaustiveDamage() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      // One file damaged in place (truncate, pwrite), as rewriting thousands of files is slow on a busy disk.
      let path = try scratch.write(Self.golden, to: "damaged.safetensors")
      for length in (0..<Self.golden.count).reversed() {
        #expect(truncate(path, off_t(length)) == 0)
        #expect(throws: SafeTensorsError.self, "truncated to \(length) bytes") { try SafeTensorsFile.read(from: path) }
      }
      _ = try scratch.write(Self.golden, to: "damaged.safetensors")
      let descriptor = open(path, O_WRONLY)
      defer { close(descriptor) }
      func store(_ byte: UInt8, at position: Int) {
        withUnsafeBytes(of: byte) { #expect(pwrite(descriptor, $0.baseAddress, 1, off_t(position)) == 1) }
      }
      var readable = 0
      for position in 0..<808 {
        for mask: UInt8 in [0x01, 0x10, 0x80, 0xFF] {
          store(Self.golden[position] ^ mask, at: position)
          do {
            let file = try SafeTensorsFile.read(from: path)
            readable += 1
            #expect(file.tensors.count == 12, "byte \(position) ^ \(mask)")
          } catch {
            #expect(error.path == path && !error.message.isEmpty)
          }
        }
        store(Self.golden[position], at: position)
      }
      // Flips inside the metadata text or a name still give a valid file; most give none.
      #expect(readable > 0 && readable < 808 * 4 / 2)
      #expect(try scratch.bytes("damaged.safetensors") == Self.golden)
    }

    /// One header entry as JSON text; `nil` leaves a field out, other values are inserted verbatim.
    static func entry(
      _ name: String = "a", dtype: String? = #""F32""#, shape: String? = "[1]", offsets: String? = "[0, 4]"
    ) -> String {
      let fields = [("dtype", dtype), ("shape", shape), ("data_offsets", offsets)].compactMap { key, value in
        value.map { "\"\(key)\": \($0)" }
      }
      return "\"\(name)\": {" + fields.joined(separator: ", ") + "}"
    }

    static let tensorA = entry()
    static let coverHelp = "the format requires the tensors to cover the data buffer exactly; \(damagedHelp)"

    /// A header (one JSON object of `members`), the size of the buffer after it, and the error it must give.
    struct MalformedHeader: Sendable, CustomTestStringConvertible {
      var header: String
      var bufferSize: Int
      var message: String
      var help: String

      init(_ members: [String], buffer bufferSize: Int = 4, _ message: String, help: String = damagedHelp) {
        header = "{" + members.joined(separator: ", ") + "}"
        self.bufferSize = bufferSize
        self.message = message
        self.help = help
      }

      var testDescription: String { message }
    }

    static let malformedHeaders: [MalformedHeader] = [
      MalformedHeader([#""a": 3"#], "entry 'a' is 3, not an object with 'dtype', 'shape' and 'data_offsets'"),
      MalformedHeader([entry(dtype: nil)], "tensor 'a' has no 'dtype'"),
      MalformedHeader([entry(shape: nil)], "tensor 'a' has no 'shape'"),
      MalformedHeader([entry(offsets: nil)], "tensor 'a' has no 'data_offsets'"),
      MalformedHeader([entry(dtype: "32")], #"tensor 'a' has 'dtype' 32; expected a string such as "F32""#),
      MalformedHeader(
        [entry(shape: "[2.5]")], "tensor 'a' has 'shape' [2.5]; expected an array of integers such as [2, 3]"),
      MalformedHeader([entry(shape: "[2, -3]")], "tensor 'a' has a negative size in shape [2, -3]"),
      MalformedHeader(
        [entry(offsets: "[4, 0]")], "tensor 'a' has 'data_offsets' [4, 0]; expected [begin, end] with 0 <= begin <= end"
      ),
      MalformedHeader(
        [entry(offsets: "[-4, 0]")],
        "tensor 'a' has 'data_offsets' [-4, 0]; expected [begin, end] with 0 <= begin <= end"),
      MalformedHeader(
        [entry(offsets: "[4]")], "tensor 'a' has 'data_offsets' [4]; expected [begin, end] with 0 <= begin <= end"),
      MalformedHeader(
        [entry(offsets: #"["0", "4"]"#)],
        #"tensor 'a' has 'data_offsets' ["0","4"]; expected [begin, end] with 0 <= begin <= end"#),
      MalformedHeader(
        [entry(dtype: #""U32""#)], "tensor 'a' has dtype 'U32', which Tempo cannot read",
        help: "Tempo reads F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL; convert the tensor "
          + "(in PyTorch, 'tensor.float()') and save the file again"),
      MalformedHeader(
        [entry(shape: "[2, 3]", offsets: "[0, 20]")], buffer: 20,
        "tensor 'a' of dtype F32 and shape [2, 3] needs 24 bytes, but its data_offsets [0, 20] hold 20"),
      MalformedHeader(
        [entry(dtype: #""F64""#, shape: "[4294967296, 4294967296]", offsets: "[0, 8]")], buffer: 8,
        "tensor 'a' of dtype F64 and shape [4294967296, 4294967296] needs more bytes than a file can hold, "
          + "but its data_offsets [0, 8] hold 8"),
      MalformedHeader(
        [entry(shape: "[2]", offsets: "[0, 8]")],
        "tensor 'a' has data_offsets [0, 8] beyond the end of the 4-byte data buffer", help: truncatedHelp),
      MalformedHeader(
        [entry(shape: "[2]", offsets: "[0, 8]"), entry("b", shape: "[2]", offsets: "[4, 12]")], buffer: 12,
        "tensors 'a' at [0, 8] and 'b' at [4, 12] overlap"),
      MalformedHeader(
        [entry(), entry("b", offsets: "[8, 12]")], buffer: 12, "bytes [4, 8] of the data buffer belong to no tensor",
        help: coverHelp),
      MalformedHeader(
        [entry(offsets: "[4, 8]")], buffer: 8, "bytes [0, 4] of the data buffer belong to no tensor", help: coverHelp),
      MalformedHeader([], "bytes [0, 4] of the data buffer belong to no tensor", help: coverHelp),
      MalformedHeader(
        [tensorA, tensorA], "the header has the key 'a' twice",
        help: "each tensor name may appear only once; save the tensors again under distinct names"),
      MalformedHeader([tensorA, #""__metadata__": ["x"]"#], #"'__metadata__' is ["x"], not an object of strings"#),
      MalformedHeader(
        [tensorA, #""__metadata__": {"epoch": 3}"#], "'__metadata__' maps 'epoch' to 3; metadata values must be strings"
      ),
    ]

    @Test("each kind of malformed header gets its own message", arguments: malformedHeaders)
    func malformedHeader(_ malformed: MalformedHeader) throws {
      let expected = "<file>: \(malformed.message)\nhelp: \(malformed.help)"
      #expect(
        try Self.readError(craftedFile(Array(malformed.header.utf8), bufferSize: malformed.bufferSize)) == expected)
    }

    @Test("a header that is not UTF-8 or not JSON, or an absurd header length, is named")
    func unreadableHeader() throws {
      let tensorA = Array("{\(Self.tensorA)}".utf8)
      #expect(
        try Self.readError(craftedFile([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]))
          == "<file>: the header is not valid UTF-8\nhelp: \(damagedHelp)")
      let unfinished = try Self.readError(craftedFile(Array(#"{"a": "#.utf8)))
      #expect(
        unfinished
          == "<file>: the header is not valid JSON: unexpected token near end of file at line 1, column 6\n"
          + "help: \(damagedHelp)")
      #expect(
        try Self.readError(craftedFile(Array("[1, 2]".utf8)))
          == "<file>: the header is not a JSON object\nhelp: \(damagedHelp)")
      let empty = try Self.readError(craftedFile([]))
      #expect(
        empty
          == "<file>: the header is not valid JSON: unexpected token near end of file at line 1, column 0\n"
          + "help: \(damagedHelp)")
      for length: UInt64 in [100_000_001, .max] {
        #expect(
          try Self.readError(craftedFile(tensorA, bufferSize: 4, declaredLength: length))
            == "<file>: the header length is \(length) bytes, more than the 100000000 bytes readers accept\n"
            + "help: \(damagedHelp)")
      }
      // Padding with spaces, as the format allows, and `null` metadata, as the reference reader allows.
      let padded = Array("{\(Self.tensorA), \"__metadata__\": null}      ".utf8)
      #expect(try Self.readError(craftedFile(padded, bufferSize: 4)) == nil)
    }

    @Test("a missing file or a directory names the path and where a relative path starts")
    func missing() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let absolute = scratch.file("nope.safetensors")
      #expect(throws: SafeTensorsError(path: absolute, "no such file", help: "check the path")) {
        try SafeTensorsFile.read(from: absolute)
      }
      let relative = "no-such-dir-\(UUID().uuidString)/model.safetensors"
      let workingDirectory = FileManager.default.currentDirectoryPath
      #expect(
        throws: SafeTensorsError(
          path: relative, "no such file",
          help: "check the path; a relative path starts in the working directory '\(workingDirectory)'")
      ) { try SafeTensorsFile.read(from: relative) }
      #expect(throws: SafeTensorsError(path: scratch.path, "is a directory, not a safetensors file")) {
        try SafeTensorsFile.read(from: scratch.path)
      }
    }
  }
}

extension SafeTensorsTests {
  @Suite("atomic writes")
  struct AtomicWrite {
    @Test("replacing a file leaves exactly the new file, with no temporary file beside it")
    func replace() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let path = scratch.file("model.safetensors")
      try SafeTensorsFile.write([("old", Tensor([1, 2, 3]))], to: path)
      try SafeTensorsFile.write([("new", Tensor(4))], metadata: ["step": "2"], to: path)
      let file = try SafeTensorsFile.read(from: path)
      #expect(file.tensors.map(\.name) == ["new"] && file["new"]?.scalars == [4] && file.metadata == ["step": "2"])
      #expect(try scratch.contents() == ["model.safetensors"])
    }

    @Test("a target in a missing directory is refused and nothing is created")
    func missingDirectory() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let path = scratch.file("missing/model.safetensors")
      #expect(
        throws: SafeTensorsError(
          path: path, "cannot save: the directory '\(scratch.file("missing"))' does not exist",
          help: "create it first ('mkdir -p \(scratch.file("missing"))') or save somewhere else")
      ) { try SafeTensorsFile.write([("w", Tensor([1]))], to: path) }
      #expect(try scratch.contents() == [])
    }

    @Test("a directory as the target is left as it was and the temporary file is removed")
    func directoryTarget() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let target = scratch.file("model.safetensors")
      try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
      _ = try scratch.write([1, 2, 3], to: "model.safetensors/keep")
      #expect(
        throws: SafeTensorsError(
          path: target, "is a directory, so it cannot be replaced by a file",
          help: "save to a file inside it, e.g. '\(target)/model.safetensors'")
      ) { try SafeTensorsFile.write([("w", Tensor([1]))], to: target) }
      #expect(try scratch.contents() == ["model.safetensors"])
      #expect(try scratch.bytes("model.safetensors/keep") == [1, 2, 3])
    }

    @Test("a refused write leaves the existing file byte for byte as it was")
    func failedWriteKeepsOldFile() throws {
      let scratch = try ScratchDirectory()
      defer { scratch.remove() }
      let path = scratch.file("model.safetensors")
      try SafeTensorsFile.write([("w", Tensor([1, 2]))], metadata: ["v": "1"], to: path)
      let before = try scratch.bytes("model.safetensors")
      #expect(throws: SafeTensorsError.self) {
        try SafeTensorsFile.write([("w", Tensor([3])), ("w", Tensor([4]))], to: path)
      }
      #expect(try scratch.bytes("model.safetensors") == before)
      #expect(try scratch.contents() == ["model.safetensors"])
    }
  }
}
