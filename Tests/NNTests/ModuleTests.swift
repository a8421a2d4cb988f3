import Autodiff
import Foundation
import NN
import TensorCore
import Testing

func mlp(_ sizes: [Int], seed: UInt64 = 0) throws -> Sequential {
  var generator = RandomGenerator(seed: seed)
  var layers: [Module] = []
  for index in 0..<(sizes.count - 1) {
    layers.append(try Linear(sizes[index], sizes[index + 1], generator: &generator))
    if index < sizes.count - 2 { layers.append(Activation(.relu)) }
  }
  return Sequential(layers)
}

@Suite("Modules")
struct ModuleTests {
  @Test("parameter paths follow PyTorch's naming: position in a Sequential, then the name")
  func paths() throws {
    let model = try mlp([4, 8, 3])
    #expect(model.namedParameters().map(\.path) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    #expect(model.namedParameters().map(\.variable.shape) == [[8, 4], [8], [3, 8], [3]])
    #expect(model.parameterCount == 8 * 4 + 8 + 3 * 8 + 3)
    let nested = Sequential([model, try BatchNorm(3, spatial: false)])
    #expect(
      nested.namedBuffers().map(\.path) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
    #expect(nested.namedParameters().first?.path == "0.0.weight")
  }

  @Test("train and eval mode reach every layer; dropout is the identity in eval mode")
  func modes() throws {
    let dropout = try Dropout(0.5, seed: 1)
    let model = Sequential([try mlp([4, 4]), dropout])
    let input = Variable(try Tensor.ones([2, 4]))
    let training = try model(input).value
    #expect(training.scalars.contains(0))
    model.setTraining(false)
    #expect(!dropout.isTraining)
    let evaluation = try model(input).value
    #expect(!evaluation.scalars.contains(0))
  }

  @Test("dropout keeps the expected value: zeroes about p and scales the rest by 1/(1-p)")
  func dropoutScaling() throws {
    let dropout = try Dropout(0.25, seed: 3)
    let output = try dropout(Variable(try Tensor.ones([10_000]))).value.scalars
    let zeros = output.filter { $0 == 0 }.count
    #expect(abs(Double(zeros) / 10_000 - 0.25) < 0.02)
    #expect(output.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3.0) < 1e-6 })
    #expect(throws: ModuleError.self) { try Dropout(1, seed: 0) }
  }

  @Test("freezing stops gradients: a frozen layer gets none and its forward is not recorded")
  func freezing() throws {
    let trunk = try mlp([4, 6])
    let head = try mlp([6, 2], seed: 1)
    let model = Sequential([trunk, Activation(.tanh), head])
    trunk.setFrozen(true)
    let loss = try model(Variable(try Tensor.ones([3, 4]))).crossEntropy(targets: [0, 1, 0])
    try loss.backward()
    #expect(trunk.parameters.allSatisfy { $0.grad == nil })
    #expect(head.parameters.allSatisfy { $0.grad != nil })
  }

  @Test("state dictionaries round-trip and refuse mismatches without changing anything")
  func stateDictionary() throws {
    let source = try mlp([3, 5, 2], seed: 1)
    let target = try mlp([3, 5, 2], seed: 2)
    #expect(source.stateDictionary().map(\.tensor) != target.stateDictionary().map(\.tensor))
    try target.loadStateDictionary(source.stateDictionary())
    #expect(source.stateDictionary().map(\.tensor) == target.stateDictionary().map(\.tensor))

    let before = target.stateDictionary().map(\.tensor)
    let wrong = try mlp([3, 4, 2], seed: 3)
    let error = #expect(throws: ModuleError.self) { try target.loadStateDictionary(wrong.stateDictionary()) }
    #expect(error?.description == "'0.weight' has shape [4, 3] in the state but [5, 3] in the model")
    #expect(target.stateDictionary().map(\.tensor) == before)
    let partial = Array(source.stateDictionary().dropLast())
    let missing = #expect(throws: ModuleError.self) { try target.loadStateDictionary(partial) }
    #expect(missing?.description.contains("missing 2.bias") == true)
    let report = try target.loadStateDictionary(partial, strict: false)
    #expect(report.missing == ["2.bias"] && report.kept == ["2.bias"] && report.unexpected.isEmpty)
    #expect(report.loaded == ["0.weight", "0.bias", "2.weight"])
  }

