import Foundation
import JSONValue
import JupyterKernel

/// The Jupyter kernelspec for Tempo (`kernel.json` and logos) and where to install it.
public enum Kernelspec {
  /// The kernelspec directory name, and the name `jupyter --kernel`/papermill `-k` take.
  public static let name = "tempo"

  /// `kernel.json` for a binary at an absolute path. `interrupt_mode` is `message` (an
  /// `interrupt_request` on control), and SIGINT works as well.
  public static func kernelJSON(binary: String) -> JSON {
    [
      "argv": [.string(binary), "kernel", "-f", "{connection_file}"],
      "display_name": "Tempo",
      "language": "tempo",
      "interrupt_mode": "message",
      "kernel_protocol_version": .string(WireCodec.protocolVersion),
      "metadata": ["debugger": false],
    ]
  }

  /// Where a kernelspec goes: a `share/jupyter/kernels` directory.
  public enum Destination: Equatable, Sendable {
    /// `~/.local/share/jupyter` (or `$JUPYTER_DATA_DIR`).
    case user
    /// The running Python environment (`$VIRTUAL_ENV`, `$CONDA_PREFIX`, or `python3`'s sys.prefix).
    case sysPrefix
    case prefix(String)
  }

  /// What `install` wrote.
  public struct Installation: Sendable {
    public var kernelDirectory: URL
    /// The papermill translator module, when a Python environment was found for it.
    public var translator: URL?
    public var notes: [String]
  }

  public struct InstallError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Writes `kernel.json` and the logos, and the papermill translator into the destination's
  /// Python site-packages when it has one.
  public static func install(
    binary: String, destination: Destination, python: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(InstallError) -> Installation {
    let (dataDirectory, pythonPrefix) = try resolve(destination, environment: environment)
    let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("kernels/\(name)")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(kernelJSON(binary: binary).serialized).write(to: directory.appendingPathComponent("kernel.json"))
      for (file, bytes) in KernelspecLogos.files {
        try Data(bytes).write(to: directory.appendingPathComponent(file))
      }
    } catch {
      throw InstallError(description: "cannot write the kernelspec to \(directory.path): \(error.localizedDescription)")
    }
    var installation = Installation(kernelDirectory: directory, translator: nil, notes: [])
    switch PapermillTranslator.install(destination: destination, pythonPrefix: pythonPrefix, interpreter: python) {
    case .success(let file): installation.translator = file
    case .failure(let reason): installation.notes.append(reason.description)
    }
    return installation
  }

  /// The `share/jupyter` directory for a destination, and the Python prefix behind it.
  static func resolve(_ destination: Destination, environment: [String: String]) throws(InstallError) -> (
    String, String?
  ) {
    switch destination {
    case .user:
      return (JupyterPaths.dataDirectory(environment: environment), nil)
    case .sysPrefix:
      guard let prefix = environment["VIRTUAL_ENV"] ?? environment["CONDA_PREFIX"] ?? PythonEnvironment.sysPrefix()
      else {
        throw InstallError(
          description: "no Python environment found for --sys-prefix; activate one, or use --user or --prefix P")
      }
      return (prefix + "/share/jupyter", prefix)
    case .prefix(let path):
      let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
      return (absolute + "/share/jupyter", absolute)
    }
  }
}
