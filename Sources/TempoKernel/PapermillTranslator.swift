import Foundation

/// papermill's parameter translator for Tempo.
///
/// papermill picks a translator by kernel or language name and registers only its own, from
/// Python. So `tempo install` writes a small module into the environment's site-packages
/// with a `.pth` file that imports it at startup; the module hooks the import of
/// `papermill.translators` and registers `TempoTranslator` there. It costs nothing unless
/// papermill is imported.
enum PapermillTranslator {
  static let moduleName = "tempo_papermill"

  struct Skipped: Error, CustomStringConvertible {
    var description: String
  }

  static func install(
    destination: Kernelspec.Destination, pythonPrefix: String?
  ) -> Result<URL, Skipped> {
    let sitePackages: String?
    switch destination {
    case .user: sitePackages = PythonEnvironment.userSitePackages()
    case .sysPrefix, .prefix: sitePackages = pythonPrefix.flatMap(PythonEnvironment.sitePackages(underPrefix:))
    }
    guard let sitePackages else {
      return .failure(
        Skipped(
          description:
            "papermill translator not installed: no Python site-packages found for this destination "
            + "(install into a Python environment with --sys-prefix or --prefix to use papermill -p)"))
    }
    let directory = URL(fileURLWithPath: sitePackages)
    let module = directory.appendingPathComponent("\(moduleName).py")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(source.utf8).write(to: module)
      try Data("import \(moduleName)\n".utf8).write(to: directory.appendingPathComponent("\(moduleName).pth"))
    } catch {
      return .failure(Skipped(description: "papermill translator not installed: \(error.localizedDescription)"))
    }
    return .success(module)
  }

  /// The Python module. Tempo literals: `nil`, `true`/`false`, Swift string escapes,
  /// `Double.nan`/`Double.infinity`, `[a, b]` arrays and `["k": v]` / `[:]` dictionaries.
  static let source = #"""
    """papermill parameters for the Tempo kernel (written by `tempo install`; do not edit).

    papermill registers parameter translators only from Python, so this module, imported at
    start-up by tempo_papermill.pth, registers one for the "tempo" kernel and language the
    moment papermill.translators is imported.
    """
    import math
    import sys
    import unicodedata

    _ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"}


    def _string(value):
        out = []
        for ch in value:
            code = ord(ch)
            if ch == "\\":
                out.append("\\\\")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif 0xD800 <= code <= 0xDFFF:
                out.append("\\u{fffd}")  # a lone surrogate is not a Unicode scalar
            elif unicodedata.category(ch) in _ESCAPED_CATEGORIES:
                # Controls, format characters and line/paragraph separators would end the line
                # or hide in the cell; Swift's \u{…} keeps them inside the literal, visibly.
                out.append("\\u{%x}" % code)
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'


    def _float(value):
        if math.isnan(value):
            return "Double.nan"
        if math.isinf(value):
            return "Double.infinity" if value > 0 else "-Double.infinity"
        return repr(float(value))


    def _make_translator(base):
        class TempoTranslator(base):
            @classmethod
            def translate_none(cls, val):
                return "nil"

            @classmethod
            def translate_escaped_str(cls, str_val):
                # papermill's last resort for other types (a YAML date): their text, quoted.
                return _string(str(str_val))

            @classmethod
            def translate_str(cls, val):
                return _string(val)

            @classmethod
            def translate_int(cls, val):
                return str(int(val))

            @classmethod
            def translate_float(cls, val):
                return _float(val)

            @classmethod
            def translate_bool(cls, val):
                return "true" if val else "false"

            @classmethod
            def translate_dict(cls, val):
                if not val:
                    return "[:]"
                items = ", ".join(
                    "%s: %s" % (cls.translate(k), cls.translate(v)) for k, v in val.items()
                )
                return "[" + items + "]"

            @classmethod
            def translate_list(cls, val):
                return "[" + ", ".join(cls.translate(v) for v in val) + "]"

            @classmethod
            def comment(cls, cmt_str):
                return "// " + cmt_str.strip()

            @classmethod
            def assign(cls, name, str_val):
                return "let %s = %s" % (name, str_val)

        return TempoTranslator


    def register(module):
        """Registers the Tempo translator with papermill's registry in `module`."""
        translator = _make_translator(module.Translator)
        module.papermill_translators.register("tempo", translator)
        return translator


    class _RegisterOnImport:
        """Finds papermill.translators through the other finders, then registers after it loads."""

        target = "papermill.translators"

        def find_spec(self, fullname, path=None, target=None):
            if fullname != self.target:
                return None
            import importlib.util

            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(fullname)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                register(module)

            spec.loader.exec_module = exec_module
            return spec


    if "papermill.translators" in sys.modules:
        register(sys.modules["papermill.translators"])
    elif not any(isinstance(finder, _RegisterOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())
    """#
}
