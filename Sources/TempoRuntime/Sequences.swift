/// What `for … in` walks over, and the elements builtins such as `map` see.
enum Sequences {
  /// The elements of a sequence value, or nil when the value is not a sequence.
  static func elements(of value: Value, limits: ExecutionLimits) throws -> [Value]? {
    switch value {
    case .array(let elements): return elements
    case .range(let lower, let upper, let isClosed):
      let (span, overflow) = upper.subtractingReportingOverflow(lower)
      let count = overflow ? Int.max : (isClosed ? span &+ 1 : span)
      if overflow || count < 0 {
        throw RuntimeError(
          .limitError, "the range \(value) has more elements than a collection can hold",
          help: "iterate over a smaller range with 'for … in'")
      }
      if count > limits.maximumCollectionCount { throw Limits.collectionTooLarge(count, limits) }
      guard count > 0 else { return [] }
      if count > 1 << 16 { try MemoryUse.check(limits, adding: count * MemoryLayout<Value>.stride) }
      var result: [Value] = []
      result.reserveCapacity(count)
      for i in 0..<count { result.append(.int(lower + i)) }
      return result
    case .dictionary(let map):
      // Swift's `Dictionary.Element` is `(key: Key, value: Value)`.
      return zip(map.keys, map.values).map { .labeledTuple([$0, $1], labels: Sequences.keyValueLabels) }
    case .string(let text):
      return text.map { .string(String($0)) }
    case .tuple(let elements), .labeledTuple(let elements, _): return elements
    case .cell(let box): return try elements(of: box.value, limits: limits)
    default: return nil
    }
  }
}

extension Sequences {
  /// The labels of a dictionary's elements and of `enumerated()`'s pairs, shared by every pair.
  static let keyValueLabels: [String?] = ["key", "value"]
  static let offsetElementLabels: [String?] = ["offset", "element"]

  /// The number of elements without building them; nil when unknown or not a sequence.
  static func count(of value: Value) -> Int? {
    switch value {
    case .range(let lower, let upper, let isClosed):
      let (span, overflow) = upper.subtractingReportingOverflow(lower)
      if overflow { return Int.max }
      return isClosed ? (span == Int.max ? Int.max : span + 1) : span
    case .array(let elements), .tuple(let elements), .labeledTuple(let elements, _): return elements.count
    case .dictionary(let map): return map.count
    default: return nil
    }
  }

  /// The first `count` elements (all when `count` is larger); nil when not a sequence.
  static func prefix(_ value: Value, _ count: Int, _ limits: ExecutionLimits) throws -> [Value]? {
    if case .range(let lower, _, _) = value, let total = Sequences.count(of: value) {
      let n = min(count, total)
      if n > limits.maximumCollectionCount { throw Limits.collectionTooLarge(n, limits) }
      return (0..<n).map { .int(lower + $0) }
    }
    guard let elements = try elements(of: value, limits: limits) else { return nil }
    return Array(elements.prefix(count))
  }
}

/// Reading and writing `container[key]`.
enum Subscripts {
  /// The index `key` names in a collection of `count` elements. The collection's type name is
  /// for the error only, and computed only then: naming `[[Double]]` walks every element, which
  /// on every read made `w[t][j]` cost as much as a pass over `w`.
  static func index(_ key: Value, count: Int, typeName: @autoclosure () -> String) throws -> Int {
    guard case .int(let i) = key else {
      let typeName = typeName()
      throw RuntimeError(
        .typeError, "cannot subscript a value of type '\(typeName)' with an argument of type '\(key.typeName)'",
        help: "use an Int index")
    }
    guard i >= 0, i < count else {
      let help =
        i < 0
        ? "indices start at 0; the last element is at count - 1"
        : count == 0
          ? "the \(typeName() == "String" ? "string" : "array") is empty" : "valid indices are 0...\(count - 1)"
      throw RuntimeError(
        .indexError, "index \(i) is out of range for a collection of \(count) element\(count == 1 ? "" : "s")",
        help: help)
    }
    return i
  }

