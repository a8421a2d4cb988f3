import Glibc
import Testing

@testable import Datasets

@Suite("Toy generators")
struct ToyDataTests {
  @Test("the regression toy holds (u, u², …, u¹⁰) with u in [−1, 1) and target sin(πu)")
  func regressionToy() throws {
    let toy = Dataset.regressionToy(points: 1000, seed: 5)
    #expect(toy.task == .regression(outputs: 1))
    #expect(toy.sampleShape == [10])
    #expect(toy.labels.isEmpty)
    let batch = try toy.batch(Array(0..<1000))
    let inputs = batch.inputs.scalars
    let targets = try #require(batch.targets)
    #expect(targets.shape == [1000, 1])
    var negatives = 0
    for point in 0..<1000 {
      let u = Double(inputs[point * 10])
      #expect(u >= -1 && u < 1)
      if u < 0 { negatives += 1 }
      for power in 1...10 { #expect(abs(Double(inputs[point * 10 + power - 1]) - pow(u, Double(power))) < 1e-6) }
      #expect(abs(Double(targets.scalars[point]) - sin(Double.pi * u)) < 1e-6)
    }
    #expect(abs(negatives - 500) < 80)
    #expect(try Dataset.regressionToy(points: 1000, seed: 5).batch([3]).inputs.scalars == Array(inputs[30..<40]))
    #expect(try Dataset.regressionToy(points: 1000, seed: 6).batch([3]).inputs.scalars != Array(inputs[30..<40]))
  }

  @Test("XOR labels follow the quadrant: 1 where sign(x)·sign(y) > 0, four balanced clusters")
  func xor() throws {
    let data = Dataset.xor(points: 400, noise: 0.1, seed: 6)
    #expect(data.classCounts == [200, 200])
    let values = try data.batch(Array(0..<400)).inputs.scalars
    for index in 0..<400 {
      let (x, y) = (values[2 * index], values[2 * index + 1])
      #expect(data.labels[index] == (x * y > 0 ? 1 : 0))
    }
  }

  @Test("blobs: labels cycle through the classes and each class stays within a few spreads of its mean")
  func blobs() throws {
    let data = Dataset.blobs(points: 300, classes: 3, dimensions: 4, spread: 0.5, seed: 7)
    #expect(data.sampleShape == [4])
    #expect(data.classCounts == [100, 100, 100])
    let values = try data.batch(Array(0..<300)).inputs.scalars
    for label in 0..<3 {
      let members = (0..<300).filter { data.labels[$0] == label }
      let mean = (0..<4).map { d in members.map { values[$0 * 4 + d] }.reduce(0, +) / 100 }
      for member in members {
        let distance = (0..<4).map { d in pow(values[member * 4 + d] - mean[d], 2) }.reduce(0, +).squareRoot()
        #expect(distance < 6 * 0.5 * 2)
      }
    }
    #expect(try Dataset.blobs(seed: 1).batch([0]).inputs != Dataset.blobs(seed: 2).batch([0]).inputs)
  }
}
