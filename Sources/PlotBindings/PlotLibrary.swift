import TempoRuntime

/// What the plot bindings add to an environment: the figure and table builtins, `save`, and
/// the type names `Figure` and `Table`.
public enum PlotLibrary {
  /// Every builtin, in the order the reference lists them.
  public static var builtins: [BuiltinFunction] { PlotBuiltins.all + TableBuiltins.all }

  /// Host type names usable in annotations.
  public static let typeNames = ["Figure", "Table"]

  /// Each host type's members and what they give, for completion without a value.
  public static let memberTypes: [String: [String: String]] = [
    "Figure": FigureObject.memberTypes, "Table": TableObject.memberTypes,
  ]
}
