/// One parameter of a builtin: its label, type, default, check and documentation, declared once.
///
/// Everything about a parameter comes from here: the binder matches labels against it (and its
/// deprecated spelling), `Arguments` returns the declared default when the argument is omitted
/// and applies the declared check when it is given, and `help`, inspection, completion and
/// `docs/builtins.md` render it. Write the default as the value it is (`default: 0.01`), never
/// a second time in the builtin's body: a body reads `try args.double("learningRate")`.
///
/// ```swift
/// ParameterSpec("learningRate", .double, default: 0.01, check: .nonNegative, "the step size")
/// ParameterSpec(nil, "x", .double)                  // func f(_ x: Double)
/// ParameterSpec("from", "start", .int)              // func f(from start: Int)
/// ParameterSpec("xLabel", .optional(.string), default: nil, formerly: "xlabel")
/// ```
public struct ParameterSpec: Sendable {
  /// The label callers write; nil for `_`.
  public var label: String?
  /// The name the body reads the argument by; unique in its signature.
  public var name: String
  public var type: ParameterType
  /// Used when the argument is omitted; nil when the argument is required.
  public var defaultArgument: DefaultArgument?
  /// Applied to a given argument before the body sees it.
  public var check: ParameterCheck?
  public var isVariadic: Bool
  /// An earlier spelling of the label that still works for one release, with a warning.
  public var deprecatedLabel: String?
  /// One line for the parameter list in `help`.
  public var summary: String

  public var hasDefault: Bool { defaultArgument != nil }

  /// The default as Tempo source (`0.01`, `"\n"`, `.constant`, `nil`); nil when required.
  public var defaultText: String? { defaultArgument?.source }

  /// A parameter whose name is its label (`learningRate`), or an unlabeled one named `value`.
  public init(
    _ label: String?, _ type: ParameterType, default defaultArgument: DefaultArgument = .required,
    check: ParameterCheck? = nil, variadic: Bool = false, formerly deprecatedLabel: String? = nil,
    _ summary: String = ""
  ) {
    self.init(
      label, label ?? "value", type, default: defaultArgument, check: check, variadic: variadic,
      formerly: deprecatedLabel, summary)
  }

  /// A parameter with a label other than its name (`from start`), or none (`_ x`).
  public init(
    _ label: String?, _ name: String, _ type: ParameterType, default defaultArgument: DefaultArgument = .required,
    check: ParameterCheck? = nil, variadic: Bool = false, formerly deprecatedLabel: String? = nil,
    _ summary: String = ""
  ) {
    self.label = label
    self.name = name
    self.type = type
    // A Double parameter's default is a Double, even when written as `0`. (Not a ternary with
    // `nil`: that `nil` would be the default value `nil`.)
    if defaultArgument.isRequired {
      self.defaultArgument = Optional.none
    } else {
      self.defaultArgument = defaultArgument.converted(to: type)
    }
    self.check = check
    self.isVariadic = variadic
    self.deprecatedLabel = deprecatedLabel
    self.summary = summary
  }

  /// Whether a call's label names this parameter, by its label or its deprecated spelling.
  func matches(_ label: String?) -> Bool {
    self.label == label || (label != nil && deprecatedLabel == label)
  }

  /// What documentation says in brackets after the type: the default, the check, the old
  /// label (`default 0.01; ≥ 0`), with `code` marking source text (backticks in Markdown).
  public func facets(code: (String) -> String = { $0 }) -> [String] {
    var facets: [String] = []
    if let defaultText { facets.append("default \(code(defaultText))") }
    if let check { facets.append(check.description(for: type)) }
    if let deprecatedLabel { facets.append("formerly \(code(deprecatedLabel + ":"))") }
    return facets
  }
}

