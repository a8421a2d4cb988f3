import EngineBenchmarks
import Testing

@Suite("Alrao benchmark")
struct AlraoBenchmarkTests {
  @Test("a quick run prints one line in the format the PyTorch twin prints, with both sides timed")
  func quickLine() throws {
    let result = try AlraoBenchmark(threads: 1, copies: 3, quick: true).run {
      try #require(try Workloads.problem("spiral"))
    }
    #expect(result.sgdStep > 0 && result.alraoStep > 0)
    #expect(abs(result.ratio - result.alraoStep / result.sgdStep) < 1e-12)
    let fields = result.line.split(separator: " ").map { $0.split(separator: "=").first.map(String.init) ?? "" }
    #expect(fields == ["workload", "threads", "copies", "sgd_ms", "alrao_ms", "ratio", "peak_rss_mb"])
    #expect(result.line.hasPrefix("workload=spiral threads=1 copies=3 sgd_ms="))
  }
}
