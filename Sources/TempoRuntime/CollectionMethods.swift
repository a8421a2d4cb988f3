/// Methods of strings and dictionaries, and the mutating methods of arrays, dictionaries and
/// strings (which change the variable they are called on).
enum StringMethods {
  /// Refuses to make a string that could pass the limit.
  static func checkGrowth(_ text: String, factor: Int, _ args: Arguments) throws {
    let bound = text.utf8.count * factor
    if bound > args.limits.maximumStringBytes { throw Limits.stringTooLong(bound, args.limits) }
  }

  static func method(
    _ name: String, _ parameters: [ParameterSpec], returns: String, _ summary: String, example: String,
    body: @escaping @Sendable (String, inout Arguments) throws -> Value
  ) -> (String, Members.Method) {
    let doc = Documentation(
      name: name, signature: Signature(parameters, returns: returns), summary: summary, example: example,
      category: "Strings")
    return (
      name,
      Members.Method(documentation: doc) { receiver, args in
        guard case .string(let text) = receiver else { return .nil }
        return try body(text, &args)
      }
    )
  }

  static let all: [String: Members.Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "uppercased", [], returns: "String", "The string in upper case.",
        example: "\"Tempo\".uppercased()  // \"TEMPO\""
      ) { text, args in
        // Upper case can be three times longer in bytes (ΐ becomes three scalars).
        try checkGrowth(text, factor: 3, args)
        return .string(text.uppercased())
      },
      method(
        "lowercased", [], returns: "String", "The string in lower case.",
        example: "\"Tempo\".lowercased()  // \"tempo\""
      ) { text, args in
        try checkGrowth(text, factor: 3, args)
        return .string(text.lowercased())
      },
      method(
        "hasPrefix", [ParameterSpec(nil, "prefix", .string)], returns: "Bool",
        "Whether the string starts with the prefix.", example: "\"layers.0.weight\".hasPrefix(\"layers\")  // true"
      ) {
        text, args in .bool(text.hasPrefix(try args.string("prefix")))
      },
      method(
        "hasSuffix", [ParameterSpec(nil, "suffix", .string)], returns: "Bool",
        "Whether the string ends with the suffix.", example: "\"layers.0.weight\".hasSuffix(\"bias\")  // false"
      ) {
        text, args in .bool(text.hasSuffix(try args.string("suffix")))
      },
      method(
        "split", [ParameterSpec("separator", .string)], returns: "[String]",
        "The pieces between occurrences of a one-character separator.",
        example: "\"a,b,,c\".split(separator: \",\")  // [\"a\", \"b\", \"c\"]"
      ) {
        text, args in
        let separator = try args.string("separator")
        guard separator.count == 1, let character = separator.first else {
          throw RuntimeError(
            .valueError, "split(separator:) takes a single character, not \(String(reflecting: separator))")
        }
        return .array(text.split(separator: character).map { .string(String($0)) })
      },
      method(
        "trimmed", [], returns: "String", "The string without leading and trailing spaces and newlines.",
        example: "\"  loss \\n\".trimmed()  // \"loss\""
      ) {
        text, _ in
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        let trimmed = text.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        return .string(String(trimmed))
      },
    ])
}

/// Methods of Double, as in Swift.
enum NumberMethods {
  static func method(
    _ name: String, _ parameters: [ParameterSpec], _ summary: String, example: String,
    body: @escaping @Sendable (Double, inout Arguments) throws -> Value
  ) -> (String, Members.Method) {
    let doc = Documentation(
      name: name, signature: Signature(parameters, returns: "Double"), summary: summary, example: example,
      category: "Numbers")
    return (
      name,
      Members.Method(documentation: doc) { receiver, args in
        guard case .double(let x) = receiver else { return .nil }
        return try body(x, &args)
      }
    )
  }

  static let all: [String: Members.Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "truncatingRemainder", [ParameterSpec("dividingBy", "other", .double)],
        "The remainder of dividing by other, with the sign of the dividend (C's fmod).",
        example: "7.5.truncatingRemainder(dividingBy: 2)  // 1.5"
      ) { x, args in .double(x.truncatingRemainder(dividingBy: try args.double("other"))) },
      method("rounded", [], "The nearest whole number, halves away from zero.", example: "2.5.rounded()  // 3.0") {
        x, _ in .double(x.rounded())
      },
      method("squareRoot", [], "The square root.", example: "2.0.squareRoot()  // 1.4142135623730951") { x, _ in
        .double(x.squareRoot())
      },
    ])
}

