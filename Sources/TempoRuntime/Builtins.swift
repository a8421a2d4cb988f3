import Glibc

/// The language's builtin functions, each with its documentation.
enum Builtins {
  static func builtin(
    _ name: String, _ parameters: [ParameterSpec], returns: String = "Void", category: String,
    _ summary: String, discussion: String? = nil, example: String? = nil,
    body: @escaping (inout Arguments) throws -> Value
  ) -> BuiltinFunction {
    let doc = Documentation(
      name: name, signature: Signature(parameters, returns: returns), summary: summary,
      discussion: discussion, example: example, category: category)
    return BuiltinFunction(doc, body: body)
  }

  /// Made anew for each environment: builtins are objects, and sessions share nothing.
  static func makeAll() -> [BuiltinFunction] { output + math + sequences + other }

  // MARK: - Output and input

  static var output: [BuiltinFunction] {
    [
      builtin(
        "print",
        [
          ParameterSpec(nil, "items", .any, variadic: true, "values to print, converted as string interpolation does"),
          ParameterSpec("separator", .string, default: " ", "put between items"),
          ParameterSpec("terminator", .string, default: "\n", "put after the last item"),
        ], category: "Output", "Writes the items to standard output.",
        example: "print(\"loss\", 0.25)          // loss 0.25\nprint(1, 2, 3, separator: \", \")  // 1, 2, 3"
      ) { args in
        args.output.writeStandardOutput(try printedText(args))
        return .void
      },
      builtin(
        "warn",
        [
          ParameterSpec(nil, "items", .any, variadic: true, "values to print"),
          ParameterSpec("separator", .string, default: " "),
          ParameterSpec("terminator", .string, default: "\n"),
        ], category: "Output", "Writes the items to standard error (shown in red in a notebook).",
        example: "warn(\"learning rate is very large\")"
      ) { args in
        args.output.writeStandardError(try printedText(args))
        return .void
      },
      builtin(
        "show", [ParameterSpec(nil, "value", .any, "the value to display")], category: "Output",
        "Displays a value in full, as a cell's last expression would be, without ending the cell.",
        discussion: "Figures, tables and models display richly in a notebook; other values as text.",
        example: "show([1, 2, 3])"
      ) { args in
        args.output.display(try args.value("value"))
        return .void
      },
      builtin(
        "display", [ParameterSpec(nil, "value", .any, "the value to show first")], returns: "DisplayHandle",
        category: "Output", "Shows a value as `show` does, and returns a handle that replaces it in place later.",
        discussion:
          "`handle.update(newValue)` replaces the output where it is instead of adding one below: a progress line, a loss curve redrawn each epoch. Updates are sent at most five times a second; a faster one waits, only the latest waiting value is kept, and it is sent with the next update or when the cell ends, so the output always ends at the last value. `handle.id` is the display id, unique in the notebook. `tempo run` rewrites a one-line value in place on a terminal (in a file or a pipe it writes the last one), and prints other values on lines of their own.",
        example:
          "let progress = display(\"step 0 of 3\")\nfor step in 1...3 {\n  progress.update(\"step \\(step) of 3\")\n}"
      ) { args in
        .host(args.environment.liveDisplays.show(try args.value("value"), on: args.output))
      },
      builtin(
        "clear",
        [ParameterSpec("wait", .bool, default: false, "clear only when new output arrives (no flicker)")],
        category: "Output", "Clears the output of the current cell.",
        example: "for epoch in 0..<3 {\n  clear(wait: true)\n  print(\"epoch\", epoch)\n}"
      ) { args in
        args.output.clearOutput(wait: try args.bool("wait"))
        return .void
      },
      builtin(
        "input",
        [
          ParameterSpec(nil, "prompt", .string, default: "", "shown before the answer"),
          ParameterSpec("password", .bool, default: false, "hide what is typed"),
        ], returns: "String", category: "Output", "Reads a line that the user types.",
        discussion: "Fails with InputError when the frontend cannot ask (for example a headless run).",
        example: "let name = input(\"your name: \")"
      ) { args in
        .string(
          try args.output.readLine(
            prompt: try args.string("prompt"), isPassword: try args.bool("password")))
      },
      builtin(
        "help", [ParameterSpec(nil, "value", .any, "a function, a value or a type")], category: "Output",
        "Shows the documentation of a value; `x?` does the same.", example: "help(print)\nsqrt?"
      ) { args in
        let value = try args.value("value")
        args.output.showHelp(args.environment.helpText(for: value, name: nil))
        return .void
      },
      builtin(
        "type", [ParameterSpec("of", "value", .any)], returns: "Type", category: "Output",
        "The type of a value.", example: "type(of: 2.5)  // Double"
      ) { args in
        .host(TypeObject.named(try args.value("value").swiftTypeName))
      },
    ]
  }

