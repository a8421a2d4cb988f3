import Foundation
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import PlotBindings
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

  @Test("the reference documents every member of Dataset, DataSplit, Model, Run, RunGroup and Trainer")
  func hostMembersAreDocumented() throws {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let run = fit(MLP([64, 10]), on: data, progress: false)
      let group = seeds(1) { s in fit(MLP([64, 10]), on: data, seed: s, progress: false) }
      let trainer = Trainer(MLP([64, 10]), optimizer: SGD(learningRate: 0.1), data: data)
      """)
    let values = [
      "Dataset": "data.train", "DataSplit": "data", "Model": "run.model", "Run": "run", "RunGroup": "group",
      "Trainer": "trainer",
    ]
    let environment = StandardLibrary.makeEnvironment()
    #expect(environment.typeMembers.map(\.type) == ["Dataset", "DataSplit", "Model", "Run", "RunGroup", "Trainer"])
    for (type, members) in environment.typeMembers {
      guard case .host(let object)? = session.value(try #require(values[type])) else {
        Issue.record("\(type): no sample value")
        continue
      }
      #expect(object.typeName == type)
      #expect(members.map(\.name) == object.memberNames.sorted(), "\(type)")
      #expect(members.allSatisfy { !$0.summary.isEmpty }, "\(type)")
    }
    let reference = BuiltinReference.markdown(for: environment)
    for type in values.keys { #expect(reference.contains("## \(type) members")) }
    #expect(reference.contains("### `stepLosses`\n\n```swift\nstepLosses: [Double]\n```"))
  }

  /// `save` is left out: its example writes a file where the tests run.
  static var libraryBuiltins: [String] {
    (PlotBuiltins.all + TableBuiltins.all).map(\.name).filter { $0 != "save" }
  }

  /// Examples that read files a user would have (their loaders are tested on files the
  /// Datasets tests write) are left out, and so is RottenTomatoes, whose corpus is found through
  /// the kernel's Python environment (its loader is tested on a file given by path); every
  /// other training builtin's example runs.
  static var trainingBuiltins: [String] {
    let readsUserFiles: Set = ["MNIST", "CSV", "NPY", "CIFAR10", "load", "TextClassification", "RottenTomatoes"]
    return
      (DataBuiltins.all + ModelBuiltins.all + OptimizerBuiltins.all + FitBuiltins.all + ExperimentBuiltins.all
      + [TrainerBuiltin.trainer]).map(\.name).filter { !readsUserFiles.contains($0) }
  }

  @Test("every training builtin's example runs without an error", arguments: trainingBuiltins)
  func trainingExamplesRun(name: String) throws {
    try examplesRun(name: name)
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

@Suite("Gallery")
struct GalleryTests {
  @Test("every gallery entry's code runs and ends in a figure", arguments: Gallery.entries.map(\.name))
  func entryRenders(name: String) throws {
    let entry = try #require(Gallery.entries.first { $0.name == name })
    switch Gallery.render(entry) {
    case .success(let svg): #expect(svg.hasPrefix("<svg"))
    case .failure(let error): Issue.record("\(name): \(error.rendered)")
    }
  }

  @Test("docs/gallery holds what the gallery code draws now")
  func committedGalleryIsCurrent() throws {
    for entry in Gallery.entries {
      let file = LibraryDocumentationTests.root.appendingPathComponent("docs/gallery/\(entry.name).svg")
      let committed = try String(contentsOf: file, encoding: .utf8)
      guard case .success(let svg) = Gallery.render(entry) else { continue }
      #expect(committed == svg, "docs/gallery/\(entry.name).svg is stale: run 'make docs'")
    }
  }
}
