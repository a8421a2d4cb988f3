import Glibc

/// Replacing a file whole or not at all.
///
/// The bytes go to a temporary file `.<name>.tmp-<pid>-<random>` in the same directory, which is
/// flushed with `fsync`, renamed over the path and followed by an `fsync` of the directory: a
/// reader sees the old file or the new one, never a part, and a failure removes the temporary
/// file and leaves the old file as it was. The new file's permissions come from the umask, not
/// from the file it replaces; a symbolic link at the path is replaced by the file rather than
/// followed.
public enum AtomicFile {
  /// Where an atomic write failed.
  public enum Failure: Error {
    /// The path names no file (empty, `.`, `..`, or ending in `/`).
    case noFileName
    /// The temporary file could not be created in `directory` (`ENOENT`: it does not exist).
    case cannotCreate(directory: String, SystemCallError)
    /// Writing, flushing or closing the temporary file failed; the old file is unchanged.
    case cannotWrite(SystemCallError)
    /// Renaming over the path failed (`EISDIR`: it is a directory); the old file is unchanged.
    case cannotReplace(SystemCallError)
    /// The file was replaced, but the directory's `fsync` failed, so the rename may not
    /// survive a power failure.
    case cannotSynchronizeDirectory(SystemCallError)
  }

  /// Writes `bytes` to `path`, replacing it atomically.
  ///
  /// - Throws: `AtomicFile.Failure`; the old file is untouched unless only the directory's
  ///   `fsync` failed.
  public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
    try write(to: path) { (file: borrowing FileDescriptor) throws(SystemCallError) in
      // `withUnsafeBytes` rethrows untyped errors; a `Result` keeps this one typed.
      try bytes.withUnsafeBytes { raw in Result { () throws(SystemCallError) in try file.write(raw) } }.get()
    }
  }

  /// Replaces `path` atomically with what `contents` writes to the temporary file.
  ///
  /// - Parameters:
  ///   - path: the file to create or replace; its directory must exist.
  ///   - contents: writes the whole file; it must not close the descriptor.
  /// - Throws: `AtomicFile.Failure`; the old file is untouched unless only the directory's
  ///   `fsync` failed.
  public static func write(
    to path: String, _ contents: (borrowing FileDescriptor) throws(SystemCallError) -> Void
  ) throws(Failure) {
    let (directory, temporaryPath) = try temporaryLocation(for: path)
    let file: FileDescriptor
    do {
      file = try FileDescriptor(opening: temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o666)
    } catch { throw .cannotCreate(directory: directory, error) }
    do throws(Failure) {
      do throws(SystemCallError) {
        try contents(file)
        try file.synchronize()
        try file.close()
      } catch { throw .cannotWrite(error) }
      do { _ = try retryingInterrupts("rename") { rename(temporaryPath, path) } } catch { throw .cannotReplace(error) }
    } catch {
      unlink(temporaryPath)
      throw error
    }
    try synchronizeDirectory(directory)
  }

  /// The directory (for the final `fsync`) and a fresh temporary path beside `path`.
  private static func temporaryLocation(for path: String) throws(Failure) -> (String, String) {
    let slash = path.lastIndex(of: "/")
    let prefix = slash.map { String(path[...$0]) } ?? ""
    let name = String(path.dropFirst(prefix.count))
    guard !name.isEmpty, name != ".", name != ".." else { throw .noFileName }
    let directory = prefix.isEmpty ? "." : prefix == "/" ? "/" : String(prefix.dropLast())
    let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
    return (directory, "\(prefix).\(name).tmp-\(getpid())-\(suffix)")
  }

  /// Makes the rename itself durable. File systems that cannot sync a directory report `EINVAL`;
  /// there is nothing more to do on them.
  private static func synchronizeDirectory(_ directory: String) throws(Failure) {
    do {
      let handle = try FileDescriptor(opening: directory, flags: O_RDONLY | O_DIRECTORY)
      try handle.synchronize()
      try handle.close()
    } catch  where error.code == EINVAL {
      return
    } catch {
      throw .cannotSynchronizeDirectory(error)
    }
  }
}
