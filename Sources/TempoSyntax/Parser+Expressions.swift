/// Expressions, with Swift's operator precedence and whitespace rules.
extension Parser {
  /// Binary operators by precedence, loosest first (Swift's standard library groups).
  static let precedence: [String: Int] = [
    "||": 1, "&&": 2,
    "==": 3, "!=": 3, "<": 3, ">": 3, "<=": 3, ">=": 3,
    "??": 4, "..<": 5, "...": 5,
    "+": 6, "-": 6, "*": 7, "/": 7, "%": 7,
  ]

  /// Whether the current operator token stands between two operands (Swift: whitespace on
  /// both sides or on neither).
  var currentIsInfixOperator: Bool {
    guard case .op(let op) = current.kind, Parser.precedence[op] != nil else { return false }
    return current.spaceBefore == current.spaceAfter
  }

  mutating func parseExpression(allowTrailingClosure: Bool = true) throws -> Expr {
    try nest()
    defer { depth -= 1 }
    let condition = try parseBinary(minimum: 1, allowTrailingClosure: allowTrailingClosure)
    // The ternary operator needs spaces around '?', which keeps it apart from the help '?'.
    if current.isOperator("?"), current.spaceBefore, current.spaceAfter {
      _ = advance()
      let then = try parseExpression(allowTrailingClosure: allowTrailingClosure)
      guard current.isPunctuation(.colon) else {
        throw fail("expected ':' after '? …' in ternary expression", at: errorRange())
      }
      _ = advance()
      let otherwise = try parseExpression(allowTrailingClosure: allowTrailingClosure)
      return Expr(
        .ternary(condition: condition, then: then, else: otherwise),
        condition.range.to(otherwise.range))
    }
    return condition
  }

  mutating func parseBinary(minimum: Int, allowTrailingClosure: Bool) throws -> Expr {
    var lhs = try parsePrefix(allowTrailingClosure: allowTrailingClosure)
    var operators = 0
    while currentIsInfixOperator, case .op(let op) = current.kind,
      let precedence = Parser.precedence[op], precedence >= minimum
    {
      // A chain of operators is a tree as deep as it is long; bound it like nesting.
      operators += 1
      if operators > Parser.maximumOperatorChain {
        throw fail(
          "expression has more than \(Parser.maximumOperatorChain) operators", at: current.range,
          help: "split it into smaller steps with 'let', or sum an array with 'sum()'")
      }
      let opToken = advance()
      try nest()
      defer { depth -= 1 }
      // `??` groups to the right; everything else to the left.
      let next = op == "??" ? precedence : precedence + 1
      let rhs = try parseBinary(minimum: next, allowTrailingClosure: allowTrailingClosure)
      if precedence == 3, currentIsInfixOperator, case .op(let following) = current.kind,
        Parser.precedence[following] == 3
      {
        throw fail(
          "adjacent operators are in non-associative precedence group 'ComparisonPrecedence'",
          at: current.range, help: "combine comparisons with '&&': a < b && b < c")
      }
      lhs = Expr(
        .binary(op: op, lhs: lhs, rhs: rhs, opRange: opToken.range), lhs.range.to(rhs.range))
    }
    return lhs
  }

  mutating func parsePrefix(allowTrailingClosure: Bool) throws -> Expr {
    if case .op(let op) = current.kind, ["-", "!", "+"].contains(op), !current.spaceAfter {
      let opToken = advance()
      if case .op(let next) = current.kind, ["-", "!", "+"].contains(next), !current.spaceBefore {
        throw fail(
          "unary operators must not be juxtaposed; parenthesize inner expression", at: current.range,
          help: "write '\(op)(\(next)…)'")
      }
      try nest()
      defer { depth -= 1 }
      let operand = try parsePrefix(allowTrailingClosure: allowTrailingClosure)
      // Fold `-5` into a literal so that `-9223372036854775808` is representable.
      if op == "-", case .integer(let value) = operand.kind {
        // Int.min arrives already negative (see the lexer); every other literal is negated.
        return Expr(.integer(value == Int.min ? value : -value), opToken.range.to(operand.range))
      }
      if op == "-", case .float(let value) = operand.kind {
        return Expr(.float(-value), opToken.range.to(operand.range))
      }
      return Expr(.prefix(op: op, operand: operand), opToken.range.to(operand.range))
    }
    return try parsePostfix(allowTrailingClosure: allowTrailingClosure)
  }

