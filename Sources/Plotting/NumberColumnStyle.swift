import Glibc

/// How the numbers of one table column are written, chosen once from all of the column's
/// numbers so that every value shows the same decimals and the digits line up.
///
/// The rule, for a column with at least one `.number` (integers beside them count as numbers):
/// - Scientific notation when the largest finite magnitude is ≥ 1e9 (fixed digits would be
///   mostly noise) or every non-zero value is < 1e-4 (fixed digits would be mostly zeros).
/// - Otherwise fixed decimals: enough for 4 significant digits of the largest finite
///   magnitude (0.8934 → 4, 12.3 → 2, 1234.5 → 0), clamped to 0…6 — four digits tell runs
///   apart without implying precision a test accuracy or a wall time does not have. Then
///   decimals every value would only pad with zeros are dropped, so [0.5, 0.25, 0.125] reads
///   `0.500`, `0.250`, `0.125` rather than `0.5000`, … Last, a column holding any fraction
///   keeps at least one decimal, so [1234.5, 12.25] reads `1234.5`, `12.3` and never passes
///   for a column of counts.
/// - Scientific columns apply the same trimming to the mantissa: [1.2345e-5, 2e-5] reads
///   `1.235e-05`, `2.000e-05`; [1e-5, 2e-5] reads `1e-05`, `2e-05`.
///
/// A column of integers only prints them exactly. Non-finite values read `nan`, `inf`,
/// `-inf` and play no part in the choice.
enum NumberColumnStyle: Equatable {
  case integers
  case fixed(decimals: Int)
  case scientific(significantDigits: Int)

  static let significantDigits = 4
  static let maximumDecimals = 6
  static let scientificAbove = 1e9
  static let scientificBelow = 1e-4

  /// The style for a column's cells; `decimals`, when given, fixes the decimals of a column
  /// with any `.number` in it.
  init(cells: [TableCell], decimals: Int? = nil) {
    var values: [Double] = []
    var hasNumber = false
    for cell in cells {
      switch cell {
      case .integer(let value): values.append(Double(value))
      case .number(let value):
        values.append(value)
        hasNumber = true
      case .text, .missing: break
      }
    }
    guard hasNumber else {
      self = .integers
      return
    }
    if let decimals {
      self = .fixed(decimals: max(0, decimals))
      return
    }
    let finite = values.filter(\.isFinite)
    let largest = finite.map(abs).max() ?? 0
    guard largest > 0 else {
      self = .fixed(decimals: 0)
      return
    }
    if largest >= Self.scientificAbove || largest < Self.scientificBelow {
      let mantissaDecimals = finite.filter { $0 != 0 }.map { value in
        let text = NumberFormat.scientific(value, significantDigits: Self.significantDigits)
        return Self.decimalPlaces(NumberFormat.trimmingZeros(String(text.prefix { $0 != "e" })))
      }
      self = .scientific(significantDigits: 1 + (mantissaDecimals.max() ?? 0))
      return
    }
    let leadingDigit = Int(floor(log10(largest)))
    let cap = min(max(Self.significantDigits - 1 - leadingDigit, 0), Self.maximumDecimals)
    let needed = finite.map { Self.decimalPlaces(NumberFormat.trimmingZeros(NumberFormat.fixed($0, decimals: cap))) }
    let hasFraction = finite.contains { $0 != $0.rounded(.towardZero) }
    self = .fixed(decimals: max(needed.max() ?? 0, hasFraction ? 1 : 0))
  }

  /// An integer as this column writes it: exactly in a column of integers, otherwise like
  /// the column's other numbers.
  func text(for value: Int) -> String {
    if case .integers = self { return String(value) }
    return text(for: Double(value))
  }

  /// A number as this column writes it.
  func text(for value: Double) -> String {
    switch self {
    // Not reached from a table: a column holding a `.number` is never `.integers`.
    case .integers: return NumberFormat.short(value)
    case .fixed(let decimals): return NumberFormat.fixed(value, decimals: decimals)
    case .scientific(let digits): return NumberFormat.scientific(value, significantDigits: digits)
    }
  }

  /// Digits after the point in a plain decimal such as `12.50`.
  private static func decimalPlaces(_ text: String) -> Int {
    guard let point = text.firstIndex(of: ".") else { return 0 }
    return text.distance(from: point, to: text.endIndex) - 1
  }
}
