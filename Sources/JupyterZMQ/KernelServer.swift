import CZeroMQ
import Foundation
import Glibc
import JupyterKernel

/// A kernel on ZeroMQ: binds the connection file's five sockets and runs one owner thread
/// per socket, because a ZeroMQ socket is not thread-safe:
///
/// - heartbeat: a REP echo loop;
/// - control: reads requests and has `KernelCore` handle them at once, so interrupt, shutdown
///   and kernel_info never wait behind a running cell;
/// - shell (with stdin): reads requests into the core's queue and sends replies and input requests;
/// - IOPub publisher: the only user of the XPUB socket; answers each subscription with
///   `iopub_welcome` before anything else it sends;
/// - the interpreter: the caller's thread, running `KernelCore.runShell()`.
///
/// Other threads reach a socket only through its owner's `Mailbox`.
public final class KernelServer: KernelTransport, @unchecked Sendable {
  public let connection: ConnectionInfo
  public let codec: WireCodec
  private let log: KernelLog
  private let context: ZMQContext
  private let heartbeat: ZMQSocket
  private let control: ZMQSocket
  private let shell: ZMQSocket
  private let stdin: ZMQSocket
  private let iopub: ZMQSocket
  private let iopubMailbox = Mailbox<Outgoing>()
  private let shellMailbox = Mailbox<Outgoing>()
  private let controlMailbox = Mailbox<Outgoing>()
  private let stoppedLoops = DispatchSemaphore(value: 0)
  private let shutdownStarted = NSLock()
  private var isShuttingDown = false

  /// Frames for a socket, or the signal for its owner to send what is queued, close and end.
  private enum Outgoing {
    case frames([[UInt8]], Channel)
    case stop
  }

  /// Binds all five sockets; a port in use or a bad address throws, naming the socket.
  public init(connection: ConnectionInfo, codec: WireCodec, maximumMessageBytes: Int, log: @escaping KernelLog)
    throws(ZMQError)
  {
    self.connection = connection
    self.codec = codec
    self.log = log
    context = try ZMQContext()
    heartbeat = try ZMQSocket(context, type: ZMQ_REP, name: "heartbeat")
    control = try ZMQSocket(context, type: ZMQ_ROUTER, name: "control")
    shell = try ZMQSocket(context, type: ZMQ_ROUTER, name: "shell")
    stdin = try ZMQSocket(context, type: ZMQ_ROUTER, name: "stdin")
    iopub = try ZMQSocket(context, type: ZMQ_XPUB, name: "iopub")
    for socket in [heartbeat, control, shell, stdin, iopub] {
      // Pending replies get a moment to leave at shutdown, but never hold up the exit for long.
      try socket.setOption(ZMQ_LINGER, Int32(500))
    }
    for socket in [control, shell, stdin] {
      try socket.setOption(ZMQ_MAXMSGSIZE, Int64(maximumMessageBytes))
    }
    try iopub.setOption(ZMQ_XPUB_VERBOSE, Int32(1))
    // Live training output must not be dropped by a slow frontend before the server limits apply.
    try iopub.setOption(ZMQ_SNDHWM, Int32(100_000))
    try heartbeat.bind(connection.endpoint(for: .heartbeat))
    try control.bind(connection.endpoint(for: .control))
    try shell.bind(connection.endpoint(for: .shell))
    try stdin.bind(connection.endpoint(for: .stdin))
    try iopub.bind(connection.endpoint(for: .iopub))
  }

  // MARK: KernelTransport

  public func send(_ frames: [[UInt8]], on channel: Channel) {
    switch channel {
    case .iopub: iopubMailbox.post(.frames(frames, .iopub))
    case .shell, .stdin: shellMailbox.post(.frames(frames, channel))
    case .control: controlMailbox.post(.frames(frames, .control))
    case .heartbeat: break
    }
  }

  // MARK: Running

  /// Starts the socket threads, then processes shell requests on the calling thread until the
  /// process exits (after a shutdown request or SIGTERM).
  public func run(core: KernelCore) -> Never {
    core.onShutdown = { [self] _ in startShutdown(core: core) }
    startThread("tempo-heartbeat") { [self] in runHeartbeat() }
    startThread("tempo-iopub") { [self] in runPublisher() }
    startThread("tempo-control") { [self] in runControl(core) }
    startThread("tempo-shell") { [self] in runShell(core) }
    core.publishStarting()
    core.runShell()
    // runShell returns only once shutdown has begun; the shutdown thread exits the process.
    while true { pause() }
  }