  // MARK: - Math

  static func unaryMath(_ name: String, _ summary: String, example: String, _ f: @escaping (Double) -> Double)
    -> BuiltinFunction
  {
    builtin(
      name, [ParameterSpec(nil, "x", .double)], returns: "Double", category: "Math", summary, example: example
    ) { args in
      .double(f(try args.double("x")))
    }
  }

  static var math: [BuiltinFunction] {
    [
      builtin(
        "abs", [ParameterSpec(nil, "x", .oneOf([.int, .double]))], returns: "Int or Double", category: "Math",
        "The absolute value.", example: "abs(-3)  // 3"
      ) {
        args in
        let x = try args.value("x")
        switch x {
        case .int(let i):
          guard i != Int.min else { throw RuntimeError(.overflowError, "abs(\(i)) does not fit in Int") }
          return .int(Swift.abs(i))
        case .double(let d): return .double(Swift.abs(d))
        default: throw args.typeError("x", got: x)
        }
      },
      builtin(
        "min",
        [ParameterSpec(nil, "values", .generic("Comparable"), variadic: true, "two or more values, or one array")],
        returns: "Comparable", category: "Math", "The smallest of the values (or of one array's elements).",
        example: "min(3, 1, 2)  // 1\nmin([4, 5])  // 4"
      ) { args in try extreme(args, smallest: true) },
      builtin(
        "max",
        [ParameterSpec(nil, "values", .generic("Comparable"), variadic: true, "two or more values, or one array")],
        returns: "Comparable", category: "Math", "The largest of the values (or of one array's elements).",
        example: "max(3, 1, 2)  // 3"
      ) { args in try extreme(args, smallest: false) },
      builtin(
        "sqrt", [ParameterSpec(nil, "x", .double)], returns: "Double", category: "Math",
        "The square root; nan for negative numbers.", example: "sqrt(2.0)  // 1.4142135623730951"
      ) {
        args in .double(Glibc.sqrt(try args.double("x")))
      },
      unaryMath("exp", "e raised to the power x.", example: "exp(1.0)  // 2.718281828459045", Glibc.exp),
      unaryMath(
        "log", "The natural logarithm; -inf at 0, nan below.", example: "log(10.0)  // 2.302585092994046", Glibc.log),
      builtin(
        "pow", [ParameterSpec(nil, "base", .double), ParameterSpec(nil, "exponent", .double)],
        returns: "Double",
        category: "Math", "base raised to the power exponent.", example: "pow(2.0, 10.0)  // 1024.0"
      ) { args in .double(Glibc.pow(try args.double("base"), try args.double("exponent"))) },
      unaryMath(
        "round", "The nearest whole number, halves away from zero.", example: "round(2.5)  // 3.0", Glibc.round),
      unaryMath("sin", "The sine of x radians.", example: "sin(0.0)  // 0.0", Glibc.sin),
      unaryMath("cos", "The cosine of x radians.", example: "cos(0.0)  // 1.0", Glibc.cos),
      unaryMath("tanh", "The hyperbolic tangent.", example: "tanh(0.0)  // 0.0", Glibc.tanh),
      unaryMath("floor", "The largest whole number not greater than x.", example: "floor(-1.5)  // -2.0", Glibc.floor),
      unaryMath("ceil", "The smallest whole number not less than x.", example: "ceil(1.2)  // 2.0", Glibc.ceil),
    ]
  }

  static func extreme(_ args: Arguments, smallest: Bool) throws -> Value {
    var values = try args.sequence("values")
    if values.count == 1, let only = values.first {
      values = try Sequences.elements(of: only, limits: args.limits) ?? [only]
    }
    if values.contains(where: { if case .double = $0 { return true } else { return false } }) {
      values = values.map(Numbers.promotingInt)
    }
    guard let result = try Ordering.extreme(values, smallest: smallest) else {
      throw RuntimeError(
        .valueError, "\(smallest ? "min" : "max") of an empty sequence", help: "check that the array has elements first"
      )
    }
    return result
  }

