"""Notebook 08 (Alrao's robustness) under papermill with its CI parameters: every experiment's
arms, tables and figures are there, and one claim per claim it tests. Structure, never numbers."""
import subprocess
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
CLAIM_MIME = "application/vnd.tempo.claim+json"
NOTEBOOK = REPO / "notebooks" / "08-alrao-robustness.ipynb"
CLAIM_IDS = ["A2", "A2c", "A3", "A3b", "A2e", "A2f", "A1r"]


def outputs_of(nb):
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]


def texts(nb) -> str:
    out = []
    for output in outputs_of(nb):
        if output.output_type == "stream":
            out.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            out.append(output.data.get("text/plain", ""))
    return "".join(out)


def test_the_notebook_declares_the_real_experiment_as_its_defaults():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    for line in ["let epochs = 30", "let sgdEpochs = 50", "let seedCount = 5", "let classifiers = 10"]:
        assert line in parameters.source, line
    assert "let minExponents = [-6, -5, -4, -3, -2, -1, 0]" in parameters.source, "the paper's η_min range"
    assert "let maxExponents = [-3, -2, -1, 0, 1, 2]" in parameters.source, "the paper's η_max range"
    assert set(nb.metadata.tempo.ci_parameters) == {"epochs", "sgdEpochs", "gridSeeds", "seedCount", "regressionEpochs"}
    tagged = [cell.id for cell in nb.cells if "report-figure" in cell.metadata.get("tags", [])]
    assert tagged == ["heatmap-accuracy", "posterior-heatmap"]


def test_the_notebook_runs_with_its_ci_parameters_and_shows_every_experiment(jupyter_env, tmp_path):
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
    assert elapsed < 90, f"the CI run of notebook 08 took {elapsed:.0f} s"
    executed = nbformat.read(target, as_version=4)
    outputs = outputs_of(executed)
    assert not [o for o in outputs if o.output_type == "error"]
    printed = texts(executed)
    warnings = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert all("kept and marked; going on" in line for text in warnings for line in text.splitlines())

    # E-A2: 32 intervals and 9 diagonal rates, in one table and two 9 × 9 heatmaps named by rate.
    assert "triangle: 32 Alrao intervals and 9 SGD rates, 1 seeds each" in printed
    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {})]
    [triangle] = [t for t in tables if t.startswith("the triangle: digits, MLP 64-256-256-10 tanh")]
    for arm in ["SGD 1e-6", "SGD 100", "Alrao [1e-6, 1e-3]", "Alrao [1, 100]", "Alrao [1e-5, 10]"]:
        assert any(line.startswith(arm + " ") for line in triangle.splitlines()), arm
    figures = {o.data["text/plain"]: o.data["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})}
    grids = [text for text in figures if "heatmap 9 × 9" in text]
    assert len(grids) == 2 and any("of test accuracy (%)" in t for t in grids) and any("of test loss" in t for t in grids)
    for text in grids:
        svg = figures[text]
        assert ">1e-6</text>" in svg and ">100</text>" in svg, "rows and columns named by their rates"
    assert any(t.startswith("intervals that contain a good SGD rate") for t in tables)

    # E-A3: the posterior heatmap (10 copies) and the per-seed table.
    assert any("heatmap 10 × " in text and "of switch weight" in text for text in figures)
    assert any(t.startswith("the switch in every seed (2 seeds)") for t in tables)

    # E-A4, E-A5, E-A6: their comparisons.
    [sampling] = [t for t in tables if t.startswith("per-feature against per-weight rates")]
    for hi in ["1.0", "10.0", "100.0"]:
        for kind in ["per feature", "per weight"]:
            assert f"Alrao [1e-05, {hi}], {kind}" in sampling, (hi, kind)
    [fraction] = [t for t in tables if t.startswith("a random fraction γ of the features trained")]
    for gamma in ["0.1", "0.25", "0.5", "1.0"]:
        assert f", γ = {gamma} " in fraction, gamma
    [regression] = [t for t in tables if t.startswith("regression toy: test mean squared error")]
    assert "Alrao [1e-05, 1.0], 10 copies" in regression and "SGD 1e-05" in regression and "SGD 1.0" in regression
    assert "10 copies, best copy" in regression and "10 copies, posterior mean" in regression, "both prediction rules"
    [per_seed] = [t for t in tables if t.startswith("Alrao [1e-05, 1.0] on the regression toy, per seed")]
    rows = per_seed.split("─\n", 1)[1].splitlines()
    assert len(rows) == 2 and all(row.rstrip().endswith("yes") for row in rows), "the rule never changes training"

    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [claim["id"] for claim in claims] == CLAIM_IDS
    assert all(claim["verdict"] in ("reproduced", "partly", "notReproduced") for claim in claims)
    assert all(claim["ours"] and claim["paper"] and claim["why"] for claim in claims)
