import ArgumentParser
import EngineBenchmarks
import Foundation
import Plotting
import TensorCore

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure Tempo.",
    subcommands: [Engine.self, Multirate.self, Alrao.self, Plot.self]
  )

  struct Engine: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time training steps of the engine's workloads, one line per workload.",
      discussion: """
        Prints `workload=NAME threads=N ms_per_step=X gflops=Y peak_rss_mb=Z` per workload, the \
        format bench/pytorch/workloads.py prints for PyTorch. With `all`, each workload runs in \
        its own process so peak memory is its own.
        """
    )

    @Option(help: "A workload (\(Workloads.names.joined(separator: ", "))) or all.")
    var workload = "all"

    @Option(help: "OpenBLAS threads (default: all cores).")
    var threads: Int?

    @Flag(help: "A few steps only, for smoke runs.")
    var quick = false

    @Option(help: "Also report resident memory after this many more steps (flat memory check).")
    var memorySteps: Int?

    func run() throws {
      let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
      if workload == "all" {
        for name in Workloads.names { try runInChild(name, threads: threadCount) }
        return
      }
      BLASThreads.set(threadCount)
      guard let made = try Workloads.make(workload) else {
        throw ValidationError(
          "unknown workload '\(workload)'; choose one of \(Workloads.names.joined(separator: ", ")) or all")
      }
      let runner = BenchmarkRunner(threads: threadCount, quick: quick)
      print(try runner.run(made).line)
      if let memorySteps {
        let growth = try runner.residentGrowth(made, steps: memorySteps)
        print(
          "workload=\(workload) rss_after_warmup_mb=\(Int(growth.afterWarmUp)) "
            + "rss_after_\(memorySteps)_steps_mb=\(Int(growth.after))")
      }
    }

    private func runInChild(_ name: String, threads: Int) throws {
      let process = Process()
      let invoked = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
      process.executableURL =
        FileManager.default.isExecutableFile(atPath: invoked.path)
        ? invoked : URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
      var arguments = ["bench", "engine", "--workload", name, "--threads", String(threads)]
      if quick { arguments.append("--quick") }
      if let memorySteps { arguments += ["--memory-steps", String(memorySteps)] }
      process.arguments = arguments
      try process.run()
      process.waitUntilExit()
      if process.terminationStatus != 0 {
        FileHandle.standardError.write(Data("tempo bench: workload \(name) failed\n".utf8))
      }
    }
  }

  /// Multirate training's promise, measured: full SGD-momentum steps against k-step multirate
  /// cycles (head fast, trunk slow) on the engine workloads, with the cost model beside it.
  struct Multirate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time full steps against multirate cycles (head fast, trunk slow), one line per workload.",
      discussion: """
        Prints `workload=NAME threads=N k=K full_ms=… multirate_ms=… speedup=… cost_model=… eq6=… \
        forward_ms=… fast_forward_ms=… backward_ms=… fast_backward_ms=… optimizer_ms=… \
        full_saved_mb=… fast_saved_mb=…` per workload, the format bench/pytorch/multirate.py \
        prints for PyTorch. multirate_ms is the mean per step over whole cycles.
        """
    )

    @Option(help: "A workload (\(MultirateBenchmark.workloadNames.joined(separator: ", "))) or all.")
    var workload = "all"

    @Option(help: "OpenBLAS threads (default: all cores).")
    var threads: Int?

    @Option(help: "Steps per multirate cycle, one of them full.")
    var k = 5

    @Option(help: "Alternating rounds of a full block and a multirate block; the fastest of each is kept.")
    var rounds = 8

    @Flag(help: "One short round, for smoke runs.")
    var quick = false

    func validate() throws {
      guard k >= 2 else { throw ValidationError("'--k' must be at least 2 (k = 1 is plain SGD) but is \(k)") }
      guard rounds >= 1 else { throw ValidationError("'--rounds' must be at least 1 but is \(rounds)") }
      let known = MultirateBenchmark.workloadNames
      guard workload == "all" || known.contains(workload) else {
        throw ValidationError("unknown workload '\(workload)'; choose one of \(known.joined(separator: ", ")) or all")
      }
    }

    func run() throws {
      let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
      BLASThreads.set(threadCount)
      let benchmark = MultirateBenchmark(threads: threadCount, k: k, quick: quick, rounds: rounds)
      for name in workload == "all" ? MultirateBenchmark.workloadNames : [workload] {
        let result = try benchmark.run {
          guard let problem = try Workloads.problem(name) else { throw ValidationError("unknown workload '\(name)'") }
          return problem
        }
        print(result.line)
        fflush(nil)  // each line as soon as its workload is done, also into a pipe
      }
    }
  }

  /// Alrao's cost, measured: plain SGD steps against Alrao steps (10 copies of the head, rates
  /// in [1e-5, 10], per-feature rates in the trunk) on the engine workloads.
  struct Alrao: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time plain SGD steps against Alrao steps (10 head copies, per-feature rates), one line per workload.",
      discussion: """
        Prints `workload=NAME threads=N copies=C sgd_ms=… alrao_ms=… ratio=… peak_rss_mb=…` per \
        workload, the format the PyTorch twin prints. Blocks of each side alternate; the fastest of \
        each is kept.
        """
    )

    @Option(help: "A workload (\(AlraoBenchmark.workloadNames.joined(separator: ", "))) or all.")
    var workload = "all"

    @Option(help: "OpenBLAS threads (default: all cores).")
    var threads: Int?

    @Option(help: "Classifier copies.")
    var copies = 10

    @Option(help: "Alternating rounds of an SGD block and an Alrao block; the fastest of each is kept.")
    var rounds = 8

    @Flag(help: "One short round, for smoke runs.")
    var quick = false

    func validate() throws {
      guard copies >= 1 else { throw ValidationError("'--copies' must be at least 1 but is \(copies)") }
      guard rounds >= 1 else { throw ValidationError("'--rounds' must be at least 1 but is \(rounds)") }
      let known = AlraoBenchmark.workloadNames
      guard workload == "all" || known.contains(workload) else {
        throw ValidationError("unknown workload '\(workload)'; choose one of \(known.joined(separator: ", ")) or all")
      }
    }

    func run() throws {
      let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
      BLASThreads.set(threadCount)
      let benchmark = AlraoBenchmark(threads: threadCount, copies: copies, quick: quick, rounds: rounds)
      for name in workload == "all" ? AlraoBenchmark.workloadNames : [workload] {
        let result = try benchmark.run {
          guard let problem = try Workloads.problem(name) else { throw ValidationError("unknown workload '\(name)'") }
          return problem
        }
        print(result.line)
        fflush(nil)
      }
    }
  }

  /// The plotting budget: a long training curve must render small and fast enough to redraw
  /// live. Decimation keeps each pixel column's extremes, so the SVG size is bounded by the
  /// plot's width, not the number of points.
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time rendering a long line series to SVG (default 100,000 points); prints ms and KB.")

    @Option(help: "Points in the line.")
    var points = 100_000

    @Option(help: "Renders to time; the best is reported.")
    var repeats = 20

    func run() throws {
      // A noisy decaying loss with a few spikes: the worst case for decimation's size.
      var state: UInt64 = 42
      let y = (0..<points).map { i -> Double in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let noise = Double(state >> 11) / Double(1 << 53) - 0.5
        return 2 * exp(-Double(i) / Double(points / 5)) + 0.2 * noise + (i % 9_973 == 0 ? 3 : 0)
      }
      let figure = Figure(
        Panel(
          title: "\(points) points", xLabel: "step", yLabel: "loss",
          series: [.line(LineSeries(name: "train", y: y))]))
      var best = Double.infinity
      var bytes = 0
      for _ in 0..<max(1, repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        let svg = figure.svg
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        best = min(best, elapsed)
        bytes = svg.utf8.count
      }
      print(
        "plot points=\(points) svg_kb=\(String(format: "%.1f", Double(bytes) / 1024)) "
          + "best_ms=\(String(format: "%.2f", best)) repeats=\(repeats)")
    }
  }
}
