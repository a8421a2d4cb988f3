import TempoRuntime
import Testing

@testable import TempoLibrary

/// What `help(seeds)` promises about interrupts, with the interrupt raised from inside the
/// session at a known point (the kernel raises the same flag from its control thread; the
/// protocol tests press the real button).
@Suite("seeds and interrupts")
struct SeedsInterruptTests {
  /// A session with `stop(at: s, when: n)`: raises the interrupt when `s == n`, returns `s`.
  static func session() -> LibrarySession {
    let session = LibrarySession()
    let environment = session.environment
    environment.define(
      "stop",
      value: .function(
        BuiltinFunction(
          name: "stop",
          signature: Signature([ParameterSpec("at", .int), ParameterSpec("when", .int)], returns: "Int")
        ) { args in
          let seed = try args.int("at")
          if seed == (try args.int("when")) { environment.interrupt.raise() }
          return .int(seed)
        }))
    return session
  }

  static func fit(seed: String) -> String {
    "fit(MLP([64, 16, 10]), on: Digits().split(0.8, seed: 0), epochs: 1, seed: \(seed), progress: false)"
  }

  @Test("an interrupt during a seed's fit keeps the finished runs and the interrupted one, and starts no other")
  func interruptedFitIsKept() throws {
    let session = Self.session()
    let error = session.error("let group = seeds(4) { s in \(Self.fit(seed: "stop(at: s, when: 1)")) }")
    #expect(error?.family == .keyboardInterrupt, "\(error?.rendered ?? "")")
    #expect(session.value("group.count")?.description == "2")
    #expect(session.value("group[0].status")?.description == "completed")
    #expect(session.value("group[1].interrupted")?.description == "true")
    // The interrupted run is left out of the statistics.
    #expect(session.value("group.testAccuracy[\"count\"]")?.description == "1")
  }

  @Test("an interrupt between the statements of a seed's closure keeps the runs finished before")
  func interruptInClosureKeepsFinishedRuns() throws {
    let session = Self.session()
    let error = session.error(
      """
      let group = seeds(4) { s in
        let seed = stop(at: s, when: 2)
        return \(Self.fit(seed: "seed"))
      }
      """)
    #expect(error?.family == .keyboardInterrupt)
    #expect(session.value("group.count")?.description == "2")
    #expect(session.value("group.runs.map { $0.status }")?.description == "[\"completed\", \"completed\"]")
  }

  @Test("an interrupt before any run finished leaves nothing to keep: the cell is interrupted")
  func interruptBeforeAnyRun() throws {
    let session = Self.session()
    let error = session.error(
      """
      let group = seeds(3) { s in
        let seed = stop(at: s, when: 0)
        return \(Self.fit(seed: "seed"))
      }
      """)
    #expect(error?.family == .keyboardInterrupt)
    #expect(session.error("group.count")?.family == .nameError)
  }
}
