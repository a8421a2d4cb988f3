"""Notebook 06 (the multirate paper's patch experiment, E-M4): its structure with the small CI
parameters — the three arms, the three evaluation sets in every table and figure, the claims.
Never the numbers."""
import subprocess
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
PATCH = REPO / "notebooks" / "06-patch-two-timescales.ipynb"
CLAIM_MIME = "application/vnd.tempo.claim+json"
ARMS = ["small lr 0.004", "large lr 0.1", "composite h_F 0.004, h_S 0.1, k 25"]
SETS = ["clean", "augmented", "patch only"]


def test_the_patch_notebook_defaults_are_the_real_experiment():
    nb = nbformat.read(PATCH, as_version=4)
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    for line in ["let side = 3", "let seedCount = 5", "let batchSize = 128", "let smallRate = 0.004",
                 "let largeRate = 0.1", "let k = 25", "let momentum = 0.9", "let weightDecay = 0.0005"]:
        assert line in parameters.source, line
    ci = nb.metadata.tempo.ci_parameters
    assert int(ci["seedCount"]) >= 2 and int(ci["epochs"]) <= 3


def test_the_patch_notebook_runs_its_arms_on_every_set_with_the_ci_parameters(jupyter_env, tmp_path):
    nb = nbformat.read(PATCH, as_version=4)
    target = tmp_path / PATCH.name
    arguments = [item for name, value in nb.metadata.tempo.ci_parameters.items() for item in ("-p", name, value)]
    started = time.monotonic()
    result = subprocess.run(
        [str(jupyter_env.python), "-m", "papermill", str(PATCH), str(target), "-k", "tempo", "--no-progress-bar",
         "--cwd", str(tmp_path), *arguments],
        capture_output=True, text=True, timeout=240,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 90, f"the CI run of the notebook took {elapsed:.0f} s"
    executed = nbformat.read(target, as_version=4)
    outputs = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "done: 6 runs" in printed, "three arms, two seeds each"
    assert "patchOnly: 200 samples" in printed

    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {})]
    [final] = [t for t in tables if t.startswith("final accuracy, 2 epochs, 2 seeds")]
    for header in SETS:
        assert f"{header}: mean [min, max]" in final, header
    for arm in ARMS:
        assert any(line.startswith(arm + " ") for line in final.splitlines()), arm
    for title, set_name in [("clean test set", "clean"), ("patch-only set", "patch only")]:
        [comparison] = [t for t in tables if t.startswith(title)]
        for arm in ARMS:
            assert f"{arm} ({set_name})" in comparison, (title, arm)
    assert any(t.startswith("when the patch is learned") for t in tables)

    # The key figure: one panel per evaluation set, each with a band per arm.
    report = [
        o for cell in executed.cells if "report-figure" in cell.metadata.get("tags", [])
        for o in cell.outputs if "image/svg+xml" in o.get("data", {})
    ]
    assert len(report) == 1
    summary = report[0].data["text/plain"]
    for set_name in SETS:
        assert set_name in summary, set_name
    assert report[0].data["image/svg+xml"].lstrip().startswith("<svg")

    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    assert [claim["id"] for claim in claims] == ["M7a", "M7b", "M7"]
    assert claims[0]["ours"].startswith("small lr 0.004 (patch only): ") and " over 2 seeds" in claims[0]["ours"]
    assert claims[1]["ours"].startswith("large lr 0.1 (clean): ")
    assert claims[2]["ours"].startswith("composite: patch only ")
    for claim in claims:
        assert claim["verdict"] in ("reproduced", "partly", "notReproduced")
