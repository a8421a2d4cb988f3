import Testing

@testable import TensorCore

/// A naive reference product, to check BLAS against.
func naiveProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
  var c = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var total: Float = 0
      for p in 0..<k { total += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = total
    }
  }
  return c
}

func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

@Suite("Tensor values")
struct TensorValueTests {
  @Test("copies share storage until one is written (copy-on-write)")
  func copyOnWrite() throws {
    let original = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
    var copy = original
    #expect(copy.storage === original.storage)
    copy.withUnsafeMutableBufferPointer { $0[0] = 10 }
    #expect(copy.storage !== original.storage)
    #expect(original.scalars == [1, 2, 3, 4])
    #expect(copy.scalars == [10, 2, 3, 4])
  }

  @Test("reshape shares the buffer, infers one -1 and refuses a different size")
  func reshape() throws {
    let tensor = try Tensor.arange(0, 6)
    let matrix = try tensor.reshaped([2, -1])
    #expect(matrix.shape == [2, 3])
    #expect(matrix.storage === tensor.storage)
    #expect(throws: TensorError("reshape", "cannot reshape [6] to [4, 2]")) { try tensor.reshaped([4, 2]) }
  }

  @Test("a wrong number of values or a negative size is named")
  func badShapes() {
    #expect(throws: TensorError("init", "needs 6 values for shape [2, 3] but got 5")) {
      try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5])
    }
    #expect(throws: TensorError("full", "has a negative size in shape [2, -3]")) { try Tensor.zeros([2, -3]) }
  }
}

@Suite("Random generator")
struct RandomGeneratorTests {
  @Test("the same seed gives the same numbers; another seed gives others")
  func determinism() throws {
    var first = RandomGenerator(seed: 42)
    var second = RandomGenerator(seed: 42)
    var other = RandomGenerator(seed: 43)
    let a = try Tensor.normal([1000], generator: &first)
    #expect(a == (try Tensor.normal([1000], generator: &second)))
    #expect(a != (try Tensor.normal([1000], generator: &other)))
  }

  @Test("the stream is pinned: these are the first draws for seed 0 on every machine")
  func pinnedStream() {
    var generator = RandomGenerator(seed: 0)
    // xoshiro256** seeded by SplitMix64(0); reference values from the authors' C code.
    #expect(generator.next() == 0x99EC_5F36_CB75_F2B4)
    #expect(generator.next() == 0xBF6E_1F78_4956_452A)
  }

  @Test("uniform and normal draws have the right moments")
  func moments() throws {
    var generator = RandomGenerator(seed: 7)
    let uniform = try Tensor.uniform([100_000], low: -1, high: 3, generator: &generator).scalars
    let uniformMean = uniform.reduce(0, +) / Float(uniform.count)
    #expect(abs(uniformMean - 1) < 0.02)
    #expect(uniform.allSatisfy { $0 >= -1 && $0 < 3 })
    let normal = try Tensor.normal([100_000], mean: 2, standardDeviation: 0.5, generator: &generator).scalars
    let mean = normal.reduce(0, +) / Float(normal.count)
    let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(normal.count)
    #expect(abs(mean - 2) < 0.01)
    #expect(abs(variance.squareRoot() - 0.5) < 0.01)
  }
}

@Suite("Elementwise and broadcasting")
struct ElementwiseTests {
  @Test(
    "broadcasting follows PyTorch's rules",
    arguments: [
      ([2, 3], [3], [2, 3]), ([4, 1, 3], [2, 1], [4, 2, 3]), ([1], [5, 5], [5, 5]), ([], [2], [2]),
    ])
  func shapes(_ lhs: [Int], _ rhs: [Int], _ expected: [Int]) throws {
    #expect(try Tensor.broadcastShape(lhs, rhs, operation: "+") == expected)
  }

  @Test("incompatible shapes name the operation and both shapes")
  func incompatible() throws {
    let a = try Tensor.zeros([32, 3])
    let b = try Tensor.zeros([2])
    #expect(throws: TensorError("+", "cannot broadcast shapes: [32, 3] and [2]")) { try a + b }
  }

