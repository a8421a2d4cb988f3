/// One lexical token with its place in the source and the whitespace around it.
///
/// Swift decides whether an operator is prefix, postfix or infix from the whitespace on
/// each side; the lexer records it so the parser can follow the same rule.
public struct Token: Sendable, Equatable {
  public var kind: TokenKind
  public var range: SourceRange
  /// A line break comes between this token and the previous one.
  public var startsLine: Bool
  /// Whitespace, a comment, a line start or an opening bracket comes right before the token.
  public var spaceBefore: Bool
  /// Whitespace, a comment, the end or a closing bracket comes right after the token.
  public var spaceAfter: Bool
}

public enum TokenKind: Sendable, Equatable {
  case identifier(String)
  /// `$0`, `$1`: anonymous closure parameters.
  case dollar(Int)
  case keyword(Keyword)
  case integer(Int)
  case float(Double)
  case string([StringPiece])
  case punctuation(Punctuation)
  case op(String)
  case endOfFile
}

/// A piece of a string literal: text, or the tokens of a `\(…)` interpolation.
public enum StringPiece: Sendable, Equatable {
  case text(String)
  case interpolation([Token], SourceRange)
}

public enum Keyword: String, Sendable, CaseIterable {
  case `let`, `var`, `func`, `return`, `if`, `else`, `for`, `in`, `while`, `repeat`
  case `break`, `continue`, `guard`, `true`, `false`, `nil`, `switch`, `case`, `default`
  case underscore = "_"
}

public enum Punctuation: String, Sendable {
  case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
  case leftBrace = "{", rightBrace = "}", comma = ",", colon = ":", semicolon = ";"
  case dot = ".", arrow = "->"
}

extension Token {
  /// The text a person would recognise in a diagnostic (`')'`, `'let'`, `end of cell`).
  public var displayText: String {
    switch kind {
    case .identifier(let name): return "'\(name)'"
    case .dollar(let n): return "'$\(n)'"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .integer(let n): return "'\(n)'"
    case .float(let x): return "'\(x)'"
    case .string: return "string literal"
    case .punctuation(let p): return "'\(p.rawValue)'"
    case .op(let o): return "'\(o)'"
    case .endOfFile: return "end of input"
    }
  }

  public func isPunctuation(_ p: Punctuation) -> Bool {
    if case .punctuation(p) = kind { return true }
    return false
  }

  public func isKeyword(_ k: Keyword) -> Bool {
    if case .keyword(k) = kind { return true }
    return false
  }

  public func isOperator(_ o: String) -> Bool {
    if case .op(o) = kind { return true }
    return false
  }

  public var isEnd: Bool {
    if case .endOfFile = kind { return true }
    return false
  }
}
