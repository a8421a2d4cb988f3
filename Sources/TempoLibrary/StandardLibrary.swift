import TempoRuntime

/// The environment a notebook or `tempo run` gets: the language's builtins plus the host
/// libraries' (figures and tables; data, models and training).
public enum StandardLibrary {
  public static func makeEnvironment() -> Environment {
    let environment = Environment()
    install(into: environment)
    return environment
  }

  /// Adds every library builtin and host type name to `environment`.
  public static func install(into environment: Environment) {
    let training =
      DataBuiltins.all + ModelBuiltins.all + OptimizerBuiltins.all + FitBuiltins.all + ExperimentBuiltins.all
      + [TrainerBuiltin.trainer, Checkpoints.load]
    for builtin in PlotBuiltins.all + TableBuiltins.all + training {
      environment.define(builtin.name, value: .function(builtin), documentation: builtin.documentation)
    }
    environment.registerType("Figure")
    environment.registerType("Table")
    for type in [
      "Dataset", "DataSplit", "Model", "Layer", "Parameters", "Optimizer", "Schedule", "Run", "RunGroup", "Trainer",
    ] {
      environment.registerType(type)
    }
  }
}