  @Test("a non-strict load skips shapes that differ and unknown paths, loads the rest and reports each")
  func nonStrictStateDictionary() throws {
    let source = try mlp([3, 4, 2], seed: 1)
    let target = try mlp([3, 5, 2], seed: 2)
    let before = target.stateDictionary()
    let extra = source.stateDictionary() + [(path: "9.weight", tensor: try Tensor.ones([1]))]
    let report = try target.loadStateDictionary(extra, strict: false)
    #expect(report.loaded == ["2.bias"])
    #expect(report.mismatched.map(\.path) == ["0.weight", "0.bias", "2.weight"])
    #expect(report.mismatched.first?.state == [4, 3] && report.mismatched.first?.model == [5, 3])
    #expect(report.unexpected == ["9.weight"])
    #expect(report.kept == ["0.weight", "0.bias", "2.weight"])
    let after = target.stateDictionary()
    #expect(after[0].tensor == before[0].tensor, "a mismatched tensor keeps the model's value")
    #expect(after[3].tensor == source.stateDictionary()[3].tensor, "a matching tensor is loaded")
  }

  @Test("the summary lists layers top-down with output shapes and parameter counts")
  func summary() throws {
    let model = try mlp([784, 32, 10])
    let summary = try model.summary(inputShape: [5, 784])
    #expect(summary.rows.map(\.path) == ["(model)", "0", "1", "2"])
    #expect(summary.rows.map(\.outputShape) == [[5, 10], [5, 32], [5, 32], [5, 10]])
    #expect(summary.rows.map(\.parameterCount) == [0, 784 * 32 + 32, 0, 32 * 10 + 10])
    #expect(summary.totalParameters == 784 * 32 + 32 + 330)
    #expect(summary.description.contains("Linear(784 → 32)"))
    #expect(model.isTraining)
  }

  @Test("batch norm tracks running statistics with the unbiased variance, and uses them in eval mode")
  func batchNormRunningStatistics() throws {
    let norm = try BatchNorm(1, spatial: false)
    let input = Variable(try Tensor(shape: [4, 1], values: [1, 2, 3, 4]))
    let output = try norm(input).value.scalars
    #expect(abs(output.reduce(0, +)) < 1e-5)
    #expect(abs((norm.runningMean.value.scalar ?? 0) - 0.25) < 1e-6)
    // Unbiased variance of 1...4 is 5/3: 0.9·1 + 0.1·5/3.
    #expect(abs((norm.runningVariance.value.scalar ?? 0) - (0.9 + 0.5 / 3)) < 1e-6)
    norm.setTraining(false)
    let evaluated = try norm(input).value.scalars
    let expected = [Float(1), 2, 3, 4].map { ($0 - 0.25) / (0.9 + 0.5 / 3 + 1e-5).squareRoot() }
    #expect(zip(evaluated, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(throws: ModuleError.self) { try norm(Variable(try Tensor.ones([2, 1, 2, 2]))) }
  }

  @Test("embedding looks rows up by index and rejects indices out of range")
  func embedding() throws {
    var generator = RandomGenerator(seed: 4)
    let embedding = try Embedding(5, 3, generator: &generator)
    let output = try embedding(Variable(try Tensor(shape: [2, 2], values: [4, 0, 1, 4])))
    #expect(output.shape == [2, 2, 3])
    #expect(Array(output.value.scalars[0..<3]) == Array(embedding.weight.value.scalars[12..<15]))
    let error = #expect(throws: ModuleError.self) { try embedding(Variable(Tensor([5]))) }
    #expect(error?.description == "Embedding index 5.0 is not a whole number in 0..<5")
  }
}

@Suite("Checkpoints")
struct CheckpointTests {
  @Test("a model saved to safetensors loads into a fresh model with identical tensors and metadata")
  func roundTrip() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tempo-checkpoint-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("model.safetensors").path
    let source = Sequential([try mlp([3, 5, 2], seed: 1), try BatchNorm(2, spatial: false)])
    _ = try source(Variable(try Tensor.ones([4, 3])))
    try source.save(to: path, metadata: ["epoch": "3"])
    let target = Sequential([try mlp([3, 5, 2], seed: 2), try BatchNorm(2, spatial: false)])
    #expect(try target.load(from: path) == ["epoch": "3"])
    #expect(target.stateDictionary().map(\.tensor) == source.stateDictionary().map(\.tensor))
    #expect(target.stateDictionary().map(\.path) == source.stateDictionary().map(\.path))

    let other = try mlp([3, 4, 2], seed: 3)
    let before = other.stateDictionary().map(\.tensor)
    #expect(throws: ModuleError.self) { try other.load(from: path) }
    #expect(other.stateDictionary().map(\.tensor) == before)
    #expect(throws: SafeTensorsError.self) { try other.load(from: directory.appendingPathComponent("missing").path) }
  }
}
