/// A recovering recursive-descent parser for Tempo.
///
/// Every syntax error of a cell is collected: after an error the parser skips to the next
/// statement boundary and goes on, so a cell with three typos reports three diagnostics and
/// runs nothing. Expression nesting is bounded, so no input can exhaust the stack.
public struct Parser {
  /// The result of parsing one cell or file.
  public struct Output: Sendable {
    public var statements: [Stmt]
    public var diagnostics: [Diagnostic]
    /// The input ended inside a bracket, brace, string or comment: more lines would help.
    public var isIncomplete: Bool
  }

  /// How deeply brackets, blocks and operators may nest before the parser reports an error.
  public static let maximumNesting = 200
  /// How many binary operators one expression may chain (`a + b + …`).
  public static let maximumOperatorChain = 2_000

  var tokens: [Token]
  var index = 0
  var diagnostics: [Diagnostic] = []
  var depth = 0
  var reachedEndUnexpectedly = false

  /// Parses a whole source file.
  public static func parse(_ file: SourceFile) -> Output {
    let lexed = Lexer.tokenize(file)
    var parser = Parser(tokens: lexed.tokens)
    let statements = parser.parseStatements(untilBrace: false)
    // A character the lexer rejected leaves a gap that the parser would report again as
    // "consecutive statements"; the lexer's diagnostic already says what is wrong there.
    let rejectedLines = Set(lexed.diagnostics.map { file.location(of: $0.range.start).line })
    let parserDiagnostics = parser.diagnostics.filter {
      !($0.message.hasPrefix("consecutive statements")
        && rejectedLines.contains(file.location(of: $0.range.start).line))
    }
    let diagnostics = (lexed.diagnostics + parserDiagnostics).sorted {
      $0.range.start < $1.range.start
    }
    return Output(
      statements: statements, diagnostics: diagnostics,
      isIncomplete: lexed.endsInsideLiteral || parser.reachedEndUnexpectedly)
  }

  init(tokens: [Token]) {
    self.tokens = tokens
  }

  /// Swift words Tempo does not have, with what to write instead.
  static let unsupportedKeywords: [String: String] = [
    "struct": "use a dictionary or a tuple to group values",
    "class": "use a dictionary or a tuple to group values",
    "enum": "use strings or implicit members such as '.tanh'",
    "protocol": "Tempo is dynamically typed; no protocols are needed",
    "extension": "write a function that takes the value instead",
    "fallthrough": "list the values in one case: 'case 1, 2:'",
    "import": "everything Tempo offers is already in scope",
    "defer": "put the code at the end of the block",
    "throw": "report the problem with 'warn' and 'return'",
    "do": "use '{ … }' blocks in 'if' or a function",
  ]

  /// Thrown inside a statement to abandon it after its diagnostic has been recorded.
  struct Abandon: Error {}

  // MARK: - Token access

  var current: Token { tokens[index] }

  func peek(_ ahead: Int = 1) -> Token {
    tokens[min(index + ahead, tokens.count - 1)]
  }

  mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  mutating func fail(_ message: String, at range: SourceRange? = nil, help: String? = nil) -> Abandon {
    if current.isEnd { reachedEndUnexpectedly = true }
    diagnostics.append(Diagnostic(message, at: range ?? current.range, help: help))
    return Abandon()
  }

  mutating func expect(_ p: Punctuation, _ context: String) throws -> Token {
    guard current.isPunctuation(p) else {
      throw fail("expected '\(p.rawValue)' \(context)", at: errorRange())
    }
    return advance()
  }

  /// Where to point when the current token is wrong: the token itself, or just after the
  /// previous one when the current token is on a later line (the thing is missing).
  func errorRange() -> SourceRange {
    if (current.startsLine || current.isEnd), index > 0 {
      let end = tokens[index - 1].range.end
      return SourceRange(end, end)
    }
    return current.range
  }

  mutating func expectIdentifier(_ context: String) throws -> (String, SourceRange) {
    if case .identifier(let name) = current.kind {
      let token = advance()
      return (name, token.range)
    }
    if case .keyword(let k) = current.kind, k != .underscore {
      throw fail(
        "keyword '\(k.rawValue)' cannot be used as an identifier here", at: current.range,
        help: "choose another name")
    }
    throw fail("expected \(context)", at: errorRange())
  }

  mutating func nest() throws {
    depth += 1
    if depth > Parser.maximumNesting {
      throw fail(
        "expression is nested too deeply", at: current.range,
        help: "split it into smaller steps with 'let'")
    }
  }

  // MARK: - Statements