enum DictionaryMethods {
  static let all: [String: Members.Method] = [
    "mapValues": Members.Method(
      documentation: Documentation(
        name: "mapValues",
        signature: Signature([ParameterSpec(nil, "transform", .function("(Value) -> T"))], returns: "[Key: T]"),
        summary: "A dictionary with the same keys and transformed values.",
        example: "[\"a\": 1, \"b\": 2].mapValues { $0 * 10 }  // [\"a\": 10, \"b\": 20]", category: "Dictionaries")
    ) { receiver, args in
      guard case .dictionary(let map) = receiver else { return .nil }
      let f = try args.function("transform")
      var result = OrderedMap()
      for (key, value) in zip(map.keys, map.values) {
        if let hashKey = key.hashKey { result.set(try args.call(f, [value]), for: key, hashKey: hashKey) }
      }
      return .dictionary(result)
    }
  ]
}

enum MutatingMethods {
  struct Method: Sendable {
    let documentation: Documentation
    let body: @Sendable (inout Value, inout Arguments) throws -> Value
  }

  static func method(
    _ name: String, _ parameters: [ParameterSpec], returns: String = "Void", _ summary: String,
    category: String, example: String, body: @escaping @Sendable (inout Value, inout Arguments) throws -> Value
  ) -> (String, Method) {
    let doc = Documentation(
      name: name, signature: Signature(parameters, returns: returns), summary: summary, example: example,
      category: category)
    return (name, Method(documentation: doc, body: body))
  }

  /// Runs `body` on the array inside `value` without copying it.
  static func withArray(_ value: inout Value, _ body: (inout [Value]) throws -> Value) rethrows -> Value {
    guard case .array(var elements) = value else { return .nil }
    value = .undefined
    defer { value = .array(elements) }
    return try body(&elements)
  }

  static func checkGrowth(_ count: Int, _ args: Arguments) throws {
    if count > args.limits.maximumCollectionCount { throw Limits.collectionTooLarge(count, args.limits) }
    if count > 1 << 20 { try MemoryUse.check(args.limits, adding: count * MemoryLayout<Value>.stride) }
  }

  static func emptyError(_ name: String) -> RuntimeError {
    RuntimeError(.indexError, "\(name)() on an empty array", help: "check 'isEmpty' first")
  }

