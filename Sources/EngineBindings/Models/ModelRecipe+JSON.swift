import JSONValue
import NN

/// Recipes as JSON, kept in a checkpoint's metadata so `load(path)` can rebuild the model that
/// the weights belong to.
extension ModelRecipe {
  var json: JSON {
    switch self {
    case .mlp(let sizes, let activation, let dropout):
      return [
        "kind": "mlp", "sizes": .array(sizes.map { .int($0) }), "activation": .string(activation.rawValue),
        "dropout": .double(Double(dropout)),
      ]
    case .convNet(let channels, let hidden, let classes, let batchNorm):
      return [
        "kind": "convNet", "channels": .array(channels.map { .int($0) }), "hidden": hidden.map { .int($0) } ?? .null,
        "classes": .int(classes), "batchNorm": .bool(batchNorm),
      ]
    case .resNet(let depth, let widths, let classes):
      return [
        "kind": "resNet", "depth": .int(depth), "widths": .array(widths.map { .int($0) }), "classes": .int(classes),
      ]
    case .charLM(let embedding, let hidden, let layers):
      return ["kind": "charLM", "embedding": .int(embedding), "hidden": .int(hidden), "layers": .int(layers)]
    case .transformer(let width, let heads, let layers, let feedforward, let causal, let classes):
      return [
        "kind": "transformer", "width": .int(width), "heads": .int(heads), "layers": .int(layers),
        "feedforward": .int(feedforward), "causal": .bool(causal), "classes": classes.map { .int($0) } ?? .null,
      ]
    case .sequential(let layers):
      return ["kind": "sequential", "layers": .array(layers.map(\.json))]
    case .replacedHead(let base, let outputs, let pooled):
      return ["kind": "replacedHead", "base": base.json, "outputs": .int(outputs), "pooled": .bool(pooled)]
    case .alrao(let base, let copies, let regression):
      var members: [String: JSON] = [
        "kind": "alrao", "base": base.json, "copies": .int(copies), "regression": .bool(regression != nil),
      ]
      if let regression { members["prediction"] = .string(regression.rawValue) }
      return .object(members)
    }
  }

  init?(json: JSON) {
    func ints(_ key: String) -> [Int]? { json[key]?.arrayValue?.compactMap(\.intValue) }
    switch json["kind"]?.stringValue {
    case "mlp":
      guard let sizes = ints("sizes"), let name = json["activation"]?.stringValue,
        let activation = Activation.Kind(rawValue: name)
      else { return nil }
      self = .mlp(sizes: sizes, activation: activation, dropout: Float(json["dropout"]?.doubleValue ?? 0))
    case "convNet":
      guard let channels = ints("channels"), let classes = json["classes"]?.intValue else { return nil }
      self = .convNet(
        channels: channels, hidden: json["hidden"]?.intValue, classes: classes,
        batchNorm: json["batchNorm"]?.boolValue ?? false)
    case "resNet":
      guard let depth = json["depth"]?.intValue, let widths = ints("widths"), let classes = json["classes"]?.intValue
      else { return nil }
      self = .resNet(depth: depth, widths: widths, classes: classes)
    case "charLM":
      guard let embedding = json["embedding"]?.intValue, let hidden = json["hidden"]?.intValue,
        let layers = json["layers"]?.intValue
      else { return nil }
      self = .charLM(embedding: embedding, hidden: hidden, layers: layers)
    case "transformer":
      guard let width = json["width"]?.intValue, let heads = json["heads"]?.intValue,
        let layers = json["layers"]?.intValue, let feedforward = json["feedforward"]?.intValue
      else { return nil }
      self = .transformer(
        width: width, heads: heads, layers: layers, feedforward: feedforward,
        causal: json["causal"]?.boolValue ?? true, classes: json["classes"]?.intValue)
    case "sequential":
      guard let layers = json["layers"]?.arrayValue else { return nil }
      let recipes = layers.compactMap(LayerRecipe.init(json:))
      guard recipes.count == layers.count else { return nil }
      self = .sequential(recipes)
    case "replacedHead":
      guard let baseJSON = json["base"], let base = ModelRecipe(json: baseJSON), let outputs = json["outputs"]?.intValue
      else { return nil }
      self = .replacedHead(base: base, outputs: outputs, pooled: json["pooled"]?.boolValue ?? false)
    case "alrao":
      guard let baseJSON = json["base"], let base = ModelRecipe(json: baseJSON), let copies = json["copies"]?.intValue
      else { return nil }
      // A regression checkpoint written before the rule was saved predicts by the default rule.
      var rule: AlraoHead.RegressionPrediction? = nil
      if json["regression"]?.boolValue == true {
        let name = json["prediction"]?.stringValue ?? AlraoHead.RegressionPrediction.bestCopy.rawValue
        guard let known = AlraoHead.RegressionPrediction(rawValue: name) else { return nil }
        rule = known
      }
      self = .alrao(base: base, copies: copies, regression: rule)
    default: return nil
    }
  }
}