  /// Parses statements up to the end of input or, inside a block, the closing brace.
  mutating func parseStatements(untilBrace: Bool, stopAtCase: Bool = false) -> [Stmt] {
    var statements: [Stmt] = []
    while true {
      while current.isPunctuation(.semicolon) { _ = advance() }
      if current.isEnd { return statements }
      if untilBrace, current.isPunctuation(.rightBrace) { return statements }
      if stopAtCase, current.isKeyword(.case) || current.isKeyword(.default) { return statements }
      if !untilBrace, current.isPunctuation(.rightBrace) {
        diagnostics.append(Diagnostic("extraneous '}' at top level", at: current.range))
        _ = advance()
        continue
      }
      let before = index
      do {
        let statement = try parseStatement()
        statements.append(statement)
        if case .identifier(let word) = current.kind, word == "as" || word == "is", !current.startsLine {
          diagnostics.append(
            Diagnostic(
              "'\(word)' is not part of the Tempo language", at: current.range,
              help: word == "as"
                ? "convert with a type: Double(x), Int(x), String(x)" : "compare 'type(of: x)' with a type"))
          skipToStatementBoundary()
        } else if !(current.startsLine || current.isEnd || current.isPunctuation(.semicolon)
          || current.isPunctuation(.rightBrace))
        {
          diagnostics.append(
            Diagnostic(
              "consecutive statements on a line must be separated by ';'", at: errorRange(),
              help: "put the next statement on its own line"))
          skipToStatementBoundary()
        }
      } catch {
        if index == before { _ = advance() }
        skipToStatementBoundary()
      }
    }
  }

  /// Skips tokens to the start of the next statement, stepping over nested brackets.
  mutating func skipToStatementBoundary() {
    var nesting = 0
    while !current.isEnd {
      if nesting == 0,
        current.startsLine || current.isPunctuation(.semicolon) || current.isPunctuation(.rightBrace)
      {
        return
      }
      switch current.kind {
      case .punctuation(.leftParen), .punctuation(.leftBracket), .punctuation(.leftBrace):
        nesting += 1
      case .punctuation(.rightParen), .punctuation(.rightBracket), .punctuation(.rightBrace):
        nesting = max(0, nesting - 1)
      default: break
      }
      _ = advance()
    }
  }

  mutating func parseBlock(_ context: String) throws -> [Stmt] {
    guard current.isPunctuation(.leftBrace) else {
      throw fail("expected '{' \(context)", at: errorRange())
    }
    _ = advance()
    try nest()
    defer { depth -= 1 }
    let body = parseStatements(untilBrace: true)
    guard current.isPunctuation(.rightBrace) else {
      reachedEndUnexpectedly = true
      diagnostics.append(
        Diagnostic(
          "expected '}' to close the block", at: errorRange(),
          help: "add '}' to match the '{' of this block"))
      throw Abandon()
    }
    _ = advance()
    return body
  }

