import Glibc
import TempoRuntime

/// Output for `tempo run`: stdout (buffered) and stderr, `show` and `display` as text, `input`
/// from the terminal.
final class TerminalOutput: OutputSink {
  private var buffer: [UInt8] = []

  func writeStandardOutput(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  func writeStandardError(_ text: String) {
    flush()
    StandardStreams.write(text, to: STDERR_FILENO)
  }

  /// A terminal cannot show rich output, nor name it for later: the id is not needed.
  func display(_ value: Value, displayID: String?) {
    writeStandardOutput(value.description + "\n")
  }

  /// Printed below what came before: a terminal's earlier output cannot be replaced in general
  /// (it may have scrolled, or be a file); the throttle keeps it to a few lines a second.
  func updateDisplay(_ value: Value, displayID: String) {
    writeStandardOutput(value.description + "\n")
  }

  func clearOutput(wait: Bool) {}

  func showHelp(_ text: String) {
    writeStandardOutput(text + "\n")
  }

  func readLine(prompt: String, isPassword: Bool) throws -> String {
    writeStandardOutput(prompt)
    flush()
    guard let line = Swift.readLine() else {
      throw RuntimeError(
        .inputError, "input(…) reached the end of standard input",
        help: "pipe the answers into 'tempo run', or pass the value in code")
    }
    return line
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    StandardStreams.write(bytes: buffer, to: STDOUT_FILENO)
    buffer.removeAll(keepingCapacity: true)
  }
}

/// Writing to file descriptors directly (C's `stdout` is a shared mutable global).
enum StandardStreams {
  static func write(_ text: String, to descriptor: Int32) {
    write(bytes: Array(text.utf8), to: descriptor)
  }

  static func write(bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(descriptor, base + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }
}

/// Reading a program from a path or standard input.
enum FileReading {
  struct Failure: Error {
    var message: String
  }

  static func readAll(_ path: String) throws -> [UInt8] {
    let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw Failure(message: "cannot open '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { if path != "-" { close(descriptor) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(descriptor, &chunk, chunk.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw Failure(message: "cannot read '\(path)': \(String(cString: strerror(errno)))")
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
  }
}

/// SIGINT stops the running cell (KeyboardInterrupt) instead of killing the process.
enum SignalHandling {
  nonisolated(unsafe) static var flag: InterruptFlag?

  static func forwardInterrupts(to interrupt: InterruptFlag) {
    flag = interrupt
    signal(SIGINT) { _ in SignalHandling.flag?.raise() }
  }
}
