/// Turns source bytes into tokens, collecting every lexical error instead of stopping at one.
public struct Lexer {
  /// What lexing found: the tokens (always ending in `.endOfFile`), the errors, and whether
  /// the input stopped inside a string or comment (which makes a cell *incomplete*, not wrong).
  public struct Output: Sendable {
    public var tokens: [Token]
    public var diagnostics: [Diagnostic]
    public var endsInsideLiteral: Bool
  }

  private let bytes: [UInt8]
  private var position: Int
  private let end: Int
  private var diagnostics: [Diagnostic] = []
  private var endsInsideLiteral = false

  public static func tokenize(_ file: SourceFile) -> Output {
    var lexer = Lexer(bytes: file.bytes, start: 0, end: file.bytes.count)
    let tokens = lexer.lexTokens(untilClosingParen: false)
    return Output(
      tokens: tokens, diagnostics: lexer.diagnostics, endsInsideLiteral: lexer.endsInsideLiteral)
  }

  private init(bytes: [UInt8], start: Int, end: Int) {
    self.bytes = bytes
    self.position = start
    self.end = end
  }

  // MARK: - Scanning

  private func peek(_ ahead: Int = 0) -> UInt8? {
    let index = position + ahead
    return index < end ? bytes[index] : nil
  }

  private static func isIdentifierStart(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
  }

  private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