/// The type of a parameter: what documentation shows, and what a declared default must be.
///
/// Bodies convert arguments with `Arguments`' typed accessors; the type here is what those
/// accessors name in a type error and what the test of every builtin's defaults checks them by.
public indirect enum ParameterType: Sendable, Equatable, CustomStringConvertible {
  case int
  /// A Double; an Int argument is converted.
  case double
  case bool
  case string
  /// An implicit member such as `.log`, or the same word as a string.
  case symbol
  case any
  /// An array, range, string or dictionary.
  case sequence
  case optional(ParameterType)
  case array(ParameterType)
  case dictionary(ParameterType, ParameterType)
  case tuple([ParameterType])
  /// A function or closure, shown as its Swift type: `(Element) -> T`.
  case function(String)
  /// Any of several types: `Int or Double`.
  case oneOf([ParameterType])
  /// A host type (`Model`, `Figure`): a host object of that type name.
  case host(String)
  /// A generic placeholder (`T`, `Element`, `Comparable`) the body checks itself.
  case generic(String)

  /// `(Double, Double)`: a pair of numbers, such as axis limits.
  public static let pair = ParameterType.tuple([.double, .double])

  public var description: String {
    switch self {
    case .int: return "Int"
    case .double: return "Double"
    case .bool: return "Bool"
    case .string: return "String"
    case .symbol: return "Symbol"
    case .any: return "Any"
    case .sequence: return "Sequence"
    case .optional(.oneOf(let types)): return "(\(ParameterType.list(types.map(\.description))))?"
    case .optional(.function(let text)): return "(\(text))?"
    case .optional(let wrapped): return "\(wrapped)?"
    case .array(let element): return "[\(element)]"
    case .dictionary(let key, let value): return "[\(key): \(value)]"
    case .tuple(let elements): return "(" + elements.map(\.description).joined(separator: ", ") + ")"
    case .function(let text): return text
    case .oneOf(let types): return ParameterType.list(types.map(\.description))
    case .host(let name), .generic(let name): return name
    }
  }

  /// `A or B`, `A, B or C`.
  static func list(_ names: [String]) -> String {
    guard names.count > 2, let last = names.last else { return names.joined(separator: " or ") }
    return names.dropLast().joined(separator: ", ") + " or " + last
  }

  /// Whether the parameter takes a closure (a trailing closure goes to it).
  public var isFunction: Bool {
    switch self {
    case .function: return true
    case .optional(let wrapped): return wrapped.isFunction
    default: return false
    }
  }

  /// Whether `value` is of this type.
  public func accepts(_ value: Value) -> Bool {
    switch (self, value) {
    case (.int, .int), (.double, .double), (.double, .int), (.bool, .bool), (.string, .string): return true
    case (.symbol, .string): return true
    case (.symbol, .host(let object)): return object is Symbol
    case (.any, _), (.generic, _): return true
    case (.sequence, .array), (.sequence, .range), (.sequence, .string), (.sequence, .dictionary): return true
    case (.optional, .nil): return true
    case (.optional(let wrapped), _): return wrapped.accepts(value)
    case (.array(let element), .array(let elements)): return elements.allSatisfy(element.accepts)
    case (.array(let element), .range): return element.accepts(.int(0))
    case (.dictionary(let keyType, let valueType), .dictionary(let map)):
      return map.keys.allSatisfy(keyType.accepts) && map.values.allSatisfy(valueType.accepts)
    case (.tuple(let types), .tuple(let elements)), (.tuple(let types), .labeledTuple(let elements, _)),
      (.tuple(let types), .array(let elements)):
      return types.count == elements.count && zip(types, elements).allSatisfy { $0.accepts($1) }
    case (.function, .function): return true
    case (.oneOf(let types), _): return types.contains { $0.accepts(value) }
    case (.host(let name), .host(let object)): return object.typeName == name
    default: return false
    }
  }
}