  mutating func parseStatement() throws -> Stmt {
    let start = current.range.start
    switch current.kind {
    case .keyword(.let), .keyword(.var):
      let isConstant = current.isKeyword(.let)
      _ = advance()
      let pattern = try parsePattern()
      var type: TypeAnnotation?
      if current.isPunctuation(.colon) {
        _ = advance()
        type = try parseType()
      }
      var value: Expr?
      if current.isOperator("=") {
        _ = advance()
        value = try parseExpression()
      } else if type == nil {
        throw fail(
          "type annotation missing in pattern", at: errorRange(),
          help: "give it a value ('= 0') or a type (': Int')")
      }
      let end = value?.range.end ?? type?.range.end ?? pattern.range.end
      return Stmt(
        .declaration(isConstant: isConstant, pattern: pattern, type: type, value: value),
        SourceRange(start, end))
    case .keyword(.func):
      _ = advance()
      return Stmt(.function(try parseFunction()), SourceRange(start, previousEnd))
    case .keyword(.return):
      let keyword = advance()
      if current.startsLine || current.isEnd || current.isPunctuation(.rightBrace)
        || current.isPunctuation(.semicolon)
      {
        return Stmt(.returnStatement(nil), keyword.range)
      }
      let value = try parseExpression()
      return Stmt(.returnStatement(value), SourceRange(start, value.range.end))
    case .keyword(.if):
      return try parseIf()
    case .keyword(.guard):
      _ = advance()
      let condition = try parseCondition()
      guard current.isKeyword(.else) else {
        throw fail("expected 'else' after 'guard' condition", at: errorRange())
      }
      _ = advance()
      let body = try parseBlock("after 'guard … else'")
      return Stmt(.guardStatement(condition: condition, elseBody: body), SourceRange(start, previousEnd))
    case .keyword(.for):
      _ = advance()
      let pattern = try parsePattern()
      guard current.isKeyword(.in) else {
        throw fail("expected 'in' after for-each pattern", at: errorRange())
      }
      _ = advance()
      let sequence = try parseExpression(allowTrailingClosure: false)
      var filter: Expr?
      if case .identifier("where") = current.kind {
        _ = advance()
        filter = try parseExpression(allowTrailingClosure: false)
      }
      let body = try parseBlock("to start the body of for-each loop")
      return Stmt(
        .forLoop(pattern: pattern, sequence: sequence, filter: filter, body: body), SourceRange(start, previousEnd))
    case .keyword(.while):
      _ = advance()
      let condition = try parseCondition()
      let body = try parseBlock("after 'while' condition")
      return Stmt(.whileLoop(condition: condition, body: body), SourceRange(start, previousEnd))
    case .keyword(.repeat):
      _ = advance()
      let body = try parseBlock("after 'repeat'")
      guard current.isKeyword(.while) else {
        throw fail("expected 'while' after 'repeat' body", at: errorRange())
      }
      _ = advance()
      let condition = try parseExpression(allowTrailingClosure: false)
      return Stmt(.repeatWhile(body: body, condition: condition), SourceRange(start, previousEnd))
    case .keyword(.break), .keyword(.continue):
      let keyword = advance()
      var label: String?
      var end = keyword.range.end
      if case .identifier(let name) = current.kind, !current.startsLine {
        label = name
        end = advance().range.end
      }
      let kind: StmtKind = keyword.isKeyword(.break) ? .breakStatement(label: label) : .continueStatement(label: label)
      return Stmt(kind, SourceRange(start, end))
    case .identifier(let label)
    where peek().isPunctuation(.colon)
      && (peek(2).isKeyword(.for) || peek(2).isKeyword(.while) || peek(2).isKeyword(.repeat)):
      _ = advance()
      _ = advance()
      let loop = try parseStatement()
      return Stmt(.labeled(label: label, statement: loop), SourceRange(start, loop.range.end))
    case .keyword(.else):
      throw fail("'else' without an 'if'", at: current.range)
    case .keyword(.switch):
      return try parseSwitch()
    case .keyword(.case), .keyword(.default):
      throw fail(
        "'\(current.isKeyword(.case) ? "case" : "default")' is only allowed inside a 'switch'", at: current.range)
    case .keyword(.underscore) where peek().isOperator("="):
      // `_ = f()`: evaluate and discard, as a declaration that binds nothing.
      let wildcard = advance()
      _ = advance()
      let value = try parseExpression()
      return Stmt(
        .declaration(isConstant: true, pattern: .wildcard(wildcard.range), type: nil, value: value),
        SourceRange(start, value.range.end))
    case .identifier(let word)
    where Parser.unsupportedKeywords[word] != nil && !peek().startsLine
      && !peek().isPunctuation(.leftParen) && !peek().isPunctuation(.dot) && !peek().isPunctuation(.leftBracket)
      && !(peek().kind == .op("=")) && !peek().isEnd:
      throw fail(
        "'\(word)' is not part of the Tempo language", at: current.range, help: Parser.unsupportedKeywords[word])
    default:
      let expression = try parseExpression()
      if case .op(let op) = current.kind, ["=", "+=", "-=", "*=", "/=", "%="].contains(op) {
        guard expression.isAssignable else {
          throw fail(
            "cannot assign to this expression", at: expression.range,
            help: "assign to a variable, an element 'a[i]' or a member 'x.name'")
        }
        _ = advance()
        let value = try parseExpression()
        return Stmt(.assignment(target: expression, op: op, value: value), SourceRange(start, value.range.end))
      }
      return Stmt(.expression(expression), expression.range)
    }
  }

  var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

