/// The buffer behind one or more tensors; a tensor writes to it only when it is the sole owner.
final class TensorStorage: @unchecked Sendable {
  let count: Int
  let base: UnsafeMutablePointer<Float>

  init(count: Int) {
    self.count = count
    base = .allocate(capacity: max(count, 1))
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

  deinit { base.deallocate() }
}
