import TempoSyntax

/// Anything that can be called: a user function or closure, or a builtin.
public class Callable {
  public let name: String

  init(name: String) { self.name = name }

  /// The type as diagnostics show it: `(Int, Double) -> Double`.
  public var typeDescription: String { "function" }

  /// The labels callers write, in order (nil for an unlabeled parameter).
  public var parameterLabels: [String?] { [] }

  /// Documentation for `help` and inspection.
  public var documentation: Documentation? { nil }

  /// Calls with the arguments on the machine's stack from `argumentBase` to `top`; pops them.
  ///
  /// `labels` nil means a positional call from a builtin (`map(f)`), where labels are not
  /// written, as when Swift calls a function value.
  func invoke(_ m: Machine, argumentBase: Int, labels: [String?]?) throws -> Value {
    throw RuntimeError(.valueError, "internal error: \(type(of: self)) does not implement this operation")
  }
}

/// A function implemented in Swift: a language builtin, or a method of a host object.
///
/// Arguments are matched to `signature` with Swift's rules (labels in order, defaults may be
/// skipped, one variadic parameter) before `body` runs, so a body never sees a wrong label;
/// the body reads them by name (`try args.double("learningRate")`), getting the declared
/// default for an omitted one and the declared check applied to a given one.
public final class BuiltinFunction: Callable {
  public let signature: Signature
  private let doc: Documentation?
  let body: (inout Arguments) throws -> Value

  public init(
    name: String, signature: Signature, documentation: Documentation? = nil,
    body: @escaping (inout Arguments) throws -> Value
  ) {
    self.signature = signature
    self.doc = documentation
    self.body = body
    super.init(name: name)
  }

  /// A builtin whose signature and summary come from its documentation.
  public convenience init(
    _ documentation: Documentation, body: @escaping (inout Arguments) throws -> Value
  ) {
    self.init(
      name: documentation.name, signature: documentation.signature ?? Signature([]),
      documentation: documentation, body: body)
  }

  public override var documentation: Documentation? { doc }
  public override var parameterLabels: [String?] { signature.parameters.map(\.label) }
  public override var typeDescription: String {
    "(" + signature.parameters.map(\.type.description).joined(separator: ", ") + ") -> \(signature.returns)"
  }

  override func invoke(_ m: Machine, argumentBase: Int, labels: [String?]?) throws -> Value {
    let given = Array(UnsafeBufferPointer(start: m.stack + argumentBase, count: m.top - argumentBase))
    m.pop(to: argumentBase)
    let labels = labels ?? Signature.positionalLabels(signature.parameters, count: given.count)
    let binding = try signature.bind(labels: labels, values: given, function: name)
    m.warnAboutDeprecatedLabels(binding, function: name)
    var arguments = Arguments(function: name, signature: signature, binding: binding, machine: m)
    return try body(&arguments)
  }
}

extension Machine {
  /// Writes to standard error that a deprecated label was used, once per spelling in a cell.
  func warnAboutDeprecatedLabels(_ binding: Signature.Binding, function: String) {
    for (old, new) in binding.deprecatedLabels where warnedSpellings.insert("\(function) \(old)").inserted {
      output.writeStandardError(
        "warning: '\(old):' of '\(function)' is now '\(new):'; the old spelling will be removed in the next release\n")
    }
  }

  /// Calls a function value with positional arguments (from builtins such as `map`).
  func call(_ callee: Value, _ arguments: [Value]) throws -> Value {
    guard case .function(let function) = callee else {
      throw RuntimeError(
        .typeError, "cannot call value of non-function type '\(callee.typeName)'")
    }
    let argumentBase = top
    do {
      for argument in arguments { try push(argument) }
    } catch {
      pop(to: argumentBase)
      throw error
    }
    return try function.invoke(self, argumentBase: argumentBase, labels: nil)
  }
}
