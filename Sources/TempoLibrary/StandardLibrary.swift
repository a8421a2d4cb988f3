import EngineBindings
import PlotBindings
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
    for builtin in PlotLibrary.builtins + EngineLibrary.builtins {
      environment.define(builtin.name, value: .function(builtin), documentation: builtin.documentation)
    }
    let members = Dictionary(EngineLibrary.typeMembers.map { ($0.type, $0.members) }, uniquingKeysWith: +)
    for type in PlotLibrary.typeNames + EngineLibrary.typeNames {
      environment.registerType(type, members: members[type] ?? [])
    }
    for (type, members) in PlotLibrary.memberTypes.merging(EngineLibrary.memberTypes, uniquingKeysWith: { a, _ in a }) {
      environment.registerMembers(of: type, members)
    }
    for (name, help) in EngineLibrary.nameAdvice { environment.advise(onName: name, help: help) }
  }
}
