import TempoSyntax

/// Visits the expressions of statements, not descending into closures (their `$0` are
/// their own).
struct SyntaxWalker {
  let visit: (Expr) -> Void

  init(_ visit: @escaping (Expr) -> Void) { self.visit = visit }

  mutating func walk(_ statements: [Stmt]) {
    for statement in statements { walk(statement) }
  }

  mutating func walk(_ statement: Stmt) {
    switch statement.kind {
    case .expression(let e): walk(e)
    case .declaration(_, _, _, let value): if let value { walk(value) }
    case .assignment(let target, _, let value):
      walk(target)
      walk(value)
    case .function: break
    case .returnStatement(let value): if let value { walk(value) }
    case .ifStatement(let branches, let elseBody):
      for branch in branches {
        walk(branch.condition)
        walk(branch.body)
      }
      if let elseBody { walk(elseBody) }
    case .guardStatement(let condition, let body):
      walk(condition)
      walk(body)
    case .forLoop(_, let sequence, let filter, let body):
      walk(sequence)
      if let filter { walk(filter) }
      walk(body)
    case .whileLoop(let condition, let body):
      walk(condition)
      walk(body)
    case .repeatWhile(let body, let condition):
      walk(body)
      walk(condition)
    case .breakStatement, .continueStatement: break
    case .labeled(_, let statement): walk(statement)
    case .switchStatement(let subject, let cases):
      walk(subject)
      for switchCase in cases {
        for case .value(let e) in switchCase.patterns { walk(e) }
        if let guardExpression = switchCase.guardExpression { walk(guardExpression) }
        walk(switchCase.body)
      }
    }
  }

  mutating func walk(_ condition: Condition) {
    switch condition {
    case .expression(let e): walk(e)
    case .optionalBinding(_, _, let value, _): walk(value)
    case .all(let conditions): for condition in conditions { walk(condition) }
    }
  }

  mutating func walk(_ expression: Expr) {
    visit(expression)
    switch expression.kind {
    case .string(let parts):
      for case .expression(let e) in parts { walk(e) }
    case .array(let elements), .tuple(let elements, _):
      for e in elements { walk(e) }
    case .dictionary(let entries):
      for entry in entries {
        walk(entry.key)
        walk(entry.value)
      }
    case .prefix(_, let operand): walk(operand)
    case .binary(_, let lhs, let rhs, _):
      walk(lhs)
      walk(rhs)
    case .ternary(let c, let t, let e):
      walk(c)
      walk(t)
      walk(e)
    case .call(let callee, let arguments), .subscriptAccess(let callee, let arguments):
      walk(callee)
      for argument in arguments { walk(argument.value) }
    case .member(let base, _, _), .tupleElement(let base, _), .help(let base), .forceUnwrap(let base):
      walk(base)
    default: break
    }
  }
}
