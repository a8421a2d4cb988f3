import Datasets
import NN
import TempoRuntime
import TensorCore
import Training

/// Engine errors as the language's error families, each with its message and fix: a missing file
/// is a `DataError`, a model that does not fit the data a `TrainingError`, mismatched tensors a
/// `ShapeError`.
enum EngineErrors {
  static func translating<Result>(_ body: () throws -> Result) throws -> Result {
    do {
      return try body()
    } catch let error as RuntimeError {
      throw error
    } catch let error as DataError {
      throw RuntimeError(.dataError, error.message, help: error.help)
    } catch let error as TrainingError {
      throw RuntimeError(.trainingError, error.message, help: error.help)
    } catch let error as ModelBuildError {
      throw RuntimeError(.trainingError, error.message, help: error.help)
    } catch let error as TensorError {
      throw RuntimeError(
        .shapeError, "\(error)",
        help: "check the model's input size against the data's sample shape (model.summary shows each layer)")
    } catch let error as ModuleError {
      throw RuntimeError(.valueError, error.description, help: error.help)
    } catch let error as SafeTensorsError {
      throw RuntimeError(.dataError, error.description)
    }
  }
}

/// A builtin of the training library, documented like every other builtin.
func trainingBuiltin(
  _ name: String, _ parameters: [ParameterSpec], returns: String, category: String, _ summary: String,
  discussion: String? = nil, example: String, labelAdvice: Signature.LabelAdvice? = nil,
  body: @escaping (inout Arguments) throws -> Value
) -> BuiltinFunction {
  let documentation = Documentation(
    name: name, signature: Signature(parameters, returns: returns, labelAdvice: labelAdvice), summary: summary,
    discussion: discussion, example: example, category: category)
  return BuiltinFunction(documentation) { args in
    try EngineErrors.translating { try body(&args) }
  }
}

extension ParameterSpec {
  /// `seed: Int = 0`, a whole number ≥ 0: what every seeded builtin takes.
  static func seed(_ summary: String = "") -> ParameterSpec {
    ParameterSpec("seed", .int, default: 0, check: .nonNegative, summary)
  }
}

extension Arguments {
  /// A host object of type `T`, or a TypeError naming the parameter's declared type.
  func object<T: HostObject>(_ name: String, _ type: T.Type) throws -> T {
    let value = try value(name)
    guard case .host(let object as T) = value else { throw typeError(name, got: value) }
    return object
  }

  /// A seed: a whole number ≥ 0 (the parameter declares `.nonNegative`).
  func seed(_ name: String) throws -> UInt64 {
    let value = try int(name)
    guard let seed = UInt64(exactly: value) else { throw invalid(name, "must be ≥ 0, not \(value)") }
    return seed
  }

  /// Positive whole numbers (sizes, channels).
  func sizes(_ name: String) throws -> [Int] {
    try sequence(name).enumerated().map { position, element in
      guard case .int(let size) = element, size >= 1 else {
        throw invalid(
          name, "must hold positive whole numbers; element \(position) is \(element.description)",
          help: "write sizes as whole numbers, e.g. [784, 256, 10]")
      }
      return size
    }
  }
}
