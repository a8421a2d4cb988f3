import Glibc

/// What `stat` says about a path, for code that only needs to ask.
public enum FileStatus {
  /// Whether `path` exists (following symbolic links).
  public static func exists(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0
  }

  /// Whether `path` is a directory (following symbolic links); false when it does not exist.
  public static func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
  }
}