  mutating func parseSwitch() throws -> Stmt {
    let start = advance().range.start
    let subject = try parseExpression(allowTrailingClosure: false)
    guard current.isPunctuation(.leftBrace) else {
      throw fail("expected '{' after 'switch' subject", at: errorRange())
    }
    _ = advance()
    try nest()
    defer { depth -= 1 }
    var cases: [SwitchCase] = []
    while !current.isPunctuation(.rightBrace) {
      let caseStart = current.range
      var patterns: [CasePattern] = []
      var guardExpression: Expr?
      let isDefault = current.isKeyword(.default)
      if isDefault {
        _ = advance()
      } else if current.isKeyword(.case) {
        _ = advance()
        repeat {
          if current.isPunctuation(.comma) { _ = advance() }
          patterns.append(try parseCasePattern())
        } while current.isPunctuation(.comma)
        if case .identifier("where") = current.kind {
          _ = advance()
          guardExpression = try parseExpression(allowTrailingClosure: false)
        }
      } else {
        throw fail("expected 'case' or 'default' in the 'switch'", at: errorRange())
      }
      guard current.isPunctuation(.colon) else {
        throw fail("expected ':' after the case", at: errorRange())
      }
      _ = advance()
      let body = parseStatements(untilBrace: true, stopAtCase: true)
      if body.isEmpty {
        diagnostics.append(
          Diagnostic(
            "'\(isDefault ? "default" : "case")' label in a 'switch' must have at least one executable statement",
            at: caseStart, help: "write 'break' to do nothing"))
      }
      cases.append(
        SwitchCase(
          patterns: patterns, guardExpression: guardExpression, body: body,
          range: SourceRange(caseStart.start, previousEnd), isDefault: isDefault))
      if current.isEnd {
        reachedEndUnexpectedly = true
        throw fail("expected '}' to close the 'switch'", at: errorRange())
      }
    }
    _ = advance()
    return Stmt(.switchStatement(subject: subject, cases: cases), SourceRange(start, previousEnd))
  }

  mutating func parseCasePattern() throws -> CasePattern {
    if current.isKeyword(.let) || current.isKeyword(.var) {
      _ = advance()
      let (name, range) = try expectIdentifier("a name to bind")
      return .binding(name: name, range: range)
    }
    if current.isKeyword(.underscore) { return .wildcard(advance().range) }
    return .value(try parseExpression(allowTrailingClosure: false))
  }

  mutating func parseIf() throws -> Stmt {
    let start = current.range.start
    var branches: [ConditionalBlock] = []
    var elseBody: [Stmt]?
    repeat {
      _ = advance()  // `if`
      let condition = try parseCondition()
      let body = try parseBlock("after 'if' condition")
      branches.append(ConditionalBlock(condition: condition, body: body))
      guard current.isKeyword(.else) else { break }
      _ = advance()
      if current.isKeyword(.if) { continue }
      elseBody = try parseBlock("after 'else'")
      break
    } while true
    return Stmt(.ifStatement(branches: branches, elseBody: elseBody), SourceRange(start, previousEnd))
  }

  mutating func parseCondition() throws -> Condition {
    var conditions = [try parseSingleCondition()]
    while current.isPunctuation(.comma) {
      _ = advance()
      conditions.append(try parseSingleCondition())
    }
    return conditions.count == 1 ? conditions[0] : .all(conditions)
  }

  mutating func parseSingleCondition() throws -> Condition {
    if current.isKeyword(.let) || current.isKeyword(.var) {
      let isConstant = advance().isKeyword(.let)
      let (name, range) = try expectIdentifier("a name to bind")
      if current.isPunctuation(.leftBrace) || current.isPunctuation(.comma) || current.isKeyword(.else) {
        // `if let x { … }`: unwraps `x` into a constant of the same name (Swift 5.7).
        return .optionalBinding(name: name, nameRange: range, value: Expr(.name(name), range), isConstant: isConstant)
      }
      guard current.isOperator("=") else {
        throw fail("expected '=' in optional binding", at: errorRange())
      }
      _ = advance()
      let value = try parseExpression(allowTrailingClosure: false)
      return .optionalBinding(name: name, nameRange: range, value: value, isConstant: isConstant)
    }
    if current.isPunctuation(.leftBrace) {
      throw fail("expected a condition", at: current.range)
    }
    return .expression(try parseExpression(allowTrailingClosure: false))
  }

  mutating func parsePattern() throws -> Pattern {
    switch current.kind {
    case .identifier(let name):
      return .name(name, advance().range)
    case .keyword(.underscore):
      return .wildcard(advance().range)
    case .punctuation(.leftParen):
      let open = advance()
      try nest()
      defer { depth -= 1 }
      var elements: [Pattern] = []
      while !current.isPunctuation(.rightParen) {
        elements.append(try parsePattern())
        guard current.isPunctuation(.comma) else { break }
        _ = advance()
      }
      let close = try expect(.rightParen, "to close the tuple pattern")
      return .tuple(elements, open.range.to(close.range))
    default:
      _ = try expectIdentifier("a name or a tuple pattern like '(a, b)'")
      throw Abandon()
    }
  }

