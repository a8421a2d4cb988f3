import ArgumentParser
import Glibc
import TempoLibrary
import TempoRuntime
import TempoSyntax

/// `tempo run FILE.tempo`: runs a file's cells (separated by `// %%` lines) in one session.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a Tempo file; cells are separated by lines that start with '// %%'.",
    discussion:
      "Output goes to standard output; an error is printed with its place and the exit status is 1. Use '-' to read the program from standard input."
  )

  @ArgumentParser.Argument(help: "The .tempo file to run, or '-' for standard input.")
  var file: String

  func run() throws {
    let bytes: [UInt8]
    do {
      bytes = try FileReading.readAll(file)
    } catch let error as FileReading.Failure {
      printError("error: \(error.message)")
      throw ExitCode(2)
    }
    let text: String
    switch SourceDecoding.decode(bytes) {
    case .success(let decoded): text = decoded
    case .failure(let error):
      printError(
        "error: \(file) is not valid UTF-8 (first bad byte at offset \(error.offset))\nhelp: save the file as UTF-8")
      throw ExitCode(2)
    }
    let environment = StandardLibrary.makeEnvironment()
    let output = TerminalOutput()
    SignalHandling.forwardInterrupts(to: environment.interrupt)
    let displayName = file == "-" ? "<stdin>" : file
    for cell in CellSplitter.split(text) {
      // Each cell keeps its line numbers from the file.
      let outcome = environment.execute(cell.textAtFileLines, name: displayName, output: output)
      // As in a script, a cell's last value is not echoed; 'print' or 'show' it.
      if case .failure(let error) = outcome {
        output.flush(final: true)
        printError(error.rendered)
        throw ExitCode(1)
      }
    }
    output.flush(final: true)
  }
}

func printError(_ text: String) {
  StandardStreams.write(text + "\n", to: STDERR_FILENO)
}
