import Glibc
import SystemCalls
import TempoRuntime

/// A host object that `save(value, path)` writes to a file: figures and tables here, models
/// and runs in the engine bindings, so `save` is one builtin that knows no type but this.
public protocol SavableObject: HostObject {
  /// Writes the object to `path`, in the format its extension names.
  ///
  /// - Parameters:
  ///   - path: the file to write; its folder must exist.
  ///   - fileExtension: the path's extension, lowercased (empty when there is none).
  /// - Throws: a `RuntimeError` when the extension is not one of the object's formats or the
  ///   file cannot be written.
  func save(to path: String, fileExtension: String) throws
}

/// `save(…)`.
enum Saving {
  static var save: BuiltinFunction {
    let documentation = Documentation(
      name: "save",
      signature: Signature([
        ParameterSpec(
          nil, "value", .oneOf([.host("Figure"), .host("Table"), .host("Model"), .host("Run")]), "what to save"),
        ParameterSpec(
          nil, "path", .string,
          "the file: .svg for a figure; .html, .md, .txt or .csv for a table; .safetensors for a model"),
      ]),
      summary: "Writes a figure, a table or a model's weights to a file.",
      discussion:
        "The file is written whole or not at all (a temporary file renamed into place), so an interrupted save never leaves half a file. The folder must exist. A model (or a run's model) is saved as safetensors under PyTorch's parameter names, with its architecture in the metadata so load(path) rebuilds it.",
      example: "save(plot([3, 2, 1]), \"loss.svg\")", category: "Figures and tables")
    return BuiltinFunction(documentation) { args in
      let value = try args.value("value")
      let path = try args.string("path")
      let fileExtension = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
      guard case .host(let object as SavableObject) = value else {
        throw RuntimeError(
          .typeError, "save(…) writes figures and tables, not a \(value.typeName)",
          help: "make a figure with plot(…) or a table with table(…); print(…) shows other values")
      }
      try object.save(to: path, fileExtension: fileExtension)
      return .void
    }
  }

  /// Writes `text` to `path` whole or not at all (`AtomicFile`: a temporary file, `fsync`,
  /// rename).
  static func write(_ text: String, to path: String) throws {
    let reason: String
    do throws(AtomicFile.Failure) {
      try AtomicFile.write(Array(text.utf8), to: path)
      return
    } catch {
      switch error {
      case .noFileName: reason = "the path has no file name"
      case .cannotCreate(let directory, let error) where error.code == ENOENT:
        reason = "the folder '\(directory)' does not exist"
      case .cannotCreate(_, let error), .cannotWrite(let error), .cannotReplace(let error): reason = error.reason
      case .cannotSynchronizeDirectory(let error):
        reason = "it was saved, but syncing its folder failed (\(error.reason)), so it may not survive a power failure"
      }
    }
    throw RuntimeError(
      .valueError, "cannot write '\(path)': \(reason)", help: "check that the folder exists and is writable")
  }
}

extension FigureObject: SavableObject {
  public func save(to path: String, fileExtension: String) throws {
    guard fileExtension == "svg" else {
      throw RuntimeError(
        .valueError, "a figure is saved as SVG, not as '.\(fileExtension)' (\(path))",
        help: "use a path ending in .svg")
    }
    try Saving.write(svg, to: path)
  }
}

extension TableObject: SavableObject {
  public func save(to path: String, fileExtension: String) throws {
    let text: String
    switch fileExtension {
    case "html", "htm": text = table.html
    case "md", "markdown": text = table.markdown
    case "txt": text = table.plainText + "\n"
    case "csv": text = table.csv
    default:
      throw RuntimeError(
        .valueError, "a table is saved as .html, .md, .txt or .csv, not as '.\(fileExtension)' (\(path))",
        help: "use one of those extensions")
    }
    try Saving.write(text, to: path)
  }
}