  mutating func parsePostfix(allowTrailingClosure: Bool) throws -> Expr {
    var expression = try parsePrimary()
    var postfixCount = 0
    defer { depth -= postfixCount }
    while true {
      let token = current
      if token.isPunctuation(.leftParen), !token.startsLine {
        _ = advance()
        let arguments = try parseArguments(closing: .rightParen)
        expression = Expr(
          .call(callee: expression, arguments: arguments), SourceRange(expression.range.start, previousEnd))
      } else if token.isPunctuation(.leftBracket), !token.startsLine {
        _ = advance()
        let arguments = try parseArguments(closing: .rightBracket)
        expression = Expr(
          .subscriptAccess(base: expression, arguments: arguments),
          SourceRange(expression.range.start, previousEnd))
      } else if token.isPunctuation(.dot) {
        _ = advance()
        switch current.kind {
        case .identifier(let name):
          let nameToken = advance()
          expression = Expr(
            .member(base: expression, name: name, nameRange: nameToken.range),
            expression.range.to(nameToken.range))
        case .integer(let position):
          let indexToken = advance()
          expression = Expr(
            .tupleElement(base: expression, index: position), expression.range.to(indexToken.range))
        case .float:
          // `t.0.1` lexes as `t`, `.`, `0.1`: split it back into two tuple indices.
          let number = advance()
          let parts = "\(tokensText(number))".split(separator: ".")
          for part in parts {
            expression = Expr(
              .tupleElement(base: expression, index: Int(part) ?? 0), expression.range.to(number.range))
          }
        default:
          throw fail("expected a member name after '.'", at: errorRange())
        }
      } else if token.isPunctuation(.leftBrace), allowTrailingClosure, !token.startsLine {
        let closure = try parseClosure()
        if case .call(let callee, var arguments) = expression.kind {
          arguments.append(Argument(label: nil, labelRange: nil, value: closure, isTrailingClosure: true))
          expression = Expr(.call(callee: callee, arguments: arguments), expression.range.to(closure.range))
        } else {
          expression = Expr(
            .call(
              callee: expression,
              arguments: [Argument(label: nil, labelRange: nil, value: closure, isTrailingClosure: true)]),
            expression.range.to(closure.range))
        }
      } else if token.isOperator("!"), !token.spaceBefore,
        token.spaceAfter || peek().isPunctuation(.dot) || peek().isPunctuation(.leftBracket)
      {
        _ = advance()
        expression = Expr(.forceUnwrap(expression), expression.range.to(token.range))
      } else if token.isOperator("?"), !token.spaceBefore, isStatementEnd(peek()) {
        _ = advance()
        expression = Expr(.help(expression), expression.range.to(token.range))
      } else {
        return expression
      }
      try nest()
      postfixCount += 1
    }
  }

  /// The literal text of a float token that followed a '.', for `t.0.1`.
  func tokensText(_ token: Token) -> String {
    if case .float(let value) = token.kind { return String(value) }
    return ""
  }

  func isStatementEnd(_ token: Token) -> Bool {
    token.startsLine || token.isEnd || token.isPunctuation(.semicolon) || token.isPunctuation(.rightBrace)
  }

  mutating func parseArguments(closing: Punctuation) throws -> [Argument] {
    try nest()
    defer { depth -= 1 }
    var arguments: [Argument] = []
    while !current.isPunctuation(closing) {
      var label: String?
      var labelRange: SourceRange?
      if peek().isPunctuation(.colon) {
        switch current.kind {
        case .identifier(let name):
          label = name
          labelRange = advance().range
          _ = advance()
        case .keyword(let keyword) where keyword != .underscore:
          label = keyword.rawValue
          labelRange = advance().range
          _ = advance()
        default: break
        }
      }
      let value = try parseExpression()
      arguments.append(Argument(label: label, labelRange: labelRange, value: value))
      if current.isPunctuation(.comma) {
        _ = advance()
        continue
      }
      guard current.isPunctuation(closing) else {
        throw fail("expected ',' or '\(closing.rawValue)' in the argument list", at: errorRange())
      }
    }
    _ = advance()
    return arguments
  }

