import TempoSyntax

/// A parameter list, for binding calls and for documentation.
public struct Signature: Sendable {
  public var parameters: [ParameterSpec]
  /// The result type as documentation shows it.
  public var returns: String
  /// Advice for a label the function does not have but a user coming from elsewhere would
  /// write (`fit(…, parameters: net.head)`): given the label and the whole call, the `help:`
  /// that shows the real spelling, or nil for the usual error.
  public var labelAdvice: LabelAdvice?

  public typealias LabelAdvice = @Sendable (_ label: String, _ call: [(label: String?, value: Value)]) -> String?

  public init(_ parameters: [ParameterSpec], returns: String = "Void", labelAdvice: LabelAdvice? = nil) {
    self.parameters = parameters
    self.returns = returns
    self.labelAdvice = labelAdvice
  }

  /// `name(_ x: Double, digits: Int = 2) -> String`
  public func rendered(name: String) -> String {
    let list = parameters.map { p -> String in
      var text = p.label == p.name ? p.name : "\(p.label ?? "_") \(p.name)"
      text += ": \(p.type.description)\(p.isVariadic ? "..." : "")"
      if let d = p.defaultText { text += " = \(d)" }
      return text
    }
    return "\(name)(\(list.joined(separator: ", ")))" + (returns == "Void" ? "" : " -> \(returns)")
  }

  /// The label a trailing closure carries: it fills the next parameter that takes a
  /// closure or has no default, whatever that parameter's label (Swift's forward scan).
  static let trailingClosureLabel = "{trailing closure}"

  /// The labels a positional call stands for: each parameter's own, the variadic one repeated.
  static func positionalLabels(_ parameters: [ParameterSpec], count: Int) -> [String?] {
    var labels: [String?] = []
    var index = 0
    while labels.count < count, index < parameters.count {
      labels.append(parameters[index].label)
      if !parameters[index].isVariadic { index += 1 }
    }
    while labels.count < count { labels.append(nil) }
    return labels
  }

  /// The arguments of one call matched to the parameters.
  struct Binding {
    /// One value per parameter (a variadic parameter gets an array); nil where a defaulted
    /// parameter was not given.
    var values: [Value?]
    /// Per parameter, the label the call wrote when it was a deprecated spelling; errors
    /// name the argument as it was written.
    var writtenLabels: [String?]
    /// `(old, new)` for each deprecated label the call used.
    var deprecatedLabels: [(String, String)] = []
  }

  /// Matches call arguments to parameters with Swift's rules; a parameter's deprecated
  /// label matches as its label does.
  ///
  /// - Returns: the values in parameter order, and the deprecated labels used.
  /// - Throws: `TypeError` naming the label that is wrong, missing or extra.
  func bind(labels: [String?], values: [Value], function: String) throws -> Binding {
    var bound = [Value?](repeating: nil, count: parameters.count)
    var written = [String?](repeating: nil, count: parameters.count)
    var deprecated: [(String, String)] = []
    var variadic: [Value] = []
    var p = 0
    for (label, value) in zip(labels, values) {
      var matched = false
      if label == Signature.trailingClosureLabel {
        // Prefer a parameter that takes a closure or needs an argument; otherwise the next.
        let start = p
        var chosen: Int?
        for index in p..<parameters.count {
          let parameter = parameters[index]
          if !parameter.hasDefault || parameter.type.isFunction {
            chosen = index
            break
          }
        }
        if chosen == nil, start < parameters.count { chosen = start }
        guard let chosen else {
          throw RuntimeError(
            .typeError, "extra trailing closure passed in call to '\(function)'",
            help: "'\(function)' is declared as \(rendered(name: function))")
        }
        bound[chosen] = value
        p = chosen + 1
        continue
      }
      let scanStart = p
      while p < parameters.count {
        let parameter = parameters[p]
        if parameter.matches(label) {
          if let label, label != parameter.label, let new = parameter.label {
            written[p] = label
            if !deprecated.contains(where: { $0.0 == label }) { deprecated.append((label, new)) }
          }
          if parameter.isVariadic {
            variadic.append(value)
          } else {
            bound[p] = value
            p += 1
          }
          matched = true
          break
        }
        if parameter.hasDefault || parameter.isVariadic {
          p += 1
          continue
        }
        break
      }
      if !matched {
        if let label, let labelAdvice, !parameters.contains(where: { $0.matches(label) }),
          let help = labelAdvice(label, Array(zip(labels, values)))
        {
          throw RuntimeError(.typeError, "'\(function)' has no argument '\(label):'", help: help)
        }
        if let misplaced = orderError(
          label: label, scanStart: scanStart, bound: bound, labels: labels, function: function)
        {
          throw misplaced
        }
        throw labelError(label: label, at: p, scanStart: scanStart, function: function)
      }
    }
    for (index, parameter) in parameters.enumerated() where bound[index] == nil {
      if parameter.isVariadic {
        bound[index] = .array(variadic)
      } else if !parameter.hasDefault {
        let shown = parameter.label.map { "'\($0):'" } ?? "'\(parameter.name)'"
        throw RuntimeError(
          .typeError, "missing argument for parameter \(shown) in call to '\(function)'",
          help: "'\(function)' is declared as \(rendered(name: function))")
      }
    }
    return Binding(values: bound, writtenLabels: written, deprecatedLabels: deprecated)
  }