extension LayerRecipe {
  var json: JSON {
    switch self {
    case .linear(let inputs, let outputs, let bias):
      return ["layer": "linear", "inputs": .int(inputs), "outputs": .int(outputs), "bias": .bool(bias)]
    case .conv2d(let inputs, let outputs, let kernel, let stride, let padding, let bias):
      return [
        "layer": "conv2d", "inputs": .int(inputs), "outputs": .int(outputs), "kernel": .int(kernel),
        "stride": .int(stride), "padding": .int(padding), "bias": .bool(bias),
      ]
    case .activation(let kind): return ["layer": "activation", "kind": .string(kind.rawValue)]
    case .maxPool(let kernel, let stride):
      return ["layer": "maxPool", "kernel": .int(kernel), "stride": stride.map { .int($0) } ?? .null]
    case .avgPool(let kernel, let stride):
      return ["layer": "avgPool", "kernel": .int(kernel), "stride": stride.map { .int($0) } ?? .null]
    case .globalAvgPool: return ["layer": "globalAvgPool"]
    case .flatten: return ["layer": "flatten"]
    case .dropout(let probability): return ["layer": "dropout", "probability": .double(Double(probability))]
    case .batchNorm(let channels, let spatial):
      return ["layer": "batchNorm", "channels": .int(channels), "spatial": .bool(spatial)]
    case .layerNorm(let features): return ["layer": "layerNorm", "features": .int(features)]
    case .embedding(let count, let dimension):
      return ["layer": "embedding", "count": .int(count), "dimension": .int(dimension)]
    case .lstm(let inputs, let hidden, let layers):
      return ["layer": "lstm", "inputs": .int(inputs), "hidden": .int(hidden), "layers": .int(layers)]
    }
  }

  init?(json: JSON) {
    func int(_ key: String) -> Int? { json[key]?.intValue }
    switch json["layer"]?.stringValue {
    case "linear":
      guard let inputs = int("inputs"), let outputs = int("outputs") else { return nil }
      self = .linear(inputs: inputs, outputs: outputs, bias: json["bias"]?.boolValue ?? true)
    case "conv2d":
      guard let inputs = int("inputs"), let outputs = int("outputs"), let kernel = int("kernel") else { return nil }
      self = .conv2d(
        inputs: inputs, outputs: outputs, kernel: kernel, stride: int("stride") ?? 1, padding: int("padding") ?? 0,
        bias: json["bias"]?.boolValue ?? true)
    case "activation":
      guard let name = json["kind"]?.stringValue, let kind = Activation.Kind(rawValue: name) else { return nil }
      self = .activation(kind)
    case "maxPool":
      guard let kernel = int("kernel") else { return nil }
      self = .maxPool(kernel: kernel, stride: int("stride"))
    case "avgPool":
      guard let kernel = int("kernel") else { return nil }
      self = .avgPool(kernel: kernel, stride: int("stride"))
    case "globalAvgPool": self = .globalAvgPool
    case "flatten": self = .flatten
    case "dropout": self = .dropout(Float(json["probability"]?.doubleValue ?? 0))
    case "batchNorm":
      guard let channels = int("channels") else { return nil }
      self = .batchNorm(channels: channels, spatial: json["spatial"]?.boolValue ?? true)
    case "layerNorm":
      guard let features = int("features") else { return nil }
      self = .layerNorm(features: features)
    case "embedding":
      guard let count = int("count"), let dimension = int("dimension") else { return nil }
      self = .embedding(count: count, dimension: dimension)
    case "lstm":
      guard let inputs = int("inputs"), let hidden = int("hidden") else { return nil }
      self = .lstm(inputs: inputs, hidden: hidden, layers: int("layers") ?? 1)
    default: return nil
    }
  }
}
