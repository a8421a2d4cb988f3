/// Titles laid out to the width they are given, without fonts: broken into lines at ` · `
/// separators first, then at spaces, and a single word wider than a line shortened with `…`,
/// so a title is never cut at the edge of the picture.
///
/// Widths are estimates from character classes, sized on DejaVu Sans (the widest of the
/// sans-serif fonts a Linux browser falls back to) so the estimate errs wide: a line that
/// fits by the estimate fits on screen.
public enum TextLines {
  /// The estimated width of `text` in pixels at `fontSize`; `bold` for weight 600 and above.
  public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
    var ems = 0.0
    for scalar in text.unicodeScalars { ems += advance(scalar) }
    return ems * fontSize * (bold ? 1.1 : 1)
  }

  /// `text` as lines no wider than `width` pixels; at least one line, never an empty one
  /// unless `text` is empty.
  public static func wrapped(_ text: String, width: Double, fontSize: Double, bold: Bool = false) -> [String] {
    func fits(_ line: String) -> Bool { Self.width(line, fontSize: fontSize, bold: bold) <= width }
    guard !fits(text) else { return [text] }
    var lines: [String] = []
    var current = ""
    for piece in pieces(text, fits: fits) {
      let candidate = current.isEmpty ? piece.text : current + piece.separator + piece.text
      if fits(candidate) {
        current = candidate
        continue
      }
      if !current.isEmpty { lines.append(current) }
      current = fits(piece.text) ? piece.text : shortened(piece.text, width: width, fontSize: fontSize, bold: bold)
    }
    if !current.isEmpty { lines.append(current) }
    return lines.isEmpty ? [text] : lines
  }

  /// The longest start of `text` that fits in `width` with `…` after it (`…` alone when
  /// nothing does).
  static func shortened(_ text: String, width: Double, fontSize: Double, bold: Bool) -> String {
    var characters = Array(text)
    while !characters.isEmpty {
      let candidate = String(characters) + "…"
      if Self.width(candidate, fontSize: fontSize, bold: bold) <= width { return candidate }
      characters.removeLast()
    }
    return "…"
  }

  /// The pieces lines are filled with, each with what joined it to the one before: the parts
  /// of a status line (between ` · `) whole when they fit on a line, so `loss 0.41` stays
  /// together, and the words of a part that does not.
  private static func pieces(_ text: String, fits: (String) -> Bool) -> [(separator: String, text: String)] {
    var result: [(separator: String, text: String)] = []
    for (index, part) in text.split(separator: " · ", omittingEmptySubsequences: false).enumerated() {
      let separator = index == 0 ? "" : " · "
      if fits(String(part)) {
        result.append((separator, String(part)))
        continue
      }
      for (wordIndex, word) in part.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
        result.append((wordIndex == 0 ? separator : " ", String(word)))
      }
    }
    return result
  }

  /// Advance widths in ems, by character class (DejaVu Sans, rounded up).
  private static func advance(_ scalar: Unicode.Scalar) -> Double {
    switch scalar {
    case " ", ".", ",", ":", ";", "'", "!", "|", "·": return 0.33
    case "i", "j", "l", "I", "f", "t", "r", "(", ")", "[", "]", "/", "-": return 0.42
    case "m", "w", "M", "W", "%", "@": return 1.0
    case "0"..."9", "a"..."z", "?", "#", "$", "&", "_", "=", "+", "<", ">", "*", "~": return 0.66
    case "A"..."Z": return 0.78
    case _ where scalar.value < 0x80: return 0.66
    default: return 0.9  // arrows, Greek, ellipsis and the rest: wide, to be safe
    }
  }
}
