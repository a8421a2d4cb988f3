import Autodiff
import Glibc
import NN
import TensorCore

/// Alrao's learning rates for the pre-classifier (Blier, Wolinski & Ollivier 2019, §2.2):
/// every feature (unit, channel) gets its own rate, drawn once, log-uniformly in
/// [minimum, maximum], and a feature's rate applies to all its incoming parameters.
///
/// What a feature is, per layer kind:
/// - `Linear`: an output unit — weight row i and bias i share η_i.
/// - `Conv2d`: an output channel — filter c and bias c share η_c.
/// - `LSTM`: `.perUnit` (the paper, default) — hidden unit u has one rate for its rows in all
///   four gates, in both weight matrices and both biases; `.perGateRow` (the reference code,
///   D-AL-1) — each of the 4H rows of each weight matrix its own rate, each bias sharing its
///   matrix's.
/// - `Embedding` and `PositionalEmbedding`: a dimension — column d shares η_d.
/// - `MultiheadAttention`: an output feature of the stacked query/key/value projection — row i
///   of `in_proj_weight` and `in_proj_bias[i]` share η_i (our choice: the finest unit a
///   feature's incoming weights form; the output projection is a `Linear`, per output unit).
/// - `BatchNorm`, `LayerNorm`: a channel — scale and shift share one rate (our choice; the
///   reference code samples every scalar, D-AL-2).
/// - any other parameter: every scalar its own rate (the reference code's fallback).
///
/// Rates are keyed by the module's path (and the role of the tensor in it), not by the order
/// parameters are visited: the rate of `layers.2` depends only on the seed and that name, and a
/// tensor shared by two modules is sampled once.
public struct AlraoFeatureRates: Sendable, Equatable {
  /// What an LSTM's feature is (D-AL-1).
  public enum LSTMFeatures: String, Sendable, CaseIterable {
    /// One rate per hidden unit, shared by its four gate rows in both matrices (the paper).
    case perUnit
    /// One rate per gate row, separately for the input and hidden matrices (the reference code).
    case perGateRow
  }

  public var minimum: Float
  public var maximum: Float
  public var seed: UInt64
  public var lstmFeatures: LSTMFeatures
  /// Every scalar its own rate (the per-weight variant, App. E), instead of per feature.
  public var perWeight: Bool
  /// The chance γ that a feature is trained at all (App. F); the others get rate 0, staying at
  /// their initial values. 1: all are trained.
  public var trainableFraction: Float

  public init(
    minimum: Float, maximum: Float, seed: UInt64, lstmFeatures: LSTMFeatures = .perUnit, perWeight: Bool = false,
    trainableFraction: Float = 1
  ) {
    self.minimum = minimum
    self.maximum = maximum
    self.seed = seed
    self.lstmFeatures = lstmFeatures
    self.perWeight = perWeight
    self.trainableFraction = trainableFraction
  }

  /// η(u) = exp(ln lo + u (ln hi − ln lo)): the log-uniform law's quantile function.
  public static func logUniform(_ u: Double, minimum: Double, maximum: Double) -> Double {
    Glibc.exp(Glibc.log(minimum) + u * (Glibc.log(maximum) - Glibc.log(minimum)))
  }

  /// The N classifier copies' rates: log-evenly spaced from `minimum` to `maximum` (N = 1:
  /// `minimum`, as the reference code). Computed from the decimal the Floats stand for (1e-5,
  /// not 9.99999974e-6), so that round rates come out round (0.001, not 0.0009999999).
  public static func classifierRates(count: Int, minimum: Float, maximum: Float) -> [Float] {
    guard count > 1 else { return [minimum] }
    let (low, high) = (Double("\(minimum)") ?? Double(minimum), Double("\(maximum)") ?? Double(maximum))
    return (0..<count).map { Float(logUniform(Double($0) / Double(count - 1), minimum: low, maximum: high)) }
  }

