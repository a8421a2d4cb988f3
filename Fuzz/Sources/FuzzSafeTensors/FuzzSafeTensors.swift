import FuzzSupport
import TensorCore

/// The safetensors reader: a file's bytes → tensors or a SafeTensorsError naming the problem,
/// never a crash or a read outside the file; what it reads writes back and reads the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data = input else { return 0 }
  let path = ScratchFiles.write(UnsafeBufferPointer(start: data, count: size), named: "input.safetensors")
  guard let file = try? SafeTensorsFile.read(from: path) else { return 0 }
  for (_, tensor) in file.tensors { _ = tensor.scalars.reduce(0, +) }
  let copy = "\(ScratchFiles.directory)/copy.safetensors"
  guard (try? file.write(to: copy)) != nil, let again = try? SafeTensorsFile.read(from: copy) else {
    preconditionFailure("a file that was read could not be written and read back")
  }
  precondition(again.tensors.map(\.name) == file.tensors.map(\.name), "tensor names changed in a round trip")
  precondition(again.metadata == file.metadata, "metadata changed in a round trip")
  return 0
}

/// The process's entry: SwiftPM links an executable's `main` to `FuzzSafeTensors_main`, and this hands
/// the arguments (`-max_total_time=…`, corpus folders) to libFuzzer's driver with the test above.
@_cdecl("FuzzSafeTensors_main")
public func fuzzSafeTensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(fuzzSafeTensors)
}
