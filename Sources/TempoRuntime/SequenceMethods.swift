/// Methods every sequence has: arrays, ranges, strings (their characters) and dictionaries
/// (their `(key, value)` pairs).
enum SequenceMethods {
  typealias Method = Members.Method

  static func elements(_ receiver: Value, _ arguments: Arguments) throws -> [Value] {
    try Sequences.elements(of: receiver, limits: arguments.limits) ?? []
  }

  static func method(
    _ name: String, _ parameters: [ParameterSpec], returns: String, _ summary: String,
    example: String? = nil, body: @escaping @Sendable (Value, inout Arguments) throws -> Value
  ) -> (String, Method) {
    let signature = Signature(parameters, returns: returns)
    let doc = Documentation(
      name: name, signature: signature, summary: summary, example: example, category: "Sequences")
    return (name, Method(documentation: doc, body: body))
  }

  static let all: [String: Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "map", [ParameterSpec(nil, "transform", .function("(Element) -> T"), "called on each element")],
        returns: "[T]", "The results of calling a closure on each element, in order.",
        example: "[1, 2, 3].map { $0 * $0 }  // [1, 4, 9]"
      ) { receiver, args in
        let f = try args.function("transform")
        return .array(try elements(receiver, args).map { try args.call(f, [$0]) })
      },
      method(
        "filter", [ParameterSpec(nil, "isIncluded", .function("(Element) -> Bool"), "true keeps the element")],
        returns: "[Element]", "The elements for which the closure returns true.",
        example: "[1, 2, 3, 4].filter { $0 % 2 == 0 }  // [2, 4]"
      ) { receiver, args in
        let f = try args.function("isIncluded")
        var kept: [Value] = []
        for element in try elements(receiver, args) where try Conditions.bool(try args.call(f, [element])) {
          kept.append(element)
        }
        return .array(kept)
      },
      method(
        "reduce",
        [
          ParameterSpec(nil, "initialResult", .generic("T"), "the starting value"),
          ParameterSpec(
            nil, "nextPartialResult", .function("(T, Element) -> T"), "combines the result so far with an element"),
        ],
        returns: "T", "Combines the elements into one value, left to right.",
        example: "[1, 2, 3].reduce(0, +)  // 6"
      ) { receiver, args in
        let f = try args.function("nextPartialResult")
        var result = try args.value("initialResult")
        for element in try elements(receiver, args) { result = try args.call(f, [result, element]) }
        return result
      },
      method(
        "sorted",
        [
          ParameterSpec(
            "by", "areInIncreasingOrder", .function("(Element, Element) -> Bool"), default: .operator("<"),
            "true when the first argument goes first")
        ],
        returns: "[Element]", "The elements in increasing order, or in the order a closure defines.",
        example: "[3, 1, 2].sorted()  // [1, 2, 3]\n[3, 1, 2].sorted(by: >)  // [3, 2, 1]"
      ) { receiver, args in
        .array(try Ordering.sorted(try elements(receiver, args), args))
      },
      method(
        "reversed", [], returns: "[Element]", "The elements in reverse order.",
        example: "[1, 2, 3].reversed()  // [3, 2, 1]"
      ) { receiver, args in
        .array(try elements(receiver, args).reversed())
      },
      method(
        "enumerated", [], returns: "[(offset: Int, element: Element)]", "Pairs of position and element.",
        example: "for (i, x) in [\"a\", \"b\"].enumerated() { print(i, x) }"
      ) { receiver, args in
        .array(
          try elements(receiver, args).enumerated().map {
            .labeledTuple([.int($0.offset), $0.element], labels: Sequences.offsetElementLabels)
          })
      },
      method(
        "contains", [ParameterSpec(nil, "element", .generic("Element"))], returns: "Bool",
        "Whether the sequence contains the element (for a string: the text).",
        example: "[1, 2, 3].contains(2)  // true\n\"training\".contains(\"rain\")  // true"
      ) {
        receiver, args in
        let wanted = try args.value("element")
        if case .string(let text) = receiver, case .string(let part) = wanted {
          return .bool(part.isEmpty || text.contains(part))
        }
        if case .range(let lower, let upper, let isClosed) = receiver {
          switch wanted {
          case .int(let x): return .bool(x >= lower && (isClosed ? x <= upper : x < upper))
          case .double(let x):
            return .bool(x == x.rounded() && x >= Double(lower) && (isClosed ? x <= Double(upper) : x < Double(upper)))
          default: return .bool(false)
          }
        }
        return .bool(try elements(receiver, args).contains { Operators.equal($0, wanted) })
      },
      method(
        "firstIndex", [ParameterSpec("of", "element", .generic("Element"))], returns: "Int?",
        "The position of the first equal element, or nil.",
        example: "[\"a\", \"b\"].firstIndex(of: \"b\")  // 1"
      ) {
        receiver, args in
        let wanted = try args.value("element")
        return try elements(receiver, args).firstIndex { Operators.equal($0, wanted) }.map { .int($0) } ?? .nil
      },
      method(
        "allSatisfy", [ParameterSpec(nil, "predicate", .function("(Element) -> Bool"))], returns: "Bool",
        "Whether the closure returns true for every element.",
        example: "[2, 4].allSatisfy { $0 % 2 == 0 }  // true"
      ) {
        receiver, args in
        let f = try args.function("predicate")
        for element in try elements(receiver, args) where !(try Conditions.bool(try args.call(f, [element]))) {
          return .bool(false)
        }
        return .bool(true)
      },
      method(
        "forEach", [ParameterSpec(nil, "body", .function("(Element) -> Void"))], returns: "Void",
        "Calls the closure on each element.",
        example: "[1, 2].forEach { print($0) }"
      ) {
        receiver, args in
        let f = try args.function("body")
        for element in try elements(receiver, args) { _ = try args.call(f, [element]) }
        return .void
      },
      method(
        "min", [], returns: "Element?", "The smallest element, or nil when empty.",
        example: "[3, 1, 2].min()  // 1"
      ) { receiver, args in
        try Ordering.extreme(try elements(receiver, args), smallest: true) ?? .nil
      },
      method(
        "max", [], returns: "Element?", "The largest element, or nil when empty.",
        example: "[3, 1, 2].max()  // 3"
      ) { receiver, args in
        try Ordering.extreme(try elements(receiver, args), smallest: false) ?? .nil
      },
      method(
        "sum", [], returns: "Int or Double", "The sum of numeric elements (0 when empty).",
        example: "[1, 2, 3].sum()  // 6"
      ) {
        receiver, args in try Statistics.sum(try elements(receiver, args))
      },
      method(
        "mean", [], returns: "Double", "The arithmetic mean of numeric elements.",
        example: "[1, 2, 3, 4].mean()  // 2.5"
      ) {
        receiver, args in try Statistics.mean(try elements(receiver, args))
      },
      method(
        "joined", [ParameterSpec("separator", .string, default: "")], returns: "String",
        "The elements' descriptions joined into one string.",
        example: "[\"a\", \"b\"].joined(separator: \", \")  // \"a, b\""
      ) { receiver, args in
        let separator = try args.string("separator")
        let joined = try Builtins.joinedText(elements(receiver, args), separator: separator, args)
        if joined.utf8.count > args.limits.maximumStringBytes {
          throw Limits.stringTooLong(joined.utf8.count, args.limits)
        }
        return .string(joined)
      },
      method(
        "prefix", [ParameterSpec(nil, "maxLength", .int)], returns: "[Element]", "The first n elements.",
        example: "[1, 2, 3].prefix(2)  // [1, 2]"
      ) {
        receiver, args in
        let n = max(0, try args.int("maxLength"))
        return .array(Array(try elements(receiver, args).prefix(n)))
      },
      method(
        "suffix", [ParameterSpec(nil, "maxLength", .int)], returns: "[Element]", "The last n elements.",
        example: "[1, 2, 3].suffix(2)  // [2, 3]"
      ) {
        receiver, args in
        let n = max(0, try args.int("maxLength"))
        return .array(Array(try elements(receiver, args).suffix(n)))
      },
      method(
        "dropFirst", [ParameterSpec(nil, "k", .int, default: 1)], returns: "[Element]",
        "All but the first k elements.",
        example: "[1, 2, 3].dropFirst()  // [2, 3]"
      ) {
        receiver, args in
        .array(Array(try elements(receiver, args).dropFirst(max(0, try args.int("k")))))
      },
      method(
        "dropLast", [ParameterSpec(nil, "k", .int, default: 1)], returns: "[Element]",
        "All but the last k elements.",
        example: "[1, 2, 3].dropLast(2)  // [1]"
      ) {
        receiver, args in
        .array(Array(try elements(receiver, args).dropLast(max(0, try args.int("k")))))
      },
      method(
        "compactMap", [ParameterSpec(nil, "transform", .function("(Element) -> T?"))], returns: "[T]",
        "The non-nil results of calling a closure on each element.",
        example: "[\"1\", \"x\", \"3\"].compactMap { Int($0) }  // [1, 3]"
      ) {
        receiver, args in
        let f = try args.function("transform")
        return .array(try elements(receiver, args).map { try args.call(f, [$0]) }.filter { !$0.isNil })
      },
    ])
}

