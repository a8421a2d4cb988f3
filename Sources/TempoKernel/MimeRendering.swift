import JSONValue
import JupyterKernel
import TempoRuntime

/// Values as MIME bundles: `text/plain` always (it is what untrusted notebooks and terminals
/// show), plus whatever richer forms a host object offers (SVG, HTML).
enum MimeRendering {
  /// Text longer than this is cut in a result, with a note; `print` shows everything.
  static let maximumPlainTextBytes = 1 << 20

  static func bundle(for value: Value) -> MimeBundle {
    let text =
      (try? value.description(limit: maximumPlainTextBytes))
      ?? "<\(value.typeName) whose text is longer than \(maximumPlainTextBytes >> 20) MiB; print parts of it>"
    var bundle: MimeBundle = ["text/plain": .string(text)]
    if case .host(let object) = value {
      for (mime, data) in object.displayRepresentations() where mime != "text/plain" {
        bundle[mime] = jsonObject(mime: mime, data) ?? .string(data)
      }
    }
    return bundle
  }

  /// A JSON media type (`application/json`, `…+json`) travels as an object, as nbformat's schema
  /// requires, not as the text of one.
  static func jsonObject(mime: String, _ data: String) -> JSON? {
    guard mime == "application/json" || (mime.hasPrefix("application/") && mime.hasSuffix("+json")) else {
      return nil
    }
    return try? JSON.parse(data)
  }

  /// The `execute_result` of a cell, or nil when its last statement has no value, or when it
  /// is a display handle: `display(x)` as the last line has shown x already, and echoing
  /// `DisplayHandle(tempo-…)` under it would only be noise.
  static func bundle(forResult value: Value) -> MimeBundle? {
    if case .tuple(let elements) = value, elements.isEmpty { return nil }
    if case .host(let object) = value, object is DisplayHandle { return nil }
    return bundle(for: value)
  }
}