  mutating func parsePrimary() throws -> Expr {
    let token = current
    switch token.kind {
    case .integer(let value):
      _ = advance()
      return Expr(.integer(value), token.range)
    case .float(let value):
      _ = advance()
      return Expr(.float(value), token.range)
    case .string(let pieces):
      _ = advance()
      return Expr(.string(try parseInterpolation(pieces)), token.range)
    case .keyword(.true):
      _ = advance()
      return Expr(.bool(true), token.range)
    case .keyword(.false):
      _ = advance()
      return Expr(.bool(false), token.range)
    case .keyword(.nil):
      _ = advance()
      return Expr(.nilLiteral, token.range)
    case .identifier(let name):
      _ = advance()
      return Expr(.name(name), token.range)
    case .dollar(let position):
      _ = advance()
      return Expr(.anonymousParameter(position), token.range)
    case .punctuation(.dot):
      _ = advance()
      guard case .identifier(let name) = current.kind else {
        throw fail("expected a member name after '.'", at: errorRange())
      }
      let nameToken = advance()
      return Expr(.implicitMember(name), token.range.to(nameToken.range))
    case .punctuation(.leftParen):
      _ = advance()
      try nest()
      defer { depth -= 1 }
      var elements: [Expr] = []
      var labels: [String?] = []
      var labelRanges: [SourceRange?] = []
      var sawComma = false
      while !current.isPunctuation(.rightParen) {
        let (label, labelRange) = parseElementLabel()
        labels.append(label)
        labelRanges.append(labelRange)
        elements.append(try parseExpression())
        guard current.isPunctuation(.comma) else { break }
        sawComma = true
        _ = advance()
      }
      let close = try expect(.rightParen, "to close the parenthesis")
      let range = token.range.to(close.range)
      if elements.count == 1, !sawComma {
        if let label = labels[0], let labelRange = labelRanges[0] {
          diagnostics.append(
            Diagnostic(
              "cannot create a single-element tuple with an element label", at: labelRange,
              help: "remove '\(label):', or give the tuple a second element"))
        }
        return Expr(elements[0].kind, range)
      }
      checkDistinct(labels, at: labelRanges)
      return Expr(.tuple(elements, labels: labels), range)
    case .punctuation(.leftBracket):
      return try parseCollectionLiteral()
    case .punctuation(.leftBrace):
      return try parseClosure()
    case .op(let op) where Parser.precedence[op] != nil:
      // An operator standing alone as an argument: `reduce(0, +)`.
      let next = peek()
      if next.isPunctuation(.rightParen) || next.isPunctuation(.comma) {
        _ = advance()
        return Expr(.operatorFunction(op), token.range)
      }
      throw fail("expected an expression before '\(op)'", at: token.range)
    case .endOfFile:
      throw fail("expected an expression", at: errorRange())
    case .keyword(let keyword):
      throw fail(
        "expected an expression, found keyword '\(keyword.rawValue)'", at: token.range,
        help: keyword == .let || keyword == .var ? "declarations are statements; put it on its own line" : nil)
    default:
      throw fail("expected an expression, found \(token.displayText)", at: token.range)
    }
  }

  /// The `label:` before a tuple element or a tuple type's element, if there is one.
  mutating func parseElementLabel() -> (String?, SourceRange?) {
    guard peek().isPunctuation(.colon) else { return (nil, nil) }
    switch current.kind {
    case .identifier(let name):
      let range = advance().range
      _ = advance()
      return (name, range)
    case .keyword(let keyword) where keyword != .underscore:
      let range = advance().range
      _ = advance()
      return (keyword.rawValue, range)
    default:
      return (nil, nil)
    }
  }

  /// Reports a label that a tuple uses twice, as Swift does.
  mutating func checkDistinct(_ labels: [String?], at ranges: [SourceRange?]) {
    var seen: Set<String> = []
    for (label, range) in zip(labels, ranges) {
      guard let label, let range else { continue }
      if !seen.insert(label).inserted {
        diagnostics.append(
          Diagnostic(
            "cannot create a tuple with a duplicate element label", at: range,
            help: "'\(label)' labels an earlier element; give this one another label"))
      }
    }
  }

  mutating func parseCollectionLiteral() throws -> Expr {
    let open = advance()
    try nest()
    defer { depth -= 1 }
    if current.isPunctuation(.colon), peek().isPunctuation(.rightBracket) {
      _ = advance()
      let close = advance()
      return Expr(.dictionary([]), open.range.to(close.range))
    }
    var elements: [Expr] = []
    var entries: [DictionaryEntry] = []
    var isDictionary: Bool?
    while !current.isPunctuation(.rightBracket) {
      let first = try parseExpression()
      if current.isPunctuation(.colon) {
        if isDictionary == false {
          throw fail("expected ',' or ']' in array literal", at: current.range)
        }
        isDictionary = true
        _ = advance()
        let value = try parseExpression()
        entries.append(DictionaryEntry(key: first, value: value))
      } else {
        if isDictionary == true {
          throw fail("expected ':' in dictionary literal", at: errorRange())
        }
        isDictionary = false
        elements.append(first)
      }
      guard current.isPunctuation(.comma) else { break }
      _ = advance()
    }
    let close = try expect(.rightBracket, "to close the \(isDictionary == true ? "dictionary" : "array") literal")
    let range = open.range.to(close.range)
    return isDictionary == true ? Expr(.dictionary(entries), range) : Expr(.array(elements), range)
  }

