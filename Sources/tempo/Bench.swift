import ArgumentParser
import EngineBenchmarks
import Foundation
import TensorCore

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure Tempo.",
    subcommands: [Engine.self]
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
}
