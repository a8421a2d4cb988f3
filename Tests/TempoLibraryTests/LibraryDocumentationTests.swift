import Foundation
import TempoRuntime
import Testing

@testable import TempoLibrary

@Suite("Library documentation")
struct LibraryDocumentationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test("docs/builtins.md is what the builtins' documentation generates, library builtins included")
  func builtinsReferenceIsCurrent() throws {
    let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/builtins.md"), encoding: .utf8)
    let generated = BuiltinReference.markdown(for: StandardLibrary.makeEnvironment())
    #expect(committed == generated, "run 'make docs' to regenerate docs/builtins.md")
    #expect(generated.contains("### `plot`"))
  }

  /// `save` is left out: its example writes a file where the tests run.
  static var libraryBuiltins: [String] {
    (PlotBuiltins.all + TableBuiltins.all).map(\.name).filter { $0 != "save" }
  }

  @Test("every library builtin's example runs without an error", arguments: libraryBuiltins)
  func examplesRun(name: String) throws {
    let environment = StandardLibrary.makeEnvironment()
    let documentation = try #require(environment.documentation[name])
    let example = try #require(documentation.example, "\(name) has no example")
    #expect(!documentation.summary.isEmpty)
    let outcome = environment.execute(example, output: CollectingOutput())
    if case .failure(let error) = outcome { Issue.record("\(name): \(error.rendered)") }
  }
}
