/// The syntax tree of a cell: statements of expressions, each with its source range.
///
/// The tree is plain data (`Sendable` enums and structs). `TempoRuntime` resolves names and
/// compiles it into an executable form; nothing here knows about values.
public struct Expr: Sendable {
  public var kind: ExprKind
  public var range: SourceRange

  public init(_ kind: ExprKind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

public indirect enum ExprKind: Sendable {
  case integer(Int)
  case float(Double)
  case string([InterpolatedPart])
  case bool(Bool)
  case nilLiteral
  case name(String)
  /// `$0`, `$1` inside a closure.
  case anonymousParameter(Int)
  /// `.tanh`: a member of whatever type the context expects.
  case implicitMember(String)
  case array([Expr])
  case dictionary([DictionaryEntry])
  /// `(1, 2)` or `(first: 1, second: 2)`: one label per element, nil where there is none.
  case tuple([Expr], labels: [String?])
  case prefix(op: String, operand: Expr)
  case binary(op: String, lhs: Expr, rhs: Expr, opRange: SourceRange)
  case ternary(condition: Expr, then: Expr, else: Expr)
  case call(callee: Expr, arguments: [Argument])
  case subscriptAccess(base: Expr, arguments: [Argument])
  case member(base: Expr, name: String, nameRange: SourceRange)
  case tupleElement(base: Expr, index: Int)
  case closure(Closure)
  /// An operator used as a function value: `reduce(0, +)`, `sorted(by: >)`.
  case operatorFunction(String)
  /// `x?`: show the documentation of `x`.
  case help(Expr)
  /// `x!`: the value, or an error when it is nil.
  case forceUnwrap(Expr)
}

public enum InterpolatedPart: Sendable {
  case text(String)
  case expression(Expr)
}

public struct DictionaryEntry: Sendable {
  public var key: Expr
  public var value: Expr
}

public struct Argument: Sendable {
  public var label: String?
  public var labelRange: SourceRange?
  public var value: Expr
  /// A closure written after the parentheses, which fills a parameter whatever its label.
  public var isTrailingClosure = false
}

public struct Closure: Sendable {
  public var parameters: [Parameter]
  /// Whether the closure names its parameters (`{ a, b in … }`) rather than using `$0`.
  public var hasExplicitParameters: Bool
  public var returnType: TypeAnnotation?
  public var body: [Stmt]
}

public struct Parameter: Sendable {
  /// The argument label callers write; nil for `_`.
  public var label: String?
  public var name: String
  public var nameRange: SourceRange
  public var type: TypeAnnotation?
  public var defaultValue: Expr?
}

public struct FunctionDeclaration: Sendable {
  public var name: String
  public var nameRange: SourceRange
  public var parameters: [Parameter]
  public var returnType: TypeAnnotation?
  public var body: [Stmt]
}

public struct Stmt: Sendable {
  public var kind: StmtKind
  public var range: SourceRange

  public init(_ kind: StmtKind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

public indirect enum StmtKind: Sendable {
  case expression(Expr)
  case declaration(isConstant: Bool, pattern: Pattern, type: TypeAnnotation?, value: Expr?)
  /// `target = value` or a compound assignment; `op` is `=`, `+=`, `-=`, `*=`, `/=` or `%=`.
  case assignment(target: Expr, op: String, value: Expr)
  case function(FunctionDeclaration)
  case returnStatement(Expr?)
  case ifStatement(branches: [ConditionalBlock], elseBody: [Stmt]?)
  case guardStatement(condition: Condition, elseBody: [Stmt])
  /// `for x in s where condition { … }`.
  case forLoop(pattern: Pattern, sequence: Expr, filter: Expr?, body: [Stmt])
  case whileLoop(condition: Condition, body: [Stmt])
  case repeatWhile(body: [Stmt], condition: Expr)
  case breakStatement(label: String?)
  case continueStatement(label: String?)
  /// `switch subject { case …: … default: … }`.
  case switchStatement(subject: Expr, cases: [SwitchCase])
  /// `outer: for …`: a loop that `break outer` and `continue outer` name.
  case labeled(label: String, statement: Stmt)
}

/// One `case` (or `default`) of a `switch`: patterns tried in order, an optional `where`.
public struct SwitchCase: Sendable {
  public var patterns: [CasePattern]
  public var guardExpression: Expr?
  public var body: [Stmt]
  public var range: SourceRange
  public var isDefault: Bool
}

/// What a `case` matches: a value or a range (`case 1, 2:`, `case 3...5:`), `let name` (anything,
/// bound to the name) or `_` (anything).
public enum CasePattern: Sendable {
  case value(Expr)
  case binding(name: String, range: SourceRange)
  case wildcard(SourceRange)
}

public struct ConditionalBlock: Sendable {
  public var condition: Condition
  public var body: [Stmt]
}

/// An `if`, `guard` or `while` condition: a Bool expression or `let name = optional`.
public enum Condition: Sendable {
  case expression(Expr)
  case optionalBinding(name: String, nameRange: SourceRange, value: Expr, isConstant: Bool)
  /// `if let v = x, v > 1`: every condition in order, stopping at the first that fails.
  case all([Condition])
}

public indirect enum Pattern: Sendable {
  case name(String, SourceRange)
  case wildcard(SourceRange)
  case tuple([Pattern], SourceRange)

  public var range: SourceRange {
    switch self {
    case .name(_, let r), .wildcard(let r), .tuple(_, let r): return r
    }
  }
}

/// A Swift type written after `:` or `->`, checked when the program runs.
public indirect enum TypeAnnotation: Sendable, CustomStringConvertible {
  case named(String, SourceRange)
  case array(TypeAnnotation, SourceRange)
  case dictionary(key: TypeAnnotation, value: TypeAnnotation, SourceRange)
  /// `(Int, Int)` or `(min: Int, max: Int)`: one label per element, nil where there is none.
  case tuple([TypeAnnotation], labels: [String?], SourceRange)
  case optional(TypeAnnotation, SourceRange)
  case function(parameters: [TypeAnnotation], result: TypeAnnotation, SourceRange)

  public var range: SourceRange {
    switch self {
    case .named(_, let r), .array(_, let r), .dictionary(_, _, let r), .tuple(_, _, let r),
      .optional(_, let r), .function(_, _, let r):
      return r
    }
  }

  public var description: String {
    switch self {
    case .named(let name, _): return name
    case .array(let element, _): return "[\(element)]"
    case .dictionary(let key, let value, _): return "[\(key): \(value)]"
    case .tuple(let elements, let labels, _):
      return TupleLabels.spelled(elements.map(\.description), labels: labels)
    case .optional(let wrapped, _): return "\(wrapped)?"
    case .function(let parameters, let result, _):
      return "(" + parameters.map(\.description).joined(separator: ", ") + ") -> \(result)"
    }
  }
}
