import Glibc

/// Runs work on a thread with a large stack.
///
/// The evaluator recurses once per nested call and expression; a thread's default stack
/// (8 MiB on the main thread, 512 KiB on pool threads) would overflow long before
/// `ExecutionLimits.maximumCallDepth`, killing the kernel. The stack is only reserved
/// address space; pages are committed as they are touched.
enum LargeStack {
  static let size = 1 << 30

  private final class Work {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }

  /// Runs `body` on a new thread with a large stack, passing it the stack floor (see
  /// `StackFloor`).
  static func run<T>(_ body: (_ stackFloor: UInt) -> T) -> T {
    var result: T?
    withoutActuallyEscaping(body) { escapable in
      let work = Work {
        let top = StackFloor.here()
        result = escapable(top - UInt(size) + StackFloor.margin)
      }
      var attributes = pthread_attr_t()
      pthread_attr_init(&attributes)
      defer { pthread_attr_destroy(&attributes) }
      pthread_attr_setstacksize(&attributes, size)
      let context = Unmanaged.passRetained(work)
      var thread = pthread_t()
      let status = pthread_create(
        &thread, &attributes,
        { raw in
          guard let raw else { return nil }
          let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
          work.body()
          return nil
        }, context.toOpaque())
      if status != 0 {
        // No thread could be made: run here, assuming the common 8 MiB stack.
        context.release()
        result = escapable(StackFloor.here() - (6 << 20))
        return
      }
      pthread_join(thread, nil)
    }
    guard let result else { return body(StackFloor.here() - (6 << 20)) }
    return result
  }
}

/// The lowest address the evaluator may let the native stack reach on the current thread.
///
/// Call depth alone does not bound stack use (a deep expression inside each of 9,000 nested
/// calls needs far more than 9,000 shallow ones), so calls also compare the stack pointer with
/// this floor and report a `RecursionError` well before the guard page. `LargeStack.run`
/// sets it for the threads it starts.
enum StackFloor {
  /// Room left below the floor for the deepest single statement (expressions nest at most a
  /// few hundred levels, operator chains a few thousand).
  static let margin: UInt = 64 << 20

  /// An address inside the current frame.
  @inline(never)
  static func here() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }
}
