"""notebooks/07-multirate-nlp.ipynb: stored clean, and under papermill with its CI parameters it
pre-trains, fine-tunes every arm and prints the tables, figures and claims it promises
(structure, never the numbers)."""
import json
import subprocess
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "07-multirate-nlp.ipynb"
CLAIM_MIME = "application/vnd.tempo.claim+json"
KS = [3, 5, 10]
ARMS = ["full fine-tuning"] + [f"multirate k = {k}, head fast" for k in KS] + [
    f"multirate k = {k}, last block + head fast" for k in KS
]


def test_the_nlp_notebook_is_stored_without_outputs_and_declares_its_parameters():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "tempo"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    [parameters] = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert parameters is next(cell for cell in nb.cells if cell.cell_type == "code"), "the first code cell"
    for name in nb.metadata.tempo.ci_parameters:
        assert f"let {name} = " in parameters.source, name
    assert "let seedCount = 5" in parameters.source, "the defaults run five seeds per arm"
    assert "let ks = [3, 5, 10]" in parameters.source
    sources = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert 'claim("M4"' in sources and 'claim("M1b"' in sources
    assert sum("report-figure" in cell.metadata.get("tags", []) for cell in nb.cells) == 2


def test_the_nlp_notebook_runs_under_papermill_with_its_ci_parameters(jupyter_env, tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    target = tmp_path / NOTEBOOK.name
    arguments = [item for name, value in nb.metadata.tempo.ci_parameters.items() for item in ("-p", name, str(value))]
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
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"done: {len(ARMS) * 2} runs" in printed
    assert "Rotten Tomatoes" in printed and "fresh" in printed
    tables = [o.data["text/plain"] for o in outputs if "text/html" in o.get("data", {}) and "text/plain" in o.data]
    [comparison] = [t for t in tables if "Fine-tuning a fortunes-pre-trained character Transformer" in t]
    for arm in ARMS:
        assert arm in comparison, arm
    [trade_off] = [t for t in tables if "Table A4 analogue" in t]
    assert "last block + head" in trade_off and "in-run measured" in trade_off
    claims = [o.data[CLAIM_MIME] for o in outputs if CLAIM_MIME in o.get("data", {})]
    claims = [json.loads(claim) if isinstance(claim, str) else claim for claim in claims]
    assert sorted(claim["id"] for claim in claims) == ["M1b", "M4"]
    assert all(claim["verdict"] in ("reproduced", "partly", "notReproduced") for claim in claims)
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 3, "accuracy against time, the min–max bands and accuracy against k"
    assert not [o for o in outputs if o.output_type == "stream" and "Traceback" in o.text]