  // MARK: - Sequences

  /// The free-function form of a sequence method: `map(xs) { … }` is `xs.map { … }`.
  static func sequenceFunction(_ name: String, example: String) -> BuiltinFunction {
    guard let method = SequenceMethods.all[name], let methodSignature = method.documentation.signature else {
      return builtin(name, [], category: "Sequences", "") { _ in .nil }
    }
    let parameters =
      [ParameterSpec(nil, "sequence", .sequence, "an array, range, string or dictionary")]
      + methodSignature.parameters
    let signature = Signature(parameters, returns: methodSignature.returns)
    let doc = Documentation(
      name: name, signature: signature, summary: method.documentation.summary + " Same as `sequence.\(name)(…)`.",
      example: example, category: "Sequences")
    return BuiltinFunction(doc) { args in
      let receiver = try args.value("sequence")
      guard (try Sequences.elements(of: receiver, limits: args.limits)) != nil else {
        throw args.typeError("sequence", expected: "a sequence", got: receiver)
      }
      var rest = args.droppingFirst(signature: methodSignature)
      return try method.body(receiver, &rest)
    }
  }

  static var sequences: [BuiltinFunction] {
    [
      builtin(
        "count", [ParameterSpec(nil, "sequence", .sequence)], returns: "Int", category: "Sequences",
        "The number of elements.", example: "count([1, 2, 3])  // 3"
      ) {
        args in
        let sequence = try args.value("sequence")
        if case .string(let s) = sequence { return .int(s.count) }
        if case .range = sequence { return try Members.property(sequence, "count") ?? .int(0) }
        return .int(try args.sequence("sequence").count)
      },
      sequenceFunction("map", example: "map([1, 2, 3]) { $0 * 10 }  // [10, 20, 30]"),
      sequenceFunction("filter", example: "filter(0..<10) { $0 % 3 == 0 }  // [0, 3, 6, 9]"),
      sequenceFunction("reduce", example: "reduce([1, 2, 3], 0, +)  // 6"),
      sequenceFunction("sorted", example: "sorted([3, 1, 2])  // [1, 2, 3]"),
      sequenceFunction(
        "enumerated",
        example: "enumerated([\"a\", \"b\"])  // [(offset: 0, element: \"a\"), (offset: 1, element: \"b\")]"),
      sequenceFunction("sum", example: "sum([1.5, 2.5])  // 4.0"),
      sequenceFunction("mean", example: "mean([1, 2, 3, 4])  // 2.5"),
      builtin(
        "zip", [ParameterSpec(nil, "first", .sequence), ParameterSpec(nil, "second", .sequence)],
        returns: "[(A, B)]", category: "Sequences",
        "Pairs of elements at the same position; as long as the shorter sequence.",
        example: "zip([1, 2], [\"a\", \"b\"])  // [(1, \"a\"), (2, \"b\")]"
      ) { args in
        // A range may be endless in practice (0..<Int.max): take only what the other gives.
        let a = try args.value("first")
        let b = try args.value("second")
        let count = min(Sequences.count(of: a) ?? Int.max, Sequences.count(of: b) ?? Int.max)
        guard let first = try Sequences.prefix(a, count, args.limits) else {
          throw args.typeError("first", expected: "a sequence", got: a)
        }
        guard let second = try Sequences.prefix(b, count, args.limits) else {
          throw args.typeError("second", expected: "a sequence", got: b)
        }
        return .array(zip(first, second).map { .tuple([$0, $1]) })
      },
      builtin(
        "stride",
        [
          ParameterSpec("from", "start", .oneOf([.int, .double])),
          ParameterSpec("to", "end", .oneOf([.int, .double]), default: .computed("none"), "excluded"),
          ParameterSpec(
            "through", "last", .oneOf([.int, .double]), default: .computed("none"), "included when reached"),
          ParameterSpec("by", "step", .oneOf([.int, .double])),
        ], returns: "[Int] or [Double]", category: "Sequences", "Evenly spaced values from start towards end.",
        example:
          "stride(from: 0, to: 10, by: 3)  // [0, 3, 6, 9]\nstride(from: 1.0, through: 0.0, by: -0.5)  // [1.0, 0.5, 0.0]"
      ) { args in try Strides.make(args) },
    ]
  }

