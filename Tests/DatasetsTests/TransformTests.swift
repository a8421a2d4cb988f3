import Testing

@testable import Datasets

@Suite("Transforms")
struct TransformTests {
  /// Three-channel 2×2 images whose channel c holds c·10 + (sample mod 5).
  func channels() throws -> Dataset {
    let bytes = (0..<50).flatMap { sample in (0..<12).map { UInt8($0 / 4 * 10 + sample % 5) } }
    return try Dataset(name: "channels", bytes: bytes, sampleShape: [3, 2, 2], labels: (0..<50).map { $0 % 2 })
  }

  @Test("normalized() computes each channel's mean and std, giving mean 0 and std 1 per channel")
  func normalisationComputed() throws {
    let data = try channels().normalized()
    let statistics = try #require(data.normalization)
    #expect(statistics.mean.map { ($0 * 1e4).rounded() / 1e4 } == [2, 12, 22])
    #expect(statistics.std.allSatisfy { abs($0 - Float(2).squareRoot()) < 1e-5 })
    let values = try data.batch(Array(0..<50)).inputs.scalars
    for channel in 0..<3 {
      let members = (0..<50).flatMap { sample in (0..<4).map { values[sample * 12 + channel * 4 + $0] } }
      let mean = members.reduce(0, +) / Float(members.count)
      let variance = members.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(members.count)
      #expect(abs(mean) < 1e-5)
      #expect(abs(variance - 1) < 1e-5)
    }
  }

  @Test("given statistics are applied as (x − mean) / std; one value broadcasts; normalising twice composes")
  func normalisationGiven() throws {
    let data = try channels()
    let given = try data.normalized(mean: [1, 2, 3], std: [2, 4, 8])
    let raw = try data.batch([3]).inputs.scalars
    let normalised = try given.batch([3]).inputs.scalars
    for index in 0..<12 {
      let channel = index / 4
      #expect(abs(normalised[index] - (raw[index] - [1, 2, 3][channel]) / [2, 4, 8][channel]) < 1e-6)
    }
    let twice = try given.normalized(mean: [1], std: [0.5])
    let twiceValues = try twice.batch([3]).inputs.scalars
    for index in 0..<12 { #expect(abs(twiceValues[index] - (normalised[index] - 1) / 0.5) < 1e-5) }
    expectDataError(containing: ["2 mean values for 3 channels"]) { _ = try data.normalized(mean: [1, 2]) }
    expectDataError(containing: ["positive finite std"]) { _ = try data.normalized(std: [0]) }
  }

  @Test("a constant channel gets std 1 instead of a division by zero; vectors normalise per feature")
  func normalisationEdges() throws {
    let constant = try Dataset(name: "c", values: [5, 1, 5, 3], sampleShape: [2], labels: [0, 1])
    let normalised = try constant.normalized()
    #expect(normalised.normalization?.std == [1, 1])
    #expect(try normalised.batch([0, 1]).inputs.scalars == [0, -1, 0, 1])
  }

  @Test("flattened keeps the values and gives [C·H·W]; oneHotTargets gives [n, classes] targets and no labels")
  func flattenAndOneHot() throws {
    let data = try channels()
    let flat = data.flattened()
    #expect(flat.sampleShape == [12])
    #expect(try flat.batch([7]).inputs.scalars == data.batch([7]).inputs.scalars)
    let oneHot = try data.oneHotTargets()
    #expect(oneHot.task == .regression(outputs: 2))
    let batch = try oneHot.batch([0, 1, 3])
    #expect(batch.labels.isEmpty)
    #expect(batch.targets?.shape == [3, 2])
    #expect(batch.targets?.scalars == [1, 0, 0, 1, 0, 1])
    expectDataError(containing: ["needs a classification data set"]) {
      _ = try Dataset.regressionToy(seed: 1).oneHotTargets()
    }
  }

  @Test("padded adds zero borders around unchanged images")
  func padding() throws {
    let data = try channels()
    let padded = try data.padded(by: 1)
    #expect(padded.sampleShape == [3, 4, 4])
    let values = try padded.batch([8]).inputs.scalars
    let original = try data.batch([8]).inputs.scalars
    for channel in 0..<3 {
      for row in 0..<4 {
        for column in 0..<4 {
          let value = values[(channel * 4 + row) * 4 + column]
          if (1...2).contains(row) && (1...2).contains(column) {
            #expect(value == original[(channel * 2 + row - 1) * 2 + column - 1])
          } else {
            #expect(value == 0)
          }
        }
      }
    }
    expectDataError(containing: ["needs images [C, H, W]"]) { _ = try Dataset.spiral(seed: 1).padded(by: 1) }
  }

  @Test("resized is bilinear with half-pixel centres, as PyTorch's align_corners=False")
  func resizing() throws {
    let row = try Dataset(name: "row", values: [0, 1], sampleShape: [1, 1, 2], labels: [0])
    #expect(try row.resized(height: 1, width: 4).batch([0]).inputs.scalars == [0, 0.25, 0.75, 1])
    let square = try Dataset(name: "square", values: [0, 4, 8, 12], sampleShape: [1, 2, 2], labels: [0])
    // Downsampling 2×2 → 1×1 samples the centre: the mean of the four.
    #expect(try square.resized(height: 1, width: 1).batch([0]).inputs.scalars == [6])
    let bytes = try Dataset(name: "bytes", bytes: [0, 255], sampleShape: [1, 1, 2], labels: [0])
    // 63.75 and 191.25 round to the nearest byte.
    #expect(try bytes.resized(height: 1, width: 4).batch([0]).inputs.scalars == [0, 64, 191, 255])
    #expect(try row.resized(height: 1, width: 2).batch([0]).inputs.scalars == [0, 1])
  }

  @Test("subset and prefix pick samples and labels in the order asked, sharing the stored values")
  func subsets() throws {
    let data = try channels()
    let picked = try data.subset([4, 2, 2])
    #expect(picked.count == 3)
    #expect(picked.labels == [0, 0, 0])
    #expect(try picked.batch([0, 1]).inputs.scalars == data.batch([4, 2]).inputs.scalars)
    let nested = try picked.subset([0])
    #expect(try nested.batch([0]).inputs.scalars == data.batch([4]).inputs.scalars)
    #expect(data.prefix(7).count == 7)
    #expect(data.prefix(7).labels == Array(data.labels.prefix(7)))
    #expect(data.prefix(100).count == 50)
    expectDataError(containing: ["index 50"]) { _ = try data.subset([50]) }
    let toy = Dataset.regressionToy(points: 10, seed: 2)
    #expect(try toy.subset([3]).batch([0]).targets == toy.batch([3]).targets)
  }
}

@Suite("Splits")
struct SplitTests {
  @Test("a stratified split keeps round(fraction·n_c) of each class in the first part, disjoint and complete")
  func stratified() throws {
    let digits = Dataset.digits()
    let (train, test) = try digits.split(fraction: 0.8, seed: 1)
    let counts = digits.classCounts
    #expect(train.classCounts == counts.map { Int((0.8 * Double($0)).rounded()) })
    #expect(train.count + test.count == digits.count)
    #expect(test.classCounts == zip(counts, train.classCounts).map { $0 - $1 })
    let trainIndices = try #require(train.indices)
    let testIndices = try #require(test.indices)
    #expect(Set(trainIndices).isDisjoint(with: testIndices))
    #expect((trainIndices + testIndices).sorted() == Array(0..<digits.count))
    #expect(try train.batch([0]).inputs == digits.batch([trainIndices[0]]).inputs)
    let (again, _) = try digits.split(fraction: 0.8, seed: 1)
    #expect(again.indices == train.indices)
    let (other, _) = try digits.split(fraction: 0.8, seed: 2)
    #expect(other.indices != train.indices)
    expectDataError(containing: ["fraction in [0, 1]"]) { _ = try digits.split(fraction: 1.5, seed: 1) }
  }

