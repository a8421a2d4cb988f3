import TempoSyntax

/// The result of completing at a cursor: candidates and the range of text they replace.
public struct Completion: Equatable, Sendable {
  public var matches: [String]
  /// UTF-8 offsets of the text the chosen match replaces.
  public var start: Int
  public var end: Int
}

/// Whether a cell can run as it is, for a console deciding between running and a new line.
public enum Completeness: Equatable, Sendable {
  case complete
  /// More input would help (an open bracket, brace or string); `indent` for the next line.
  case incomplete(indent: String)
  /// No continuation can fix it.
  case invalid
}

extension Environment {
  /// Completions for the identifier being typed at `cursor` (a UTF-8 offset): members after
  /// a `.`, argument labels inside a call, otherwise names in scope, builtins and keywords.
  public func complete(_ code: String, cursor: Int) -> Completion {
    let bytes = Array(code.utf8)
    let cursor = max(0, min(cursor, bytes.count))
    var start = cursor
    while start > 0, CodeScanning.isIdentifierByte(bytes[start - 1]) { start -= 1 }
    // Never start inside a UTF-8 sequence.
    while start < cursor, bytes[start] & 0xC0 == 0x80 { start += 1 }
    let prefix = String(decoding: bytes[start..<cursor], as: UTF8.self)
    func result(_ candidates: [String]) -> Completion {
      let matches = Array(Set(candidates.filter { $0.hasPrefix(prefix) && !$0.hasPrefix("$") })).sorted()
      return Completion(matches: matches, start: start, end: cursor)
    }
    if start > 0, bytes[start - 1] == UInt8(ascii: ".") {
      if let receiver = CodeScanning.receiverPath(bytes, before: start - 1), let value = evaluatePath(receiver) {
        return result(Members.names(of: value))
      }
      // A call, a subscript or a literal before the dot: infer what it gives, running nothing.
      guard let expressionStart = CodeScanning.postfixExpressionStart(bytes, before: start - 1) else {
        return result([])
      }
      let receiver = String(decoding: bytes[expressionStart..<(start - 1)], as: UTF8.self)
      let lineStart = CodeScanning.statementStart(bytes, before: expressionStart)
      let earlier = String(decoding: bytes[..<lineStart], as: UTF8.self)
      return result(memberCompletions(of: receiver, earlier: earlier) ?? [])
    }
    var candidates = globals.definedNames + Keyword.allCases.map(\.rawValue).filter { $0 != "_" }
    candidates += CodeScanning.declaredNames(in: code)
    if let callee = CodeScanning.enclosingCallee(bytes, before: start), let value = evaluatePath(callee),
      case .function(let function) = value
    {
      let labels = function.parameterLabels.compactMap { $0 }.map { "\($0):" }
      return result(labels + candidates)
    }
    return result(candidates)
  }

  /// Whether `code` is ready to run; see `Completeness`.
  public static func isComplete(_ code: String) -> Completeness {
    let parsed = Parser.parse(SourceFile(name: "<input>", text: code))
    if parsed.isIncomplete {
      let depth = CodeScanning.openBracketDepth(Array(code.utf8))
      return .incomplete(indent: String(repeating: "    ", count: max(0, min(depth, 8))))
    }
    return parsed.diagnostics.isEmpty ? .complete : .invalid
  }

  /// Documentation for the name at `cursor` (a UTF-8 offset), or nil when there is none.
  public func inspect(_ code: String, cursor: Int) -> String? {
    let bytes = Array(code.utf8)
    var end = max(0, min(cursor, bytes.count))
    while end < bytes.count, CodeScanning.isIdentifierByte(bytes[end]) { end += 1 }
    // On `print(|` the subject is the callee before the parenthesis.
    var probe = end
    while probe > 0, bytes[probe - 1] == UInt8(ascii: "(") || bytes[probe - 1] == UInt8(ascii: " ") { probe -= 1 }
    guard let path = CodeScanning.receiverPath(bytes, before: probe) ?? CodeScanning.receiverPath(bytes, before: end),
      let value = evaluatePath(path)
    else { return nil }
    return helpText(for: value, name: path.joined(separator: "."))
  }

  /// The value of `a.b.c` from session variables, reading members without calling anything.
  func evaluatePath(_ path: [String]) -> Value? {
    guard let first = path.first, var value = globals.value(named: first) else { return nil }
    for name in path.dropFirst() {
      if case .host(let object) = value {
        guard let member = try? object.member(name) else { return nil }
        value = member
      } else {
        guard let property = try? Members.property(value, name) else { return nil }
        value = property
      }
    }
    return value
  }
}

