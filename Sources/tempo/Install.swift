import ArgumentParser
import Foundation
import Glibc
import TempoKernel

/// `tempo install`: writes the kernelspec (and papermill's translator) so Jupyter finds Tempo.
struct Install: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Install the Tempo kernelspec for Jupyter.",
    discussion:
      "The kernelspec runs this binary by its absolute path. Into a Python environment (--sys-prefix or --prefix) it also installs papermill's parameter translator for Tempo."
  )

  @Flag(help: "Install for this user (~/.local/share/jupyter); the default.")
  var user = false

  @Flag(help: "Install into the active Python environment ($VIRTUAL_ENV, $CONDA_PREFIX or python3's sys.prefix).")
  var sysPrefix = false

  @Option(help: "Install into PREFIX/share/jupyter (a venv's directory, for example).")
  var prefix: String?

  @Option(
    help:
      "Install papermill's translator into this Python interpreter's site-packages (the python that runs papermill), wherever the kernelspec goes."
  )
  var python: String?

  func validate() throws {
    let chosen = [user, sysPrefix, prefix != nil].filter { $0 }.count
    guard chosen <= 1 else { throw ValidationError("choose one of --user, --sys-prefix and --prefix") }
  }

  func run() throws {
    let destination: Kernelspec.Destination =
      sysPrefix ? .sysPrefix : prefix.map { .prefix($0) } ?? .user
    do {
      let installation = try Kernelspec.install(
        binary: Self.executablePath(), destination: destination, python: python)
      print("Installed the Tempo kernelspec in \(installation.kernelDirectory.path)")
      if let translator = installation.translator {
        print("Installed papermill's Tempo parameter translator in \(translator.path)")
      }
      for note in installation.notes { print("note: \(note)") }
    } catch {
      printError("error: \(error.description)")
      throw ExitCode(1)
    }
  }

  /// The running binary's absolute path (argv[0] may be relative or a symlink).
  static func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if count > 0 { return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
  }
}
