/// A tensor operation that cannot be done with these operands; the message names the operation
/// and the shapes, so a notebook user sees which call and which sizes disagree.
public struct TensorError: Error, Equatable, CustomStringConvertible {
  public var operation: String
  public var message: String

  public init(_ operation: String, _ message: String) {
    self.operation = operation
    self.message = message
  }

  public var description: String { "'\(operation)' \(message)" }

  static func shapes(_ operation: String, _ lhs: [Int], _ rhs: [Int], _ why: String) -> TensorError {
    TensorError(operation, "\(why): \(Tensor.describe(lhs)) and \(Tensor.describe(rhs))")
  }
}
