/// Where `KernelCore` sends frames. The ZeroMQ transport hands them to each socket's owner
/// thread; tests use an in-memory transport that records them.
public protocol KernelTransport: AnyObject, Sendable {
  /// Sends a framed message on a channel; safe from any thread.
  func send(_ frames: [[UInt8]], on channel: Channel)
}

/// A line for the kernel's log (stderr in the real kernel; jupyter_client shows it).
public typealias KernelLog = @Sendable (String) -> Void
