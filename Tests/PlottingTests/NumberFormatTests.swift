import Testing

@testable import Plotting

@Suite("Number formatting")
struct NumberFormatTests {
  @Test(
    "fixed decimals round half away from zero and never show binary noise",
    arguments: [
      (0.1 + 0.2, 1, "0.3"), (0.3, 2, "0.30"), (2.5, 0, "3"), (-2.5, 0, "-3"), (-0.0001, 2, "0.00"),
      (1234.5678, 2, "1234.57"), (0.05, 3, "0.050"), (-12.0, 1, "-12.0"), (Double.nan, 2, "nan"),
      (-Double.infinity, 1, "-inf"),
    ])
  func fixed(value: Double, decimals: Int, expected: String) {
    #expect(NumberFormat.fixed(value, decimals: decimals) == expected)
  }

  @Test(
    "scientific notation carries a rounded-up mantissa into the exponent",
    arguments: [
      (1.2345e-5, 4, false, "1.235e-05"), (9.9996, 4, false, "1.000e+01"), (1e-5, 3, true, "1e-5"),
      (-2.5e12, 2, true, "-2.5e12"), (0.0, 3, false, "0.00e+00"),
    ])
  func scientific(value: Double, digits: Int, compact: Bool, expected: String) {
    #expect(NumberFormat.scientific(value, significantDigits: digits, compact: compact) == expected)
  }

  @Test(
    "short forms for summaries",
    arguments: [
      (0.123456, "0.1235"), (1234.0, "1234"), (2.0, "2"), (1e-7, "1e-7"), (12_345_678.0, "1.235e7"), (0.0, "0"),
    ])
  func short(value: Double, expected: String) {
    #expect(NumberFormat.short(value) == expected)
  }
}
