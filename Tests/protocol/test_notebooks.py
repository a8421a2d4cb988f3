"""Notebooks run headless: nbclient on the tour, and papermill with parameters of every type.

papermill runs as a CLI (`python -m papermill`) with the test prefix's interpreter, so the
translator is loaded the way a user's environment loads it: through the tempo_papermill.pth that
`tempo install` put into site-packages.
"""
import datetime
import importlib.util
import math
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook
from protocol_helpers import plain

REPO = Path(__file__).resolve().parents[2]
CLAIM_MIME = "application/vnd.tempo.claim+json"
TOUR = REPO / "notebooks" / "00-tour.ipynb"
METADATA = {
    "kernelspec": {"name": "tempo", "display_name": "Tempo", "language": "tempo"},
    "language_info": {"name": "tempo", "file_extension": ".tempo"},
}
# Cells whose only output goes to the pager (a payload, which nbclient does not store).
PAGER_CELLS = {"help-builtin", "help-value"}


def notebook(*sources: str, parameters: str | None = None):
    cells = []
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    cells += [new_code_cell(s) for s in sources]
    return new_notebook(cells=cells, metadata=METADATA)


def texts(cell) -> str:
    out = []
    for output in cell.outputs:
        if output.output_type == "stream":
            out.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            out.append(output.data.get("text/plain", ""))
    return "".join(out)


# ---- the tour


def test_the_tour_is_stored_without_outputs():
    nb = nbformat.read(TOUR, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tempo"
    assert nb.metadata.kernelspec.display_name == "Tempo"
    assert nb.metadata.language_info.name == "tempo"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id


def test_the_tour_runs_cleanly_under_nbclient(jupyter_env, tmp_path):
    nb = nbformat.read(TOUR, as_version=4)
    NotebookClient(nb, timeout=60, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}).execute()

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code_cells] == list(range(1, len(code_cells) + 1))
    for cell in code_cells:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
        if cell.id not in PAGER_CELLS:
            assert cell.outputs, f"cell {cell.id} has no output"
    by_id = {c.id: c for c in code_cells}
    assert texts(by_id["values"]).startswith("Tempo 5 2.5\n")
    [result] = [o for o in by_id["result"].outputs if o.output_type == "execute_result"]
    assert result.data["text/plain"] == "50"
    assert "Hello, Ada!" in texts(by_id["functions"])
    assert {o.output_type for o in by_id["show"].outputs} >= {"display_data", "stream"}
    assert [o.name for o in by_id["show"].outputs if o.output_type == "stream"] == ["stderr"]
    assert texts(by_id["clear"]) == "only this line remains\n"


