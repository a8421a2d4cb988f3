/// A Tempo value.
///
/// Arrays, dictionaries, tuples and strings are values, as in Swift: assigning one copies it
/// (cheaply, copy-on-write). Functions and host objects are references.
public enum Value {
  case int(Int)
  case double(Double)
  case bool(Bool)
  case string(String)
  case array([Value])
  case dictionary(OrderedMap)
  case tuple([Value])
  /// A tuple with labels: `(first: 10, second: 20)`, `(x: 1, 2)`. `labels` has one entry per
  /// element, nil where the element has none, and at least one label; build it with
  /// `Value.tuple(_:labels:)`, which gives a plain `.tuple` when no element is labeled.
  ///
  /// Labels are a case of their own rather than a second payload of `.tuple`, so every
  /// `case .tuple(let elements)` keeps its shape; code that takes any tuple apart reads
  /// `tupleElements`, or matches both cases.
  case labeledTuple([Value], labels: [String?])
  case range(lower: Int, upper: Int, isClosed: Bool)
  case function(Callable)
  case host(any HostObject)
  case `nil`
  /// The storage of a variable that a closure captured (never seen by programs).
  case cell(Box)
  /// A variable declared but not yet given a value (never seen by programs).
  case undefined

  /// The empty tuple `()`, which statements and `print` return (Swift's `Void`).
  public static var void: Value { .tuple([]) }

  public var isVoid: Bool {
    if case .tuple(let elements) = self { return elements.isEmpty }
    return false
  }

  /// Whether arrays, tuples and dictionaries nest more than `limit` levels deep inside this
  /// value. Storage shared between parts (`a.append(a)` shares `a`'s buffer) is measured once,
  /// so the cost is bounded by the number of distinct buffers, and the recursion by `limit`.
  func nestsDeeper(than limit: Int) -> Bool {
    var depths: [UnsafeRawPointer: Int] = [:]
    return nestingDepth(limit: limit, depths: &depths) > limit
  }

  /// The nesting depth (a scalar is 0, `[1]` is 1), or `limit + 1` once it passes `limit`.
  private func nestingDepth(limit: Int, depths: inout [UnsafeRawPointer: Int]) -> Int {
    switch self {
    case .array(let elements), .tuple(let elements), .labeledTuple(let elements, _):
      guard let key = elements.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) }) else {
        return 1
      }
      if let known = depths[key] { return known }
      let depth = Value.depth(of: elements, limit: limit, depths: &depths)
      depths[key] = depth
      return depth
    case .dictionary(let map):
      let key = UnsafeRawPointer(Unmanaged.passUnretained(map.storageIdentity).toOpaque())
      if let known = depths[key] { return known }
      let depth = max(
        Value.depth(of: map.keys, limit: limit, depths: &depths),
        Value.depth(of: map.values, limit: limit, depths: &depths))
      depths[key] = depth
      return depth
    case .cell(let box): return box.value.nestingDepth(limit: limit, depths: &depths)
    default: return 0
    }
  }

  private static func depth(of elements: [Value], limit: Int, depths: inout [UnsafeRawPointer: Int]) -> Int {
    guard limit >= 0 else { return 1 }
    var deepest = 0
    for element in elements where element.isContainer {
      deepest = max(deepest, element.nestingDepth(limit: limit - 1, depths: &depths))
      if deepest > limit - 1 { return limit + 1 }
    }
    return deepest + 1
  }

  @inline(__always)
  var isContainer: Bool {
    switch self {
    case .array, .tuple, .labeledTuple, .dictionary, .cell: return true
    default: return false
    }
  }

  /// A tuple with these labels (one per element, nil for none): `.labeledTuple` when some
  /// element has a label, otherwise `.tuple`.
  public static func tuple(_ elements: [Value], labels: [String?]) -> Value {
    guard labels.count == elements.count, labels.contains(where: { $0 != nil }) else { return .tuple(elements) }
    return .labeledTuple(elements, labels: labels)
  }

  /// The elements of a tuple, labeled or not; nil for other values.
  public var tupleElements: [Value]? {
    switch self {
    case .tuple(let elements), .labeledTuple(let elements, _): return elements
    default: return nil
    }
  }

  /// The labels of a tuple's elements, nil where an element has none; nil for other values.
  public var tupleLabels: [String?]? {
    switch self {
    case .tuple(let elements): return Array(repeating: nil, count: elements.count)
    case .labeledTuple(_, let labels): return labels
    default: return nil
    }
  }

  /// The number of elements of a tuple; nil for other values.
  public var tupleCount: Int? { tupleElements?.count }

  public var isNil: Bool {
    if case .nil = self { return true }
    return false
  }
}

