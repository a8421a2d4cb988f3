import Glibc

/// The few file-system questions the loaders ask beyond `FileStatus`, answered with Glibc (no
/// Foundation).
enum FileSystem {
  /// The names in a directory (no `.` or `..`), sorted so that loading order never depends on
  /// the file system.
  static func contents(of directory: String) throws(DataError) -> [String] {
    guard let stream = opendir(directory) else {
      let code = errno
      if code == ENOENT { throw .missing(directory, expected: "a directory") }
      throw DataError(path: directory, "cannot list '\(directory)' (\(describe(code)))")
    }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != ".", name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Whether `path` is itself a symbolic link (`lstat`: the link, not what it points to).
  static func isSymbolicLink(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
  }

  /// `directory/name`, without doubling a trailing slash.
  static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// The last component of a path, for default data set names.
  static func baseName(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
  }

  /// `strerror` for an errno value.
  static func describe(_ code: Int32) -> String {
    strerror(code).map { String(cString: $0) } ?? "error \(code)"
  }
}
