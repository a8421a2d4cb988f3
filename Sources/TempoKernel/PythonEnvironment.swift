import Foundation

/// Facts about Python environments, for installing the papermill translator beside a kernelspec.
enum PythonEnvironment {
  /// `sys.prefix` of the `python3` on PATH, or nil when there is none.
  static func sysPrefix() -> String? {
    ask("import sys; print(sys.prefix)")
  }

  /// The user site-packages directory of the `python3` on PATH.
  static func userSitePackages() -> String? {
    ask("import site; print(site.getusersitepackages())")
  }

  /// `lib/python3.X/site-packages` under a prefix, when exactly such a directory exists.
  static func sitePackages(underPrefix prefix: String) -> String? {
    let lib = prefix + "/lib"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
    return names.filter { $0.hasPrefix("python3") }.sorted().lazy
      .map { "\(lib)/\($0)/site-packages" }
      .first { FileManager.default.fileExists(atPath: $0) }
  }

  /// The site-packages (purelib) directory of a given Python interpreter, or nil when it does
  /// not run.
  static func sitePackages(ofInterpreter interpreter: String) -> String? {
    ask("import sysconfig; print(sysconfig.get_paths()['purelib'])", interpreter: interpreter)
  }

  private static func ask(_ program: String, interpreter: String = "python3") -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [interpreter, "-c", program]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }
}