  @Test("a broadcast sum matches the element-by-element definition")
  func broadcastValues() throws {
    var generator = RandomGenerator(seed: 1)
    let a = try Tensor.normal([4, 1, 3], generator: &generator)
    let b = try Tensor.normal([2, 1], generator: &generator)
    let sum = try a * b
    #expect(sum.shape == [4, 2, 3])
    let (av, bv, sv) = (a.scalars, b.scalars, sum.scalars)
    for i in 0..<4 {
      for j in 0..<2 {
        for k in 0..<3 { #expect(sv[(i * 2 + j) * 3 + k] == av[i * 3 + k] * bv[j]) }
      }
    }
  }

  @Test("sigmoid is finite and exact at the extremes")
  func sigmoid() {
    #expect(Tensor([-200, 0, 200]).sigmoid().scalars == [0, 0.5, 1])
  }
}

@Suite("Reductions and softmax")
struct ReductionTests {
  @Test("sums and maxima along an axis, with and without the kept dimension")
  func alongAxis() throws {
    let t = try Tensor(shape: [2, 3], values: [1, 5, 2, 7, 0, 3])
    #expect(try t.sum(alongAxis: 0).scalars == [8, 5, 5])
    #expect(try t.sum(alongAxis: -1, keepingDimension: true).shape == [2, 1])
    #expect(try t.max(alongAxis: 1).scalars == [5, 7])
    #expect(try t.argmax(alongAxis: 1).scalars == [1, 0])
    #expect(throws: TensorError("sum", "has no axis 2 for shape [2, 3]")) { try t.sum(alongAxis: 2) }
  }

  @Test("log-softmax stays finite for huge logits and its exponentials sum to one")
  func stableSoftmax() throws {
    let logits = try Tensor(shape: [2, 3], values: [1000, 1001, 1002, -1000, 0, 1000])
    let logProbabilities = try logits.logSoftmax(alongAxis: 1)
    let finite = logProbabilities.scalars.allSatisfy { $0.isFinite }
    #expect(finite)
    let rows = try logProbabilities.exp().sum(alongAxis: 1).scalars
    #expect(close(rows, [1, 1]))
    #expect(close(Array(logProbabilities.scalars[0..<3]), [-2.407_606, -1.407_606, -0.407_606]))
  }
}

@Suite("Matrix products on BLAS")
struct MatrixProductTests {
  @Test("matmul matches a naive product", arguments: [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 1, 64)])
  func matchesNaive(_ m: Int, _ k: Int, _ n: Int) throws {
    var generator = RandomGenerator(seed: UInt64(m * 1000 + k * 10 + n))
    let a = try Tensor.normal([m, k], generator: &generator)
    let b = try Tensor.normal([k, n], generator: &generator)
    let c = try a.matmul(b)
    #expect(c.shape == [m, n])
    #expect(close(c.scalars, naiveProduct(a.scalars, b.scalars, m: m, k: k, n: n), tolerance: 1e-4))
  }

  @Test("batched products, with a shared right operand")
  func batched() throws {
    var generator = RandomGenerator(seed: 3)
    let a = try Tensor.normal([3, 4, 5], generator: &generator)
    let b = try Tensor.normal([3, 5, 2], generator: &generator)
    let shared = try Tensor.normal([5, 2], generator: &generator)
    let c = try a.matmul(b)
    let d = try a.matmul(shared)
    for index in 0..<3 {
      let slice = Array(a.scalars[(index * 20)..<(index * 20 + 20)])
      let right = Array(b.scalars[(index * 10)..<(index * 10 + 10)])
      #expect(close(Array(c.scalars[(index * 8)..<(index * 8 + 8)]), naiveProduct(slice, right, m: 4, k: 5, n: 2)))
      #expect(
        close(Array(d.scalars[(index * 8)..<(index * 8 + 8)]), naiveProduct(slice, shared.scalars, m: 4, k: 5, n: 2)))
    }
  }

  @Test("mismatched inner dimensions are named with both shapes")
  func mismatch() throws {
    #expect(throws: TensorError("matmul", "inner dimensions differ: [32, 3] and [2, 8]")) {
      try Tensor.zeros([32, 3]).matmul(Tensor.zeros([2, 8]))
    }
  }

  @Test("transposed swaps rows and columns")
  func transpose() throws {
    let t = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]).transposed()
    #expect(t.shape == [3, 2])
    #expect(t.scalars == [1, 4, 2, 5, 3, 6])
  }
}