  @Test("an unstratified split takes round(fraction·count) samples at random")
  func unstratified() throws {
    let (first, second) = try Dataset.regressionToy(points: 101, seed: 3).split(
      fraction: 0.3, seed: 4, stratified: false)
    #expect(first.count == 30)
    #expect(second.count == 71)
  }

  @Test("splitByClass relabels each part 0..<k in the order given, class names following")
  func byClass() throws {
    let digits = Dataset.digits()
    let (low, high) = try digits.splitByClass([0, 1, 2, 3, 4], [9, 5, 6, 7, 8])
    #expect(low.classNames == ["0", "1", "2", "3", "4"])
    #expect(high.classNames == ["9", "5", "6", "7", "8"])
    #expect(high.task == .classification(classes: 5))
    #expect(low.count + high.count == digits.count)
    #expect(high.classCounts == [digits.classCounts[9]] + digits.classCounts[5...8])
    let kept = try #require(high.indices)
    for (position, index) in kept.enumerated() {
      #expect(high.classNames[high.labels[position]] == digits.classNames[digits.labels[index]])
    }
    let unchanged = try digits.filterClasses([3, 1], relabel: false)
    #expect(Set(unchanged.labels) == [1, 3])
    #expect(unchanged.classNames == digits.classNames)
    expectDataError(containing: ["class 10"]) { _ = try digits.filterClasses([10]) }
    expectDataError(containing: ["twice"]) { _ = try digits.filterClasses([1, 1]) }
  }
}