/// The default of a parameter: a value (a literal, a symbol, a fresh host object), or a rule
/// the builtin works out (`MaxPool`'s stride is its size).
///
/// Write literals as literals: `default: 0.01`, `default: false`, `default: "\n"`,
/// `default: nil`, `default: [32, 64]`; `.symbol("constant")` for `.constant`. Documentation
/// shows the value as Tempo source, so the text never drifts from what the builtin uses.
public struct DefaultArgument: Sendable {
  indirect enum Storage: Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case symbol(String)
    case none
    case array([Storage])
    /// Made anew for each call: host objects are references.
    case object(@Sendable () -> any HostObject)
    /// An operator as a function value: `<`.
    case operatorFunction(String)
    case computed(String)
    case required
  }

  let storage: Storage

  init(_ storage: Storage) { self.storage = storage }

  /// No default: the argument must be given. (What `default:` means when it is not written;
  /// `default: nil` is the value `nil`.)
  public static let required = DefaultArgument(.required)

  var isRequired: Bool {
    if case .required = storage { return true }
    return false
  }

  /// `.constant`: a symbol that the builtin interprets.
  public static func symbol(_ name: String) -> DefaultArgument { DefaultArgument(.symbol(name)) }

  /// A number that a constant elsewhere owns (`FitConfiguration.defaultDivergenceFactor`), so
  /// the default is written once.
  public static func number(_ value: Double) -> DefaultArgument { DefaultArgument(.double(value)) }

  /// A host object made for each call that omits the argument, shown as its description
  /// (which must read as Tempo source, like `SGD(learningRate: 0.01, momentum: 0.9)`).
  public static func object(_ make: @escaping @Sendable () -> any HostObject) -> DefaultArgument {
    DefaultArgument(.object(make))
  }

  /// An operator used as a function, such as `<` for an ordering.
  public static func `operator`(_ symbol: String) -> DefaultArgument { DefaultArgument(.operatorFunction(symbol)) }

  /// No constant: the callee works out what an omitted argument means (from the other
  /// arguments, or an expression), and `text` says it for documentation (`size`, `all`).
  public static func computed(_ text: String) -> DefaultArgument { DefaultArgument(.computed(text)) }

  /// The value used when the argument is omitted; nil for a computed default.
  public var value: Value? { DefaultArgument.value(of: storage) }

  private static func value(of storage: Storage) -> Value? {
    switch storage {
    case .int(let v): return .int(v)
    case .double(let v): return .double(v)
    case .bool(let v): return .bool(v)
    case .string(let v): return .string(v)
    case .symbol(let name): return .host(Symbol(name))
    case .none: return .nil
    case .array(let elements): return .array(elements.compactMap { value(of: $0) })
    case .object(let make): return .host(make())
    case .operatorFunction(let symbol): return .function(OperatorFunctions.function(for: symbol))
    case .computed, .required: return nil
    }
  }

  /// The default as Tempo source: `0.01`, `"\n"`, `.constant`, `[32, 64]`, `nil`.
  public var source: String {
    switch storage {
    case .computed(let text), .operatorFunction(let text): return text
    default: return value?.debugDescription ?? ""
    }
  }

  /// The same default with Int literals written for a Double parameter made Doubles.
  func converted(to type: ParameterType) -> DefaultArgument {
    DefaultArgument(DefaultArgument.converted(storage, to: type))
  }

  private static func converted(_ storage: Storage, to type: ParameterType) -> Storage {
    switch (storage, type) {
    case (.int(let v), .double), (.int(let v), .optional(.double)): return .double(Double(v))
    case (.array(let elements), .array(let element)), (.array(let elements), .optional(.array(let element))):
      return .array(elements.map { converted($0, to: element) })
    default: return storage
    }
  }
}

extension DefaultArgument: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByStringLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
  public init(integerLiteral value: Int) { self.init(.int(value)) }
  public init(floatLiteral value: Double) { self.init(.double(value)) }
  public init(booleanLiteral value: Bool) { self.init(.bool(value)) }
  public init(stringLiteral value: String) { self.init(.string(value)) }
  public init(nilLiteral: ()) { self.init(.none) }
  public init(arrayLiteral elements: DefaultArgument...) { self.init(.array(elements.map(\.storage))) }
}
