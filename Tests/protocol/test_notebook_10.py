"""Notebook 10 (multirate meets Alrao) under papermill with its CI parameters: every arm is in the
comparison, the robustness and speed-up tables are titled, the figures and the MA claim are there.
Structure only, never the numbers."""
import subprocess
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "10-multirate-meets-alrao.ipynb"
CLAIM_MIME = "application/vnd.tempo.claim+json"
RATES = ["0.01", "0.03", "0.1", "0.3"]
INTERVALS = ["[1e-05, 10.0]", "[0.001, 1.0]", "[0.0001, 100.0]"]


def test_notebook_10_declares_its_arms_and_says_it_goes_beyond_both_papers():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.tempo.ci_parameters == {
        "trainSamples": "300", "testSamples": "200", "epochs": "1", "seedCount": "2"}
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert "let seedCount = 5" in parameters.source, "at least five seeds by default"
    assert "Beyond both papers" in nb.cells[0].source
    code = "".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert "Multirate(Alrao(" in code and 'claim("MA"' in code


def test_notebook_10_runs_under_papermill_with_its_ci_parameters(jupyter_env, tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    target = tmp_path / NOTEBOOK.name
    arguments = [item for name, value in nb.metadata.tempo.ci_parameters.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(NOTEBOOK), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=300,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 90, f"the CI run of the notebook took {elapsed:.0f} s"
    executed = nbformat.read(target, as_version=4)
    outputs = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    assert "done: 28 runs" in printed, "four SGD rates, four multirate rates, three intervals twice; two seeds each"

    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {})]
    [comparison] = [t for t in tables if t.startswith("Fashion-MNIST, MLP 784-256-256-10 tanh")]
    arms = ([f"SGD {rate}" for rate in RATES] + [f"multirate SGD {rate}, k = 5" for rate in RATES]
            + [f"Alrao {interval}" for interval in INTERVALS]
            + [f"multirate × Alrao {interval}, k = 5" for interval in INTERVALS])
    for arm in arms:
        assert any(line.startswith(arm + " ") for line in comparison.splitlines()), arm
    assert any(t.startswith("the combination against Alrao on each interval") for t in tables)
    [speedups] = [t for t in tables if t.startswith("Speed-up, k = 5")]
    for interval in INTERVALS:
        assert f"multirate × Alrao {interval}, k = 5" in speedups

    figures = [o.data["text/plain"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert any("over Alrao's interval" in f for f in figures), "the robustness bars"
    assert any("test accuracy per epoch" in f for f in figures), "the curves with bands"
    report = [cell for cell in nb.cells if "report-figure" in cell.metadata.get("tags", [])]
    assert len(report) == 2

    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [c["id"] for c in claims] == ["MA"]
    assert claims[0]["verdict"] in ("reproduced", "partly", "notReproduced")
