import Foundation
import TempoRuntime
import Testing

/// docs/howto/fine-tune-the-head.md runs as written: its `swift` blocks are cells of one
/// session, each prints exactly what the `output` block under it shows, and a block followed by
/// a `text` block showing an error fails with that error and help (the page's errors need the
/// session's `net`, so they cannot be `swift-error` programs of their own).
@Suite("docs/howto/fine-tune-the-head.md runs as written")
struct FineTuneTheHeadHowToTests {
  /// A `swift` block and the `text` block after it, if any.
  struct Block {
    var code: String
    var shown: String?
  }

  static func blocks(of markdown: String) -> [Block] {
    var blocks: [Block] = []
    var fence: String?
    var lines: [String] = []
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if let open = fence {
        if line == "```" {
          let text = lines.joined(separator: "\n")
          if open == "swift" {
            blocks.append(Block(code: text))
          } else if open == "output" || open == "text", !blocks.isEmpty, blocks[blocks.count - 1].shown == nil {
            blocks[blocks.count - 1].shown = text
          }
          fence = nil
        } else {
          lines.append(line)
        }
      } else if line.hasPrefix("```") {
        fence = String(line.dropFirst(3))
        lines = []
      }
    }
    return blocks
  }

  @Test("every block runs in order and prints or fails as shown")
  func runsAsWritten() throws {
    let path = LibraryDocumentationTests.root.appendingPathComponent("docs/howto/fine-tune-the-head.md")
    let blocks = Self.blocks(of: try String(contentsOf: path, encoding: .utf8))
    #expect(blocks.count >= 8)
    let session = LibrarySession()
    for block in blocks {
      let printedBefore = session.output.standardOutput
      let outcome = session.environment.execute(block.code, output: session.output)
      let printed = String(session.output.standardOutput.dropFirst(printedBefore.count))
      let shown = block.shown ?? ""
      let showsError = shown.split(separator: "\n").first.map { $0.contains("Error: ") } ?? false
      switch outcome {
      case .failure(let error):
        #expect(showsError, "\(block.code) failed: \(error.rendered)")
        for line in shown.split(separator: "\n") {
          #expect(error.rendered.contains(line), "\(block.code): the error shows '\(line)'\n\(error.rendered)")
        }
      case .success:
        #expect(!showsError, "\(block.code) succeeded, but the page shows an error")
        if block.shown != nil {
          #expect(printed == shown + "\n", "\(block.code) printed:\n\(printed)")
        }
      }
    }
  }
}
