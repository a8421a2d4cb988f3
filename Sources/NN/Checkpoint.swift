import TensorCore

extension Module {
  /// Writes every parameter and buffer to a safetensors file under its PyTorch path, atomically
  /// (an interrupted save leaves the previous file whole).
  public func save(to path: String, metadata: [String: String] = [:]) throws {
    try SafeTensorsFile.write(stateDictionary().map { ($0.path, $0.tensor) }, metadata: metadata, to: path)
  }

  /// Loads parameters and buffers from a safetensors file (ours or PyTorch's
  /// `safetensors.torch.save_file(model.state_dict())`). All or nothing: a missing, unexpected
  /// or misshapen tensor is an error naming it, and the model is left as it was.
  @discardableResult
  public func load(from path: String, strict: Bool = true) throws -> [String: String] {
    let file = try SafeTensorsFile.read(from: path)
    try loadStateDictionary(file.tensors.map { ($0.name, $0.tensor) }, strict: strict)
    return file.metadata
  }
}