/// Sorting and extremes over values that `<` can compare.
enum Ordering {
  /// The values in the order `args`' `areInIncreasingOrder` defines (`<` by default).
  static func sorted(_ values: [Value], _ args: Arguments) throws -> [Value] {
    if args.isGiven("areInIncreasingOrder") {
      let comparator = try args.function("areInIncreasingOrder")
      return try values.sorted { a, b in
        try Conditions.bool(try args.call(comparator, [a, b]))
      }
    }
    return try values.sorted { a, b in
      guard let order = Operators.compare(a, b) else {
        throw RuntimeError(
          .typeError, "cannot compare values of type '\(a.typeName)' and '\(b.typeName)'",
          help: "pass an ordering that compares them: sorted(by: { a, b in … })")
      }
      // The declared default, `<`, compared directly: faster, and its error says how to fix it.
      return order == .less
    }
  }

  static func extreme(_ values: [Value], smallest: Bool) throws -> Value? {
    guard var best = values.first else { return nil }
    for value in values.dropFirst() {
      guard let order = Operators.compare(value, best) else {
        throw RuntimeError(.typeError, "cannot compare values of type '\(value.typeName)' and '\(best.typeName)'")
      }
      if smallest ? order == .less : order == .greater { best = value }
    }
    return best
  }
}

