import Foundation
import JupyterKernel
import Synchronization

/// A stand-in language for the core's tests. Each line of a cell is one command:
/// `print TEXT`, `warn TEXT`, `result TEXT`, `fail`, `page TEXT`, `show TEXT`, `clear`,
/// `input PROMPT` (echoes the answer to stdout) and `spin` (runs until interrupted).
final class ScriptedInterpreter: Interpreter, @unchecked Sendable {
  let interrupted = Atomic<Bool>(false)
  let interruptCount = Atomic<Int>(0)

  var description: KernelDescription {
    KernelDescription(
      implementation: "scripted", implementationVersion: "1.0", banner: "Scripted", helpLinks: [("docs", "https://x")],
      language: LanguageInfo(
        name: "scripted", version: "1", mimetype: "text/x-scripted", fileExtension: ".scr", pygmentsLexer: "text",
        codemirrorMode: "text"))
  }

  func execute(_ code: String, context: ExecutionContext) -> ExecutionOutcome {
    var result: MimeBundle?
    for line in code.split(separator: "\n") {
      let (command, argument) = split(String(line))
      switch command {
      case "print": context.stream(.stdout, argument + "\n")
      case "warn": context.stream(.stderr, argument + "\n")
      case "result": result = ["text/plain": .string(argument)]
      case "page": context.page(argument)
      case "show": context.display(["text/plain": .string(argument)], metadata: [:], displayID: nil, update: false)
      case "clear": context.clearOutput(wait: false)
      case "input":
        do {
          let answer = try context.readInput(prompt: argument, password: false) { interrupted.load(ordering: .relaxed) }
          context.stream(.stdout, "got \(answer)\n")
        } catch {
          return .failure(ExecutionError(name: "InputError", value: error.reason, traceback: ["InputError"]))
        }
      case "spin":
        while !interrupted.load(ordering: .relaxed) { usleep(1000) }
        interrupted.store(false, ordering: .relaxed)
        return .failure(
          ExecutionError(name: "KeyboardInterrupt", value: "interrupted", traceback: ["KeyboardInterrupt"]))
      default:
        return .failure(
          ExecutionError(name: "ValueError", value: "bad", traceback: ["ValueError: bad", "  at line 1"]))
      }
    }
    return .success(result: result)
  }

  func evaluate(expression: String) -> Result<MimeBundle, ExecutionError> {
    expression == "fail"
      ? .failure(ExecutionError(name: "ValueError", value: "bad", traceback: []))
      : .success(["text/plain": .string(expression.uppercased())])
  }

  func complete(_ code: String, cursor: Int) -> CompletionMatches {
    CompletionMatches(matches: ["print", "printf"], cursorStart: 0, cursorEnd: cursor)
  }

  func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
    code.hasPrefix("print") ? ["text/plain": "print(x)"] : nil
  }

  func isComplete(_ code: String) -> CodeCompleteness {
    code.hasSuffix("{") ? .incomplete(indent: "  ") : code.hasPrefix(")") ? .invalid : .complete
  }

  func interrupt() {
    interrupted.store(true, ordering: .relaxed)
    interruptCount.add(1, ordering: .relaxed)
  }

  private func split(_ line: String) -> (String, String) {
    guard let space = line.firstIndex(of: " ") else { return (line, "") }
    return (String(line[..<space]), String(line[line.index(after: space)...]))
  }
}
