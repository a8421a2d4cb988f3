import FuzzSupport
import Glibc
import Synchronization
import TempoLibrary
import TempoRuntime

/// The language: source → diagnostics or a result, never a crash, with the step and memory
/// limits on. Each input runs as a cell in a fresh environment with the standard library, in a
/// scratch working directory (so `save(…)` writes there), with no one to answer `input()`. A
/// watchdog raises the interrupt after a second, as a user would, so a long `fit` stops at its
/// next step instead of counting as a hang.
nonisolated(unsafe) let sink = DiscardingOutput()  // libFuzzer calls the test from one thread
let chosenDirectory: Void = { _ = chdir(ScratchFiles.directory) }()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLanguage(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data = input else { return 0 }
  _ = chosenDirectory
  let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let environment = StandardLibrary.makeEnvironment()
  environment.limits.maximumSteps = 200_000
  environment.limits.maximumMemoryBytes = 512 << 20
  environment.limits.maximumCollectionCount = 1_000_000
  environment.limits.maximumStringBytes = 1 << 20
  let watchdog = Watchdog(interrupt: environment.interrupt, seconds: 1)
  defer { watchdog.cancel() }
  switch environment.execute(source, output: sink) {
  case .success(let value): _ = value.description
  case .failure(let error): precondition(!error.rendered.isEmpty, "an error without a message")
  }
  return 0
}

/// Output nobody reads; `input()` fails as it does under papermill.
final class DiscardingOutput: OutputSink {
  func writeStandardOutput(_ text: String) {}
  func writeStandardError(_ text: String) {}
  func display(_ value: Value, displayID: String?) { _ = value.description }
  func updateDisplay(_ value: Value, displayID: String) {}
  func clearOutput(wait: Bool) {}
  func showHelp(_ text: String) {}
  func readLine(prompt: String, isPassword: Bool) throws -> String {
    throw RuntimeError(.inputError, "no one to ask in the fuzzer")
  }
}

/// Raises an interrupt flag after a delay unless cancelled first.
final class Watchdog: @unchecked Sendable {
  let interrupt: InterruptFlag
  let seconds: Int
  let cancelled = Atomic<Bool>(false)
  private var thread = pthread_t()

  init(interrupt: InterruptFlag, seconds: Int) {
    self.interrupt = interrupt
    self.seconds = seconds
    let retained = Unmanaged.passRetained(self).toOpaque()
    pthread_create(
      &thread, nil,
      { raw in
        let watchdog = Unmanaged<Watchdog>.fromOpaque(raw!).takeRetainedValue()
        for _ in 0..<(watchdog.seconds * 100) {
          if watchdog.cancelled.load(ordering: .relaxed) { return nil }
          usleep(10_000)
        }
        watchdog.interrupt.raise()
        return nil
      }, retained)
  }

  func cancel() {
    cancelled.store(true, ordering: .relaxed)
    pthread_join(thread, nil)
  }
}

/// The process's entry: SwiftPM links an executable's `main` to `FuzzLanguage_main`, and this hands
/// the arguments (`-max_total_time=…`, corpus folders) to libFuzzer's driver with the test above.
@_cdecl("FuzzLanguage_main")
public func fuzzLanguageMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(fuzzLanguage)
}
