import Foundation
import Testing

/// Each target's README says which modules it may import (`Allowed imports: A, B (why), C.`);
/// these tests hold every `import` in `Sources/<Target>` to that list, so the READMEs cannot
/// drift from the code.
@Suite("Import rules")
struct ImportRulesTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let sources = packageRoot.appendingPathComponent("Sources")

  /// Every folder under `Sources` that holds Swift files (the C shims hold none).
  static var swiftTargets: [String] {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []
    return folders.sorted().filter { !swiftFiles(in: $0).isEmpty }
  }

  static func swiftFiles(in target: String) -> [String] {
    let folder = sources.appendingPathComponent(target)
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
    return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
  }

  @Test("the import-rule tests find the package's targets")
  func findsTargets() {
    #expect(Self.swiftTargets.contains("TensorCore"))
    #expect(Self.swiftTargets.contains("tempo"))
    #expect(!Self.swiftTargets.contains("CBLAS"))
    #expect(Self.cModules.contains("CBLAS"))
  }

  @Test("a target imports exactly what its README's allowed imports list", arguments: swiftTargets)
  func importsAreAllowed(target: String) throws {
    let readme = Self.sources.appendingPathComponent(target).appendingPathComponent("README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let allowed = try #require(
      ImportRules.allowedImports(inReadme: text),
      "Sources/\(target)/README.md has no 'Allowed imports:' line")
    for name in allowed where !ImportRules.isModuleName(name) {
      Issue.record("Sources/\(target)/README.md allows '\(name)', which is not a module name")
    }
    var imported: Set<String> = []
    for file in Self.swiftFiles(in: target) {
      let url = Self.sources.appendingPathComponent(target).appendingPathComponent(file)
      let source = try String(contentsOf: url, encoding: .utf8)
      for module in ImportRules.importedModules(inSource: source) {
        imported.insert(module)
        if !allowed.contains(module) {
          Issue.record(
            "Sources/\(target)/\(file) imports \(module), which Sources/\(target)/README.md does not allow")
        }
      }
    }
    for name in allowed where ImportRules.isModuleName(name) && !imported.contains(name) {
      Issue.record("Sources/\(target)/README.md allows \(name), which no file of \(target) imports")
    }
  }

  /// Every folder under `Sources` with a `module.modulemap`: the system-library shims.
  static var cModules: [String] {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? []
    return folders.sorted().filter {
      FileManager.default.fileExists(
        atPath: sources.appendingPathComponent($0).appendingPathComponent("module.modulemap").path)
    }
  }

  @Test("each C module has exactly one Swift importer", arguments: cModules)
  func cModuleHasOneImporter(module: String) throws {
    var importers: [String] = []
    for target in Self.swiftTargets {
      let imports = try Self.swiftFiles(in: target).flatMap { file in
        let url = Self.sources.appendingPathComponent(target).appendingPathComponent(file)
        return ImportRules.importedModules(inSource: try String(contentsOf: url, encoding: .utf8))
      }
      if imports.contains(module) { importers.append(target) }
    }
    #expect(
      importers.count == 1,
      "\(module) is imported by \(importers.isEmpty ? "no target" : importers.joined(separator: ", "))")
  }

  @Test("an allowed-imports paragraph is read up to its first period, without the parentheses")
  func readmeParsing() {
    let readme = """
      # Datasets

      Allowed imports: `TensorCore`, `CZlib` (this module is its one Swift importer, e.g. for
      gzip), Glibc. No Foundation.

      More text: Foundation.
      """
    #expect(ImportRules.allowedImports(inReadme: readme) == ["TensorCore", "CZlib", "Glibc"])
    #expect(ImportRules.allowedImports(inReadme: "Allowed imports: none.") == [])
    #expect(ImportRules.allowedImports(inReadme: "Imports nothing.") == nil)
  }

  @Test("imports are read from top-level lines, attributes and kinds included, never from string literals")
  func sourceParsing() {
    let source = """
      import Foundation
      @testable import TempoRuntime
      @_implementationOnly import CBLAS
      import struct Glibc.timespec
      let python = \"""
          import sys
          \"""
      // import Commented
      """
    #expect(ImportRules.importedModules(inSource: source) == ["Foundation", "TempoRuntime", "CBLAS", "Glibc"])
  }
}

/// Reading the two sides of an import rule.
enum ImportRules {
  /// The modules named after `Allowed imports:`, up to the first period outside parentheses;
  /// parenthesised reasons are dropped. Nil when the README has no such line.
  static func allowedImports(inReadme text: String) -> [String]? {
    guard let start = text.range(of: "Allowed imports:") else { return nil }
    var names: [String] = []
    var current = ""
    var depth = 0
    loop: for character in text[start.upperBound...] {
      switch character {
      case "(": depth += 1
      case ")": depth = max(0, depth - 1)
      case _ where depth > 0: continue
      case ".": break loop
      case ",":
        names.append(current)
        current = ""
      default: current.append(character)
      }
    }
    names.append(current)
    let cleaned = names.map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "`", with: "")
    }
    return cleaned == ["none"] ? [] : cleaned.filter { !$0.isEmpty }
  }

  /// The module of every top-level `import` line (`@testable import X`, `import struct X.Y`).
  static func importedModules(inSource source: String) -> [String] {
    let kinds: Set = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]
    return source.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
      guard let first = line.first, first == "@" || first == "i" else { return nil }
      var words = line.split(separator: " ").map(String.init)
      while let word = words.first, word.hasPrefix("@") { words.removeFirst() }
      guard words.first == "import", words.count >= 2 else { return nil }
      let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
      return path.split(separator: ".").first.map(String.init)
    }
  }

  static func isModuleName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
      return false
    }
    return name.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
  }
}