@Suite("Joining, selecting and comparing")
struct IndexingTests {
  @Test("concatenate along an inner axis interleaves the runs")
  func concatenate() throws {
    let a = try Tensor(shape: [2, 1], values: [1, 2])
    let b = try Tensor(shape: [2, 2], values: [3, 4, 5, 6])
    let joined = try Tensor.concatenate([a, b], alongAxis: 1)
    #expect(joined.shape == [2, 3])
    #expect(joined.scalars == [1, 3, 4, 2, 5, 6])
    #expect(throws: TensorError("concatenate", "shapes differ outside axis 0: [2, 1] and [2, 2]")) {
      try Tensor.concatenate([a, b], alongAxis: 0)
    }
  }

  @Test("stack adds a leading axis")
  func stack() throws {
    let stacked = try Tensor.stack([Tensor([1, 2]), Tensor([3, 4]), Tensor([5, 6])])
    #expect(stacked.shape == [3, 2])
    #expect(stacked.scalars == [1, 2, 3, 4, 5, 6])
  }

  @Test("selecting rows keeps order and repeats, and names a bad index")
  func rows() throws {
    let t = try Tensor(shape: [3, 2], values: [0, 1, 10, 11, 20, 21])
    #expect(try t.selectingRows([2, 0, 2]).scalars == [20, 21, 0, 1, 20, 21])
    #expect(throws: TensorError("selectingRows", "index 3 is out of range for 3 rows")) { try t.selectingRows([3]) }
  }

  @Test("where picks without letting an unchosen infinity leak in")
  func selecting() throws {
    let condition = try Tensor([1, 0, 1]).isGreater(than: Tensor(0.5))
    let picked = try Tensor.selecting(where: condition, Tensor([1, 2, 3]), otherwise: Tensor([.infinity, 9, .nan]))
    #expect(picked.scalars == [1, 9, 3])
  }
}

@Suite("Buffer pool")
struct BufferPoolTests {
  @Test("large freed buffers are reused for the next tensor of that size; small ones and overflow are not kept")
  func reuse() throws {
    let pool = BufferPool(minimumBytes: 1024, capacityBytes: 8192)
    let small = UnsafeMutablePointer<Float>.allocate(capacity: 16)
    #expect(!pool.give(small, 16))
    small.deallocate()
    let large = UnsafeMutablePointer<Float>.allocate(capacity: 1024)
    #expect(pool.give(large, 1024))
    #expect(pool.heldBytes == 4096)
    #expect(pool.take(512) == nil)
    #expect(pool.take(1024) == large)
    #expect(pool.heldBytes == 0)
    let first = UnsafeMutablePointer<Float>.allocate(capacity: 2048)
    let second = UnsafeMutablePointer<Float>.allocate(capacity: 2048)
    #expect(pool.give(first, 2048))
    #expect(!pool.give(second, 2048))
    second.deallocate()
    large.deallocate()
    pool.take(2048)?.deallocate()
  }

  @Test("tensors built from reused buffers hold exactly their own values")
  func reusedBuffersAreInitialised() throws {
    let size = 1 << 17
    do { _ = try Tensor.full([size], 7) }
    let zeros = try Tensor.zeros([size])
    #expect(zeros.scalars.allSatisfy { $0 == 0 })
  }
}

@Suite("Products split over threads")
struct ParallelProductTests {
  @Test(
    "large products split by rows or columns equal the naive product, for every transpose flag",
    arguments: [(130, 128, 129), (20, 400, 300)])
  func largeProducts(sizes: (Int, Int, Int)) throws {
    let (m, k, n) = sizes
    var generator = RandomGenerator(seed: 11)
    let a = try Tensor.uniform([m, k], low: -1, high: 1, generator: &generator)
    let b = try Tensor.uniform([k, n], low: -1, high: 1, generator: &generator)
    let expected = naiveProduct(a.scalars, b.scalars, m: m, k: k, n: n)
    BLASThreads.set(2)
    #expect(close(try a.matmul(b).scalars, expected, tolerance: 1e-4))
    #expect(close(try a.transposed().matmul(b, transposingSelf: true).scalars, expected, tolerance: 1e-4))
    #expect(close(try a.matmul(b.transposed(), transposingOther: true).scalars, expected, tolerance: 1e-4))
    #expect(
      close(
        try a.transposed().matmul(b.transposed(), transposingSelf: true, transposingOther: true).scalars, expected,
        tolerance: 1e-4))
  }
}
