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

  /// The documented members of the main host types, for the builtins reference.
  public static var typeMembers: [(type: String, members: [Documentation])] { MemberReference.all }

  /// Host type names usable in annotations.
  public static let typeNames = [
    "Dataset", "DataSplit", "PatchedData", "Model", "Layer", "Parameters", "Optimizer", "Schedule", "Run", "RunGroup",
    "Trainer",
  ]
}
