import Synchronization

/// The flag a kernel's control thread or a SIGINT handler sets to stop the running cell.
///
/// The evaluator polls it before every statement and loop iteration; a set flag raises
/// `KeyboardInterrupt` and is cleared when the next cell starts.
public final class InterruptFlag: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public func raise() { flag.store(true, ordering: .relaxed) }
  public func clear() { flag.store(false, ordering: .relaxed) }
  public var isRaised: Bool { flag.load(ordering: .relaxed) }
}
