import Foundation
import JSONValue

/// The inputs (and plain-text outputs) of executed cells, kept across kernel restarts in a
/// bounded JSON-lines file, answering `history_request` (tail, range, search).
///
/// Each kernel process is a new session numbered one past the highest in the file. Memory holds
/// only the most recent entries (`memoryCapacity`, what a console's `tail` asks for); the file is
/// the record, read again for the rarer range and search requests. So a kernel that has answered
/// 100,000 executes holds no more history in memory than one that has answered 1,000.
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
  private let memoryCapacity: Int
  private let lock = NSLock()
  private var recent: [Entry]
  /// Lines in the file, as far as this process knows (other kernels may append too).
  private var fileLines: Int

  /// A store backed by `file` (created when missing; `nil` keeps the recent history in memory
  /// only), keeping at most `capacity` entries on disk and `memoryCapacity` in memory.
  public init(file: URL?, capacity: Int = 10_000, memoryCapacity: Int = 1_000) {
    self.file = file
    self.capacity = capacity
    self.memoryCapacity = max(1, min(memoryCapacity, capacity))
    let loaded = file.map(Self.load) ?? []
    recent = Array(loaded.suffix(self.memoryCapacity))
    fileLines = loaded.count
    session = (loaded.map(\.session).max() ?? 0) + 1
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
    recent.append(entry)
    if recent.count > memoryCapacity + memoryCapacity / 10 { recent.removeFirst(recent.count - memoryCapacity) }
    fileLines += 1
    let trim = fileLines > capacity + capacity / 10
    lock.unlock()
    guard let file else { return }
    append(Self.encode(entry), to: file)
    if trim {
      // Whole-file rewrite once per capacity/10 records: the file's last `capacity` lines stay.
      let kept = Array(Self.load(file).suffix(capacity))
      write(kept.map(Self.encode).joined(), to: file)
      lock.withLock { fileLines = kept.count }
    }
  }

  public func tail(_ count: Int) -> [Entry] {
    let wanted = max(0, count)
    let inMemory = lock.withLock { recent }
    if wanted <= inMemory.count || file == nil { return Array(inMemory.suffix(wanted)) }
    return Array(all().suffix(wanted))
  }

  /// Lines `start..<stop` of a session; a session ≤ 0 counts back from this one (0 = this one).
  public func range(session requested: Int, start: Int, stop: Int?) -> [Entry] {
    let target = requested > 0 ? requested : session + requested
    return all().filter { entry in
      entry.session == target && entry.line >= start && (stop.map { entry.line < $0 } ?? true)
    }
  }

  /// The last `count` inputs matching a glob pattern (`*`, `?`, `[…]`), optionally unique.
  public func search(pattern: String, count: Int?, unique: Bool) -> [Entry] {
    var matching = all().filter { fnmatch(pattern, $0.input, 0) == 0 }
    if unique {
      var seen: Set<String> = []
      matching = matching.reversed().filter { seen.insert($0.input).inserted }.reversed()
    }
    if let count, count > 0 { matching = Array(matching.suffix(count)) }
    return matching
  }

  /// Every entry the file holds (the recent ones when there is no file or it cannot be read).
  private func all() -> [Entry] {
    let inMemory = lock.withLock { recent }
    guard let file else { return inMemory }
    let stored = Self.load(file)
    return stored.isEmpty ? inMemory : stored
  }

  private static func load(_ file: URL) -> [Entry] {
    guard let data = try? Data(contentsOf: file) else { return [] }
    var loaded: [Entry] = []
    for line in data.split(separator: UInt8(ascii: "\n")) {
      guard let json = try? JSON.parse(Array(line)), let session = json["session"]?.intValue,
        let number = json["line"]?.intValue, let input = json["input"]?.stringValue
      else { continue }  // a damaged line costs that entry only
      loaded.append(Entry(session: session, line: number, input: input, output: json["output"]?.stringValue))
    }
    return loaded
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