  /// The element at `key`; nil for a missing dictionary key.
  static func get(_ container: Value, _ key: Value, _ m: Machine) throws -> Value? {
    switch container {
    case .array(let elements):
      if case .range(let lower, let upper, let isClosed) = key {
        let end = isClosed ? upper + 1 : upper
        guard lower >= 0, end <= elements.count else {
          throw RuntimeError(
            .indexError, "range \(key) is out of bounds for a collection of \(elements.count) elements",
            help: elements.isEmpty ? "the array is empty" : "valid indices are 0...\(elements.count - 1)")
        }
        return .array(Array(elements[lower..<end]))
      }
      return elements[try index(key, count: elements.count, typeName: container.typeName)]
    case .dictionary(let map):
      guard let hashKey = key.hashKey else {
        throw RuntimeError(.typeError, "value of type '\(key.typeName)' cannot be a dictionary key")
      }
      return map[hashKey]
    case .string(let text):
      let characters = Array(text)
      return .string(String(characters[try index(key, count: characters.count, typeName: "String")]))
    case .tuple, .labeledTuple:
      throw RuntimeError(
        .typeError, "value of type '\(container.typeName)' has no subscripts",
        help: "pick a tuple element with '.0', '.1', …")
    case .host(let object):
      guard case .function(let function)? = try object.member("subscript") else {
        throw RuntimeError(.typeError, "value of type '\(object.typeName)' has no subscripts")
      }
      return try m.call(.function(function), [key])
    default:
      throw RuntimeError(.typeError, "value of type '\(container.typeName)' has no subscripts")
    }
  }

  static func set(_ container: inout Value, _ key: Value, _ value: Value, _ m: Machine) throws {
    // `a[1..<3] = [7, 8, 9]` replaces that part of the array.
    if case .array(var elements) = container, case .range(let lower, let upper, let isClosed) = key {
      let end = isClosed ? upper + 1 : upper
      guard lower >= 0, end <= elements.count else {
        throw RuntimeError(
          .indexError, "range \(key) is out of bounds for a collection of \(elements.count) elements")
      }
      guard let replacement = try Sequences.elements(of: value, limits: m.limits) else {
        throw RuntimeError(.typeError, "cannot assign value of type '\(value.typeName)' to a range of an array")
      }
      container = .undefined
      defer { container = .array(elements) }
      elements.replaceSubrange(lower..<end, with: replacement)
      return
    }
    switch container {
    case .array(var elements):
      let i = try index(key, count: elements.count, typeName: container.typeName)
      container = .undefined
      defer { container = .array(elements) }
      elements[i] = Assignment.converted(value, replacing: elements[i])
    case .dictionary(var map):
      guard let hashKey = key.hashKey else {
        throw RuntimeError(.typeError, "value of type '\(key.typeName)' cannot be a dictionary key")
      }
      container = .undefined
      defer { container = .dictionary(map) }
      if case .nil = value {
        map.remove(hashKey)
      } else {
        if map.count >= m.limits.maximumCollectionCount {
          throw Limits.collectionTooLarge(map.count + 1, m.limits)
        }
        map.set(value, for: key, hashKey: hashKey)
      }
    default:
      throw RuntimeError(
        .typeError, "cannot assign through subscript: value of type '\(container.typeName)' is not mutable this way",
        help: container.typeName == "String" ? "build a new string instead" : nil)
    }
  }

  static func modify(
    _ container: inout Value, _ key: Value, default fallback: Value?, _ m: Machine,
    _ body: (inout Value) throws -> Void
  ) throws {
    switch container {
    case .array(var elements):
      let i = try index(key, count: elements.count, typeName: container.typeName)
      container = .undefined
      defer { container = .array(elements) }
      try body(&elements[i])
    case .dictionary(var map):
      guard let hashKey = key.hashKey else {
        throw RuntimeError(.typeError, "value of type '\(key.typeName)' cannot be a dictionary key")
      }
      container = .undefined
      defer { container = .dictionary(map) }
      if try map.modifyValue(at: hashKey, body) { return }
      guard var value = fallback else {
        throw RuntimeError(
          .keyError, "key \(key.debugDescription) is not in the dictionary",
          help: "give a default: d[key, default: 0] += 1")
      }
      try body(&value)
      map.set(value, for: key, hashKey: hashKey)
    default:
      var element = try get(container, key, m) ?? .nil
      try body(&element)
      try set(&container, key, element, m)
    }
  }
}
