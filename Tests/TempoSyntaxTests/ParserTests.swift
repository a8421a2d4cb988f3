import TempoSyntax
import Testing

/// The shape of parsed expressions, printed back with explicit parentheses.
struct ParserTests {
  func shape(_ text: String) -> String {
    let parsed = Parser.parse(SourceFile(name: "t", text: text))
    guard parsed.diagnostics.isEmpty, let first = parsed.statements.first, case .expression(let e) = first.kind
    else { return "error: \(parsed.diagnostics.map(\.message))" }
    return render(e)
  }

  func render(_ e: Expr) -> String {
    switch e.kind {
    case .integer(let v): return "\(v)"
    case .float(let v): return "\(v)"
    case .name(let n): return n
    case .bool(let b): return "\(b)"
    case .binary(let op, let l, let r, _): return "(\(render(l)) \(op) \(render(r)))"
    case .prefix(let op, let x): return "(\(op)\(render(x)))"
    case .ternary(let c, let t, let f): return "(\(render(c)) ? \(render(t)) : \(render(f)))"
    case .call(let callee, let args):
      return "\(render(callee))("
        + args.map { ($0.label.map { "\($0): " } ?? "") + render($0.value) }.joined(separator: ", ") + ")"
    case .member(let base, let name, _): return "\(render(base)).\(name)"
    case .closure(let c): return "{\(c.parameters.map(\.name).joined(separator: ","))|\(c.body.count)}"
    case .implicitMember(let n): return ".\(n)"
    case .operatorFunction(let op): return "op\(op)"
    case .help(let x): return "help(\(render(x)))"
    case .tuple(let elements, let labels):
      return TupleLabels.spelled(elements.map(render), labels: labels)
    case .tupleElement(let base, let index): return "\(render(base)).\(index)"
    default: return "?"
    }
  }

  @Test(
    "operators follow Swift's precedence and associativity",
    arguments: [
      ("1 + 2 * 3", "(1 + (2 * 3))"),
      ("1 - 2 - 3", "((1 - 2) - 3)"),
      ("a || b && c", "(a || (b && c))"),
      ("a == b && c < d", "((a == b) && (c < d))"),
      ("0..<n + 1", "(0 ..< (n + 1))"),
      ("a ?? b ?? c", "(a ?? (b ?? c))"),
      ("-a * b", "((-a) * b)"),
      ("!a && b", "((!a) && b)"),
      ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
      ("x < y ? x : y", "((x < y) ? x : y)"),
      ("-5", "-5"),
    ])
  func precedence(_ input: String, _ expected: String) {
    #expect(shape(input) == expected)
  }

  @Test("calls take labels, trailing closures and operator functions")
  func calls() {
    #expect(shape("f(x, by: 2)") == "f(x, by: 2)")
    #expect(shape("xs.map { $0 * 2 }") == "xs.map({|1})")
    #expect(shape("f(1) { a, b in a }") == "f(1, {a,b|1})")
    #expect(shape("xs.reduce(0, +)") == "xs.reduce(0, op+)")
    #expect(shape("fit(act: .tanh)") == "fit(act: .tanh)")
  }

  @Test("tuple elements may carry labels, as in Swift")
  func labeledTuples() {
    #expect(shape("(first: 1, second: 2)") == "(first: 1, second: 2)")
    #expect(shape("(x: 1, 2)") == "(x: 1, 2)")
    #expect(shape("(1, 2).0") == "(1, 2).0")
    #expect(shape("(in: a, for: b)") == "(in: a, for: b)")
    #expect(shape("(a ? b : c, d)") == "((a ? b : c), d)")
    #expect(shape("(value: 1)") == "error: [\"cannot create a single-element tuple with an element label\"]")
    #expect(shape("(x: 1, x: 2)") == "error: [\"cannot create a tuple with a duplicate element label\"]")
  }

  @Test("a tuple type may label its elements; a function type may not")
  func labeledTupleTypes() {
    let parsed = Parser.parse(SourceFile(name: "t", text: "func f() -> (min: Int, max: Int) { (1, 2) }"))
    guard case .function(let declaration)? = parsed.statements.first?.kind else {
      Issue.record("expected a function, got \(parsed.diagnostics.map(\.message))")
      return
    }
    #expect(declaration.returnType?.description == "(min: Int, max: Int)")
    let function = Parser.parse(SourceFile(name: "t", text: "let f: (x: Int) -> Int = { $0 }"))
    #expect(function.diagnostics.map(\.message) == ["function types cannot have argument labels"])
  }

  @Test("a trailing '?' asks for help")
  func help() {
    #expect(shape("print?") == "help(print)")
  }

  @Test("comparison operators do not chain")
  func nonAssociative() {
    #expect(shape("a < b < c").contains("non-associative"))
  }

  @Test("conditions of if and while take no trailing closure")
  func noTrailingClosureInConditions() {
    let parsed = Parser.parse(SourceFile(name: "t", text: "if x { print(1) }\nwhile y { }"))
    #expect(parsed.diagnostics.isEmpty)
    #expect(parsed.statements.count == 2)
  }

  @Test("a cell that stops inside brackets is incomplete, not just wrong")
  func incomplete() {
    #expect(Parser.parse(SourceFile(name: "t", text: "func f() {\n  let x = [1,")).isIncomplete)
    #expect(!Parser.parse(SourceFile(name: "t", text: "let x = )")).isIncomplete)
  }

  @Test("nesting beyond the limit is an error, not a stack overflow")
  func deepNesting() {
    let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let parsed = Parser.parse(SourceFile(name: "t", text: deep))
    #expect(parsed.diagnostics.contains { $0.message == "expression is nested too deeply" })
    let unary = String(repeating: "-", count: 50_000) + "1"
    #expect(!Parser.parse(SourceFile(name: "t", text: unary)).diagnostics.isEmpty)
  }
}
