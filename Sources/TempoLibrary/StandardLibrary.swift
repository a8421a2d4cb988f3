import TempoRuntime

/// The environment a notebook or `tempo run` gets: the language's builtins plus the host
/// libraries' (figures and tables now; models and training next).
public enum StandardLibrary {
  public static func makeEnvironment() -> Environment {
    let environment = Environment()
    install(into: environment)
    return environment
  }

  /// Adds every library builtin and host type name to `environment`.
  public static func install(into environment: Environment) {
    for builtin in PlotBuiltins.all + TableBuiltins.all {
      environment.define(builtin.name, value: .function(builtin), documentation: builtin.documentation)
    }
    environment.registerType("Figure")
    environment.registerType("Table")
  }
}
