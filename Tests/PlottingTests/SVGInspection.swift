import Testing

/// Reads the SVG that `Figure.svg` writes, so tests can ask about its structure ("the tick
/// labels of the x axis", "how many line series") instead of comparing text.
///
/// The parser covers what `SVGWriter` produces and rejects anything else loudly: elements,
/// attributes in double quotes, character data with the five predefined entities and numeric
/// references. No comments, CDATA, doctypes or processing instructions, which the writer never
/// emits. Mismatched or unclosed tags throw, so parsing also checks that the document is well
/// formed.

/// One element: its tag, its attributes in document order, its child elements and its text.
struct SVGElement: Sendable {
  var tag: String
  var attributes: [SVGAttribute]
  var children: [SVGElement]
  /// Character data directly inside this element, entities decoded. Whitespace-only runs (the
  /// writer's newlines between tags) are not kept.
  var ownText: String

  subscript(attribute name: String) -> String? {
    attributes.first { $0.name == name }?.value
  }

  /// The words of the `class` attribute: `["series", "line"]` for `class="series line"`.
  var classes: [String] {
    (self[attribute: "class"] ?? "").split(separator: " ").map(String.init)
  }

  /// The text of this element and everything inside it, in document order.
  var text: String {
    ownText + children.map(\.text).joined()
  }

  /// Every element below this one, depth first in document order.
  var descendants: [SVGElement] {
    children.flatMap { [$0] + $0.descendants }
  }

  /// The elements below this one that `selector` matches, in document order. Selectors are a
  /// small part of CSS: `tag.class.class[attribute=value]` steps separated by spaces, each step
  /// a descendant of the one before (`g.x.ticks text`, `g.series.line[data-name=train] path`).
  /// A malformed selector is a mistake in the test: it records an issue and matches nothing.
  func select(_ selector: String, sourceLocation: SourceLocation = #_sourceLocation) -> [SVGElement] {
    let steps: [SelectorStep]
    do {
      steps = try SelectorStep.parse(selector)
    } catch {
      Issue.record(error, sourceLocation: sourceLocation)
      return []
    }
    var found: [SVGElement] = []
    func visit(_ element: SVGElement, ancestors: [SVGElement]) {
      if SelectorStep.matches(steps, element: element, ancestors: ancestors) { found.append(element) }
      for child in element.children { visit(child, ancestors: ancestors + [element]) }
    }
    for child in children { visit(child, ancestors: [self]) }
    return found
  }

  /// The texts of the elements that `selector` matches: `texts("g.x.ticks text")` are the x
  /// axis' tick labels, left to right.
  func texts(_ selector: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    select(selector, sourceLocation: sourceLocation).map(\.text)
  }

  /// Every attribute of this element and of every element below it.
  var allAttributes: [(element: String, attribute: SVGAttribute)] {
    ([self] + descendants).flatMap { element in element.attributes.map { (element.tag, $0) } }
  }
}

struct SVGAttribute: Sendable, Equatable {
  var name: String
  var value: String
}

struct SVGParseError: Error, CustomStringConvertible {
  var message: String
  /// Byte offset into the document where parsing stopped.
  var offset: Int

  var description: String { "SVG parse error at byte \(offset): \(message)" }
}

/// A parsed document; `root` is the `<svg>` element.
struct SVGDocument: Sendable {
  var root: SVGElement

  init(parsing text: String) throws {
    var parser = SVGParser(bytes: Array(text.utf8))
    root = try parser.parseDocument()
  }

  func select(_ selector: String, sourceLocation: SourceLocation = #_sourceLocation) -> [SVGElement] {
    root.select(selector, sourceLocation: sourceLocation)
  }

  func texts(_ selector: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    root.texts(selector, sourceLocation: sourceLocation)
  }
  var allAttributes: [(element: String, attribute: SVGAttribute)] { root.allAttributes }
  var allElements: [SVGElement] { [root] + root.descendants }
}

/// A recursive-descent reader over UTF-8 bytes.
private struct SVGParser {
  let bytes: [UInt8]
  var position = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func parseDocument() throws -> SVGElement {
    skipWhitespace()
    guard peek() == UInt8(ascii: "<") else { throw error("expected the root element") }
    let root = try parseElement()
    skipWhitespace()
    guard position == bytes.count else { throw error("content after the root element") }
    return root
  }

