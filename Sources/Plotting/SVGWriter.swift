/// Writes SVG text: elements with attributes in the order given, coordinates rounded to
/// 0.1 px in a fixed format, and every piece of user text escaped. The output depends only
/// on what is written, so the same figure always gives the same bytes.
struct SVGWriter {
  private(set) var text = ""

  init(width: Double, height: Double, theme: Theme) {
    text.reserveCapacity(16_384)
    text += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\""
    text += "\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\""
    text += "\(Self.escaped(theme.fontFamily))\" font-size=\"\(Self.number(theme.fontSize))\">\n"
  }

  mutating func finish() -> String {
    text += "</svg>\n"
    return text
  }

  /// `<tag a="1" b="2">` (or `/>` when `closed`).
  mutating func open(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], closed: Bool = false) {
    text += "<" + tag
    for (name, value) in attributes {
      text += " " + name + "=\"" + Self.escaped(value) + "\""
    }
    text += closed ? "/>\n" : ">\n"
  }

  /// `open` with attributes built at run time (some only sometimes present).
  mutating func open(_ tag: String, attributes: [(String, String)], closed: Bool = false) {
    text += "<" + tag
    for (name, value) in attributes {
      text += " " + name + "=\"" + Self.escaped(value) + "\""
    }
    text += closed ? "/>\n" : ">\n"
  }

  mutating func close(_ tag: String) { text += "</" + tag + ">\n" }

  mutating func element(_ tag: String, _ attributes: KeyValuePairs<String, String>) {
    open(tag, attributes, closed: true)
  }

  /// A `<text>` element at (x, y) holding `content`, escaped.
  mutating func label(
    _ content: String, x: Double, y: Double, _ attributes: KeyValuePairs<String, String> = [:]
  ) {
    text += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
    for (name, value) in attributes {
      text += " " + name + "=\"" + Self.escaped(value) + "\""
    }
    text += ">" + Self.escaped(content) + "</text>\n"
  }

  /// One `<text>` holding `lines` one under another, `lineHeight` apart from the baseline at
  /// `y`: a `label` when there is one line, else a `<tspan>` per line.
  mutating func lines(
    _ lines: [String], x: Double, y: Double, lineHeight: Double, _ attributes: KeyValuePairs<String, String> = [:]
  ) {
    guard lines.count > 1 else { return label(lines.first ?? "", x: x, y: y, attributes) }
    text += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
    for (name, value) in attributes {
      text += " " + name + "=\"" + Self.escaped(value) + "\""
    }
    text += ">"
    for (index, line) in lines.enumerated() {
      let baseline = Self.number(y + Double(index) * lineHeight)
      text += "<tspan x=\"\(Self.number(x))\" y=\"\(baseline)\">" + Self.escaped(line) + "</tspan>"
    }
    text += "</text>\n"
  }

  /// Raw, already well-formed markup (path data built by `PathBuilder`).
  mutating func raw(_ markup: String) { text += markup }

  /// `12.3`, `12`, `-0.4`: tenths of a pixel, trailing `.0` dropped, never `-0`, never NaN.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    // Shapes cut at the frame can still end far off the canvas (a heatmap whose extent runs
    // past explicit limits); a million pixels away looks the same and converts to Int safely.
    let tenths = Int((min(max(value, -1e6), 1e6) * 10).rounded())
    let magnitude = tenths.magnitude
    let whole = String(magnitude / 10)
    let fraction = magnitude % 10
    let sign = tenths < 0 ? "-" : ""
    return fraction == 0 ? sign + whole : sign + whole + "." + String(fraction)
  }

  /// Text safe inside an attribute or an element.
  static func escaped(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 < 0x20 }) else {
      return text
    }
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "\n", "\t": result += " "
      // Other control characters are not allowed in XML 1.0 at all.
      case _ where scalar.value < 0x20: break
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}

/// Builds SVG path data (`M1 2L3 4`) from pixel points, starting a new subpath after a gap.
struct PathBuilder {
  private(set) var data = ""
  private var penDown = false
  private(set) var subpathCount = 0

  init(reservingPoints count: Int = 0) { data.reserveCapacity(count * 12) }

  mutating func move(_ x: Double, _ y: Double) {
    data += "M" + SVGWriter.number(x) + " " + SVGWriter.number(y)
    penDown = true
    subpathCount += 1
  }

  mutating func line(_ x: Double, _ y: Double) {
    guard penDown else { return move(x, y) }
    data += "L" + SVGWriter.number(x) + " " + SVGWriter.number(y)
  }

  /// Path commands written as they are (`h0` for a dot).
  mutating func raw(_ commands: String) { data += commands }

  /// Lifts the pen: the next point starts a new subpath.
  mutating func gap() { penDown = false }

  mutating func closePath() {
    data += "Z"
    penDown = false
  }

  var isEmpty: Bool { data.isEmpty }
}