  /// Sends what is queued, closes every socket and exits; also the SIGTERM path.
  public func startShutdown(core: KernelCore?) {
    shutdownStarted.lock()
    let already = isShuttingDown
    isShuttingDown = true
    shutdownStarted.unlock()
    guard !already else { return }
    startThread("tempo-shutdown") { [self] in
      core?.stop()
      for mailbox in [iopubMailbox, shellMailbox, controlMailbox] { mailbox.post(.stop) }
      // The three mailbox owners end after sending what was queued before `.stop`.
      for _ in 0..<3 { _ = stoppedLoops.wait(timeout: .now() + 1) }
      context.shutdown()  // ends the heartbeat loop
      context.terminate()
      // _exit, not exit: a cell may still be running on its own thread, and exit's handlers
      // (libraries' destructors, such as OpenBLAS's) would tear down state under it — a
      // shutdown during a running cell ended in SIGSEGV about one time in twelve.
      fflush(nil)
      _exit(0)
    }
  }

  private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = name
    thread.start()
  }

  // MARK: Owner loops

  private func runHeartbeat() {
    while true {
      do {
        try heartbeat.send(heartbeat.receive())
      } catch {
        if !error.isTerminated { log("heartbeat: \(error)") }
        break
      }
    }
    heartbeat.close()
  }

  private func runPublisher() {
    var poll = PollSet()
    poll.add(iopub)
    poll.add(fileDescriptor: iopubMailbox.fileDescriptor)
    loop: while true {
      do {
        let ready = try poll.wait()
        // Subscriptions first, so a new subscriber's first message is its welcome.
        if ready[0] { try answerSubscriptions() }
        if ready[1] {
          for item in iopubMailbox.drain() {
            switch item {
            case .frames(let frames, _): try iopub.send(frames)
            case .stop: break loop
            }
          }
        }
      } catch {
        if error.isTerminated { break }
        // One failed send or receive must not take the socket down with it.
        log("iopub: \(error)")
      }
    }
    iopub.close()
    stoppedLoops.signal()
  }

  /// Reads subscription frames (`0x01` + topic) and welcomes each subscriber (JEP 65).
  private func answerSubscriptions() throws(ZMQError) {
    var poll = PollSet()
    poll.add(iopub)
    repeat {
      let frames = try iopub.receive()
      guard let frame = frames.first, frame.first == 1 else { continue }
      let topic = Array(frame.dropFirst())
      let welcome = codec.encode(
        OutgoingMessage(
          identities: topic.isEmpty ? [] : [topic], type: .iopubWelcome,
          content: ["subscription": .string(String(decoding: topic, as: UTF8.self))]))
      try iopub.send(welcome)
    } while try poll.wait(timeoutMilliseconds: 0)[0]
  }

  private func runControl(_ core: KernelCore) {
    var poll = PollSet()
    poll.add(control)
    poll.add(fileDescriptor: controlMailbox.fileDescriptor)
    loop: while true {
      do {
        let ready = try poll.wait()
        if ready[0] { core.receive(try control.receive(), on: .control) }
        if ready[0] || ready[1] {
          for item in controlMailbox.drain() {
            switch item {
            case .frames(let frames, _): try control.send(frames)
            case .stop: break loop
            }
          }
        }
      } catch {
        if error.isTerminated { break }
        // One failed send or receive must not take the socket down with it.
        log("control: \(error)")
      }
    }
    control.close()
    stoppedLoops.signal()
  }

  private func runShell(_ core: KernelCore) {
    var poll = PollSet()
    poll.add(shell)
    poll.add(stdin)
    poll.add(fileDescriptor: shellMailbox.fileDescriptor)
    loop: while true {
      do {
        let ready = try poll.wait()
        if ready[0] { core.receive(try shell.receive(), on: .shell) }
        if ready[1] { core.receive(try stdin.receive(), on: .stdin) }
        if ready[2] {
          for item in shellMailbox.drain() {
            switch item {
            case .frames(let frames, let channel): try (channel == .stdin ? stdin : shell).send(frames)
            case .stop: break loop
            }
          }
        }
      } catch {
        if error.isTerminated { break }
        // One failed send or receive must not take the socket down with it.
        log("shell: \(error)")
      }
    }
    shell.close()
    stdin.close()
    stoppedLoops.signal()
  }
}
