/// The documentation a builtin carries with it: the single source for `help`, inspection,
/// completion and the generated `docs/builtins.md`.
public struct Documentation: Sendable {
  public var name: String
  /// Typed parameter list, when the callable has one (builtins do).
  public var signature: Signature?
  /// `func name(_ x: Double) -> Double` as shown to the user.
  public var signatureText: String
  /// One line: what it does.
  public var summary: String
  /// More: what it is for, one misuse to avoid, edge cases.
  public var discussion: String?
  /// A short program showing it in use.
  public var example: String?
  /// A heading for the reference (`Output`, `Math`, `Arrays`, …).
  public var category: String

  public init(
    name: String, signature: Signature? = nil, signatureText: String? = nil, summary: String,
    discussion: String? = nil, example: String? = nil, category: String = "Other"
  ) {
    self.name = name
    self.signature = signature
    self.signatureText = signatureText ?? signature?.rendered(name: name) ?? name
    self.summary = summary
    self.discussion = discussion
    self.example = example
    self.category = category
  }

  /// Plain text for `help(x)` and `inspect_request`.
  public var text: String {
    var lines = [signatureText, "", summary]
    if let discussion { lines += ["", discussion] }
    if let parameters = listedParameters {
      lines += ["", "Parameters:"]
      for p in parameters {
        let shown = p.label ?? "_ \(p.name)"
        let facets = p.facets().isEmpty ? "" : " (\(p.facets().joined(separator: "; ")))"
        lines.append("  \(shown): \(p.type)\(facets)\(p.summary.isEmpty ? "" : " — \(p.summary)")")
      }
    }
    if let returns = signature?.returns, returns != "Void" { lines += ["", "Returns: \(returns)"] }
    if let example {
      lines += [
        "", "Example:",
        example.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n"),
      ]
    }
    return lines.joined(separator: "\n")
  }

  /// The parameters to list under the signature: all of them, when any says more than the
  /// signature does (a summary, a check, an old spelling).
  var listedParameters: [ParameterSpec]? {
    guard let parameters = signature?.parameters,
      parameters.contains(where: { !$0.summary.isEmpty || $0.check != nil || $0.deprecatedLabel != nil })
    else { return nil }
    return parameters
  }

  /// A Markdown section for `docs/builtins.md`.
  public var markdown: String {
    var lines = ["### `\(name)`", "", "```swift", signatureText, "```", "", summary]
    if let discussion { lines += ["", discussion] }
    if let parameters = listedParameters {
      lines.append("")
      for p in parameters {
        let shown = p.label ?? "_ \(p.name)"
        let facets = p.facets { "`\($0)`" }
        let bracket = facets.isEmpty ? "" : " (\(facets.joined(separator: "; ")))"
        lines.append("- `\(shown)`: `\(p.type)`\(bracket)\(p.summary.isEmpty ? "" : " — \(p.summary)")")
      }
    }
    if let example { lines += ["", "```swift", example, "```"] }
    return lines.joined(separator: "\n")
  }
}