/// A captured variable's storage, shared by the declaring scope and its closures.
public final class Box {
  public var value: Value
  public init(_ value: Value) { self.value = value }
}

/// An insertion-ordered dictionary (Swift's is unordered and would print differently on
/// every run; a notebook should not).
public struct OrderedMap {
  final class Storage {
    var keys: [Value] = []
    var values: [Value] = []
    var positions: [HashKey: Int] = [:]

    func copy() -> Storage {
      let other = Storage()
      other.keys = keys
      other.values = values
      other.positions = positions
      return other
    }
  }

  private var storage = Storage()

  public init() {}

  public var count: Int { storage.keys.count }
  /// The shared storage, whose identity tells copies that share it apart from others.
  var storageIdentity: AnyObject { storage }
  public var keys: [Value] { storage.keys }
  public var values: [Value] { storage.values }

  public subscript(key: HashKey) -> Value? {
    guard let position = storage.positions[key] else { return nil }
    return storage.values[position]
  }

  private mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
  }

  public mutating func set(_ value: Value, for key: Value, hashKey: HashKey) {
    makeUnique()
    if let position = storage.positions[hashKey] {
      storage.values[position] = value
    } else {
      storage.positions[hashKey] = storage.keys.count
      storage.keys.append(key)
      storage.values.append(value)
    }
  }

  /// Removes a key; returns the value it had.
  @discardableResult
  public mutating func remove(_ hashKey: HashKey) -> Value? {
    guard let position = storage.positions[hashKey] else { return nil }
    makeUnique()
    let old = storage.values[position]
    storage.keys.remove(at: position)
    storage.values.remove(at: position)
    storage.positions[hashKey] = nil
    for (key, index) in storage.positions where index > position {
      storage.positions[key] = index - 1
    }
    return old
  }

  /// Changes the value at an existing key in place.
  public mutating func modifyValue(
    at hashKey: HashKey, _ body: (inout Value) throws -> Void
  ) rethrows -> Bool {
    guard let position = storage.positions[hashKey] else { return false }
    makeUnique()
    try body(&storage.values[position])
    return true
  }
}

/// The hashable form of a value that may be a dictionary key.
public indirect enum HashKey: Hashable {
  case int(Int)
  case double(Double)
  case bool(Bool)
  case string(String)
  case tuple([HashKey])
  case array([HashKey])
  case `nil`
  /// A host object that is a key by identity (`HostObject.isDictionaryKey`).
  case object(ObjectIdentifier)
}

extension Value {
  /// The dictionary key form of this value, or nil when it cannot be hashed.
  public var hashKey: HashKey? {
    switch self {
    case .int(let v): return .int(v)
    // 1.0 and 1 are equal, so they are the same key (as `[1.0: x][1]` finds x in Swift).
    case .double(let v):
      if let i = Int(exactly: v) { return .int(i) }
      return .double(v)
    case .bool(let v): return .bool(v)
    case .string(let v): return .string(v)
    case .nil: return .nil
    case .host(let object as TypeObject):
      // Lets `[String: Int]` stand for the dictionary type (`[String: Int]()`).
      return .string("\u{0}type \(object.name)")
    // The map keeps the key value, so the object lives as long as its identity is a key.
    case .host(let object) where object.isDictionaryKey: return .object(ObjectIdentifier(object))
    // Labels do not take part: `(x: 1, y: 2) == (1, 2)` in Swift, so they are the same key.
    case .tuple(let elements), .labeledTuple(let elements, _):
      var keys: [HashKey] = []
      for element in elements {
        guard let key = element.hashKey else { return nil }
        keys.append(key)
      }
      return .tuple(keys)
    case .array(let elements):
      var keys: [HashKey] = []
      for element in elements {
        guard let key = element.hashKey else { return nil }
        keys.append(key)
      }
      return .array(keys)
    default: return nil
    }
  }
}
