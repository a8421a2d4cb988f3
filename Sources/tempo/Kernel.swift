import ArgumentParser
import Foundation
import Glibc
import JupyterKernel
import JupyterZMQ
import TempoKernel

/// `tempo kernel -f CONNECTION_FILE`: the Jupyter kernel, as a kernelspec's argv starts it.
struct Kernel: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the Tempo Jupyter kernel (Jupyter starts this through the kernelspec).",
    discussion: "Install the kernelspec with 'tempo install'; Jupyter then passes the connection file.")

  @Option(name: .customShort("f"), help: "The connection file Jupyter wrote (ports, transport, signing key).")
  var connectionFile: String

  @Option(help: "Largest message accepted on shell, control and stdin, in bytes (ZMQ_MAXMSGSIZE).")
  var maxMessageBytes: Int = 64 << 20

  func run() throws {
    let connection: ConnectionInfo
    do {
      connection = try ConnectionInfo(json: try FileReading.readAll(connectionFile))
    } catch let error as FileReading.Failure {
      printError("error: \(error.message)")
      throw ExitCode(2)
    } catch let error as ConnectionInfo.Invalid {
      printError("error: \(connectionFile): \(error.description)")
      throw ExitCode(2)
    }
    let log: KernelLog = { line in StandardStreams.write("[tempo kernel] \(line)\n", to: STDERR_FILENO) }
    let codec = WireCodec(
      key: connection.key, session: UUID().uuidString.lowercased(), maximumMessageBytes: maxMessageBytes)
    // SIGTERM is taken by one thread with sigwait; every thread started from here inherits the mask.
    KernelSignals.blockTermination()
    let server: KernelServer
    do {
      server = try KernelServer(connection: connection, codec: codec, maximumMessageBytes: maxMessageBytes, log: log)
    } catch {
      printError("error: cannot start the kernel: \(error)\nhelp: is another kernel using these ports?")
      throw ExitCode(1)
    }
    let interpreter = TempoInterpreter()
    let core = KernelCore(
      interpreter: interpreter, transport: server, codec: codec,
      history: HistoryStore(file: HistoryStore.defaultFile()),
      log: log)
    KernelSignals.forwardInterrupts(to: interpreter)
    KernelSignals.onTermination { server.startShutdown(core: core) }
    server.run(core: core)
  }
}

/// SIGINT interrupts the running cell (the kernel survives it); SIGTERM shuts down cleanly.
enum KernelSignals {
  nonisolated(unsafe) static var interpreter: TempoInterpreter?

  static func forwardInterrupts(to interpreter: TempoInterpreter) {
    Self.interpreter = interpreter
    signal(SIGINT) { _ in KernelSignals.interpreter?.interrupt() }
  }

  static func blockTermination() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &set, nil)
  }

  static func onTermination(_ action: @escaping @Sendable () -> Void) {
    let thread = Thread {
      var set = sigset_t()
      sigemptyset(&set)
      sigaddset(&set, SIGTERM)
      var received: Int32 = 0
      while sigwait(&set, &received) != 0 {}
      action()
    }
    thread.name = "tempo-sigterm"
    thread.start()
  }
}
