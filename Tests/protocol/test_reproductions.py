"""Every reproduction notebook runs under papermill with its small CI parameters, and the report
generator turns what they printed into docs/reproductions.md's table.

A reproduction notebook is one with `tempo.ci_parameters` metadata (scripts/reproduce.py finds
them the same way). This checks structure, never the numbers: no error output, the tables, the
figures and the claims each notebook promises. The executed copies committed under reproductions/
are checked to be runs with the defaults, whose claims match the notebook's claim cells.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
CLAIM_MIME = "application/vnd.tempo.claim+json"
sys.path.insert(0, str(REPO / "scripts"))
import reproduce  # noqa: E402

NOTEBOOKS = reproduce.reproduction_notebooks()
# The whole set runs in CI within this budget (issue 17: ≤ 10 minutes for all of them together).
PER_NOTEBOOK_SECONDS = 90
EXECUTED: dict[str, Path] = {}
# These run under papermill in test_notebooks.py, whose checks include their claims; running them
# twice would only spend CI time.
RUN_ELSEWHERE = {"02-multirate-finetune", "03-alrao"} | {
    path.stem for path in NOTEBOOKS if (Path(__file__).parent / f"test_notebook_{path.stem[:2]}.py").exists()
}


def outputs_of(nb):
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]


def claims_of(nb) -> list[dict]:
    return [output.data[CLAIM_MIME] for output in outputs_of(nb) if CLAIM_MIME in output.get("data", {})]


def test_there_are_reproduction_notebooks():
    assert len(NOTEBOOKS) >= 2, [path.name for path in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_the_notebook_is_stored_without_outputs_and_declares_its_parameters(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tempo"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert parameters is next(cell for cell in nb.cells if cell.cell_type == "code"), "the first code cell"
    for name in nb.metadata.tempo.ci_parameters:
        assert f"let {name} = " in parameters.source, f"{name} is in ci_parameters but not a parameter"
    assert any("claim(" in cell.source for cell in nb.cells if cell.cell_type == "code"), "no claim(…) cell"
    assert any("report-figure" in cell.metadata.get("tags", []) for cell in nb.cells), "no report-figure cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_the_notebook_runs_with_its_ci_parameters(jupyter_env, tmp_path_factory, path):
    if path.stem in RUN_ELSEWHERE:
        pytest.skip("run by test_notebooks.py")
    nb = nbformat.read(path, as_version=4)
    parameters = nb.metadata.tempo.ci_parameters
    target = tmp_path_factory.mktemp("reproductions") / path.name
    arguments = [item for name, value in parameters.items() for item in ("-p", name, str(value))]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(path), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(target.parent), *arguments],
        capture_output=True, text=True, timeout=4 * PER_NOTEBOOK_SECONDS,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < PER_NOTEBOOK_SECONDS, f"the CI run of {path.name} took {elapsed:.0f} s"
    executed = nbformat.read(target, as_version=4)
    outputs = outputs_of(executed)
    assert not [o for o in outputs if o.output_type == "error"]
    assert [o for o in outputs if "text/html" in o.get("data", {})], "at least one table"
    assert [o for o in outputs if "image/svg+xml" in o.get("data", {})], "at least one figure"
    claims = claims_of(executed)
    assert claims, "at least one claim"
    for claim in claims:
        assert claim["verdict"] in reproduce.VERDICT_TEXT, claim
        assert reproduce.row_key(claim["id"])[0] < len(reproduce.REQUIRED_ROWS), f"unknown row {claim['id']}"
        assert claim["ours"] and claim["paper"] and claim["why"], claim
    figures = [
        o for cell in executed.cells if "report-figure" in cell.metadata.get("tags", [])
        for o in cell.get("outputs", []) if "image/svg+xml" in o.get("data", {})
    ]
    assert figures, "the report-figure cells drew their figures"
    EXECUTED[path.stem] = target


def test_the_report_is_generated_from_the_executed_notebooks(tmp_path):
    """From the notebooks this session ran, or else from the committed reproductions."""
    sources = EXECUTED or {path.stem: path for path in sorted((REPO / "reproductions").glob("*.ipynb"))}
    if not sources:
        pytest.skip("no executed notebook to report on")
    output = tmp_path / "reproductions"
    output.mkdir()
    for name, path in sources.items():
        (output / f"{name}.ipynb").write_bytes(path.read_bytes())
    report = tmp_path / "docs" / "reproductions.md"
    report.parent.mkdir()
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "reproduce.py"), "--report-only", "--output", str(output),
         "--report", str(report)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text = report.read_text()
    executed = [reproduce.read_executed(output / f"{name}.ipynb") for name in sources]
    for notebook in executed:
        for claim in notebook.claims:
            assert f"| {claim['id']} |" in text, claim["id"]
    figures = sorted((report.parent / "reproductions").glob("*.svg"))
    assert len(figures) == sum(len(notebook.figures) for notebook in executed)
    assert all(figure.read_text().lstrip().startswith("<svg") for figure in figures)


COMMITTED = sorted((REPO / "reproductions").glob("*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED, ids=[path.stem for path in COMMITTED])
def test_a_committed_reproduction_is_a_full_run_of_its_notebook(path):
    source = REPO / "notebooks" / path.name
    assert source.exists(), f"{path.name} has no notebook in notebooks/"
    executed = json.loads(path.read_text())
    papermill = executed["metadata"].get("papermill", {})
    assert papermill.get("parameters") == {}, "a reproduction runs with the notebook's defaults"
    assert not [o for o in outputs_of(nbformat.reads(path.read_text(), as_version=4)) if o.output_type == "error"]
    # The JSON keeps a cell's source as a list of lines (nbformat's writer splits them).
    ran = [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in executed["cells"] if cell["cell_type"] == "code"
    ]
    stored = [cell.source for cell in nbformat.read(source, as_version=4).cells if cell.cell_type == "code"]
    assert ran == stored, "the executed copy is of the notebook as it is now"
