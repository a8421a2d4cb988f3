import Datasets
import TempoRuntime

/// The members of the engine's main values, one documentation entry each, for the builtins
/// reference (`docs/builtins.md`): properties are written here; methods bring the documentation
/// they carry (`help(data.split)` shows the same text), taken from a small sample value.
enum MemberReference {
  /// Host type name → its members, in the order the reference lists the types.
  static var all: [(type: String, members: [Documentation])] {
    [
      ("Dataset", dataset), ("DataSplit", dataSplit), ("Model", model), ("Run", run), ("RunGroup", runGroup),
      ("Trainer", trainer),
    ]
  }

  /// A property: `name: Type` and what it holds.
  static func property(_ name: String, _ type: String, _ summary: String, owner: String) -> Documentation {
    Documentation(name: name, signatureText: "\(name): \(type)", summary: summary, category: "\(owner) members")
  }

  /// Every member of `object`, sorted: the properties documented in `properties`, and the
  /// methods the object returns, with their own documentation.
  static func members(of object: HostObject, properties: [String: (type: String, summary: String)])
    -> [Documentation]
  {
    object.memberNames.sorted().compactMap { name in
      if let property = properties[name] {
        return Self.property(name, property.type, property.summary, owner: object.typeName)
      }
      guard case .function(let method)? = try? object.member(name) else { return nil }
      return method.documentation
    }
  }

  static var sampleData: Dataset { Dataset.xor(points: 8, seed: 0) }

  static var dataset: [Documentation] {
    members(
      of: DatasetObject(sampleData),
      properties: [
        "count": ("Int", "The number of samples."),
        "name": ("String", "The data set's name, as descriptions, runs and errors show it."),
        "shape": ("[Int]", "The shape of one sample: [channels, height, width] for images, [features] for rows."),
        "classes": ("[String]", "The class names, by label (empty for regression)."),
        "classCounts": ("[Int]", "The number of samples of each class, by label."),
        "labels": ("[Int]", "The class label of every sample, in order (empty for regression and text)."),
        "storageBytes": (
          "Int",
          "Bytes held by the stored values, labels, targets and index list; storage shared with the data set this one came from counts in full."
        ),
      ])
  }

  static var dataSplit: [Documentation] {
    let data = sampleData
    return members(
      of: DataSplitObject(train: data, test: data),
      properties: [
        "train": ("Dataset", "The training part: what fit trains on."),
        "test": ("Dataset", "The test part: what fit measures after every epoch."),
        "shape": ("[Int]", "The shape of one sample."),
        "classes": ("[String]", "The class names, by label."),
      ])
  }

  static var model: [Documentation] {
    members(
      of: ModelObject(recipe: .mlp(sizes: [2, 4, 2], activation: .relu, dropout: 0)),
      properties: [
        "summary": ("Table", "The layers top-down, with each one's output shape and parameter count (needs weights)."),
        "layers": ("[String]", "Each top-level layer as 'name: configuration' (needs weights)."),
        "parameterCount": ("Int", "The number of trainable values (needs weights)."),
        "isBuilt": ("Bool", "Whether the model has weights: false until fit (or load) builds it for its data."),
        "head": ("Parameters", "The last Linear layer's weight and bias: the fast group of multirate fine-tuning."),
        "trunk": ("Parameters", "Every parameter but the head's."),
        "weights": ("Parameters", "Every weight (the parameters that are not biases)."),
        "biases": ("Parameters", "Every bias."),
        "inputBiases": ("Parameters", "The biases of the first layer with parameters."),
        "outputBiases": ("Parameters", "The head's bias."),
      ])
  }

