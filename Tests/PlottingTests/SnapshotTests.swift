import Foundation
import Testing

@testable import Plotting

/// A few small figures compared byte for byte with files in `Snapshots/`, to catch changes the
/// structural tests do not look at (colours, spacing, attribute order). Structure is tested
/// first (FigureStructureTests); a snapshot only says that something changed.
///
/// To accept an intended change: `RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests`, look
/// at the new files, then run again without the variable. Recording always fails the run, so
/// a CI job that sets it by mistake cannot pass.
@Suite("Snapshots")
struct SnapshotTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

  /// Small panels keep each file a few kilobytes, small enough to read in a diff.
  static var smallTheme: Theme {
    var theme = Theme()
    theme.panelWidth = 320
    theme.panelHeight = 200
    return theme
  }

  static let fileNames = [
    "line-gap-legend.svg", "log-log-line.svg", "grouped-bars.svg", "small-heatmap.svg", "table.txt",
  ]

  /// What each snapshot file holds.
  static func rendering(_ fileName: String) -> String? {
    switch fileName {
    case "line-gap-legend.svg":
      let train = [2.3, 1.7, 1.3, 1.0, 0.82, 0.7, 0.61, 0.55, 0.5, 0.47, 0.45, 0.44]
      var test = [2.4, 1.9, 1.5, 1.25, 1.1, 1.0, 0.95, 0.9, 0.88, 0.87, 0.86, 0.86]
      test[5] = .nan
      return Figure(
        Panel(
          title: "Loss", xLabel: "epoch", yLabel: "loss",
          series: [.line(LineSeries(name: "train", y: train)), .line(LineSeries(name: "test", y: test, dashed: true))]),
        theme: smallTheme
      ).svg
    case "log-log-line.svg":
      let sizes = [1e2, 1e3, 1e4, 1e5, 1e6]
      return Figure(
        Panel(
          title: "Error by data set size", xLabel: "examples", yLabel: "error", xScale: .log, yScale: .log,
          series: [.line(LineSeries(name: "MLP", x: sizes, y: sizes.map { 3 * pow($0, -0.4) }, markers: true))]),
        theme: smallTheme
      ).svg
    case "grouped-bars.svg":
      return Figure(
        Panel(
          title: "Accuracy", yLabel: "test accuracy",
          series: [
            .bars(
              BarSeries(
                categories: ["MLP", "CNN", "ResNet"],
                groups: [("SGD", [0.88, 0.91, 0.93]), ("Adam", [0.87, 0.92, 0.94])]))
          ]),
        theme: smallTheme
      ).svg
    case "small-heatmap.svg":
      let values = (0..<3).map { i in (0..<4).map { j in Double(i * 4 + j) / 11 } }
      return Figure(
        Panel(
          title: "Posterior", xLabel: "epoch", yLabel: "copy",
          series: [.heatmap(HeatmapSeries(values: values, colorbarLabel: "weight"))]),
        theme: smallTheme
      ).svg
    case "table.txt":
      return Table(
        columns: ["optimizer", "loss", "accuracy"],
        rows: [["sgd", 0.4123, 0.8934], ["adam", 0.3311, 0.9012], ["lion", .missing, 0.875]],
        title: "Final metrics"
      ).plainText + "\n"
    default:
      return nil
    }
  }

  @Test("renderings match their recorded snapshots", arguments: fileNames)
  func matchesSnapshot(fileName: String) throws {
    let rendered = try #require(Self.rendering(fileName))
    try Self.assertMatchesSnapshot(rendered, fileName: fileName)
  }

  @Test("snapshots stay small enough to read in a diff", arguments: fileNames)
  func snapshotsAreSmall(fileName: String) throws {
    let rendered = try #require(Self.rendering(fileName))
    #expect(rendered.utf8.count < 8_000)
  }

  /// Compares `rendered` byte for byte with the file, or records it when RECORD_SNAPSHOTS=1.
  static func assertMatchesSnapshot(
    _ rendered: String, fileName: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let file = folder.appendingPathComponent(fileName)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try Data(rendered.utf8).write(to: file)
      Issue.record("recorded snapshot \(fileName); run again without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
      return
    }
    guard let recorded = FileManager.default.contents(atPath: file.path) else {
      Issue.record(
        "no snapshot \(fileName) in \(folder.path); record it with RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests",
        sourceLocation: sourceLocation)
      return
    }
    // Bytes, not String ==, which would call differently normalised Unicode equal.
    guard Array(recorded) != Array(rendered.utf8) else { return }
    let recordedLines = String(decoding: recorded, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let renderedLines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
    let index =
      zip(recordedLines, renderedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(recordedLines.count, renderedLines.count)
    func line(_ lines: [Substring]) -> String { index < lines.count ? String(lines[index]) : "(end of file)" }
    Issue.record(
      """
      snapshot \(fileName) differs first at line \(index + 1):
        recorded: \(line(recordedLines))
        rendered: \(line(renderedLines))
      If the change is intended, re-record with RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests, \
      look at the files in \(folder.path), then run again without RECORD_SNAPSHOTS.
      """,
      sourceLocation: sourceLocation)
  }
}
