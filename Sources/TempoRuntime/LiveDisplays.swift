import Glibc

/// The live displays of one session: it names each new display, and holds back updates that
/// come faster than a notebook can usefully redraw them.
///
/// An update that comes within `updateInterval` of the display's last one is not sent, and not
/// rendered (rendering a figure costs time): it waits as the display's pending value, replaced
/// by any newer one. It goes out with the next update that comes after the interval, or when
/// the cell ends, so the notebook always ends up showing the last value.
public final class LiveDisplays {
  /// The least time, in seconds, between two updates of one display that are sent.
  public var updateInterval = 0.2
  /// The time in seconds on a monotonic clock; tests set a fake one to control time.
  public var clock: () -> Double = MonotonicClock.seconds
  private var ids = DisplayIDs()
  private var throttle = DisplayThrottle()

  public init() {}

  /// Shows a value under a new display id and returns the handle that updates it.
  public func show(_ value: Value, on output: OutputSink) -> DisplayHandle {
    let id = ids.next()
    output.display(value, displayID: id)
    // Showing counts as sending: an update right after it is held back like any other.
    throttle.recordSent(id, at: clock())
    return DisplayHandle(id: id)
  }

  /// Replaces what the display `id` shows: now, when its last update was sent at least
  /// `updateInterval` ago; otherwise at the next update or when the cell ends.
  public func update(_ id: String, to value: Value, on output: OutputSink) {
    let now = clock()
    if throttle.admits(id, at: now, interval: updateInterval) {
      throttle.recordSent(id, at: now)
      output.updateDisplay(value, displayID: id)
    } else {
      throttle.hold(value, for: id)
    }
  }

  /// Replaces what the display `id` shows now, whatever the throttle says, and drops what was
  /// held for it: for a final state (a finished run's progress), which must not wait behind or
  /// be overwritten by an older update.
  public func updateNow(_ id: String, to value: Value, on output: OutputSink) {
    throttle.recordSent(id, at: clock())
    output.updateDisplay(value, displayID: id)
  }

  /// Sends every held-back update, in the order they were first held. The environment calls
  /// it when a cell ends, whatever ended it, so the final state reaches the notebook while
  /// the cell is still busy.
  func flushPendingUpdates(to output: OutputSink) {
    let now = clock()
    for held in throttle.takePending() {
      throttle.recordSent(held.id, at: now)
      output.updateDisplay(held.value, displayID: held.id)
    }
    // Sends older than the interval no longer hold anything back; forgetting them keeps a
    // session that makes many displays from growing.
    throttle.forgetSends(before: now - updateInterval)
  }
}

/// When each display was last sent, and the newest update held back for each; no clock and no
/// output of its own.
struct DisplayThrottle {
  struct HeldUpdate {
    var id: String
    var value: Value
  }

  private var lastSent: [String: Double] = [:]
  /// In the order each display's first held update came.
  private var pending: [HeldUpdate] = []

  /// Whether an update of `id` at `now` may be sent (a display never sent, or forgotten, may).
  func admits(_ id: String, at now: Double, interval: Double) -> Bool {
    guard let last = lastSent[id] else { return true }
    return now - last >= interval
  }

  /// Notes a send; what was held for the display is now out of date.
  mutating func recordSent(_ id: String, at time: Double) {
    lastSent[id] = time
    pending.removeAll { $0.id == id }
  }

  /// Keeps only the latest value for a display.
  mutating func hold(_ value: Value, for id: String) {
    if let index = pending.firstIndex(where: { $0.id == id }) {
      pending[index].value = value
    } else {
      pending.append(HeldUpdate(id: id, value: value))
    }
  }

  mutating func takePending() -> [HeldUpdate] {
    defer { pending = [] }
    return pending
  }

  mutating func forgetSends(before time: Double) {
    lastSent = lastSent.filter { $0.value >= time }
  }
}

/// Display ids that no other display of the notebook has.
///
/// JupyterLab applies an update to every output in the notebook with that id, including outputs
/// made before a kernel restart, so a counter alone would reach back into old outputs: a random
/// token per session tells sessions apart, and the counter tells its displays apart.
struct DisplayIDs {
  private let token: String
  private var count = 0

  init() {
    var generator = SystemRandomNumberGenerator()
    let hex = String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
    token = String(repeating: "0", count: 8 - hex.count) + hex
  }

  /// `tempo-3f9a2c1e-1`, then `tempo-3f9a2c1e-2`, …
  mutating func next() -> String {
    count += 1
    return "tempo-\(token)-\(count)"
  }
}

/// Seconds since an arbitrary start, never going back (wall-clock time may jump).
public enum MonotonicClock {
  public static func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
