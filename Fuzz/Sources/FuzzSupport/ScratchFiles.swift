import Glibc

/// Files the readers under test open by path: written into a per-process directory on tmpfs
/// (`/dev/shm` when it exists), overwritten for every input, removed by nobody — the fuzzer's
/// process is short-lived and the directory is its own.
public enum ScratchFiles {
  public static let directory: String = {
    let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(base)/tempo-fuzz-\(getpid())"
    mkdir(path, 0o700)
    return path
  }()

  /// Writes `bytes` to `name` in the scratch directory and returns its path.
  public static func write(_ bytes: some Collection<UInt8>, named name: String) -> String {
    let path = "\(directory)/\(name)"
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(descriptor >= 0, "cannot write the scratch file \(path)")
    defer { close(descriptor) }
    let data = Array(bytes)
    var written = 0
    while written < data.count {
      let result = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, data.count - written) }
      precondition(result > 0, "cannot write the scratch file \(path)")
      written += result
    }
    return path
  }

  /// Splits an input in two at a point its first byte chooses (for readers that take two
  /// files, such as images and labels); the rest of the input is shared out.
  public static func halves(_ bytes: UnsafeBufferPointer<UInt8>) -> ([UInt8], [UInt8]) {
    guard let first = bytes.first else { return ([], []) }
    let rest = Array(bytes.dropFirst())
    let cut = rest.count * Int(first) / 255
    return (Array(rest[..<cut]), Array(rest[cut...]))
  }
}

/// libFuzzer's driver, linked in by `-sanitize=fuzzer`: each target's main.swift calls it with
/// its test function (SwiftPM gives an executable a main of its own, so libFuzzer's `main`
/// stays unused and the driver is entered here).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus folders, …) on `test`.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
  var argc = CommandLine.argc
  var argv = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
