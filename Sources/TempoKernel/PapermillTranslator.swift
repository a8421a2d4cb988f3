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

  /// Writes the module and its `.pth` into a site-packages: the given interpreter's when there
  /// is one (the Python that runs papermill), else the destination's.
  static func install(
    destination: Kernelspec.Destination, pythonPrefix: String?, interpreter: String? = nil
  ) -> Result<URL, Skipped> {
    let sitePackages: String?
    if let interpreter {
      sitePackages = PythonEnvironment.sitePackages(ofInterpreter: interpreter)
      guard sitePackages != nil else {
        return .failure(
          Skipped(
            description:
              "papermill translator not installed: '\(interpreter)' did not run as Python (give --python the path of the python that runs papermill)"
          ))
      }
    } else {
      switch destination {
      case .user: sitePackages = PythonEnvironment.userSitePackages()
      case .sysPrefix, .prefix: sitePackages = pythonPrefix.flatMap(PythonEnvironment.sitePackages(underPrefix:))
      }
    }
    guard let sitePackages else {
      let again: String
      switch destination {
      case .user: again = "tempo install --user"
      case .sysPrefix: again = "tempo install --sys-prefix"
      case .prefix(let path): again = "tempo install --prefix \(path)"
      }
      return .failure(
        Skipped(
          description:
            "papermill translator not installed: \(pythonPrefix ?? "this destination") has no Python site-packages. "
            + "To use papermill -p with Tempo, run `\(again) --python PYTHON` with PYTHON the interpreter that runs "
            + "papermill (e.g. the output of `which python` in its environment)"))
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
    import re
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

            @classmethod
            def inspect(cls, parameters_cell):
                """The parameters cell's `let`/`var` declarations, for `papermill --help-notebook`
                and for papermill's check of `-p` names: name, type (the annotation, or what the
                literal is), default (its text) and help (the `//` comment after it)."""
                from papermill.models import Parameter

                return [
                    Parameter(name=name, inferred_type_name=type_name, default=default, help=help_text)
                    for name, type_name, default, help_text in _declarations(parameters_cell["source"])
                ]

        return TempoTranslator


    _DECLARATION = re.compile(
        r"^\s*(?:let|var)\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(?P<type>[^=]+?))?\s*=\s*(?P<rest>.*)$"
    )


    def _scan(text):
        """Yields (index, character, in_string) over Tempo code, skipping escapes in strings."""
        quoted = False
        escaped = False
        for i, ch in enumerate(text):
            if quoted:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    quoted = False
                yield i, ch, True
            elif ch == '"':
                quoted = True
                yield i, ch, True
            else:
                yield i, ch, False


    def _split_comment(text):
        """The code and the `//` comment of a line, ignoring `//` inside string literals."""
        for i, ch, in_string in _scan(text):
            if not in_string and text.startswith("//", i):
                return text[:i].rstrip(), text[i + 2:].strip()
        return text.rstrip(), ""


    def _depth(code):
        """How many brackets and parentheses the code leaves open."""
        depth = 0
        for _, ch, in_string in _scan(code):
            if not in_string and ch in "[(":
                depth += 1
            elif not in_string and ch in "])":
                depth -= 1
        return depth


    def _is_dictionary(value):
        inner = value[1:-1].strip()
        if inner == ":":
            return True
        depth = 0
        for _, ch, in_string in _scan(inner):
            if in_string:
                continue
            if ch in "[(":
                depth += 1
            elif ch in "])":
                depth -= 1
            elif ch == ":" and depth == 0:
                return True
        return False


    def _literal_type(value):
        """The type a literal has, as papermill's --help-notebook shows it ("None": not a literal)."""
        if value in ("true", "false"):
            return "Bool"
        if value == "nil":
            return "NoneType"
        if value.startswith('"'):
            return "String"
        if re.fullmatch(r"-?[0-9][0-9_]*", value):
            return "Int"
        number = r"-?(?:[0-9][0-9_]*\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)"
        if re.fullmatch(number, value) or value.lstrip("-").startswith("Double."):
            return "Double"
        if value.startswith("[") and value.endswith("]"):
            return "Dictionary" if _is_dictionary(value) else "Array"
        if value.startswith("."):
            return "Symbol"
        return "None"


    def _declarations(source):
        """(name, type, default, help) for each declaration of the cell; a value may span lines
        while its brackets are open, and the help is the last comment on those lines."""
        found = []
        lines = source.splitlines()
        i = 0
        while i < len(lines):
            match = _DECLARATION.match(lines[i])
            i += 1
            if match is None:
                continue
            code, help_text = _split_comment(match.group("rest"))
            parts = [code]
            while _depth(" ".join(parts)) > 0 and i < len(lines):
                code, comment = _split_comment(lines[i])
                parts.append(code.strip())
                help_text = comment or help_text
                i += 1
            default = " ".join(part for part in parts if part).strip()
            type_name = (match.group("type") or "").strip() or _literal_type(default)
            found.append((match.group("name"), type_name, default, help_text))
        return found


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
