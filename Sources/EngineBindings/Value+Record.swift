import TempoRuntime

extension Value {
  /// A dictionary with string keys in the order given: what `evaluate`, `run.time`,
  /// `run.history` rows and a group's statistics return, so they print the same every time.
  static func record(_ entries: [(String, Value)]) -> Value {
    var map = OrderedMap()
    for (key, value) in entries { map.set(value, for: .string(key), hashKey: .string(key)) }
    return .dictionary(map)
  }
}