/// Light scanning of source text around a cursor, tolerant of code that does not parse.
enum CodeScanning {
  static func isIdentifierByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b >= 0x80
  }

  /// The dotted name chain that ends just before `end` (`model.head` in `model.head.`).
  static func receiverPath(_ bytes: [UInt8], before end: Int) -> [String]? {
    var parts: [String] = []
    var position = end
    while true {
      var start = position
      while start > 0, isIdentifierByte(bytes[start - 1]) { start -= 1 }
      guard start < position, !(bytes[start] >= 0x30 && bytes[start] <= 0x39) else { return nil }
      parts.insert(String(decoding: bytes[start..<position], as: UTF8.self), at: 0)
      guard start > 0, bytes[start - 1] == UInt8(ascii: ".") else { break }
      position = start - 1
    }
    return parts
  }

  /// Where the postfix expression ending just before `end` starts: names, dots, `!`, balanced
  /// brackets, trailing closures and string literals (`SGD(learningRate: 0.1)`, `runs[0].model`,
  /// `seeds(3) { … }`, `"a".`), not operators outside brackets. Nil when there is none.
  static func postfixExpressionStart(_ bytes: [UInt8], before end: Int) -> Int? {
    var position = end
    while position > 0 {
      let byte = bytes[position - 1]
      if isIdentifierByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") {
        position -= 1
      } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
        guard let open = matchingOpen(bytes, close: position - 1) else { return nil }
        position = open
        // A trailing closure follows its call after a space: `seeds(3) { … }`.
        if byte == UInt8(ascii: "}") {
          while position > 0, bytes[position - 1] == UInt8(ascii: " ") { position -= 1 }
        }
      } else if byte == UInt8(ascii: "\"") {
        var index = position - 2
        while index >= 0, bytes[index] != UInt8(ascii: "\"") { index -= 1 }
        guard index >= 0 else { return nil }
        position = index
      } else {
        break
      }
    }
    return position < end ? position : nil
  }

  /// The bracket that opens the one at `close`, skipping nested brackets and strings.
  private static func matchingOpen(_ bytes: [UInt8], close: Int) -> Int? {
    var depth = 0
    var index = close
    var inString = false
    while index >= 0 {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        inString.toggle()
      } else if !inString {
        if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { depth += 1 }
        if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
          depth -= 1
          if depth == 0 { return index }
        }
      }
      index -= 1
    }
    return nil
  }

  /// The start of the line holding `position`: earlier lines are the statements before it.
  static func statementStart(_ bytes: [UInt8], before position: Int) -> Int {
    var index = position
    while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
    return index
  }

  /// The callee of the innermost call whose parenthesis is still open at `end`, when the
  /// cursor stands where an argument label could go.
  static func enclosingCallee(_ bytes: [UInt8], before end: Int) -> [String]? {
    var position = end
    while position > 0, bytes[position - 1] == UInt8(ascii: " ") { position -= 1 }
    guard position > 0, bytes[position - 1] == UInt8(ascii: "(") || bytes[position - 1] == UInt8(ascii: ",")
    else { return nil }
    var depth = 0
    var index = position - 1
    while index >= 0 {
      switch bytes[index] {
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth += 1
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        if depth == 0 { return nil }
        depth -= 1
      case UInt8(ascii: "("):
        if depth == 0 { return receiverPath(bytes, before: index) }
        depth -= 1
      default: break
      }
      index -= 1
    }
    return nil
  }

  /// How many brackets are open at the end, ignoring strings and comments.
  static func openBracketDepth(_ bytes: [UInt8]) -> Int {
    let file = SourceFile(name: "", text: String(decoding: bytes, as: UTF8.self))
    var depth = 0
    for token in Lexer.tokenize(file).tokens {
      switch token.kind {
      case .punctuation(.leftParen), .punctuation(.leftBracket), .punctuation(.leftBrace): depth += 1
      case .punctuation(.rightParen), .punctuation(.rightBracket), .punctuation(.rightBrace): depth -= 1
      default: break
      }
    }
    return depth
  }

  /// Names that `let`, `var`, `func`, `for` and closure parameters introduce in the text.
  static func declaredNames(in code: String) -> [String] {
    let tokens = Lexer.tokenize(SourceFile(name: "", text: code)).tokens
    var names: [String] = []
    for (index, token) in tokens.enumerated() where index + 1 < tokens.count {
      switch token.kind {
      case .keyword(.let), .keyword(.var), .keyword(.func), .keyword(.for):
        if case .identifier(let name) = tokens[index + 1].kind { names.append(name) }
      default: break
      }
    }
    return names
  }
}