  /// An element starting at `<`, up to and including its end tag.
  private mutating func parseElement() throws -> SVGElement {
    try expect("<")
    let tag = try parseName()
    var attributes: [SVGAttribute] = []
    while true {
      let hadWhitespace = skipWhitespace()
      if peek() == UInt8(ascii: "/") {
        position += 1
        try expect(">")
        return SVGElement(tag: tag, attributes: attributes, children: [], ownText: "")
      }
      if peek() == UInt8(ascii: ">") {
        position += 1
        break
      }
      guard hadWhitespace else { throw error("expected whitespace before an attribute of <\(tag)>") }
      let name = try parseName()
      guard !attributes.contains(where: { $0.name == name }) else {
        throw error("attribute \(name) repeated in <\(tag)>")
      }
      try expect("=")
      try expect("\"")
      let value = try parseCharacterData(until: UInt8(ascii: "\""))
      try expect("\"")
      attributes.append(SVGAttribute(name: name, value: value))
    }
    var children: [SVGElement] = []
    var ownText = ""
    while true {
      guard position < bytes.count else { throw error("<\(tag)> is never closed") }
      if peek() == UInt8(ascii: "<") {
        if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") {
          position += 2
          let closing = try parseName()
          guard closing == tag else { throw error("</\(closing)> closes <\(tag)>") }
          skipWhitespace()
          try expect(">")
          return SVGElement(tag: tag, attributes: attributes, children: children, ownText: ownText)
        }
        children.append(try parseElement())
      } else {
        let run = try parseCharacterData(until: UInt8(ascii: "<"))
        if run.contains(where: { !$0.isWhitespace }) { ownText += run }
      }
    }
  }

  /// Text up to (not including) `terminator`, with entities decoded. A raw `<` or `&` that does
  /// not start an entity is an error, as in XML.
  private mutating func parseCharacterData(until terminator: UInt8) throws -> String {
    var raw: [UInt8] = []
    while position < bytes.count, bytes[position] != terminator {
      let byte = bytes[position]
      if byte == UInt8(ascii: "<") { throw error("unescaped < in text or attribute") }
      if byte == UInt8(ascii: "&") {
        raw += Array(try parseEntity().utf8)
      } else {
        raw.append(byte)
        position += 1
      }
    }
    guard position < bytes.count else { throw error("unterminated text or attribute value") }
    return String(decoding: raw, as: UTF8.self)
  }

  private mutating func parseEntity() throws -> String {
    try expect("&")
    let start = position
    while position < bytes.count, bytes[position] != UInt8(ascii: ";") {
      guard position - start < 10 else { throw error("unterminated entity") }
      position += 1
    }
    guard position < bytes.count else { throw error("unterminated entity") }
    let name = String(decoding: bytes[start..<position], as: UTF8.self)
    position += 1
    switch name {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    default:
      let isHex = name.hasPrefix("#x")
      let digits = name.dropFirst(isHex ? 2 : 1)
      guard name.hasPrefix("#"), let code = UInt32(digits, radix: isHex ? 16 : 10),
        let scalar = Unicode.Scalar(code)
      else { throw error("unknown entity &\(name);") }
      return String(Character(scalar))
    }
  }

  private mutating func parseName() throws -> String {
    let start = position
    while position < bytes.count, Self.isNameByte(bytes[position]) { position += 1 }
    guard position > start else { throw error("expected a name") }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ":"),
      UInt8(ascii: "."):
      return true
    default:
      return false
    }
  }

  @discardableResult
  private mutating func skipWhitespace() -> Bool {
    let start = position
    while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    return position > start
  }

  private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func expect(_ character: Unicode.Scalar) throws {
    guard peek() == UInt8(ascii: character) else { throw error("expected \(character)") }
    position += 1
  }

  private func error(_ message: String) -> SVGParseError { SVGParseError(message: message, offset: position) }
}

/// One step of a selector: an optional tag, classes the element must all have, and optional
/// `[name=value]` attribute tests.
private struct SelectorStep {
  var tag: String?
  var classes: [String] = []
  var attributes: [SVGAttribute] = []

  func matches(_ element: SVGElement) -> Bool {
    if let tag, element.tag != tag { return false }
    let elementClasses = element.classes
    return classes.allSatisfy(elementClasses.contains)
      && attributes.allSatisfy { element[attribute: $0.name] == $0.value }
  }

  /// Whether `element` matches the last step and its ancestors, nearest first, match the rest
  /// in order. Nearest-first is enough because every combinator is "descendant of".
  static func matches(_ steps: [SelectorStep], element: SVGElement, ancestors: [SVGElement]) -> Bool {
    guard let last = steps.last, last.matches(element) else { return false }
    var remaining = steps.dropLast()
    for ancestor in ancestors.reversed() {
      guard let step = remaining.last else { break }
      if step.matches(ancestor) { remaining.removeLast() }
    }
    return remaining.isEmpty
  }

