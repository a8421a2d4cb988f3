import Synchronization

/// The buffer behind one or more tensors; a tensor writes to it only when it is the sole owner.
final class TensorStorage: @unchecked Sendable {
  let count: Int
  let base: UnsafeMutablePointer<Float>

  init(count: Int) {
    self.count = count
    base = BufferPool.shared.take(count) ?? .allocate(capacity: max(count, 1))
  }

  convenience init(repeating value: Float, count: Int) {
    self.init(count: count)
    base.initialize(repeating: value, count: count)
  }

  func copy() -> TensorStorage {
    let copy = TensorStorage(count: count)
    copy.base.initialize(from: base, count: count)
    return copy
  }

  deinit {
    if !BufferPool.shared.give(base, count) { base.deallocate() }
  }
}

/// Keeps large freed buffers for the next tensor of the same size.
///
/// A training step allocates the same large activations and gradients every time; without the
/// pool each one is a fresh `mmap` whose pages the kernel faults in and zeroes again (a fifth of
/// a transformer step went to page faults). Small buffers are left to malloc, which already
/// recycles them. The pool holds at most `capacityBytes`, so memory stays bounded.
final class BufferPool: Sendable {
  static let shared = BufferPool(minimumBytes: 256 * 1024, capacityBytes: 1 << 30)

  let minimumBytes: Int
  let capacityBytes: Int
  /// A freed buffer; only the pool holds it, so passing it between threads is safe.
  private struct FreeBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
  }
  private struct Contents: ~Copyable {
    var free: [Int: [FreeBuffer]] = [:]
    var heldBytes = 0
  }
  private let contents = Mutex(Contents())

  init(minimumBytes: Int, capacityBytes: Int) {
    self.minimumBytes = minimumBytes
    self.capacityBytes = capacityBytes
  }

  func take(_ count: Int) -> UnsafeMutablePointer<Float>? {
    guard count * 4 >= minimumBytes else { return nil }
    let buffer = contents.withLock { contents -> FreeBuffer? in
      guard let buffer = contents.free[count]?.popLast() else { return nil }
      contents.heldBytes -= count * 4
      return buffer
    }
    return buffer?.pointer
  }

  /// Takes a buffer back; false when it is too small or the pool is full (the caller frees it).
  func give(_ buffer: UnsafeMutablePointer<Float>, _ count: Int) -> Bool {
    guard count * 4 >= minimumBytes else { return false }
    return contents.withLock { contents in
      guard contents.heldBytes + count * 4 <= capacityBytes else { return false }
      contents.free[count, default: []].append(FreeBuffer(pointer: buffer))
      contents.heldBytes += count * 4
      return true
    }
  }

  /// Bytes currently held for reuse.
  var heldBytes: Int { contents.withLock { $0.heldBytes } }
}
