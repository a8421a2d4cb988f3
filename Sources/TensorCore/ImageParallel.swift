import Dispatch

/// Splits a batch of images into one contiguous share per engine thread and runs the shares
/// at once (OpenBLAS itself is single-threaded, see `BLASThreads`).
///
/// A convolution is one small GEMM per image; threading inside each GEMM made the threads spin
/// and yield at every call (a third of a ResNet-20 step went to the scheduler). Threading over
/// images needs no synchronisation until the end.
enum ImageParallel {
  /// How many shares `batch` images are split into.
  static func shareCount(for batch: Int) -> Int {
    Swift.max(1, Swift.min(batch, BLASThreads.current))
  }

  static func shareRange(_ share: Int, of batch: Int, shares: Int) -> Range<Int> {
    (share * batch / shares)..<((share + 1) * batch / shares)
  }

  /// Runs `body(share, images)` for every share at once; `share` counts from 0 to
  /// `shareCount(for: batch)`.
  static func forEachShare(of batch: Int, _ body: (Int, Range<Int>) -> Void) {
    let shares = shareCount(for: batch)
    guard shares > 1 else {
      body(0, 0..<batch)
      return
    }
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedBody(body: body)
      DispatchQueue.concurrentPerform(iterations: shares) { share in
        shared.body(share, shareRange(share, of: batch, shares: shares))
      }
    }
  }

  /// The per-share work: each share writes only its own images (and its own partial sums).
  private struct UncheckedBody: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
  }
}