  static var run: [Documentation] {
    let series = "one per epoch (nil where there is no value)"
    let alrao = "for an Alrao run; nil for other runs"
    let properties: [String: (type: String, summary: String)] = [
      "model": ("Model", "The trained model: a copy, the model given to fit is unchanged."),
      "name": ("String", "What compare and plots call the run: fit's name:, else the optimizer."),
      "optimizer": ("String", "The optimizer as written, with its settings."),
      "seed": ("Int", "The seed of the initial weights and the batch order."),
      "steps": ("Int", "Training steps taken."),
      "epochs": ("Int", "Epochs run, the interrupted one included."),
      "wallTime": ("Double", "Seconds from the first step to the end of the last evaluation."),
      "stepsPerSecond": ("Double", "Steps per second of wall time."),
      "accuracy": ("Double?", "The test accuracy after the last epoch (nil without test data)."),
      "loss": ("Double?", "The test loss after the last epoch (nil without test data)."),
      "bitsPerCharacter": ("Double?", "For a run on text, the last test loss in bits per character; nil otherwise."),
      "status": ("String", "How the run ended: completed, interrupted in epoch E after step S, or diverged: …."),
      "interrupted": ("Bool", "Whether an interrupt stopped the run (it keeps the steps made)."),
      "diverged": ("Bool", "Whether the loss diverged (only inside seeds, which keeps such runs)."),
      "stepLosses": ("[Double]", "The loss of every step."),
      "history": (
        "[[String: Any]]",
        "One dictionary per epoch: epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, steps, seconds; \"<set> loss\" and \"<set> accuracy\" with several validation sets; partial: true for an interrupted epoch."
      ),
      "trainLoss": ("[Double?]", "The mean training loss, \(series)."),
      "trainAccuracy": ("[Double?]", "The training accuracy, \(series)."),
      "testLoss": ("[Double?]", "The test loss, \(series)."),
      "testAccuracy": ("[Double?]", "The test accuracy, \(series)."),
      "trainBitsPerCharacter": ("[Double?]", "For a run on text, the training loss in bits per character, \(series)."),
      "testBitsPerCharacter": ("[Double?]", "For a run on text, the test loss in bits per character, \(series)."),
      "time": (
        "[String: Double]", "Seconds in data, forward, backward, optimizer and evaluation, and the total."
      ),
      "speedup": (
        "[String: Double]?",
        "For a multirate run, the measured speed-up of its cycles over full steps beside Eq. 6 and the cost model; nil otherwise."
      ),
      "validationSets": ("[String]", "The names of the validation sets; the first is the test set."),
      "switchWeights": ("[[Double]]?", "The posterior over the classifier copies after every step, \(alrao)."),
      "classifierRates": ("[Double]?", "The learning rates of the classifier copies, \(alrao)."),
      "featureRates": ("[Double]?", "Each trunk feature's learning rate, \(alrao)."),
    ]
    let on = ValidationView.method(on: "run", sets: [], returns: "Run") { _ in nil }.documentation
    return (properties.map { property($0.key, $0.value.type, $0.value.summary, owner: "Run") } + [on].compactMap { $0 })
      .sorted { $0.name < $1.name }
  }

  static var runGroup: [Documentation] {
    let statistics = "mean, min, max, std and count over the completed runs' final values"
    let properties: [String: (type: String, summary: String)] = [
      "count": ("Int", "The number of runs, diverged and interrupted ones included."),
      "name": ("String", "The arm's name: seeds' name:, else the first run's."),
      "runs": ("[Run]", "The runs, by seed; group[i] is runs[i]."),
      "steps": ("[String: Double]", "Training steps: \(statistics)."),
      "wallTime": ("[String: Double]", "Seconds per run: \(statistics)."),
      "trainLoss": ("[String: Double]", "The last training loss: \(statistics)."),
      "trainAccuracy": ("[String: Double]", "The last training accuracy: \(statistics)."),
      "testLoss": ("[String: Double]", "The last test loss: \(statistics)."),
      "testAccuracy": ("[String: Double]", "The last test accuracy: \(statistics)."),
      "trainBitsPerCharacter": ("[String: Double]?", "For runs on text, training bits per character: \(statistics)."),
      "testBitsPerCharacter": ("[String: Double]?", "For runs on text, test bits per character: \(statistics)."),
      "validationSets": ("[String]", "The names of the runs' validation sets; the first is the test set."),
    ]
    let on = ValidationView.method(on: "group", sets: [], returns: "RunGroup") { _ in nil }.documentation
    let subscriptDoc = Documentation(
      name: "subscript", signatureText: "group[_ index: Int] -> Run",
      summary: "The run of seed `index`: group.runs[index].",
      category: "RunGroup members")
    return
      (properties.map { property($0.key, $0.value.type, $0.value.summary, owner: "RunGroup") }
      + [on, subscriptDoc].compactMap { $0 })
      .sorted { $0.name < $1.name }
  }

  static var trainer: [Documentation] {
    let properties: [String: (type: String, summary: String)] = [
      "loss": ("Double", "The last step's loss (nan before the first step)."),
      "accuracy": ("Double?", "The last step's accuracy on its batch (nil for regression or before the first step)."),
      "steps": ("Int", "Steps taken."),
      "epoch": ("Int", "Epochs begun: the first step starts epoch 1."),
      "model": ("Model", "A copy of the weights now, for evaluate, predict or save; stepping on does not change it."),
    ]
    let step = Documentation(
      name: "step", signatureText: "step() -> Double",
      summary: "Takes one training step on the next batch and returns its loss.",
      discussion:
        "A loss that is not a number is a DivergenceError naming the step and the epoch; the weights stay those before that step.",
      category: "Trainer members")
    return (properties.map { property($0.key, $0.value.type, $0.value.summary, owner: "Trainer") } + [step])
      .sorted { $0.name < $1.name }
  }
}
