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

  static func run<T>(_ body: () -> T) -> T {
    var result: T?
    withoutActuallyEscaping(body) { escapable in
      let work = Work { result = escapable() }
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
        // No thread could be made: run here, with the default limits still in force.
        context.release()
        work.body()
        return
      }
      pthread_join(thread, nil)
    }
    guard let result else { return body() }
    return result
  }
}
