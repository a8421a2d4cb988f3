import TempoSyntax

/// The stable families of errors a program can meet; each is the `ename` a notebook shows.
public enum ErrorFamily: String, Sendable, CaseIterable {
  case syntaxError = "SyntaxError"
  case nameError = "NameError"
  case typeError = "TypeError"
  case valueError = "ValueError"
  case indexError = "IndexError"
  case keyError = "KeyError"
  case zeroDivisionError = "ZeroDivisionError"
  case overflowError = "OverflowError"
  case recursionError = "RecursionError"
  case limitError = "LimitError"
  case inputError = "InputError"
  case keyboardInterrupt = "KeyboardInterrupt"
}

/// An error raised while a program runs, as data: family, message, place, notes and help.
///
/// Thrown by builtins without a place; the evaluator adds the place of the expression that
/// failed and the source it came from as the error passes through.
public struct RuntimeError: Error, CustomStringConvertible {
  public var family: ErrorFamily
  public var message: String
  public var range: SourceRange?
  public var file: SourceFile?
  public var notes: [String]
  public var help: String?

  public init(
    _ family: ErrorFamily, _ message: String, at range: SourceRange? = nil,
    notes: [String] = [], help: String? = nil
  ) {
    self.family = family
    self.message = message
    self.range = range
    self.notes = notes
    self.help = help
  }

  /// The error with a place attached, unless it already has one.
  func located(at range: SourceRange) -> RuntimeError {
    guard self.range == nil else { return self }
    var copy = self
    copy.range = range
    return copy
  }

  /// The error with its source file attached, unless it already has one.
  func inFile(_ file: SourceFile) -> RuntimeError {
    guard self.file == nil, range != nil else { return self }
    var copy = self
    copy.file = file
    return copy
  }

  /// `Family: message`, then the annotated excerpt when the place is known.
  public var rendered: String {
    var text = "\(family.rawValue): \(message)"
    if let file, let range {
      let diagnostic = Diagnostic(.error, message, at: range, notes: notes, help: help)
      text += "\n\n" + DiagnosticRenderer.render(diagnostic, in: file)
    } else {
      for note in notes { text += "\nnote: \(note)" }
      if let help { text += "\nhelp: \(help)" }
    }
    return text
  }

  public var description: String { rendered }
}

/// Thrown by `Session.execute` when a cell cannot run at all because of syntax errors.
public struct CellErrors: Error {
  public var family: ErrorFamily
  public var diagnostics: [Diagnostic]
  public var file: SourceFile

  /// Every diagnostic, each with its excerpt, after a `Family: first message` line.
  public var rendered: String {
    let first = diagnostics.first?.message ?? "invalid cell"
    let count = diagnostics.count > 1 ? " (and \(diagnostics.count - 1) more)" : ""
    return "\(family.rawValue): \(first)\(count)\n\n" + DiagnosticRenderer.render(diagnostics, in: file)
  }
}