  /// `count` rates drawn for `key` (a module path and a role): the same key and seed always
  /// give the same rates.
  public func draw(_ count: Int, key: String) -> [Float] {
    var generator = RandomGenerator(seed: seed ^ Self.hash(key))
    return (0..<count).map { _ in
      let rate = Float(
        Self.logUniform(Double(generator.nextUnitFloat()), minimum: Double(minimum), maximum: Double(maximum)))
      guard trainableFraction < 1 else { return rate }
      return generator.nextUnitFloat() < trainableFraction ? rate : 0
    }
  }

  /// Every parameter of `model` outside `excluding` (the head's path) with its rate tensor, of
  /// the parameter's shape, in `namedParameters()` order.
  public func rates(for model: Module, excluding excludedPath: String? = nil) throws -> [(
    path: String, variable: Variable, rates: Tensor
  )] {
    var result: [(path: String, variable: Variable, rates: Tensor)] = []
    var seen: Set<ObjectIdentifier> = []
    func excluded(_ path: String) -> Bool {
      guard let excludedPath else { return false }
      return excludedPath.isEmpty || path == excludedPath || path.hasPrefix(excludedPath + ".")
    }
    for (modulePath, module) in model.namedModules() where !excluded(modulePath) {
      for (name, variable) in module.ownParameters where seen.insert(ObjectIdentifier(variable)).inserted {
        let path = modulePath.isEmpty ? name : "\(modulePath).\(name)"
        result.append((path, variable, try rateTensor(module, modulePath: modulePath, name: name, variable: variable)))
      }
    }
    return result
  }

  /// The rate tensor of one parameter by its layer's feature rule.
  private func rateTensor(_ module: Module, modulePath: String, name: String, variable: Variable) throws -> Tensor {
    let shape = variable.shape
    let count = variable.value.count
    if perWeight { return try Tensor(shape: shape, values: draw(count, key: "\(modulePath)/\(name)")) }
    switch module {
    case is Linear, is Conv2d, is BatchNorm, is LayerNorm:
      // The first axis is the feature (output unit, output channel, normalised channel).
      return try rowRates(draw(shape[0], key: modulePath), shape: shape)
    case is MultiheadAttention:
      return try rowRates(draw(shape[0], key: modulePath), shape: shape)
    case is Embedding, is PositionalEmbedding:
      let columns = draw(shape[1], key: modulePath)
      return try Tensor(shape: shape, values: (0..<count).map { columns[$0 % shape[1]] })
    case let lstm as LSTM:
      let layer = name.split(separator: "l").last.map(String.init) ?? "0"
      let hidden = lstm.hiddenSize
      switch lstmFeatures {
      case .perUnit:
        let units = draw(hidden, key: "\(modulePath)/layer\(layer)")
        return try rowRates((0..<(4 * hidden)).map { units[$0 % hidden] }, shape: shape)
      case .perGateRow:
        let matrix = name.hasPrefix("weight_ih") || name.hasPrefix("bias_ih") ? "ih" : "hh"
        return try rowRates(draw(4 * hidden, key: "\(modulePath)/\(matrix)\(layer)"), shape: shape)
      }
    default:
      return try Tensor(shape: shape, values: draw(count, key: "\(modulePath)/\(name)"))
    }
  }

  /// A tensor of `shape` whose slice i along the first axis is `rows[i]`.
  private func rowRates(_ rows: [Float], shape: [Int]) throws -> Tensor {
    let size = shape.dropFirst().reduce(1, *)
    var values: [Float] = []
    values.reserveCapacity(rows.count * size)
    for rate in rows { values += repeatElement(rate, count: size) }
    return try Tensor(shape: shape, values: values)
  }

  /// FNV-1a over the key's bytes: a stable 64-bit name for a parameter.
  static func hash(_ key: String) -> UInt64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
      value ^= UInt64(byte)
      value = value &* 0x100_0000_01b3
    }
    return value
  }
}
