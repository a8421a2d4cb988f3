import Foundation
import Testing

@testable import Plotting

/// Every figure checked by a real XML parser, not only by the tests' own reader: a notebook
/// that gets malformed SVG shows nothing at all.
@Suite("XML well-formedness")
struct XMLWellFormednessTests {
  @Test("xmllint accepts every sample and edge-case figure")
  func everyFigureIsWellFormed() throws {
    let xmllint = try #require(Self.xmllint(), Self.missingXMLLint)
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var files: [String] = []
    for (name, figure) in AllFigures.all {
      let file = folder.appendingPathComponent("\(name).svg")
      try Data(figure.svg.utf8).write(to: file)
      files.append(file.path)
    }
    let result = try Self.run(xmllint, arguments: ["--noout"] + files)
    #expect(result.status == 0, "xmllint rejected a figure:\n\(result.errors)")
    #expect(result.errors.isEmpty, "xmllint warned:\n\(result.errors)")
  }

  @Test("xmllint rejects a malformed document, so the check above can fail")
  func malformedDocumentIsRejected() throws {
    let xmllint = try #require(Self.xmllint(), Self.missingXMLLint)
    let folder = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("broken.svg")
    try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"><g><text>a < b</text></svg>\n".utf8).write(to: file)
    let result = try Self.run(xmllint, arguments: ["--noout", file.path])
    #expect(result.status != 0)
    #expect(!result.errors.isEmpty)
  }

  /// xmllint on the PATH, or nil. The project's `make setup` installs it (libxml2-utils), so
  /// the tests fail without it rather than skip the check unnoticed.
  static func xmllint() -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("xmllint")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  static let missingXMLLint: Comment =
    "xmllint not found on PATH: install libxml2-utils (`make setup`, or `apt-get install libxml2-utils`)"

  static func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plotting-xml-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Runs `executable` and returns its exit status and what it wrote to standard error.
  static func run(_ executable: URL, arguments: [String]) throws -> (status: Int32, errors: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Read before waiting: a full pipe would block xmllint and the wait would never end.
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }
}
