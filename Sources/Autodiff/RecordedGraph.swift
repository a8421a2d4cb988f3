import TensorCore

/// What a recorded graph holds before its backward pass: the ops on the tape and the bytes of
/// the activations they keep alive. It makes "a fast step records no trunk activations"
/// something a test and a run's statistics can count.
public struct RecordedGraph: Sendable, Equatable {
  /// The recorded ops, each once, inputs before the ops that use them.
  public var operations: [String]
  /// Bytes of the distinct values the recorded ops keep for backward, trainable parameters
  /// left out (they live anyway): the activations a step holds on to.
  public var savedActivationBytes: Int
}

extension Variable {
  /// The graph this variable was computed through, as it is now (before backward frees it).
  public func recordedGraph() -> RecordedGraph {
    var operations: [String] = []
    var saved: Set<ObjectIdentifier> = []
    var bytes = 0
    var visited: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
    var stack: [Variable] = [self]
    var order: [Variable] = []
    while let variable = stack.popLast() {
      guard let recording = variable.recording else { continue }
      order.append(variable)
      for input in recording.inputs {
        if !input.isTrainable || input.recording != nil, saved.insert(ObjectIdentifier(input)).inserted {
          bytes += input.value.count * MemoryLayout<Float>.stride
        }
        if visited.insert(ObjectIdentifier(input)).inserted { stack.append(input) }
      }
    }
    operations = order.reversed().compactMap { $0.recording?.operation }
    return RecordedGraph(operations: operations, savedActivationBytes: bytes)
  }
}
