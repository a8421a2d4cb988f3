"""Notebook 09 (Alrao on a character LSTM, and Alrao with Adam): its structure under papermill
with the small CI parameters — the arms in their tables, bits per character where the text runs
are, the two claims — never its numbers.
"""
import subprocess
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "09-alrao-lstm-adam.ipynb"
CLAIM_MIME = "application/vnd.tempo.claim+json"
LSTM_ARMS = ["SGD 1.0", "Alrao-SGD [0.001, 100.0], 6 copies", "Adam 0.001"]
DIGITS_ARMS = ["Alrao-Adam [1e-05, 10.0]", "Alrao-Adam [1e-05, 0.1]", "Adam 0.001", "Alrao-SGD [1e-05, 10.0]"]


def test_the_notebook_defaults_are_the_real_experiment():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    for line in ["let lstmSeeds = 5", "let digitsSeeds = 5", "let sequenceLength = 70", "let lstmBatchSize = 20",
                 "let embedding = 100", "let hidden = 100", "let lstmLayers = 2", "let clipNorm = 0.25",
                 "let sgdRate = 1.0", "let alraoMin = 1e-3", "let alraoMax = 100.0", "let lstmCopies = 6",
                 "let digitsEpochs = 50"]:
        assert line in parameters.source, line
    claims = [cell.source for cell in nb.cells if cell.cell_type == "code" and "claim(" in cell.source]
    assert any('claim("A1c"' in source and "metric: .testBitsPerCharacter" in source for source in claims)
    assert any('claim("A4"' in source for source in claims)
    assert len([c for c in nb.cells if "report-figure" in c.metadata.get("tags", [])]) == 2


def test_the_notebook_runs_with_its_ci_parameters_and_has_every_arm(jupyter_env, tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    target = tmp_path / NOTEBOOK.name
    arguments = [item for name, value in nb.metadata.tempo.ci_parameters.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(NOTEBOOK), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=360,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 90, f"the CI run of the notebook took {elapsed:.0f} s"
    executed = nbformat.read(target, as_version=4)
    outputs = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {})]

    # The LSTM comparison has its three arms and the bits-per-character columns.
    [lstm] = [t for t in tables if t.startswith("character LSTM 2×16 on common-licenses")]
    assert "test bits/char" in lstm.splitlines()[1]
    for arm in LSTM_ARMS:
        assert any(line.startswith(arm + " ") for line in lstm.splitlines()), arm
    assert any(t.startswith("final test bits per character per seed") for t in tables)
    assert any(t.startswith("Alrao's leading copy at the end") for t in tables)
    [check] = [t for t in tables if t.startswith("SGD's rate against its neighbours on the validation part")]
    assert all(rate in check for rate in ["0.1", "1.0", "10.0"])

    # The digits comparison has its four arms and no bits columns; the overfitting table too.
    [digits] = [t for t in tables if t.startswith("digits MLP 64-256-256-10 tanh")]
    assert "bits/char" not in digits
    for arm in DIGITS_ARMS:
        assert any(line.startswith(arm + " ") for line in digits.splitlines()), arm
    [overfit] = [t for t in tables if t.startswith("overfitting and instability")]
    assert "rise (final − best)" in overfit

    figures = [o.data["text/plain"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert any("test bits per character" in text for text in figures)
    assert any("heatmap chart" in text and "heatmap 6 × " in text for text in figures)
    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [claim["id"] for claim in claims] == ["A1c", "A4"]
    assert claims[0]["metric"] == "test bits per character"
    assert claims[0]["ours"].startswith("Alrao-SGD [0.001, 100.0], 6 copies: ")
    assert claims[1]["ours"].startswith("Alrao-Adam [1e-05, 10.0]: ")