def test_an_error_cell_stops_nbclient_with_the_family_and_the_help_line(jupyter_env, tmp_path):
    nb = notebook("let history = [1, 2]", "print(histroy)", 'print("never")')
    client = NotebookClient(nb, timeout=30, resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert failure.value.ename == "NameError"
    assert "help: did you mean 'history'?" in plain(str(failure.value))
    assert nb.cells[2].outputs == []


def test_input_under_nbclient_fails_fast_instead_of_hanging(jupyter_env, tmp_path):
    nb = notebook('let answer = input("name? ")')
    client = NotebookClient(nb, timeout=30, resources={"metadata": {"path": str(tmp_path)}})
    started = time.monotonic()
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert time.monotonic() - started < 15
    assert failure.value.ename == "InputError"


# ---- papermill, end to end

# name -> (command-line arguments, what `print(name)` must show)
LABEL = 'say "hi" \\ C:\\temp\\new \\(x) \\n\ttab café 😀 ✓ end'
PARAMETERS = {
    "epochs": (["-p", "epochs", "3"], "3"),
    "negative": (["-p", "negative", "-12"], "-12"),
    "rate": (["-p", "rate", "0.025"], "0.025"),
    "tiny": (["-p", "tiny", "1e-05"], "1e-05"),
    "whole": (["-p", "whole", "2.0"], "2.0"),
    "label": (["-p", "label", LABEL], LABEL),
    "lines": (["-y", 'lines: "first\\nsecond"'], "first\nsecond"),
    "verbose": (["-y", "verbose: true"], "true"),
    "quiet": (["-y", "quiet: false"], "false"),
    "sizes": (["-y", "sizes: [8, 16, 32]"], "[8, 16, 32]"),
    "mixed": (["-y", 'mixed: [1, "a", true, null, [2.5]]'], '[1, "a", true, nil, [2.5]]'),
    "empty": (["-y", "empty: []"], "[]"),
    "config": (
        ["-y", 'config: {lr: 0.1, name: "alrao", layers: [2, 8, 1], extra: {}}'],
        '["lr": 0.1, "name": "alrao", "layers": [2, 8, 1], "extra": [:]]',
    ),
    "nothing": (["-p", "nothing", "None"], "nil"),
}
DEFAULTS = "\n".join(
    [
        "let epochs = 10",
        "let negative = 0",
        "let rate = 0.1",
        "let tiny = 0.5",
        "let whole = 1.0",
        'let label = "default"',
        'let lines = ""',
        "let verbose = false",
        "let quiet = true",
        "let sizes = [4]",
        "let mixed: [Any] = []",
        "let empty = [1]",
        'let config = ["lr": 1.0]',
        "let nothing: Int? = 1",
    ]
)


def papermill(jupyter_env, source: Path, target: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(source), str(target), "-k", "tempo", "--no-progress-bar", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_papermill_injects_an_int_parameter(jupyter_env, tmp_path):
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(notebook('print("epochs:", epochs)', parameters="let epochs = 10"), source)
    result = papermill(jupyter_env, source, target, "-p", "epochs", "3")
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(target, as_version=4)
    assert "injected-parameters" in nb.cells[1].metadata.tags
    assert texts(nb.cells[2]) == "epochs: 3\n"
    assert nb.metadata.papermill.parameters == {"epochs": 3}


def test_papermill_knows_the_parameters_so_p_gives_no_warning(jupyter_env, tmp_path):
    """papermill's introspection reads the parameters cell: no "does not support parameter
    introspection", no "Passed unknown parameter" for a -p that names a parameter; a -p that
    names none is still warned about, as papermill does for Python."""
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(notebook('print("epochs:", epochs)', parameters="let epochs = 10  // passes"), source)
    result = papermill(jupyter_env, source, target, "-p", "epochs", "3")
    assert result.returncode == 0, result.stderr
    assert "introspection" not in result.stderr and "unknown parameter" not in result.stderr, result.stderr
    result = papermill(jupyter_env, source, target, "-p", "epoch", "3")
    assert "Passed unknown parameter: epoch" in result.stderr


def test_papermill_help_notebook_lists_the_parameters_with_types_defaults_and_help(jupyter_env, tmp_path):
    source = tmp_path / "in.ipynb"
    cell = "\n".join([
        "let epochs = 10  // passes over the data",
        'let name: String = "a // b"  // the run\'s name',
        "let rates = [",
        "  0.1, 0.01,  // large",
        "  0.001]  // the grid",
        "var config = [\"lr\": 1.0]",
        "let activation = .tanh",
        "let scale = 1e-5",
        "let off = false",
        "let nothing: Int? = nil",
    ])
    nbformat.write(notebook("print(epochs)", parameters=cell), source)
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", "--help-notebook", str(source), "-k", "tempo"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    listed = " ".join(result.stdout.split())
    for expected in [
        "epochs: Int (default 10) passes over the data",
        'name: String (default "a // b") the run\'s name',
        "rates: Array (default [ 0.1, 0.01, 0.001]) the grid",
        'config: Dictionary (default ["lr": 1.0])',
        "activation: Symbol (default .tanh)",
        "scale: Double (default 1e-5)",
        "off: Bool (default false)",
        "nothing: Int? (default nil)",
    ]:
        assert expected in listed, f"{expected!r} not in:\n{result.stdout}"
    assert "introspection" not in result.stderr


def test_papermill_round_trips_every_parameter_type(jupyter_env, tmp_path):
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    names = list(PARAMETERS)
    nbformat.write(notebook(*[f"print({name})" for name in names], parameters=DEFAULTS), source)
    args = [arg for name in names for arg in PARAMETERS[name][0]]
    result = papermill(jupyter_env, source, target, *args)
    injected = ""
    if target.exists():
        injected = nbformat.read(target, as_version=4).cells[1].source
    assert result.returncode == 0, f"{result.stderr}\ninjected cell:\n{injected}"
    nb = nbformat.read(target, as_version=4)
    shown = {name: texts(cell) for name, cell in zip(names, nb.cells[2:])}
    expected = {name: PARAMETERS[name][1] + "\n" for name in names}
    assert shown == expected, f"injected cell:\n{injected}"


def test_papermill_without_a_parameters_cell_injects_at_the_top(jupyter_env, tmp_path):
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(notebook("print(epochs * 2)"), source)
    result = papermill(jupyter_env, source, target, "-p", "epochs", "21")
    assert result.returncode == 0, result.stderr
    assert texts(nbformat.read(target, as_version=4).cells[1]) == "42\n"


def test_a_failing_cell_fails_papermill_with_the_error_name(jupyter_env, tmp_path):
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(notebook("print([1][epochs])", parameters="let epochs = 0"), source)
    result = papermill(jupyter_env, source, target, "-p", "epochs", "3")
    assert result.returncode != 0
    assert "IndexError" in result.stderr


# ---- the translator on its own


@pytest.fixture(scope="module")
def translator(jupyter_env):
    """The translator from the test prefix's tempo_papermill.py, registered in papermill.

    Loaded from its file rather than by name: the developer's own venv may hold another
    tempo_papermill (from `tempo install --sys-prefix`), registered at start-up by its .pth."""
    from papermill.translators import papermill_translators

    path = jupyter_env.site_packages / "tempo_papermill.py"
    spec = importlib.util.spec_from_file_location("tempo_papermill_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # papermill.translators is loaded, so this registers at once
    found = papermill_translators.find_translator("tempo", "tempo")
    assert found.__module__ == module.__name__, f"the registered translator comes from {found.__module__}"
    return found


def test_the_prefix_python_registers_the_translator_at_start_up(jupyter_env):
    """In a fresh interpreter of the prefix, tempo_papermill.pth makes papermill know Tempo."""
    script = (
        "import papermill.translators as t, tempo_papermill\n"
        "print(tempo_papermill.__file__)\n"
        "print(t.papermill_translators.find_translator('tempo', 'tempo').codify({'epochs': 3}, 'Parameters'))\n"
    )
    result = subprocess.run([str(jupyter_env.python), "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    module_file, *code = result.stdout.splitlines()
    assert Path(module_file).parent == jupyter_env.site_packages
    assert code[0] == "// Parameters"
    assert code[1] in ("let epochs = 3", "var epochs = 3")


VALUES = {
    "count": 3,
    "big": 2**62,
    "negative": -7,
    "ratio": 0.1,
    "small": 1.5e-300,
    "large": 6.02e23,
    "whole": 4.0,
    "infinite": math.inf,
    "negativeInfinite": -math.inf,
    "flag": True,
    "off": False,
    "nothing": None,
    "text": 'a "quote", a \\ backslash, \\(not interpolated), é, 😀, 👩‍💻',
    "controls": "tab\tnewline\nreturn\rnul\0bell\x07escape\x1bdel\x7f",
    "emptyText": "",
    "values": [1, 2.5, -3],
    "nested": {"layers": [2, 8, 1], "names": {"in": "x", "out": None}, "flags": [True, False]},
    "emptyList": [],
    "emptyDict": {},
}


def escaped(text: str) -> str:
    """A Tempo string literal for text that spells every character outside printable ASCII as
    \\u{…}, written independently of the translator under test."""
    out = []
    for ch in text:
        if " " <= ch <= "~" and ch not in '"\\':
            out.append(ch)
        else:
            out.append(f"\\u{{{ord(ch):X}}}")
    return '"' + "".join(out) + '"'


def test_the_translator_is_registered_for_the_tempo_kernel(translator):
    assert translator.__name__ != "PythonTranslator"
    code = translator.codify({"epochs": 3}, "Parameters")
    assert code.splitlines()[0] == "// Parameters"


def run_tempo(jupyter_env, program: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(jupyter_env.tempo), "run", "-"], input=program.encode(), capture_output=True, timeout=30)


def test_translated_parameters_run_in_tempo_and_keep_their_values(jupyter_env, translator):
    from papermill.translators import translate_parameters

    code = translate_parameters("tempo", "tempo", VALUES, "Parameters")
    checks = {
        "print(count, big, negative)": f"3 {2**62} -7",
        "print(ratio, small, large, whole, infinite, negativeInfinite)": "0.1 1.5e-300 6.02e+23 4.0 inf -inf",
        "print(flag, off, nothing == nil)": "true false true",
        "print(text)": VALUES["text"],
        f"print(text == {escaped(VALUES['text'])})": "true",
        f"print(controls == {escaped(VALUES['controls'])})": "true",
        "print(emptyText.isEmpty)": "true",
        "print(values)": "[1.0, 2.5, -3.0]",
        'print(nested["layers"]!, nested["names"]!, nested["flags"]!)': '[2, 8, 1] ["in": "x", "out": nil] [true, false]',
        "print(emptyList.isEmpty, emptyDict.isEmpty)": "true true",
        "print(type(of: whole), type(of: big))": "Double Int",
    }
    program = code + "\n" + "\n".join(checks) + "\n"
    result = run_tempo(jupyter_env, program)
    assert result.returncode == 0, f"{result.stderr.decode()}\nprogram:\n{program}"
    assert result.stdout.decode().splitlines() == list(checks.values()), f"program:\n{program}"


def test_unicode_line_separators_and_format_characters_stay_inside_the_string(jupyter_env, translator):
    # Python's str.splitlines() and Swift's Character.isNewline both count U+2028, U+2029 and
    # U+0085 as line breaks; written raw into a Tempo literal they end the string.
    value = "line\u2028separator\u2029paragraph\u0085next\u000bvt\u000cff\ufeffbom\u200bzwsp"
    code = translator.codify({"text": value}, "Parameters")
    program = code + f"\nprint(text == {escaped(value)}, text.count)\n"
    result = run_tempo(jupyter_env, program)
    assert result.returncode == 0, f"{result.stderr.decode()}\nprogram:\n{program}"
    assert result.stdout.decode() == f"true {len(value)}\n"


def test_a_yaml_date_becomes_a_string(jupyter_env, translator):
    # `papermill -y "start: 2024-01-02"` hands the translator a datetime.date; papermill's own
    # translators fall back to its text.
    code = translator.codify({"start": datetime.date(2024, 1, 2)}, "Parameters")
    result = run_tempo(jupyter_env, code + "\nprint(start)\n")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "2024-01-02\n"


def test_parameter_names_are_kept(translator):
    code = translator.codify({"learningRate": 0.5, "batch_size": 32}, "Parameters")
    assert "learningRate" in code and "batch_size" in code


# ---- the Fashion-MNIST notebook, with small parameters

FASHION = REPO / "notebooks" / "01-fashion-mnist.ipynb"
SMALL = {
    "trainSamples": "2000",
    "testSamples": "500",
    "mlpEpochs": "1",
    "convEpochs": "1",
    "seedCount": "2",
    "comparisonSamples": "1000",
    "comparisonEpochs": "2",
}


def test_the_fashion_notebook_is_stored_without_outputs():
    nb = nbformat.read(FASHION, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    assert any("parameters" in cell.metadata.get("tags", []) for cell in nb.cells)


def test_the_fashion_notebook_runs_under_papermill_with_small_parameters(jupyter_env, tmp_path):
    target = tmp_path / "fashion.ipynb"
    arguments = [item for name, value in SMALL.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(FASHION), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=300,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 180, f"the CI run of the notebook took {elapsed:.0f} s"
    nb = nbformat.read(target, as_version=4)
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    # Live progress: fit's display was replaced in place, so the stored output is its final state.
    progress = [o for o in outputs if o.output_type == "display_data" and "completed" in o.data.get("text/plain", "")]
    assert len(progress) >= 2, "the MLP's and the ConvNet's progress displays end as completed"
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 4, "samples, two runs and the comparison plot are figures"
    tables = [o for o in outputs if "text/html" in o.get("data", {}) and "test accuracy" in o.data["text/html"]]
    assert tables, "compare(…) shows the table"
    assert (tmp_path / "fashion-convnet.safetensors").exists()


# ---- the multirate fine-tuning notebook, with small parameters

MULTIRATE = REPO / "notebooks" / "02-multirate-finetune.ipynb"
MULTIRATE_SMALL = {
    "pretrainSamples": "600",
    "pretrainEpochs": "1",
    "fineTuneSamples": "300",
    "testSamples": "200",
    "fineTuneEpochs": "1",
    "seedCount": "2",
}


def test_the_multirate_notebook_is_stored_without_outputs():
    nb = nbformat.read(MULTIRATE, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tempo"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert parameters is next(cell for cell in nb.cells if cell.cell_type == "code"), "the first code cell"
    for name in MULTIRATE_SMALL:
        assert f"let {name} = " in parameters.source, name


def test_the_multirate_notebook_runs_under_papermill_with_small_parameters(jupyter_env, tmp_path):
    target = tmp_path / "multirate.ipynb"
    arguments = [item for name, value in MULTIRATE_SMALL.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(MULTIRATE), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=240,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 120, f"the CI run of the notebook took {elapsed:.0f} s"
    nb = nbformat.read(target, as_version=4)
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert "done: 10 runs" in "".join(texts(cell) for cell in nb.cells if cell.cell_type == "code")
    tables = [o for o in outputs if "text/html" in o.get("data", {}) and "test accuracy" in o.data["text/html"]]
    assert tables, "compare(…) shows the table"
    [comparison] = [o for o in tables if "speed-up" in o.data["text/html"]]
    plain_table = comparison.data["text/plain"]
    for arm in ["full fine-tuning", "head only", "multirate, Algorithm 1", "Algorithm 2", "h_S = h_F"]:
        assert arm in plain_table, arm
    assert "Eq. 6" in plain_table and "cost model" in plain_table
    speedups = [
        o for o in outputs if "speed-up over full fine-tuning" in o.get("data", {}).get("text/plain", "")
    ]
    assert speedups, "the measured-against-predicted table"
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 2, "the accuracy curves and accuracy against time are figures"
    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [claim["id"] for claim in claims] == ["M1", "M2", "M3"]
    assert all(claim["verdict"] in ("reproduced", "partly", "notReproduced") for claim in claims)
    assert claims[0]["against"].startswith("full fine-tuning: ")


# ---- the Alrao notebook, with small parameters

ALRAO = REPO / "notebooks" / "03-alrao.ipynb"
ALRAO_SMALL = {
    "trainSamples": "300",
    "testSamples": "200",
    "epochs": "1",
    "seedCount": "2",
}
ALRAO_GRID = ["SGD 1e-05", "SGD 0.0001", "SGD 0.001", "SGD 0.01", "SGD 0.1", "SGD 1.0", "SGD 10.0"]


def test_the_alrao_notebook_is_stored_without_outputs():
    nb = nbformat.read(ALRAO, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tempo"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert parameters is next(cell for cell in nb.cells if cell.cell_type == "code"), "the first code cell"
    for name in ALRAO_SMALL:
        assert f"let {name} = " in parameters.source, name
    assert "let seedCount = 5" in parameters.source, "at least five seeds by default"


def test_the_alrao_notebook_runs_under_papermill_with_small_parameters(jupyter_env, tmp_path):
    target = tmp_path / "alrao.ipynb"
    arguments = [item for name, value in ALRAO_SMALL.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(ALRAO), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=240,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 120, f"the CI run of the notebook took {elapsed:.0f} s"
    nb = nbformat.read(target, as_version=4)
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(texts(cell) for cell in nb.cells if cell.cell_type == "code")
    assert "done: 18 runs" in printed, "Alrao, seven SGD rates and Adam, two seeds each"

    # The comparison has every arm, and the Alrao-against-best-SGD table names the best rate.
    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {})]
    [comparison] = [t for t in tables if t.startswith("Fashion-MNIST, MLP 784-256-256-10 tanh")]
    for arm in ["Alrao-SGD [1e-05, 10.0], 10 copies", *ALRAO_GRID, "Adam 0.001"]:
        assert any(line.startswith(arm + " ") for line in comparison.splitlines()), arm
    [against_best] = [t for t in tables if t.startswith("Alrao and Adam against the best SGD rate")]
    assert any(f"({rate})" in against_best.splitlines()[0] for rate in ALRAO_GRID)

    # The switch: a heatmap of copies against steps, the posterior table, the rates' histogram.
    figures = {o.data["text/plain"]: o.data["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})}
    [heatmap] = [text for text in figures if "heatmap chart" in text]
    assert "heatmap 10 × " in heatmap and "of switch weight" in heatmap
    assert figures[heatmap].lstrip().startswith("<svg")
    [histogram] = [text for text in figures if "histogram chart" in text]
    assert "512 values in 12 log bins" in histogram, "one rate per hidden unit, 2 × 256"
    assert "copies' rates: [1e-05, " in printed and ", 10.0]" in printed
    assert any(t.startswith("switch weight of each copy after a few steps") for t in tables)

    # Divergence: plain SGD at 100 on the ReLU net ends diverged in every seed; Alrao up to 100 does not.
    [large] = [t for t in tables if t.startswith("η = 100.0: plain SGD against Alrao")]
    rows = {line.split("  ")[0]: line for line in large.splitlines()[3:]}
    assert "2 (2 stopped)" in rows["SGD 100.0, ReLU"]
    assert "stopped" not in rows["Alrao-SGD [1e-05, 100.0], ReLU"]
    assert "stopped" not in rows["Alrao-SGD [1e-05, 100.0], tanh"]
    for seed in (0, 1):
        assert f"SGD 100.0, ReLU, seed {seed}: diverged: loss " in printed
    warnings = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert all("kept and marked; going on" in line for text in warnings for line in text.splitlines())
    shown = [o.data["text/plain"] for o in outputs if o.output_type == "execute_result"]
    [diverged] = [text for text in shown if text.startswith("Run: MLP") and "SGD(learningRate: 100.0)" in text]
    assert "— diverged: loss " in diverged.splitlines()[1]
    [trained] = [text for text in shown if text.startswith("Run: MLP") and "maxLearningRate: 100.0" in text]
    assert "— completed" in trained and "Alrao posterior over copies: η 1e-05: " in trained
    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [claim["id"] for claim in claims] == ["A1", "A2b"]
    assert claims[0]["ours"].startswith("Alrao-SGD [1e-05, 10.0], 10 copies: ")
    assert " over 2 seeds" in claims[0]["ours"]
