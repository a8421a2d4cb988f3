import TempoSyntax
import Testing

struct LexerTests {
  func kinds(_ text: String) -> [TokenKind] {
    Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind).dropLast()
  }

  func messages(_ text: String) -> [String] {
    Lexer.tokenize(SourceFile(name: "t", text: text)).diagnostics.map(\.message)
  }

  @Test("integer literals allow underscores and radix prefixes")
  func integers() {
    #expect(kinds("1_000 0x1F 0b101 0o17") == [.integer(1000), .integer(31), .integer(5), .integer(15)])
  }

  @Test("floating literals with fractions and exponents")
  func floats() {
    #expect(kinds("1.5 1e-3 2.5E2 3e+1") == [.float(1.5), .float(0.001), .float(250), .float(30)])
  }

  @Test("a literal starting with a dot is an error that says how to write it")
  func leadingDot() {
    let output = Lexer.tokenize(SourceFile(name: "t", text: "let x = .5"))
    #expect(
      output.diagnostics.map(\.message) == ["'.5' is not a valid floating point literal; it must be written '0.5'"])
    #expect(output.diagnostics.first?.help == "write '0.5'")
  }

  @Test("member access on a number is not a float")
  func memberOnNumber() {
    #expect(kinds("t.0") == [.identifier("t"), .punctuation(.dot), .integer(0)])
  }

  @Test("integer literals that overflow Int are reported")
  func overflow() {
    #expect(
      messages("99999999999999999999") == ["integer literal '99999999999999999999' overflows when stored into 'Int'"])
  }

  @Test("string escapes are decoded")
  func escapes() {
    #expect(kinds(#""a\n\t\"\\\u{1F600}""#) == [.string([.text("a\n\t\"\\😀")])])
  }

  @Test("an invalid escape is an error, and lexing goes on")
  func invalidEscape() {
    #expect(messages(#""a\q" 1"#) == ["invalid escape sequence '\\q' in literal"])
  }

  @Test("an unterminated string at the end makes the input incomplete")
  func unterminatedString() {
    let output = Lexer.tokenize(SourceFile(name: "t", text: "\"abc"))
    #expect(output.endsInsideLiteral)
    #expect(output.diagnostics.map(\.message) == ["unterminated string literal"])
  }

  @Test("interpolations hold their own tokens, even with nested parentheses and strings")
  func interpolation() {
    guard case .string(let pieces) = kinds(#""x=\(f((1)) + "y")!""#).first else {
      Issue.record("not a string")
      return
    }
    #expect(pieces.count == 3)
    if case .interpolation(let tokens, _) = pieces[1] {
      #expect(tokens.count == 9, "8 tokens and the end marker")
    } else {
      Issue.record("second piece is not an interpolation")
    }
  }

  @Test("nested block comments are skipped; an unterminated one is incomplete")
  func comments() {
    #expect(kinds("1 /* a /* b */ c */ 2 // end") == [.integer(1), .integer(2)])
    #expect(Lexer.tokenize(SourceFile(name: "t", text: "/* open")).endsInsideLiteral)
  }

  @Test("operators record the whitespace around them")
  func operatorSpacing() {
    let tokens = Lexer.tokenize(SourceFile(name: "t", text: "a -b")).tokens
    #expect(tokens[1].spaceBefore && !tokens[1].spaceAfter)
  }

  @Test("an unexpected character is named with a hint")
  func unexpected() {
    let output = Lexer.tokenize(SourceFile(name: "t", text: "a & b"))
    #expect(output.diagnostics.map(\.message) == ["unexpected character '&'"])
    #expect(output.diagnostics.first?.help == "the logical operators are '&&'")
  }

  @Test("keywords are recognised, other words are identifiers")
  func keywords() {
    #expect(kinds("let x in _") == [.keyword(.let), .identifier("x"), .keyword(.in), .keyword(.underscore)])
  }

  @Test("invalid UTF-8 bytes are reported with their offset")
  func invalidUTF8() {
    if case .failure(let error) = SourceDecoding.decode([0x61, 0x62, 0xFF, 0x63]) {
      #expect(error.offset == 2)
    } else {
      Issue.record("decoded invalid UTF-8")
    }
    #expect(SourceDecoding.decode(Array("é✓".utf8)) == .success("é✓"))
  }
}