  mutating func parseFunction() throws -> FunctionDeclaration {
    let (name, nameRange) = try expectIdentifier("a function name after 'func'")
    _ = try expect(.leftParen, "to start the parameter list of '\(name)'")
    var parameters: [Parameter] = []
    while !current.isPunctuation(.rightParen) {
      parameters.append(try parseParameter(in: name))
      if current.isPunctuation(.comma) {
        _ = advance()
        continue
      }
      guard current.isPunctuation(.rightParen) else {
        throw fail("expected ',' or ')' in the parameter list of '\(name)'", at: errorRange())
      }
    }
    _ = advance()
    var returnType: TypeAnnotation?
    if current.isPunctuation(.arrow) {
      _ = advance()
      returnType = try parseType()
    }
    let body = try parseBlock("to start the body of '\(name)'")
    return FunctionDeclaration(
      name: name, nameRange: nameRange, parameters: parameters, returnType: returnType, body: body)
  }

  mutating func parseParameter(in function: String) throws -> Parameter {
    var label: String?
    var hasLabel = false
    if current.isKeyword(.underscore) {
      _ = advance()
      hasLabel = true
    } else if case .identifier(let first) = current.kind, case .identifier = peek().kind {
      label = first
      hasLabel = true
      _ = advance()
    } else if case .keyword(let word) = current.kind, case .identifier = peek().kind {
      // Keywords make good labels: `func train(for epochs: Int)`.
      label = word.rawValue
      hasLabel = true
      _ = advance()
    }
    let (name, nameRange) = try expectIdentifier("a parameter name")
    if !hasLabel { label = name }
    var type: TypeAnnotation?
    if current.isPunctuation(.colon) {
      _ = advance()
      type = try parseType()
    }
    var defaultValue: Expr?
    if current.isOperator("=") {
      _ = advance()
      defaultValue = try parseExpression()
    }
    return Parameter(label: label, name: name, nameRange: nameRange, type: type, defaultValue: defaultValue)
  }

  mutating func parseType() throws -> TypeAnnotation {
    try nest()
    defer { depth -= 1 }
    let start = current.range.start
    var type: TypeAnnotation
    switch current.kind {
    case .identifier(let name):
      let token = advance()
      type = .named(name, token.range)
    case .punctuation(.leftBracket):
      _ = advance()
      let element = try parseType()
      if current.isPunctuation(.colon) {
        _ = advance()
        let value = try parseType()
        let close = try expect(.rightBracket, "to close the dictionary type")
        type = .dictionary(key: element, value: value, SourceRange(start, close.range.end))
      } else {
        let close = try expect(.rightBracket, "to close the array type")
        type = .array(element, SourceRange(start, close.range.end))
      }
    case .punctuation(.leftParen):
      _ = advance()
      var elements: [TypeAnnotation] = []
      var labels: [String?] = []
      var labelRanges: [SourceRange?] = []
      while !current.isPunctuation(.rightParen) {
        let (label, labelRange) = parseElementLabel()
        labels.append(label)
        labelRanges.append(labelRange)
        elements.append(try parseType())
        guard current.isPunctuation(.comma) else { break }
        _ = advance()
      }
      let close = try expect(.rightParen, "to close the tuple type")
      if current.isPunctuation(.arrow) {
        _ = advance()
        let result = try parseType()
        for case (let label?, let labelRange?) in zip(labels, labelRanges) {
          diagnostics.append(
            Diagnostic(
              "function types cannot have argument labels", at: labelRange, help: "write the type without '\(label):'"))
        }
        type = .function(parameters: elements, result: result, SourceRange(start, result.range.end))
      } else if elements.count == 1 {
        if let label = labels[0], let labelRange = labelRanges[0] {
          diagnostics.append(
            Diagnostic(
              "cannot create a single-element tuple with an element label", at: labelRange,
              help: "write the type without '\(label):'"))
        }
        type = elements[0]
      } else {
        checkDistinct(labels, at: labelRanges)
        type = .tuple(elements, labels: labels, SourceRange(start, close.range.end))
      }
    default:
      throw fail("expected a type", at: errorRange(), help: "for example 'Int', 'Double', '[String]'")
    }
    while current.isOperator("?"), !current.spaceBefore {
      let mark = advance()
      type = .optional(type, SourceRange(start, mark.range.end))
    }
    return type
  }
}

extension Expr {
  /// Whether the expression names a place that can be assigned to.
  public var isAssignable: Bool {
    switch kind {
    case .name, .subscriptAccess, .tupleElement: return true
    case .tuple(let elements, let labels):
      return !elements.isEmpty && elements.allSatisfy(\.isAssignable) && labels.allSatisfy { $0 == nil }
    case .member(let base, _, _): return base.isAssignable
    default: return false
    }
  }
}