  /// A label the function has, written after an argument it must precede: Swift's rule is
  /// that arguments come in the declared order, so name the argument to move it before.
  private func orderError(
    label: String?, scanStart: Int, bound: [Value?], labels written: [String?], function: String
  ) -> RuntimeError? {
    guard let label,
      let index = parameters[..<min(scanStart, parameters.count)].firstIndex(where: { $0.matches(label) }),
      bound[index] == nil
    else { return nil }
    // The first argument of the call declared after this one: it is the one to move past.
    let laterLabels = Set(parameters[(index + 1)...].compactMap(\.label))
    guard let after = written.first(where: { $0.map(laterLabels.contains) ?? false }) ?? nil else { return nil }
    return RuntimeError(
      .typeError, "argument '\(label):' must precede argument '\(after):' in call to '\(function)'",
      help: "move '\(label):' before '\(after):'; '\(function)' is declared as \(rendered(name: function))")
  }

  private func labelError(label: String?, at p: Int, scanStart: Int, function: String) -> RuntimeError {
    let declared = "'\(function)' is declared as \(rendered(name: function))"
    // A label close to one of the parameters it could have meant is a typo: say which.
    if let label, scanStart < parameters.count,
      let near = Suggestions.closest(to: label, among: parameters[scanStart...].compactMap(\.label))
    {
      return RuntimeError(
        .typeError, "incorrect argument label in call to '\(function)' (have '\(label):', expected '\(near):')",
        help: "did you mean '\(near):'? \(declared)")
    }
    if p >= parameters.count {
      let lastIsVariadic = parameters.last?.isVariadic ?? false
      if let label, !lastIsVariadic || parameters.last?.label != nil {
        let labels = parameters.compactMap(\.label)
        if let near = Suggestions.closest(to: label, among: labels) {
          return RuntimeError(
            .typeError, "incorrect argument label in call to '\(function)' (have '\(label):')",
            help: "did you mean '\(near):'? \(declared)")
        }
        return RuntimeError(
          .typeError, "extra argument '\(label)' in call to '\(function)'", help: declared)
      }
      return RuntimeError(.typeError, "extra argument in call to '\(function)'", help: declared)
    }
    let expected = parameters[p]
    switch (label, expected.label) {
    case (nil, let want?):
      return RuntimeError(
        .typeError, "missing argument label '\(want):' in call to '\(function)'",
        help: "write '\(want): …'; \(declared)")
    case (let have?, nil):
      return RuntimeError(
        .typeError, "extraneous argument label '\(have):' in call to '\(function)'",
        help: "remove the label; \(declared)")
    case (let have?, let want?):
      let labels = parameters.compactMap(\.label)
      let near = Suggestions.closest(to: have, among: labels) ?? want
      return RuntimeError(
        .typeError,
        "incorrect argument label in call to '\(function)' (have '\(have):', expected '\(want):')",
        help: "did you mean '\(near):'? \(declared)")
    case (nil, nil):
      return RuntimeError(.typeError, "extra argument in call to '\(function)'", help: declared)
    }
  }
}
