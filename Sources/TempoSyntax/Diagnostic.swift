/// A problem found in source text, with where it is and how to fix it.
///
/// Diagnostics are data; `DiagnosticRenderer` turns them into text exactly once. Messages
/// follow swift-syntax: a lowercase start, no final period, code in `'…'`.
public struct Diagnostic: Sendable, Equatable {
  public enum Severity: String, Sendable { case error, warning, note }

  public var severity: Severity
  public var message: String
  /// Where the caret points (a UTF-8 offset into the file).
  public var range: SourceRange
  /// Extra lines printed after the excerpt, each already phrased (`'x' was declared here`).
  public var notes: [String]
  /// One line that tells the reader what to do.
  public var help: String?

  public init(
    _ severity: Severity = .error, _ message: String, at range: SourceRange,
    notes: [String] = [], help: String? = nil
  ) {
    self.severity = severity
    self.message = message
    self.range = range
    self.notes = notes
    self.help = help
  }

  /// An error diagnostic.
  public init(_ message: String, at range: SourceRange, notes: [String] = [], help: String? = nil) {
    self.init(.error, message, at: range, notes: notes, help: help)
  }
}

/// Renders diagnostics as annotated source, like swiftc:
///
/// ```
/// <cell 5>:4:13: error: cannot find 'modle' in scope
///   3 | for epoch in 0..<20 {
///   4 |     let y = modle(x)
///     |             `- error: cannot find 'modle' in scope
/// help: did you mean 'model'?
/// ```
public enum DiagnosticRenderer {
  public static func render(_ diagnostic: Diagnostic, in file: SourceFile) -> String {
    let location = file.location(of: diagnostic.range.start)
    let kind = diagnostic.severity.rawValue
    var lines = ["\(location): \(kind): \(diagnostic.message)"]
    let first = max(1, location.line - 1)
    let gutterWidth = String(location.line).count
    for number in first...location.line {
      let text = file.line(number)
      let label = String(number)
      let pad = String(repeating: " ", count: gutterWidth - label.count)
      lines.append(text.isEmpty ? "\(pad)\(label) |" : "\(pad)\(label) | \(text)")
    }
    // Keep the tabs of the line so the caret stands under the right character.
    let indent = String(file.line(location.line).prefix(location.column - 1).map { $0 == "\t" ? "\t" : " " })
    let gutter = String(repeating: " ", count: gutterWidth)
    lines.append("\(gutter) | \(indent)`- \(kind): \(diagnostic.message)")
    for note in diagnostic.notes { lines.append("note: \(note)") }
    if let help = diagnostic.help { lines.append("help: \(help)") }
    return lines.joined(separator: "\n")
  }

  /// Renders several diagnostics of one file, separated by blank lines.
  public static func render(_ diagnostics: [Diagnostic], in file: SourceFile) -> String {
    diagnostics.map { render($0, in: file) }.joined(separator: "\n\n")
  }
}
