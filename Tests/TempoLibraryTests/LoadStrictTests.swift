import Foundation
import TempoRuntime
import Testing

@testable import TempoLibrary

/// `load(path, into:, strict:)`: the strict error's hint names a parameter that exists, and
/// `strict: false` loads what matches and says what it did.
@Suite("Loading checkpoints strictly and not")
struct LoadStrictTests {
  /// A session that saved an MLP [64, 16, 10] trained on the digits to `path`, with `wider` (an
  /// MLP [64, 16, 16, 10]) and `small` (an MLP [64, 8, 3]) built and trained too.
  static func session(path: String) -> LibrarySession {
    let session = LibrarySession()
    _ = session.value(
      """
      let data = Digits().split(0.8, seed: 0)
      let run = fit(MLP([64, 16, 10]), on: data, epochs: 1, progress: false)
      save(run.model, "\(path)")
      let wider = fit(MLP([64, 16, 16, 10]), on: data, epochs: 1, seed: 1, progress: false).model
      let small = fit(MLP([64, 8, 3]), on: Digits().filterClasses([0, 1, 2]), epochs: 1, progress: false).model
      """)
    return session
  }

  static func withFile(_ body: (String) throws -> Void) rethrows {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID().uuidString).safetensors")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
  }

  @Test("a mismatched strict load names the tensors, loads nothing, and its help names strict: false")
  func strictMismatch() throws {
    try Self.withFile { path in
      let session = Self.session(path: path)
      let error = try #require(session.error("load(\"\(path)\", into: wider)"))
      #expect(error.family == .valueError)
      let lines = error.rendered.split(separator: "\n").map(String.init)
      #expect(
        lines.first
          == "ValueError: '3.weight' has shape [10, 16] in the state but [16, 16] in the model (MLP [64, 16, 16, 10] from '\(path)'); nothing was loaded"
      )
      #expect(
        lines.last
          == "help: load(\"\(path)\", into: model, strict: false) loads the tensors that match by name and shape, keeps the model's other parameters and lists what it skipped"
      )
      // The hint is true: the call it suggests runs.
      #expect(session.error("let partial = load(\"\(path)\", into: wider, strict: false)") == nil)
    }
  }

  @Test("strict: false loads the matching tensors, keeps the others and prints what it skipped")
  func nonStrictLoad() throws {
    try Self.withFile { path in
      let session = Self.session(path: path)
      let before = session.output.standardOutput.count
      _ = session.value("let partial = load(\"\(path)\", into: wider, strict: false)")
      #expect(
        String(session.output.standardOutput.dropFirst(before))
          == "load: 2 of 4 tensors from '\(path)' into MLP [64, 16, 16, 10]; skipped, shape differs: 3.weight ([10, 16] in the file, [16, 16] in the model), 3.bias ([10] in the file, [16] in the model); kept as they were: 3.weight, 3.bias, 5.weight, 5.bias\n"
      )
      // The first layer is the file's, so the outputs change; `wider` itself is untouched.
      #expect(
        session.value("predict(partial, data.test, scores: true) != predict(wider, data.test, scores: true)")?
          .description == "true")
      // A file that matches completely loads silently and predicts as the saved model.
      let silent = session.output.standardOutput.count
      _ = session.value("let same = load(\"\(path)\", into: run.model, strict: false)")
      #expect(session.output.standardOutput.count == silent)
      #expect(session.value("predict(same, data.test) == predict(run.model, data.test)")?.description == "true")
    }
  }

  @Test("strict: false with no tensor that matches is still an error, listing both sides")
  func nothingMatches() throws {
    try Self.withFile { path in
      let session = Self.session(path: path)
      let error = try #require(session.error("load(\"\(path)\", into: small, strict: false)"))
      let lines = error.rendered.split(separator: "\n").map(String.init)
      #expect(
        lines.first
          == "ValueError: none of the 4 tensors in '\(path)' matches a parameter of MLP [64, 8, 3] by name and shape")
      #expect(
        lines.last
          == "help: the file holds 1.weight [16, 64], 1.bias [16], 3.weight [10, 16], 3.bias [10]; the model has 1.weight [8, 64], 1.bias [8], 3.weight [3, 8], 3.bias [3]: load it into the architecture it was saved from"
      )
    }
  }
}
