import Testing

@testable import JupyterKernel

@Suite("Request dates")
struct RequestDateTests {
  @Test(
    "client dates parse to seconds since 1970",
    arguments: [
      ("2026-11-23T10:20:30.5Z", 1_795_429_230.5), ("2026-11-23T10:20:30.250000+00:00", 1_795_429_230.25),
      ("2026-11-23T10:20:30Z", 1_795_429_230.0),
    ])
  func parses(_ text: String, _ seconds: Double) {
    #expect(RequestDate.parse(text) == seconds)
  }

  @Test("other zones and shapes are not guessed", arguments: ["2026-11-23T10:20:30+02:00", "2026-11-23", "yesterday"])
  func refuses(_ text: String) {
    #expect(RequestDate.parse(text) == nil)
  }
}
