import Datasets
import FuzzSupport

/// The data-set loaders that read users' files: IDX (images and labels, gzipped or not), NPY
/// (features and labels) and CSV (gzipped or not). The first byte picks the format, the second
/// where the input is cut into two files; the loader answers with a Dataset or a DataError,
/// never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDataFiles(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data = input else { return 0 }
  let bytes = UnsafeBufferPointer(start: data, count: size)
  guard let format = bytes.first else { return 0 }
  let rest = UnsafeBufferPointer(rebasing: bytes.dropFirst())
  switch format % 5 {
  case 0:
    let (images, labels) = ScratchFiles.halves(rest)
    _ = try? Dataset.idx(
      images: ScratchFiles.write(images, named: "images.idx"), labels: ScratchFiles.write(labels, named: "labels.idx"))
  case 1:
    let (images, labels) = ScratchFiles.halves(rest)
    _ = try? Dataset.idx(
      images: ScratchFiles.write(images, named: "images.idx.gz"),
      labels: ScratchFiles.write(labels, named: "labels.idx.gz"))
  case 2:
    let (features, labels) = ScratchFiles.halves(rest)
    _ = try? Dataset.npy(
      features: ScratchFiles.write(features, named: "x.npy"), labels: ScratchFiles.write(labels, named: "y.npy"))
  case 3:
    _ = try? Dataset.csv(path: ScratchFiles.write(rest, named: "data.csv"))
  default:
    _ = try? Dataset.csv(path: ScratchFiles.write(rest, named: "data.csv.gz"), imageShape: [1, 2, 2])
  }
  return 0
}

/// The process's entry: SwiftPM links an executable's `main` to `FuzzDataFiles_main`, and this hands
/// the arguments (`-max_total_time=…`, corpus folders) to libFuzzer's driver with the test above.
@_cdecl("FuzzDataFiles_main")
public func fuzzDataFilesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(fuzzDataFiles)
}