  // MARK: - Other

  static var other: [BuiltinFunction] {
    [
      builtin(
        "format",
        [
          ParameterSpec(nil, "x", .double),
          ParameterSpec(
            "digits", .int, default: 2,
            check: .range(0...30).message { "format digits must be in 0...30, not \($0)" }, "digits after the point"),
        ],
        returns: "String", category: "Text", "A number as text with a fixed number of decimals.",
        example: "format(3.14159, digits: 3)  // \"3.142\""
      ) { args in
        let digits = try args.int("digits")
        return .string(fixed(try args.double("x"), digits: digits))
      },
      builtin(
        "time", [ParameterSpec(nil, "body", .function("() -> T"), "the code to time")], returns: "T", category: "Text",
        "Runs a block, prints its wall time, and returns the block's value.",
        example: "let total = time { (0..<1000).reduce(0, +) }  // prints: wall time: 0.1 ms"
      ) { args in
        let f = try args.function("body")
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let result = try args.call(f, [])
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        args.output.writeStandardOutput("wall time: \(humanDuration(seconds))\n")
        return result
      },
    ]
  }

  /// What `print` and `warn` write: the items, the separator between them, the terminator.
  static func printedText(_ args: Arguments) throws -> String {
    let items = try args.sequence("items")
    return try joinedText(items, separator: try args.string("separator"), args) + (try args.string("terminator"))
  }

  /// The items' descriptions joined, within the string limit.
  static func joinedText(_ items: [Value], separator: String, _ args: Arguments) throws -> String {
    let limit = args.limits.maximumStringBytes
    var text = ""
    for (index, item) in items.enumerated() {
      if index > 0 { text += separator }
      text += try item.description(limit: limit - text.utf8.count)
    }
    return text
  }

  static func humanDuration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return fixed(seconds * 1e6, digits: 1) + " µs" }
    if seconds < 1 { return fixed(seconds * 1e3, digits: 1) + " ms" }
    return fixed(seconds, digits: 3) + " s"
  }

  /// `x` with `digits` decimals, as C's `%.*f` writes it.
  static func fixed(_ x: Double, digits: Int) -> String {
    guard x.isFinite else { return x.description }
    var buffer = [CChar](repeating: 0, count: 400)
    let written = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    guard written > 0 else { return x.description }
    return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

enum Strides {
  static func make(_ args: Arguments) throws -> Value {
    let hasTo = args.isGiven("end")
    let hasThrough = args.isGiven("last")
    guard hasTo != hasThrough else {
      throw RuntimeError(.typeError, "stride needs exactly one of 'to:' and 'through:'")
    }
    let endName = hasTo ? "end" : "last"
    if case .int(let start) = try args.value("start"), case .int(let end) = try args.value(endName),
      case .int(let step) = try args.value("step")
    {
      guard step != 0 else { throw RuntimeError(.valueError, "stride step must not be zero") }
      var values: [Value] = []
      var i = start
      while step > 0 ? (hasTo ? i < end : i <= end) : (hasTo ? i > end : i >= end) {
        values.append(.int(i))
        if values.count > args.limits.maximumCollectionCount {
          throw Limits.collectionTooLarge(values.count, args.limits)
        }
        let (next, overflow) = i.addingReportingOverflow(step)
        if overflow { break }
        i = next
      }
      return .array(values)
    }
    let start = try args.double("start")
    let end = try args.double(endName)
    let step = try args.double("step")
    guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
      throw RuntimeError(.valueError, "stride needs finite bounds and a non-zero step")
    }
    let span = (end - start) / step
    guard span < Double(args.limits.maximumCollectionCount) else {
      throw Limits.collectionTooLarge(Int(Swift.min(span, 9e18)), args.limits)
    }
    var values: [Value] = []
    var n = 0
    while true {
      // As Swift's floating-point strides: start + n × step with one rounding.
      let x = start.addingProduct(Double(n), step)
      let inside = step > 0 ? (hasTo ? x < end : x <= end) : (hasTo ? x > end : x >= end)
      if !inside { break }
      values.append(.double(x))
      n += 1
    }
    return .array(values)
  }
}
