import Glibc

/// A failed system call: the function and its `errno`.
public struct SystemCallError: Error, Sendable {
  public var function: String
  public var code: Int32

  public init(function: String, code: Int32) {
    self.function = function
    self.code = code
  }

  /// `strerror`, starting lowercase as diagnostics do: "no such file or directory".
  public var reason: String {
    let text = String(cString: strerror(code))
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}

/// Runs a system call until a signal no longer interrupts it; a negative result throws.
///
/// A signal (SIGINT, which the kernel and `tempo run` turn into an interrupt) makes a blocking
/// call return -1 with `EINTR`; that is not a failure, and the call is made again. This is the
/// shape of swift-nio's `syscall(blocking:where:)`. Do not use it for `close`: Linux closes the
/// descriptor even when `close` is interrupted, so a retry could close another thread's file.
///
/// - Parameters:
///   - function: the call's name, for the error.
///   - errorNumber: reads the failure's code; `errno` unless the library keeps its own
///     (`zmq_errno`).
///   - call: the call; a negative result is a failure.
/// - Returns: the call's first result that is not negative.
/// - Throws: `SystemCallError` with the code of a failure other than `EINTR`.
@inlinable
public func retryingInterrupts<Result: BinaryInteger>(
  _ function: String, errorNumber: () -> Int32 = { errno }, _ call: () -> Result
) throws(SystemCallError) -> Result {
  while true {
    let result = call()
    if result >= 0 { return result }
    let code = errorNumber()
    guard code == EINTR else { throw SystemCallError(function: function, code: code) }
  }
}
