import Glibc
import SystemCalls
import TempoRuntime

/// Output for `tempo run`: stdout (buffered) and stderr, `show` and `display` as text, `input`
/// from the terminal.
final class TerminalOutput: OutputSink {
  private var buffer: [UInt8] = []
  /// Whether standard output is a terminal, where a line can be rewritten with a carriage return.
  private let isTerminal = isatty(STDOUT_FILENO) == 1
  /// The display whose single-line value is the last line written (a progress line), and, when
  /// output is not a terminal, its latest value not yet written.
  private var liveLine: (id: String, pending: String?)?
  /// True while the terminal's cursor sits at the end of a live line (no newline yet).
  private var lineOpen = false

  func writeStandardOutput(_ text: String) {
    settleLiveLine()
    append(text)
  }

  private func append(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  func writeStandardError(_ text: String) {
    settleLiveLine()
    flush()
    StandardStreams.write(text, to: STDERR_FILENO)
  }

  /// A terminal cannot show rich output: values are shown as their text. A single-line value
  /// shown with an id becomes the live line that updates replace.
  func display(_ value: Value, displayID: String?) {
    let text = value.description
    writeStandardOutput(text + "\n")
    if let displayID, !text.contains("\n") { liveLine = (displayID, nil) }
  }

  /// An update of the live line (a progress display) rewrites it in place on a terminal; in a
  /// file or a pipe only its last value is written, when other output follows or the run ends.
  /// Other updates are printed below what came before: earlier output may have scrolled away.
  func updateDisplay(_ value: Value, displayID: String) {
    let text = value.description
    guard let live = liveLine, live.id == displayID, !text.contains("\n") else {
      writeStandardOutput(text + "\n")
      return
    }
    if isTerminal {
      append("\r\u{1b}[K" + text)
      lineOpen = true
      flush()
    } else {
      liveLine = (displayID, text)
    }
  }

  /// Ends the live line before other output: the open line gets its newline, a held value is
  /// written.
  private func settleLiveLine() {
    if lineOpen {
      append("\n")
      lineOpen = false
    }
    if let pending = liveLine?.pending { append(pending + "\n") }
    liveLine = nil
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

  /// Writes what is buffered; `final` also ends a live line (the program is over).
  func flush(final: Bool = false) {
    if final { settleLiveLine() }
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
        // A terminal that is gone cannot be told so; the text is dropped.
        guard
          let written = try? retryingInterrupts("write", { Glibc.write(descriptor, base + offset, raw.count - offset) })
        else { return }
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
      let count: Int
      do throws(SystemCallError) {
        count = try retryingInterrupts("read") { read(descriptor, &chunk, chunk.count) }
      } catch {
        throw Failure(message: "cannot read '\(path)': \(String(cString: strerror(error.code)))")
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
