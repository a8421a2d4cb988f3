import TempoSyntax
import TestSupport
import Testing

/// Diagnostics as exact rendered text, with the expected positions marked in the sources.
struct DiagnosticRenderingTests {
  func render(_ marked: String) -> (String, [String: Int], [Diagnostic]) {
    let (source, offsets) = LocationMarkers.extract(marked)
    let file = SourceFile(name: "<cell 1>", text: source)
    let parsed = Parser.parse(file)
    return (DiagnosticRenderer.render(parsed.diagnostics, in: file), offsets, parsed.diagnostics)
  }

  @Test("a missing operand points after the operator and shows the line before")
  func missingOperand() {
    let (text, offsets, diagnostics) = render("let a = 1\nlet b = a +1️⃣\n")
    #expect(diagnostics.map(\.range.start) == [offsets["1️⃣"]])
    #expect(
      text == """
        <cell 1>:2:12: error: expected an expression
        1 | let a = 1
        2 | let b = a +
          |            `- error: expected an expression
        """)
  }

  @Test("every syntax error of a cell is reported, each with its excerpt")
  func severalErrors() {
    let (text, offsets, diagnostics) = render("let x = 1️⃣.5\nprint(x 2️⃣y)\n")
    #expect(diagnostics.map(\.range.start) == [offsets["1️⃣"], offsets["2️⃣"]])
    #expect(
      text == """
        <cell 1>:1:9: error: '.5' is not a valid floating point literal; it must be written '0.5'
        1 | let x = .5
          |         `- error: '.5' is not a valid floating point literal; it must be written '0.5'
        help: write '0.5'

        <cell 1>:2:9: error: expected ',' or ')' in the argument list
        1 | let x = .5
        2 | print(x y)
          |         `- error: expected ',' or ')' in the argument list
        """)
  }

  @Test("columns count Characters, not bytes, so emoji and accents do not shift the caret")
  func characterColumns() {
    let (text, offsets, diagnostics) = render("let s = \"é👍🏽\"; let 1️⃣= 2")
    #expect(diagnostics.first?.range.start == offsets["1️⃣"])
    #expect(
      text == """
        <cell 1>:1:19: error: expected a name or a tuple pattern like '(a, b)'
        1 | let s = "é👍🏽"; let = 2
          |                   `- error: expected a name or a tuple pattern like '(a, b)'
        """)
  }

  @Test("line numbers of different widths are right-aligned in the gutter")
  func gutterAlignment() {
    let source = String(repeating: "\n", count: 9) + "let = 1"
    let (text, _, _) = render(source)
    #expect(
      text == """
        <cell 1>:10:5: error: expected a name or a tuple pattern like '(a, b)'
         9 |
        10 | let = 1
           |     `- error: expected a name or a tuple pattern like '(a, b)'
        """)
  }

  @Test("statements on one line without ';' are an error with a help line")
  func consecutiveStatements() {
    let (_, offsets, diagnostics) = render("let a = 1 1️⃣let b = 2")
    #expect(diagnostics.map(\.message) == ["consecutive statements on a line must be separated by ';'"])
    #expect(diagnostics.first?.range.start == offsets["1️⃣"])
    #expect(diagnostics.first?.help == "put the next statement on its own line")
  }
}
