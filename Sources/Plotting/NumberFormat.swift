import Glibc

/// Numbers as text without Foundation, with a fixed number of decimals, so output is the
/// same on every machine and never shows binary noise such as `0.30000000000000004`.
public enum NumberFormat {
  /// `value` rounded half away from zero to `decimals` places: `fixed(0.3, decimals: 2)` is
  /// `"0.30"`. Non-finite values read `nan`, `inf`, `-inf`; values too large for exact
  /// integer scaling fall back to `scientific`.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return nonFinite(value) }
    let places = max(0, min(decimals, 15))
    let scale = pow(10.0, Double(places))
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9.0e15 else { return scientific(value, significantDigits: 6) }
    let digits = String(UInt64(scaled))
    let isNegative = value < 0 && scaled != 0
    var text: String
    if places == 0 {
      text = digits
    } else {
      let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
      let split = padded.index(padded.endIndex, offsetBy: -places)
      text = padded[..<split] + "." + padded[split...]
    }
    return isNegative ? "-" + text : text
  }

  /// `1.235e-05` style: one digit before the point, `significantDigits - 1` after, and an
  /// exponent of at least two digits; `compact` drops trailing zeros (`1e-05` → `1e-5`).
  public static func scientific(_ value: Double, significantDigits: Int, compact: Bool = false) -> String {
    guard value.isFinite else { return nonFinite(value) }
    guard value != 0 else { return compact ? "0" : fixed(0, decimals: max(0, significantDigits - 1)) + "e+00" }
    let decimals = max(0, significantDigits - 1)
    var exponent = Int(floor(log10(abs(value))))
    var mantissa = value / pow(10.0, Double(exponent))
    // Rounding can carry into a new digit (9.9996 → 10.000): move it into the exponent.
    let rounding = pow(10.0, Double(decimals))
    if (abs(mantissa) * rounding).rounded(.toNearestOrAwayFromZero) >= 10 * rounding {
      exponent += 1
      mantissa = value / pow(10.0, Double(exponent))
    }
    var text = fixed(mantissa, decimals: decimals)
    if compact { text = trimmingZeros(text) }
    let sign = exponent < 0 ? "-" : (compact ? "" : "+")
    let magnitude = String(abs(exponent))
    let exponentDigits = compact ? magnitude : String(repeating: "0", count: max(0, 2 - magnitude.count)) + magnitude
    return text + "e" + sign + exponentDigits
  }

  /// `12.50` → `12.5`, `3.000` → `3`.
  public static func trimmingZeros(_ text: String) -> String {
    guard text.contains("."), !text.contains("e") else { return text }
    var trimmed = Substring(text)
    while trimmed.last == "0" { trimmed.removeLast() }
    if trimmed.last == "." { trimmed.removeLast() }
    return String(trimmed)
  }

  /// The shortest readable form for a summary (`text/plain` of a figure): up to
  /// `significantDigits` digits, trailing zeros dropped, scientific outside [1e-4, 1e6).
  public static func short(_ value: Double, significantDigits: Int = 4) -> String {
    guard value.isFinite else { return nonFinite(value) }
    guard value != 0 else { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e6 || magnitude < 1e-4 {
      return scientific(value, significantDigits: significantDigits, compact: true)
    }
    let leading = Int(floor(log10(magnitude)))
    return trimmingZeros(fixed(value, decimals: max(0, significantDigits - 1 - leading)))
  }

  static func nonFinite(_ value: Double) -> String {
    value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")
  }
}
