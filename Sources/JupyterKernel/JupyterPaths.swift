import Foundation

/// Jupyter's per-user directories, by jupyter_core's rules on Linux.
public enum JupyterPaths {
  /// `$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else `~/.local/share/jupyter`.
  public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    let home = environment["HOME"] ?? NSHomeDirectory()
    return environment["JUPYTER_DATA_DIR"]
      ?? environment["XDG_DATA_HOME"].map { $0 + "/jupyter" }
      ?? home + "/.local/share/jupyter"
  }
}