  private static func isOpeningOrSeparator(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "(") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{")
      || b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":")
  }

  private static func isClosingOrSeparator(_ b: UInt8) -> Bool {
    b == UInt8(ascii: ")") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}")
      || b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: ":")
  }

  private static func isWhitespace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
  }

  /// Skips whitespace and comments; reports whether a line break was crossed.
  private mutating func skipTrivia() -> Bool {
    var sawNewline = false
    while let b = peek() {
      if b == 0x0A || b == 0x0D {
        sawNewline = true
        position += 1
      } else if Lexer.isWhitespace(b) {
        position += 1
      } else if b == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
        while let c = peek(), c != 0x0A { position += 1 }
      } else if b == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
        let start = position
        position += 2
        var depth = 1
        while depth > 0 {
          guard let c = peek() else {
            diagnostics.append(
              Diagnostic(
                "unterminated '/*' comment", at: SourceRange(start, start + 2),
                help: "close the comment with '*/'"))
            endsInsideLiteral = true
            return sawNewline
          }
          if c == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
            depth -= 1
            position += 2
          } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
            depth += 1
            position += 2
          } else {
            if c == 0x0A { sawNewline = true }
            position += 1
          }
        }
      } else {
        break
      }
    }
    return sawNewline
  }

  private mutating func lexTokens(untilClosingParen: Bool) -> [Token] {
    var tokens: [Token] = []
    var parenDepth = 0
    while true {
      let triviaStart = position
      let newline = skipTrivia()
      let start = position
      let spaceBefore =
        start == 0 || start > triviaStart
        || Lexer.isOpeningOrSeparator(bytes[start - 1])
        || (untilClosingParen && tokens.isEmpty)
      guard let byte = peek() else {
        tokens.append(
          Token(
            kind: .endOfFile, range: SourceRange(start, start), startsLine: newline,
            spaceBefore: true, spaceAfter: true))
        return tokens
      }
      if untilClosingParen, byte == UInt8(ascii: ")"), parenDepth == 0 {
        tokens.append(
          Token(
            kind: .endOfFile, range: SourceRange(start, start), startsLine: newline,
            spaceBefore: true, spaceAfter: true))
        return tokens
      }
      if byte == UInt8(ascii: "(") { parenDepth += 1 }
      if byte == UInt8(ascii: ")") { parenDepth -= 1 }
      guard let kind = lexOne(byte, start: start) else { continue }
      let spaceAfter =
        position >= end || Lexer.isWhitespace(bytes[position])
        || Lexer.isClosingOrSeparator(bytes[position])
        || (bytes[position] == UInt8(ascii: "/")
          && (position + 1 < end
            && (bytes[position + 1] == UInt8(ascii: "/") || bytes[position + 1] == UInt8(ascii: "*"))))
      tokens.append(
        Token(
          kind: kind, range: SourceRange(start, position), startsLine: newline,
          spaceBefore: spaceBefore, spaceAfter: spaceAfter))
    }
  }

  /// Lexes one token starting at `byte`; nil when the input there was skipped after an error.
  private mutating func lexOne(_ byte: UInt8, start: Int) -> TokenKind? {
    if Lexer.isIdentifierStart(byte) || byte >= 0x80 {
      return lexIdentifier(start: start)
    }
    if Lexer.isDigit(byte) { return lexNumber(start: start) }
    switch byte {
    case UInt8(ascii: "\"") where peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\""):
      position += 3
      diagnostics.append(
        Diagnostic(
          "multi-line string literals are not part of the Tempo language", at: SourceRange(start, position),
          help: "write one string with '\\n' for line breaks"))
      return nil
    case UInt8(ascii: "\""): return lexString(start: start)
    case UInt8(ascii: "`"):
      // `in`: a keyword used as a name.
      position += 1
      let nameStart = position
      while let b = peek(), Lexer.isIdentifierStart(b) || Lexer.isDigit(b) { position += 1 }
      let name = String(decoding: bytes[nameStart..<position], as: UTF8.self)
      guard peek() == UInt8(ascii: "`"), !name.isEmpty else {
        diagnostics.append(
          Diagnostic("expected a name between backticks", at: SourceRange(start, position), help: "write `name`"))
        return nil
      }
      position += 1
      return .identifier(name)
    case UInt8(ascii: "$"):
      position += 1
      var value = 0
      var digits = 0
      while let d = peek(), Lexer.isDigit(d) {
        value = min(value * 10 + Int(d - 0x30), 1_000_000)
        digits += 1
        position += 1
      }
      if digits == 0 {
        diagnostics.append(
          Diagnostic(
            "expected a number after '$'", at: SourceRange(start, position),
            help: "anonymous closure parameters are written '$0', '$1', …"))
        return nil
      }
      return .dollar(value)
    case UInt8(ascii: "("): position += 1; return .punctuation(.leftParen)
    case UInt8(ascii: ")"): position += 1; return .punctuation(.rightParen)
    case UInt8(ascii: "["): position += 1; return .punctuation(.leftBracket)
    case UInt8(ascii: "]"): position += 1; return .punctuation(.rightBracket)
    case UInt8(ascii: "{"): position += 1; return .punctuation(.leftBrace)
    case UInt8(ascii: "}"): position += 1; return .punctuation(.rightBrace)
    case UInt8(ascii: ","): position += 1; return .punctuation(.comma)
    case UInt8(ascii: ":"): position += 1; return .punctuation(.colon)
    case UInt8(ascii: ";"): position += 1; return .punctuation(.semicolon)
    case UInt8(ascii: "."):
      if peek(1) == UInt8(ascii: "."), peek(2) == UInt8(ascii: ".") {
        position += 3
        return .op("...")
      }
      if peek(1) == UInt8(ascii: "."), peek(2) == UInt8(ascii: "<") {
        position += 3
        return .op("..<")
      }
      if let next = peek(1), Lexer.isDigit(next),
        start == 0 || !Lexer.isIdentifierOrClosing(bytes[start - 1])
      {
        // `.5`: Swift has no such literal; say what to write instead.
        position += 1
        while let d = peek(), Lexer.isDigit(d) || d == UInt8(ascii: "_") { position += 1 }
        let digits = String(decoding: bytes[(start + 1)..<position], as: UTF8.self)
        diagnostics.append(
          Diagnostic(
            "'.\(digits)' is not a valid floating point literal; it must be written '0.\(digits)'",
            at: SourceRange(start, position), help: "write '0.\(digits)'"))
        return .float(Double("0.\(digits.filter { $0 != "_" })") ?? 0)
      }
      position += 1
      return .punctuation(.dot)
    default:
      return lexOperator(start: start)
    }
  }

  private static func isIdentifierOrClosing(_ b: UInt8) -> Bool {
    isIdentifierStart(b) || isDigit(b) || b == UInt8(ascii: ")") || b == UInt8(ascii: "]")
  }

  /// Swift operators Tempo does not have, with what to write instead.
  static let unsupportedOperators: [(String, String)] = [
    ("<<", "shifts are not supported; multiply or divide by a power of 2"),
    (">>", "shifts are not supported; multiply or divide by a power of 2"),
    ("++", "write 'x += 1'"), ("--", "write 'x -= 1'"),
    ("===", "compare values with '=='"), ("!==", "compare values with '!='"),
  ]

  private mutating func lexOperator(start: Int) -> TokenKind? {
    for (text, help) in Lexer.unsupportedOperators {
      let utf8 = Array(text.utf8)
      if position + utf8.count <= end, Array(bytes[position..<(position + utf8.count)]) == utf8 {
        position += utf8.count
        diagnostics.append(
          Diagnostic(
            "operator '\(text)' is not part of the Tempo language", at: SourceRange(start, position), help: help))
        return nil
      }
    }
    let operators = [
      "->", "...", "..<", "==", "!=", "<=", ">=", "&&", "||", "??", "+=", "-=", "*=", "/=", "%=",
      "+", "-", "*", "/", "%", "<", ">", "=", "!", "?",
    ]
    for candidate in operators {
      let utf8 = Array(candidate.utf8)
      if position + utf8.count <= end, Array(bytes[position..<(position + utf8.count)]) == utf8 {
        position += utf8.count
        return candidate == "->" ? .punctuation(.arrow) : .op(candidate)
      }
    }
    // Anything else is not part of the language: name it and skip it.
    let scalarEnd = Lexer.scalarEnd(bytes, from: position, limit: end)
    let text = String(decoding: bytes[position..<scalarEnd], as: UTF8.self)
    position = scalarEnd
    var help: String?
    if text == "'" { help = "strings are written with double quotes: \"text\"" }
    if text == "&" || text == "|" { help = "the logical operators are '\(text)\(text)'" }
    diagnostics.append(
      Diagnostic("unexpected character '\(text)'", at: SourceRange(start, position), help: help))
    return nil
  }

  private static func scalarEnd(_ bytes: [UInt8], from index: Int, limit: Int) -> Int {
    var next = index + 1
    while next < limit, bytes[next] & 0xC0 == 0x80 { next += 1 }
    return next
  }

  private mutating func lexIdentifier(start: Int) -> TokenKind? {
    while let b = peek() {
      if Lexer.isIdentifierStart(b) || Lexer.isDigit(b) {
        position += 1
      } else if b >= 0x80 {
        let scalarEnd = Lexer.scalarEnd(bytes, from: position, limit: end)
        let text = String(decoding: bytes[position..<scalarEnd], as: UTF8.self)
        guard let scalar = text.unicodeScalars.first,
          scalar.properties.isAlphabetic || scalar.properties.isEmoji && scalar.value > 0xFF
        else { break }
        position = scalarEnd
      } else {
        break
      }
    }
    if position == start {
      // A non-letter, non-ASCII character where a token should start.
      let scalarEnd = Lexer.scalarEnd(bytes, from: position, limit: end)
      let text = String(decoding: bytes[position..<scalarEnd], as: UTF8.self)
      position = scalarEnd
      let help: String? =
        (text == "“" || text == "”") ? "use straight double quotes: \"text\"" : nil
      diagnostics.append(
        Diagnostic("unexpected character '\(text)'", at: SourceRange(start, position), help: help))
      return nil
    }
    let name = String(decoding: bytes[start..<position], as: UTF8.self)
    if let keyword = Keyword(rawValue: name) { return .keyword(keyword) }
    return .identifier(name)
  }

  private mutating func lexNumber(start: Int) -> TokenKind? {
    if peek() == UInt8(ascii: "0"), let radixByte = peek(1),
      radixByte == UInt8(ascii: "x") || radixByte == UInt8(ascii: "b") || radixByte == UInt8(ascii: "o")
    {
      position += 2
      let radix = radixByte == UInt8(ascii: "x") ? 16 : radixByte == UInt8(ascii: "b") ? 2 : 8
      let digitsStart = position
      while let d = peek(), Lexer.isIdentifierStart(d) || Lexer.isDigit(d) { position += 1 }
      let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self).filter {
        $0 != "_"
      }
      guard let value = Int(digits, radix: radix) else {
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        diagnostics.append(
          Diagnostic(
            "'\(text)' is not a valid integer literal", at: SourceRange(start, position)))
        return .integer(0)
      }
      return .integer(value)
    }
    func digits() {
      while let d = peek(), Lexer.isDigit(d) || d == UInt8(ascii: "_") { position += 1 }
    }
    digits()
    var isFloat = false
    if peek() == UInt8(ascii: "."), let next = peek(1), Lexer.isDigit(next) {
      isFloat = true
      position += 1
      digits()
    }
    if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      var look = 1
      if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { look = 2 }
      if let d = peek(look), Lexer.isDigit(d) {
        isFloat = true
        position += look
        digits()
      }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    let cleaned = text.filter { $0 != "_" }
    if let trailing = peek(), Lexer.isIdentifierStart(trailing) {
      while let d = peek(), Lexer.isIdentifierStart(d) || Lexer.isDigit(d) { position += 1 }
      let whole = String(decoding: bytes[start..<position], as: UTF8.self)
      diagnostics.append(
        Diagnostic(
          "'\(whole)' is not a valid number", at: SourceRange(start, position),
          help: "separate the number from the name with an operator or a space"))
      return .integer(0)
    }
    if isFloat {
      guard let value = Double(cleaned), value.isFinite else {
        diagnostics.append(
          Diagnostic(
            "floating point literal '\(text)' overflows Double", at: SourceRange(start, position)))
        return .float(0)
      }
      return .float(value)
    }
    // `-9223372036854775808`: the digits alone overflow, but negated they are Int.min.
    if cleaned == "9223372036854775808", start > 0, bytes[start - 1] == UInt8(ascii: "-") {
      return .integer(Int.min)
    }
    guard let value = Int(cleaned) else {
      diagnostics.append(
        Diagnostic(
          "integer literal '\(text)' overflows when stored into 'Int'",
          at: SourceRange(start, position),
          help: "Int holds values up to 9223372036854775807; write '\(text).0' for a Double"))
      return .integer(0)
    }
    return .integer(value)
  }

  private mutating func lexString(start: Int) -> TokenKind? {
    position += 1
    var pieces: [StringPiece] = []
    var text: [UInt8] = []
    while true {
      guard let b = peek(), b != 0x0A, b != 0x0D else {
        diagnostics.append(
          Diagnostic(
            "unterminated string literal", at: SourceRange(start, start + 1),
            help: "close the string with '\"' on the same line"))
        if peek() == nil { endsInsideLiteral = true }
        break
      }
      if b == UInt8(ascii: "\"") {
        position += 1
        break
      }
      if b != UInt8(ascii: "\\") {
        text.append(b)
        position += 1
        continue
      }
      let escapeStart = position
      position += 1
      guard let e = peek() else { continue }
      position += 1
      switch e {
      case UInt8(ascii: "n"): text.append(0x0A)
      case UInt8(ascii: "t"): text.append(0x09)
      case UInt8(ascii: "r"): text.append(0x0D)
      case UInt8(ascii: "0"): text.append(0x00)
      case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): text.append(e)
      case UInt8(ascii: "u"):
        guard peek() == UInt8(ascii: "{") else {
          invalidEscape(escapeStart, "expected '{' in '\\u{…}' escape")
          continue
        }
        position += 1
        let hexStart = position
        while let h = peek(), h != UInt8(ascii: "}"), h != UInt8(ascii: "\""), h != 0x0A {
          position += 1
        }
        let hex = String(decoding: bytes[hexStart..<position], as: UTF8.self)
        if peek() == UInt8(ascii: "}") { position += 1 }
        if let value = UInt32(hex, radix: 16), hex.count <= 8, let scalar = Unicode.Scalar(value) {
          text.append(contentsOf: Array(String(scalar).utf8))
        } else {
          invalidEscape(escapeStart, "invalid unicode scalar '\\u{\(hex)}'")
        }
      case UInt8(ascii: "("):
        if !text.isEmpty {
          pieces.append(.text(String(decoding: text, as: UTF8.self)))
          text.removeAll()
        }
        var inner = Lexer(bytes: bytes, start: position, end: end)
        let innerStart = position
        let tokens = inner.lexTokens(untilClosingParen: true)
        diagnostics.append(contentsOf: inner.diagnostics)
        position = inner.position
        if inner.endsInsideLiteral || peek() != UInt8(ascii: ")") {
          diagnostics.append(
            Diagnostic(
              "unterminated string interpolation", at: SourceRange(escapeStart, escapeStart + 2),
              help: "close the interpolation with ')' and the string with '\"'"))
          endsInsideLiteral = endsInsideLiteral || peek() == nil
          pieces.append(.interpolation(tokens, SourceRange(innerStart, position)))
          return .string(pieces)
        }
        pieces.append(.interpolation(tokens, SourceRange(innerStart, position)))
        position += 1
      default:
        let scalarEnd = Lexer.scalarEnd(bytes, from: position - 1, limit: end)
        position = scalarEnd
        let shown = String(decoding: bytes[(escapeStart + 1)..<scalarEnd], as: UTF8.self)
        invalidEscape(escapeStart, "invalid escape sequence '\\\(shown)' in literal")
      }
    }
    if !text.isEmpty || pieces.isEmpty { pieces.append(.text(String(decoding: text, as: UTF8.self))) }
    return .string(pieces)
  }

  private mutating func invalidEscape(_ at: Int, _ message: String) {
    diagnostics.append(
      Diagnostic(
        message, at: SourceRange(at, position),
        help: "the escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\u{…} and \\(…); write '\\\\' for a backslash"))
  }
}
