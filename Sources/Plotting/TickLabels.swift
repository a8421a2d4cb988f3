import Glibc

/// Tick labels that read as a person would write them: one number of decimals for a whole
/// axis (`0.0, 0.5, 1.0`), scientific only for very large or very small values, and powers
/// of ten on log axes (`1e-5` … `0.01`, `0.1`, `1`, `10`).
public enum TickLabels {
  /// Labels for linear ticks that are `step` apart.
  public static func linear(_ ticks: [Double], step: Double) -> [String] {
    let largest = ticks.map(abs).max() ?? 0
    if largest >= 1e6 || (step < 1e-4 && largest < 1e-2) {
      // Enough digits to tell neighbours apart (1e6 and 1.005e6), at least three.
      let digits =
        largest > 0 ? min(12, max(3, Int(floor(log10(largest) + 1e-9)) - Int(floor(log10(step) + 1e-9)) + 1)) : 3
      return ticks.map { $0 == 0 ? "0" : NumberFormat.scientific($0, significantDigits: digits, compact: true) }
    }
    let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
    return ticks.map { NumberFormat.fixed($0, decimals: decimals) }
  }

  /// Labels for a log axis: powers of ten as `0.001`…`1000` within three decades of one and
  /// `1e-5`, `1e6` beyond; other values in their shortest form.
  public static func logarithmic(_ ticks: [Double]) -> [String] {
    ticks.map { value in
      let power = log10(value)
      let rounded = power.rounded()
      if abs(power - rounded) < 1e-9 {
        let k = Int(rounded)
        if abs(k) > 3 { return "1e\(k)" }
        return k < 0 ? NumberFormat.fixed(value, decimals: -k) : NumberFormat.fixed(value, decimals: 0)
      }
      return NumberFormat.short(value, significantDigits: 3)
    }
  }
}
