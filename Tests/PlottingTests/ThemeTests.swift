import Testing

@testable import Plotting

@Suite("Theme")
struct ThemeTests {
  @Test("series colours cycle through the palette")
  func colorsCycle() {
    let theme = Theme.standard
    #expect(theme.color(0) == theme.palette[0])
    #expect(theme.color(theme.palette.count) == theme.palette[0])
  }
}
