import TempoRuntime

/// What the engine bindings add to an environment: data sets, models, optimizers, `fit`,
/// runs, the step-level trainer and checkpoints, with their host type names.
public enum EngineLibrary {
  /// Every builtin, in the order the reference lists them.
  public static var builtins: [BuiltinFunction] {
    DataBuiltins.all + ModelBuiltins.all + OptimizerBuiltins.all + FitBuiltins.all + ExperimentBuiltins.all
      + [
        MultirateBuiltin.multirate, MultirateBuiltin.randomMasking, CompositeAveragingBuiltin.compositeAveraging,
        AlraoBuiltin.alrao, TrainerBuiltin.trainer, Checkpoints.load,
      ]
  }

  /// Each host type's members and what they give, for completion without a value (after a
  /// call: `SGD(learningRate: 0.1).`).
  public static let memberTypes: [String: [String: String]] = [
    "Dataset": DatasetObject.memberTypes, "DataSplit": DataSplitObject.memberTypes,
    "PatchedData": PatchedDataObject.memberTypes, "Model": ModelObject.memberTypes,
    "Parameters": ParametersObject.memberTypes, "Optimizer": OptimizerObject.memberTypes,
    "Run": RunObject.memberTypes, "RunGroup": RunGroupObject.memberTypes, "Trainer": TrainerObject.memberTypes,
    "Claim": ClaimObject.memberTypes,
  ]

  /// Help for undefined names that other libraries use to freeze parameters (`freeze(net.trunk)`).
  public static var nameAdvice: [String: String] {
    let help = "freezing is said in the optimizer, not by a function: \(FreezingAdvice.general)"
    return ["freeze": help, "unfreeze": help, "requires_grad": help, "requiresGrad": help]
  }

  /// The documented members of the main host types, for the builtins reference.
  public static var typeMembers: [(type: String, members: [Documentation])] { MemberReference.all }

  /// Host type names usable in annotations.
  public static let typeNames = [
    "Dataset", "DataSplit", "PatchedData", "Model", "Layer", "Parameters", "Optimizer", "Schedule", "Run", "RunGroup",
    "Trainer",
  ]
}
