import Foundation
import JSONValue

/// The inputs (and plain-text outputs) of executed cells, kept across kernel restarts in a
/// bounded JSON-lines file, answering `history_request` (tail, range, search).
///
/// Each kernel process is a new session numbered one past the highest in the file.
public final class HistoryStore: @unchecked Sendable {
  public struct Entry: Equatable, Sendable {
    public var session: Int
    public var line: Int
    public var input: String
    public var output: String?
  }

  public let session: Int
  private let file: URL?
  private let capacity: Int
  private let lock = NSLock()
  private var entries: [Entry]

  /// A store backed by `file` (created when missing; `nil` keeps history in memory only),
  /// keeping at most `capacity` entries on disk.
  public init(file: URL?, capacity: Int = 10_000) {
    self.file = file
    self.capacity = capacity
    var loaded: [Entry] = []
    if let file, let data = try? Data(contentsOf: file) {
      for line in data.split(separator: UInt8(ascii: "\n")) {
        guard let json = try? JSON.parse(Array(line)), let session = json["session"]?.intValue,
          let number = json["line"]?.intValue, let input = json["input"]?.stringValue
        else { continue }  // a damaged line costs that entry only
        loaded.append(Entry(session: session, line: number, input: input, output: json["output"]?.stringValue))
      }
    }
    entries = Array(loaded.suffix(capacity))
    session = (entries.map(\.session).max() ?? 0) + 1
  }

  /// `tempo/history.jsonl` in Jupyter's per-user data directory.
  public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    URL(fileURLWithPath: JupyterPaths.dataDirectory(environment: environment))
      .appendingPathComponent("tempo/history.jsonl")
  }

  /// Records one executed cell of this session.
  public func record(line: Int, input: String, output: String?) {
    let entry = Entry(session: session, line: line, input: input, output: output)
    lock.lock()
    entries.append(entry)
    let overflow = entries.count > capacity + capacity / 10
    if overflow { entries.removeFirst(entries.count - capacity) }
    let snapshot = overflow ? entries : []
    lock.unlock()
    guard let file else { return }
    if overflow {
      write(snapshot.map(Self.encode).joined(), to: file)
    } else {
      append(Self.encode(entry), to: file)
    }
  }

  public func tail(_ count: Int) -> [Entry] {
    lock.withLock { Array(entries.suffix(max(0, count))) }
  }

  /// Lines `start..<stop` of a session; a session ≤ 0 counts back from this one (0 = this one).
  public func range(session requested: Int, start: Int, stop: Int?) -> [Entry] {
    let target = requested > 0 ? requested : session + requested
    return lock.withLock {
      entries.filter { entry in
        entry.session == target && entry.line >= start && (stop.map { entry.line < $0 } ?? true)
      }
    }
  }

  /// The last `count` inputs matching a glob pattern (`*`, `?`, `[…]`), optionally unique.
  public func search(pattern: String, count: Int?, unique: Bool) -> [Entry] {
    let all = lock.withLock { entries }
    var matching = all.filter { fnmatch(pattern, $0.input, 0) == 0 }
    if unique {
      var seen: Set<String> = []
      matching = matching.reversed().filter { seen.insert($0.input).inserted }.reversed()
    }
    if let count, count > 0 { matching = Array(matching.suffix(count)) }
    return matching
  }

  private static func encode(_ entry: Entry) -> String {
    let json: JSON = [
      "session": .int(entry.session), "line": .int(entry.line), "input": .string(entry.input),
      "output": entry.output.map(JSON.string) ?? .null,
    ]
    return json.text + "\n"
  }

  private func append(_ text: String, to file: URL) {
    ensureDirectory(of: file)
    let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    // One write per entry, so concurrent kernels interleave whole lines.
    _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
  }

  private func write(_ text: String, to file: URL) {
    ensureDirectory(of: file)
    try? Data(text.utf8).write(to: file, options: .atomic)
  }

  private func ensureDirectory(of file: URL) {
    try? FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
  }
}
