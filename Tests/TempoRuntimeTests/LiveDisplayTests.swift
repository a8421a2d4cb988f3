import TempoRuntime
import TestSupport
import Testing

/// A clock that moves only when a test (or a cell, through `tick()`) moves it, so throttling
/// never depends on how fast the machine runs.
final class FakeClock {
  var now = 100.0
}

struct LiveDisplayTests {
  /// A session whose displays use a fake clock that `tick()` advances by `step` seconds.
  func liveDisplaySession(step: Double = 0.25) -> (TestSession, FakeClock) {
    let session = TestSession(terminal: true)
    let clock = FakeClock()
    session.environment.liveDisplays.clock = { clock.now }
    session.environment.define(
      "tick",
      value: .function(
        BuiltinFunction(name: "tick", signature: Signature([])) { _ in
          clock.now += step
          return .void
        }))
    return (session, clock)
  }

  func displayID(_ session: TestSession, _ name: String) -> String? {
    guard case .host(let object)? = session.environment.value(named: name), let handle = object as? DisplayHandle
    else { return nil }
    return handle.id
  }

  @Test("display shows the value under a display id and returns a DisplayHandle with that id")
  func displayReturnsAHandle() throws {
    let (session, _) = liveDisplaySession()
    let outcome = session.run("let d = display(0.5)\nd")
    let id = try #require(displayID(session, "d"))
    #expect(outcome.value?.description == "DisplayHandle(\(id))")
    #expect(session.run("type(of: d)").value?.description == "DisplayHandle")
    #expect(session.run("d.id").value?.description == id)
    #expect(session.output.displayEvents.map(\.summary) == ["display \(id): 0.5"])
    // tempo-<8 hex digits>-<counter>
    let parts = id.split(separator: "-")
    #expect(parts.count == 3 && parts[0] == "tempo" && parts[2] == "1")
    #expect(parts.count == 3 && parts[1].count == 8 && parts[1].allSatisfy(\.isHexDigit))
    #expect(session.run("let e: DisplayHandle = display(1)").error == nil)
  }

  @Test("100 updates at one instant send the display, then only the last value, when the cell ends")
  func updatesAtOneInstantAreHeldBack() throws {
    let (session, _) = liveDisplaySession()
    session.run("let d = display(0)\nfor i in 1...100 { d.update(i) }\nprint(\"loop done\")")
    let id = try #require(displayID(session, "d"))
    #expect(session.output.displayEvents.map(\.summary) == ["display \(id): 0", "update \(id): 100"])
    // Terminal-style output interleaves them with print: the update came after the loop.
    #expect(session.output.standardOutput == "0\nloop done\n100\n")
  }

  @Test("an update after the interval is sent at once and replaces the one held back")
  func updateAfterTheIntervalIsSentAtOnce() throws {
    let (session, clock) = liveDisplaySession()
    session.run("let d = display(0)\nd.update(1)\ntick()\nd.update(2)\nd.update(3)\nprint(\"end\")")
    let id = try #require(displayID(session, "d"))
    #expect(
      session.output.displayEvents.map(\.summary) == ["display \(id): 0", "update \(id): 2", "update \(id): 3"])
    #expect(session.output.standardOutput == "0\n2\nend\n3\n")

    // A handle from an earlier cell updates that display: at once after the interval…
    session.output.reset()
    clock.now += 1
    session.run("d.update(4)\nprint(\"after\")")
    #expect(session.output.standardOutput == "4\nafter\n")
    // …and held back to the end of the cell within it.
    session.output.reset()
    session.run("d.update(5)\nprint(\"after\")")
    #expect(session.output.standardOutput == "after\n5\n")
    #expect(session.output.displayEvents.map(\.summary) == ["update \(id): 5"])
  }

  @Test("the interval can be changed; zero sends every update")
  func intervalIsSettable() {
    let (session, _) = liveDisplaySession()
    session.environment.liveDisplays.updateInterval = 0
    session.run("let d = display(0)\nfor i in 1...3 { d.update(i) }")
    #expect(session.output.standardOutput == "0\n1\n2\n3\n")
  }

  @Test("each display is throttled on its own, and held updates go out in the order they were held")
  func displaysAreThrottledSeparately() throws {
    let (session, _) = liveDisplaySession()
    session.run(
      "let a = display(\"a0\")\nlet b = display(\"b0\")\nb.update(\"b1\")\na.update(\"a1\")\nb.update(\"b2\")")
    let a = try #require(displayID(session, "a"))
    let b = try #require(displayID(session, "b"))
    #expect(
      session.output.displayEvents.map(\.summary) == [
        "display \(a): a0", "display \(b): b0", "update \(b): b2", "update \(a): a1",
      ])
  }

  @Test("a held update is sent when the cell ends in an error or an interrupt")
  func heldUpdateIsSentWhenTheCellFails() throws {
    let (session, _) = liveDisplaySession()
    let failed = session.run("let d = display(0)\nfor i in 1...10 { d.update(i) }\nlet zero = 0\nprint(1 / zero)")
    #expect(failed.error?.family == .zeroDivisionError)
    let id = try #require(displayID(session, "d"))
    #expect(session.output.displayEvents.map(\.summary) == ["display \(id): 0", "update \(id): 10"])

    let environment = session.environment
    environment.define(
      "pressStop",
      value: .function(
        BuiltinFunction(name: "pressStop", signature: Signature([])) { [unowned environment] _ in
          environment.interrupt.raise()
          return .void
        }))
    session.output.reset()
    let interrupted = session.run("d.update(11)\nd.update(12)\npressStop()\nd.update(13)")
    #expect(interrupted.error?.family == .keyboardInterrupt)
    #expect(session.output.displayEvents.map(\.summary) == ["update \(id): 12"])
  }

  @Test("display ids differ between handles and between sessions")
  func idsAreUnique() throws {
    let (first, _) = liveDisplaySession()
    let (second, _) = liveDisplaySession()
    first.run("let a = display(1)\nlet b = display(2)")
    second.run("let a = display(1)")
    let a = try #require(displayID(first, "a"))
    let b = try #require(displayID(first, "b"))
    let other = try #require(displayID(second, "a"))
    #expect(a != b)
    #expect(b.hasSuffix("-2"))
    // Same counter, different session token: a restarted kernel never reuses an id.
    #expect(other != a)
    #expect(other.hasSuffix("-1"))
  }

  @Test("a DisplayHandle completes its members, documents itself, and checks update's arguments")
  func handleMembers() {
    let (session, _) = liveDisplaySession()
    session.run("let d = display(0)")
    #expect(session.environment.complete("d.", cursor: 2).matches == ["id", "update"])
    #expect(session.environment.complete("d.up", cursor: 4).matches == ["update"])
    #expect(session.environment.inspect("d", cursor: 1)?.contains("update(_:)") == true)
    #expect(session.environment.inspect("d.update", cursor: 8)?.hasPrefix("update(_ value: Any)") == true)

    let missing = session.run("d.update()").error
    #expect(missing?.family == .typeError)
    #expect(missing?.message == "missing argument for parameter 'value' in call to 'update'")
    #expect(session.run("d.update(1, 2)").error?.message == "extra argument in call to 'update'")
    #expect(
      session.run("d.update(value: 1)").error?.message == "extraneous argument label 'value:' in call to 'update'")
    #expect(session.run("d.id = \"mine\"").error?.family == .typeError)
    #expect(session.run("d.updat(1)").error?.rendered.contains("did you mean 'update'?") == true)
  }
}
