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
      throw RuntimeError(.valueError, error.description)
    } catch let error as SafeTensorsError {
      throw RuntimeError(.dataError, error.description)
    }
  }
}

/// A builtin of the training library, documented like every other builtin.
func trainingBuiltin(
  _ name: String, _ parameters: [ParameterSpec], returns: String, category: String, _ summary: String,
  discussion: String? = nil, example: String, body: @escaping (inout Arguments) throws -> Value
) -> BuiltinFunction {
  let documentation = Documentation(
    name: name, signature: Signature(parameters, returns: returns), summary: summary, discussion: discussion,
    example: example, category: category)
  return BuiltinFunction(documentation) { args in
    try EngineErrors.translating { try body(&args) }
  }
}

extension Arguments {
  /// A host object of type `T` at `index`, or a TypeError naming what was expected.
  func object<T: HostObject>(_ index: Int, _ type: T.Type, expected: String) throws -> T {
    guard case .host(let object as T)? = self[index] else {
      throw typeError(index, expected: expected, got: self[index] ?? .nil)
    }
    return object
  }

  /// A positive whole number, with an error naming the parameter.
  func positiveInt(_ index: Int, default fallback: Int? = nil) throws -> Int {
    let value = try int(index, default: fallback)
    guard value >= 1 else {
      throw RuntimeError(
        .valueError, "'\(parameterName(index))' of '\(function)' must be at least 1, not \(value)")
    }
    return value
  }

  /// A seed: a whole number ≥ 0.
  func seed(_ index: Int, default fallback: Int = 0) throws -> UInt64 {
    let value = try int(index, default: fallback)
    guard value >= 0 else {
      throw RuntimeError(.valueError, "'\(parameterName(index))' of '\(function)' must be ≥ 0, not \(value)")
    }
    return UInt64(value)
  }

  /// Whole numbers (sizes, channels).
  func sizes(_ index: Int) throws -> [Int] {
    guard self[index] != nil else { return [] }
    return try sequence(index).enumerated().map { position, element in
      guard case .int(let size) = element, size >= 1 else {
        throw RuntimeError(
          .valueError,
          "'\(parameterName(index))' of '\(function)' must hold positive whole numbers; element \(position) is \(element.description)",
          help: "write sizes as whole numbers, e.g. [784, 256, 10]")
      }
      return size
    }
  }
}