  /// Parses `g.series.line[data-name="my run"] path`: spaces inside brackets belong to the
  /// attribute value, elsewhere they separate steps.
  static func parse(_ selector: String) throws -> [SelectorStep] {
    var steps: [SelectorStep] = []
    var characters = Substring(selector)
    while true {
      characters = characters.drop(while: \.isWhitespace)
      guard !characters.isEmpty else { break }
      var step = SelectorStep()
      let tag = characters.prefix { $0 != "." && $0 != "[" && !$0.isWhitespace }
      if !tag.isEmpty { step.tag = String(tag) }
      characters = characters.dropFirst(tag.count)
      while let first = characters.first, !first.isWhitespace {
        characters = characters.dropFirst()
        if first == "." {
          let name = characters.prefix { $0 != "." && $0 != "[" && !$0.isWhitespace }
          guard !name.isEmpty else { throw SVGParseError(message: "empty class in selector \(selector)", offset: 0) }
          step.classes.append(String(name))
          characters = characters.dropFirst(name.count)
        } else if first == "[" {
          guard let close = characters.firstIndex(of: "]"), let equals = characters[..<close].firstIndex(of: "=")
          else { throw SVGParseError(message: "expected [name=value] in selector \(selector)", offset: 0) }
          var value = characters[characters.index(after: equals)..<close]
          if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
          step.attributes.append(SVGAttribute(name: String(characters[..<equals]), value: String(value)))
          characters = characters[characters.index(after: close)...]
        } else {
          throw SVGParseError(message: "unexpected \(first) in selector \(selector)", offset: 0)
        }
      }
      steps.append(step)
    }
    guard !steps.isEmpty else { throw SVGParseError(message: "empty selector", offset: 0) }
    return steps
  }
}

/// Path data (`M1 2L3 4h0Z`) as commands with their numbers, to count subpaths and read
/// coordinates.
struct SVGPathData: Sendable {
  struct Command: Sendable, Equatable {
    var letter: Character
    var numbers: [Double]
  }

  var commands: [Command]

  init(_ data: String) throws {
    commands = []
    var characters = Substring(data)
    while let first = characters.first {
      if first.isWhitespace || first == "," {
        characters = characters.dropFirst()
      } else if first.isLetter {
        commands.append(Command(letter: first, numbers: []))
        characters = characters.dropFirst()
      } else {
        let token = characters.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" }
        guard !commands.isEmpty, !token.isEmpty, let number = Double(token) else {
          throw SVGParseError(message: "bad number near \(characters.prefix(12)) in path data", offset: 0)
        }
        commands[commands.count - 1].numbers.append(number)
        characters = characters.dropFirst(token.count)
      }
    }
  }

  /// How many times the pen is put down: one `M` per subpath.
  var subpathCount: Int { commands.filter { $0.letter == "M" }.count }

  /// Each subpath's points from absolute `M` and `L` commands (all `PathBuilder` writes for
  /// lines), so a test can check where a line goes.
  var subpaths: [[(x: Double, y: Double)]] {
    var result: [[(x: Double, y: Double)]] = []
    for command in commands where command.letter == "M" || command.letter == "L" {
      let pairs = stride(from: 0, to: command.numbers.count - 1, by: 2).map {
        (x: command.numbers[$0], y: command.numbers[$0 + 1])
      }
      if command.letter == "M" || result.isEmpty { result.append([]) }
      result[result.count - 1] += pairs
    }
    return result
  }

  var points: [(x: Double, y: Double)] { subpaths.flatMap { $0 } }
}

/// The reader itself: the structural tests are only as good as what it finds and rejects.
@Suite("SVG inspection")
struct SVGInspectionTests {
  let sample = """
    <svg xmlns="http://www.w3.org/2000/svg" width="10">
    <g class="series line" data-name="a &amp; b">
    <path d="M1 2L3 4M5 6L7 8"/>
    <path class="dots" d="M9 10h0"/>
    </g>
    <g class="x ticks"><text x="1">0.5</text><text x="2">&lt;1&gt; &#955;</text></g>
    </svg>
    """

  @Test("selectors find elements by tag, classes, attribute and ancestry")
  func selectors() throws {
    let document = try SVGDocument(parsing: sample)
    #expect(document.texts("g.x.ticks text") == ["0.5", "<1> λ"])
    #expect(document.select("g.series.line").count == 1)
    #expect(document.select("g.line.series").count == 1, "class order does not matter")
    #expect(document.select("g.series.scatter").isEmpty)
    #expect(document.select("g[data-name=\"a & b\"] path.dots").count == 1)
    #expect(document.select("g.x.ticks path").isEmpty)
    #expect(document.allAttributes.map(\.attribute.name).filter { $0 == "d" }.count == 2)
  }

  @Test("path data gives subpaths and points")
  func pathData() throws {
    let path = try SVGPathData("M1 2L3 4M5 6L7 8")
    #expect(path.subpathCount == 2)
    #expect(path.points.map(\.x) == [1, 3, 5, 7])
    #expect(path.points.map(\.y) == [2, 4, 6, 8])
    #expect(try SVGPathData("M-1.5 -2V3H4").commands.map(\.numbers) == [[-1.5, -2], [3], [4]])
  }

  @Test(
    "malformed documents are rejected",
    arguments: [
      "<svg><g></svg>", "<svg><text>a < b</text></svg>", "<svg a=\"1\" a=\"2\"/>", "<svg a=\"x &nbsp; y\"/>",
      "<svg><g>", "<svg/><svg/>", "<svg a=1/>",
    ])
  func malformed(text: String) {
    #expect(throws: SVGParseError.self) { try SVGDocument(parsing: text) }
  }
}