enum Statistics {
  static func sum(_ values: [Value]) throws -> Value {
    var intSum = 0
    var doubleSum = 0.0
    var isDouble = false
    for value in values {
      switch value {
      case .int(let i):
        if isDouble {
          doubleSum += Double(i)
        } else {
          let (r, o) = intSum.addingReportingOverflow(i)
          guard !o else {
            throw RuntimeError(.overflowError, "the sum does not fit in Int", help: "convert the elements to Double")
          }
          intSum = r
        }
      case .double(let d):
        if !isDouble {
          isDouble = true
          doubleSum = Double(intSum)
        }
        doubleSum += d
      default:
        throw RuntimeError(
          .typeError, "cannot add an element of type '\(value.typeName)'", help: "sum() adds Int and Double elements")
      }
    }
    return isDouble ? .double(doubleSum) : .int(intSum)
  }

  static func mean(_ values: [Value]) throws -> Value {
    guard !values.isEmpty else {
      throw RuntimeError(.valueError, "mean of an empty sequence", help: "check that the sequence has elements first")
    }
    var total = 0.0
    for value in values {
      switch value {
      case .int(let i): total += Double(i)
      case .double(let d): total += d
      default:
        throw RuntimeError(
          .typeError, "cannot average an element of type '\(value.typeName)'",
          help: "mean() averages Int and Double elements")
      }
    }
    return .double(total / Double(values.count))
  }
}
