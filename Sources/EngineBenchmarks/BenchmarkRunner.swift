import Glibc

/// Times a workload's step and reports it in the line format `bench/compare.py` reads.
public struct BenchmarkRunner {
  public let threads: Int
  public let quick: Bool

  public init(threads: Int, quick: Bool) {
    self.threads = threads
    self.quick = quick
  }

  public struct Result {
    public let workload: String
    public let threads: Int
    public let millisecondsPerStep: Double
    public let gigaflops: Double
    public let peakResidentMegabytes: Double

    public var line: String {
      "workload=\(workload) threads=\(threads) ms_per_step=\(format(millisecondsPerStep, 3)) "
        + "gflops=\(format(gigaflops, 2)) peak_rss_mb=\(format(peakResidentMegabytes, 1))"
    }
  }

  /// Warms up, then times blocks of steps until about a second (quick: a few steps) has passed,
  /// and takes the median block: the machine's noise shows up in the spread, not the result.
  public func run(_ workload: Workload) throws -> Result {
    let warmUp = quick ? 2 : 5
    for _ in 0..<warmUp { try workload.step() }
    let probeStart = Self.now()
    try workload.step()
    let probe = Swift.max(Self.now() - probeStart, 1e-6)
    let stepsPerBlock = Swift.max(1, Int((quick ? 0.05 : 0.2) / probe))
    let blocks = quick ? 3 : 7
    var perStep: [Double] = []
    for _ in 0..<blocks {
      let start = Self.now()
      for _ in 0..<stepsPerBlock { try workload.step() }
      perStep.append((Self.now() - start) / Double(stepsPerBlock))
    }
    let median = perStep.sorted()[perStep.count / 2]
    return Result(
      workload: workload.name, threads: threads, millisecondsPerStep: median * 1000,
      gigaflops: workload.flopsPerStep / median / 1e9, peakResidentMegabytes: Self.peakResidentMegabytes())
  }

  /// Resident memory after `steps` steps, for the flat-memory check.
  public func residentGrowth(_ workload: Workload, steps: Int) throws -> (afterWarmUp: Double, after: Double) {
    for _ in 0..<10 { try workload.step() }
    let warm = Self.residentMegabytes()
    for _ in 0..<steps { try workload.step() }
    return (warm, Self.residentMegabytes())
  }

  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  static func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  /// The current resident set, from /proc/self/statm (pages).
  static func residentMegabytes() -> Double {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    guard descriptor >= 0 else { return .nan }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else { return .nan }
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
  }
}

/// `value` with `digits` decimals, as printf's `%.Nf` (no Foundation here).
func format(_ value: Double, _ digits: Int) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