  mutating func parseInterpolation(_ pieces: [StringPiece]) throws -> [InterpolatedPart] {
    var parts: [InterpolatedPart] = []
    for piece in pieces {
      switch piece {
      case .text(let text):
        parts.append(.text(text))
      case .interpolation(let innerTokens, let range):
        var inner = Parser(tokens: innerTokens)
        inner.depth = depth
        if inner.current.isEnd {
          diagnostics.append(Diagnostic("expected an expression in '\\(…)'", at: range))
          throw Abandon()
        }
        do {
          let expression = try inner.parseExpression()
          if !inner.current.isEnd {
            _ = inner.fail("expected ')' to end the interpolation", at: inner.current.range)
            throw Abandon()
          }
          parts.append(.expression(expression))
        } catch {
          diagnostics.append(contentsOf: inner.diagnostics)
          throw Abandon()
        }
      }
    }
    return parts
  }

  mutating func parseClosure() throws -> Expr {
    let open = advance()
    try nest()
    defer { depth -= 1 }
    var parameters: [Parameter] = []
    var hasExplicitParameters = false
    var returnType: TypeAnnotation?
    if let signature = try parseClosureSignature() {
      (parameters, returnType) = signature
      hasExplicitParameters = true
    }
    let body = parseStatements(untilBrace: true)
    guard current.isPunctuation(.rightBrace) else {
      throw fail("expected '}' at end of closure", at: errorRange())
    }
    let close = advance()
    return Expr(
      .closure(
        Closure(
          parameters: parameters, hasExplicitParameters: hasExplicitParameters, returnType: returnType,
          body: body)),
      open.range.to(close.range))
  }

  /// Parses `a, b in`, `(a: Int, b) -> Int in` or `_ in` if the closure starts with one;
  /// otherwise leaves the position unchanged and returns nil.
  mutating func parseClosureSignature() throws -> ([Parameter], TypeAnnotation?)? {
    // Look ahead for `in` before the first token that cannot be part of a signature.
    var look = index
    var nesting = 0
    while look < tokens.count {
      let token = tokens[look]
      if token.isKeyword(.in), nesting == 0 { break }
      switch token.kind {
      case .identifier, .keyword(.underscore), .punctuation(.comma), .punctuation(.colon),
        .punctuation(.arrow), .punctuation(.leftBracket), .punctuation(.rightBracket):
        break
      case .op("?"): break
      case .punctuation(.leftParen): nesting += 1
      case .punctuation(.rightParen): nesting -= 1
      default: return nil
      }
      look += 1
    }
    guard look < tokens.count, tokens[look].isKeyword(.in), look > index else { return nil }
    var parameters: [Parameter] = []
    var returnType: TypeAnnotation?
    let parenthesized = current.isPunctuation(.leftParen)
    if parenthesized { _ = advance() }
    while !(current.isKeyword(.in) || (parenthesized && current.isPunctuation(.rightParen))) {
      let name: String
      let range: SourceRange
      if current.isKeyword(.underscore) {
        name = "_"
        range = advance().range
      } else {
        (name, range) = try expectIdentifier("a closure parameter name")
      }
      var type: TypeAnnotation?
      if current.isPunctuation(.colon) {
        _ = advance()
        type = try parseType()
      }
      parameters.append(Parameter(label: nil, name: name, nameRange: range, type: type, defaultValue: nil))
      guard current.isPunctuation(.comma) else { break }
      _ = advance()
    }
    if parenthesized { _ = try expect(.rightParen, "to close the closure parameters") }
    if current.isPunctuation(.arrow) {
      _ = advance()
      returnType = try parseType()
    }
    guard current.isKeyword(.in) else {
      throw fail("expected 'in' after the closure parameters", at: errorRange())
    }
    _ = advance()
    return (parameters, returnType)
  }
}