  static let array: [String: Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "append",
        [
          ParameterSpec(nil, "newElement", .generic("Element"), default: .computed("none"), "one element"),
          ParameterSpec(
            "contentsOf", "newElements", .array(.generic("Element")), default: .computed("none"),
            "a sequence of elements"),
        ], "Adds an element, or the elements of a sequence, at the end.", category: "Arrays",
        example: "var xs = [1]\nxs.append(2)\nxs.append(contentsOf: [3, 4])\nxs  // [1, 2, 3, 4]"
      ) { value, args in
        var added: [Value]
        if args.isGiven("newElements") {
          added = try args.sequence("newElements")
        } else if args.isGiven("newElement") {
          added = [try args.value("newElement")]
        } else {
          throw RuntimeError(.typeError, "append needs an element or 'contentsOf:' a sequence")
        }
        for element in added where element.isContainer { try Limits.checkNesting(element, args.limits) }
        return try withArray(&value) { elements in
          try checkGrowth(elements.count + added.count, args)
          if case .double? = elements.first { added = added.map(Numbers.promotingInt) }
          elements.append(contentsOf: added)
          return .void
        }
      },
      method(
        "insert", [ParameterSpec(nil, "newElement", .generic("Element")), ParameterSpec("at", "i", .int)],
        "Inserts an element at a position.", category: "Arrays",
        example: "var xs = [1, 3]\nxs.insert(2, at: 1)\nxs  // [1, 2, 3]"
      ) {
        value, args in
        try withArray(&value) { elements in
          let i = try args.int("i")
          guard i >= 0, i <= elements.count else {
            throw RuntimeError(
              .indexError, "index \(i) is out of range for inserting into \(elements.count) elements",
              help: "insert at 0...\(elements.count)")
          }
          try checkGrowth(elements.count + 1, args)
          let element = try args.value("newElement")
          if element.isContainer { try Limits.checkNesting(element, args.limits) }
          elements.insert(element, at: i)
          return .void
        }
      },
      method(
        "remove", [ParameterSpec("at", "i", .int)], returns: "Element",
        "Removes and returns the element at a position.", category: "Arrays",
        example: "var xs = [1, 2, 3]\nxs.remove(at: 0)  // 1\nxs  // [2, 3]"
      ) {
        value, args in
        try withArray(&value) { elements in
          let i = try Subscripts.index(.int(try args.int("i")), count: elements.count, typeName: "Array")
          return elements.remove(at: i)
        }
      },
      method(
        "removeLast", [], returns: "Element", "Removes and returns the last element.", category: "Arrays",
        example: "var xs = [1, 2, 3]\nxs.removeLast()  // 3"
      ) {
        value, _ in
        try withArray(&value) { elements in
          guard !elements.isEmpty else { throw emptyError("removeLast") }
          return elements.removeLast()
        }
      },
      method(
        "removeFirst", [], returns: "Element", "Removes and returns the first element.", category: "Arrays",
        example: "var xs = [1, 2, 3]\nxs.removeFirst()  // 1"
      ) {
        value, _ in
        try withArray(&value) { elements in
          guard !elements.isEmpty else { throw emptyError("removeFirst") }
          return elements.removeFirst()
        }
      },
      method(
        "removeAll", [], "Removes every element.", category: "Arrays",
        example: "var xs = [1, 2]\nxs.removeAll()\nxs  // []"
      ) { value, _ in
        withArray(&value) { elements in
          elements.removeAll()
          return .void
        }
      },
      method(
        "reverse", [], "Reverses the elements in place.", category: "Arrays",
        example: "var xs = [1, 2, 3]\nxs.reverse()\nxs  // [3, 2, 1]"
      ) { value, _ in
        withArray(&value) { elements in
          elements.reverse()
          return .void
        }
      },
      method(
        "sort",
        [
          ParameterSpec(
            "by", "areInIncreasingOrder", .function("(Element, Element) -> Bool"), default: .operator("<"))
        ],
        "Sorts the elements in place.", category: "Arrays", example: "var xs = [3, 1, 2]\nxs.sort()\nxs  // [1, 2, 3]"
      ) {
        value, args in
        let sorted = try Ordering.sorted(
          try Sequences.elements(of: value, limits: args.limits) ?? [], args)
        value = .array(sorted)
        return .void
      },
    ])

  static let dictionary: [String: Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "removeValue", [ParameterSpec("forKey", "key", .generic("Key"))], returns: "Value?",
        "Removes a key and returns its value, or nil.", category: "Dictionaries",
        example: "var d = [\"a\": 1, \"b\": 2]\nd.removeValue(forKey: \"a\")  // 1\nd  // [\"b\": 2]"
      ) {
        value, args in
        guard case .dictionary(var map) = value else { return .nil }
        let key = try args.value("key")
        guard let hashKey = key.hashKey else {
          throw RuntimeError(.typeError, "value of type '\(key.typeName)' cannot be a dictionary key")
        }
        value = .undefined
        defer { value = .dictionary(map) }
        return map.remove(hashKey) ?? .nil
      }
    ])

  static let string: [String: Method] = Dictionary(
    uniqueKeysWithValues: [
      method(
        "append", [ParameterSpec(nil, "other", .string)], "Adds text at the end.", category: "Strings",
        example: "var s = \"loss\"\ns.append(\"es\")\ns  // \"losses\""
      ) {
        value, args in
        guard case .string(var text) = value else { return .nil }
        let other = try args.string("other")
        if text.utf8.count + other.utf8.count > args.limits.maximumStringBytes {
          throw Limits.stringTooLong(text.utf8.count + other.utf8.count, args.limits)
        }
        value = .undefined
        text += other
        value = .string(text)
        return .void
      }
    ])
}
