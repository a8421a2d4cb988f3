import TempoSyntax

/// An object an error carries to the code that catches it. Errors cross no threads here (a
/// cell runs on one), so the object need not be Sendable.
public final class ErrorAttachment: @unchecked Sendable {
  public let object: AnyObject
  public init(_ object: AnyObject) { self.object = object }
}

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
  /// A data set that cannot be read or used as asked (a missing or corrupt file).
  case dataError = "DataError"
  /// A model and data or options that do not fit together in training.
  case trainingError = "TrainingError"
  /// A loss that became NaN or infinite.
  case divergenceError = "DivergenceError"
  /// Tensors whose shapes do not fit an operation.
  case shapeError = "ShapeError"
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
  /// What the error carries for a builtin that may catch it: `seeds` keeps the run a
  /// `DivergenceError` ended and goes on with the next seed.
  public var attachment: ErrorAttachment?
  /// The calls the error passed through, innermost first (the traceback); a frame's file is
  /// filled in when the error leaves the function that made the call.
  var callSites: [(range: SourceRange, file: SourceFile?, repeats: Int)] = []
  /// Calls left out of `callSites` (deep recursion), counted but not kept.
  var omittedCallSites = 0
  static let maximumCallSites = 8

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
    var copy = self
    if copy.file == nil, copy.range != nil { copy.file = file }
    for index in copy.callSites.indices where copy.callSites[index].file == nil {
      copy.callSites[index].file = file
    }
    return copy
  }

  /// The error, raised inside a function, passing out through a call at `range`.
  func called(at range: SourceRange) -> RuntimeError {
    // Errors without a file have not left a function yet: they belong to this call itself.
    guard file != nil else { return located(at: range) }
    var copy = self
    if let last = copy.callSites.indices.last, copy.callSites[last].range == range {
      // Recursion through one call site is one line of the traceback, with a count.
      copy.callSites[last].repeats += 1
    } else if copy.callSites.count < RuntimeError.maximumCallSites {
      copy.callSites.append((range, nil, 1))
    } else {
      copy.omittedCallSites += 1
    }
    return copy
  }

  /// The notes with the traceback after them.
  var notesWithCallSites: [String] {
    var lines = notes
    for site in callSites {
      guard let file = site.file else { continue }
      let times = site.repeats > 1 ? " (\(site.repeats) times)" : ""
      lines.append("called from \(file.location(of: site.range.start))\(times)")
    }
    if omittedCallSites > 0 { lines.append("… and \(omittedCallSites) more calls") }
    return lines
  }

  /// `Family: message`, then the annotated excerpt when the place is known.
  public var rendered: String {
    var text = "\(family.rawValue): \(message)"
    if let file, let range {
      let diagnostic = Diagnostic(.error, message, at: range, notes: notesWithCallSites, help: help)
      text += "\n\n" + DiagnosticRenderer.render(diagnostic, in: file)
    } else {
      for note in notesWithCallSites { text += "\nnote: \(note)" }
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
