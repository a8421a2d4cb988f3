#!/usr/bin/env python3
"""Run the reproduction notebooks and write the report from what they printed.

A reproduction notebook is one whose metadata has a `tempo.ci_parameters` entry (the small
parameters CI runs it with). `make reproduce` runs each with its defaults through papermill,
keeps the executed copy (outputs included) under reproductions/, and regenerates
docs/reproductions.md from the claims (`claim(…)` outputs, JSON of type
application/vnd.tempo.claim+json) and the figures of cells tagged `report-figure`. The report is
never typed by hand: rerun this script.

    scripts/reproduce.py --python .venv/bin/python                  # every notebook, then the report
    scripts/reproduce.py --python .venv/bin/python --only 04-slow-biases-spiral
    scripts/reproduce.py --report-only                              # the report from reproductions/
"""
from __future__ import annotations

import argparse
import datetime
import html
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLAIM_MIME = "application/vnd.tempo.claim+json"
FIGURE_TAG = "report-figure"

# The rows issue 17 asks for, in the report's order; a claim id such as "M5b" sorts under "M5".
REQUIRED_ROWS = [
    ("M1", "Multirate fine-tuning: equal accuracy, faster"),
    ("M2", "Linear drift of the slow part against no drift"),
    ("M3", "h_S = k·h_F against h_S = h_F"),
    ("M4", "The k trade-off"),
    ("M5", "Slow biases on the four-turn spiral"),
    ("M6", "Random-subgroup multirate regularises"),
    ("M7", "Two time scales on patch-augmented images"),
    ("A1", "Alrao close to tuned SGD"),
    ("A2", "Robust to the learning-rate interval"),
    ("A3", "The switch posterior concentrates"),
    ("A4", "Alrao-Adam overfits"),
    ("MA", "Multirate × Alrao (beyond both papers)"),
]
VERDICT_TEXT = {"reproduced": "reproduced", "partly": "partly", "notReproduced": "not reproduced"}


@dataclass
class Executed:
    name: str
    path: Path
    claims: list[dict] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (caption, svg)
    errors: list[str] = field(default_factory=list)
    seconds: float | None = None
    started: str | None = None
    parameters: dict = field(default_factory=dict)


def reproduction_notebooks() -> list[Path]:
    found = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        metadata = json.loads(path.read_text()).get("metadata", {})
        if "ci_parameters" in metadata.get("tempo", {}):
            found.append(path)
    return found


def run(notebook: Path, python: str, target: Path, parameters: dict[str, str]) -> float:
    arguments = [item for name, value in parameters.items() for item in ("-p", name, value)]
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        # The notebook runs in a scratch folder so files it saves do not land in the repository.
        command = [python, "-m", "papermill", str(notebook), str(target), "-k", "tempo", "--cwd", scratch,
                   "--no-progress-bar", *arguments]
        result = subprocess.run(command, text=True, capture_output=True)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"{notebook.name} failed after {elapsed:.0f} s; the partial notebook is {target}")
    return elapsed


def read_executed(path: Path) -> Executed:
    nb = json.loads(path.read_text())
    executed = Executed(name=path.stem, path=path)
    papermill = nb.get("metadata", {}).get("papermill", {})
    executed.seconds = papermill.get("duration")
    executed.started = papermill.get("start_time")
    executed.parameters = papermill.get("parameters", {})
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                executed.errors.append(f"{output.get('ename')}: {output.get('evalue')}")
            data = output.get("data", {})
            if CLAIM_MIME in data:
                claim = data[CLAIM_MIME]
                executed.claims.append(json.loads(claim) if isinstance(claim, str) else claim)
            if FIGURE_TAG in tags and "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                svg = "".join(svg) if isinstance(svg, list) else svg
                caption = data.get("text/plain", "")
                caption = "".join(caption) if isinstance(caption, list) else caption
                executed.figures.append((caption.strip(), svg))
    return executed


def row_key(claim_id: str) -> tuple[int, str]:
    order = [row for row, _ in REQUIRED_ROWS]
    base = re.match(r"[A-Z]+\d*", claim_id)
    prefix = base.group(0) if base else claim_id
    return (order.index(prefix) if prefix in order else len(order), claim_id)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO, text=True, capture_output=True)
    return result.stdout.strip() or "unknown"


def write_report(executed: list[Executed], report: Path, figures_dir: Path) -> None:
    figures_dir.mkdir(parents=True, exist_ok=True)
    for old in figures_dir.glob("*.svg"):
        old.unlink()
    claims = [(claim, notebook) for notebook in executed for claim in notebook.claims]
    claims.sort(key=lambda pair: row_key(pair[0]["id"]))
    lines = [
        "# Reproductions",
        "",
        "Generated by `make reproduce` (`scripts/reproduce.py`) from the executed notebooks in",
        "`reproductions/`; do not edit by hand — rerun it. Each verdict was computed inside its notebook",
        "by a criterion written in the cell before the run, never typed after seeing the numbers.",
        "",
        f"Report written {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC at commit "
        f"{git_commit()} on {platform.machine()} ({_cpu_count()} logical cores).",
        "",
        "| row | claim | paper's figure | paper | ours | verdict | notebook |",
        "|---|---|---|---|---|---|---|",
    ]
    for claim, notebook in claims:
        ours = claim["ours"] + (f"; against {claim['against']}" if claim.get("against") else "")
        verdict = VERDICT_TEXT.get(claim["verdict"], claim["verdict"])
        lines.append(
            f"| {cell(claim['id'])} | {cell(claim['statement'])} | {cell(claim['figure'])} | {cell(claim['paper'])} "
            f"| {cell(ours)} | **{verdict}** — {cell(claim['why'])} | [{notebook.name}](../reproductions/{notebook.name}.ipynb) |"
        )
    covered = {row_key(claim["id"])[0] for claim, _ in claims}
    missing = [(row, title) for index, (row, title) in enumerate(REQUIRED_ROWS) if index not in covered]
    for row, title in missing:
        lines.append(f"| {row} | {title} | | | not run yet | **missing** | |")
    total = sum(notebook.seconds or 0 for notebook in executed)
    lines += ["", "## Notebooks", "", "| notebook | started (UTC) | wall time | claims | errors |", "|---|---|---:|---:|---:|"]
    for notebook in executed:
        minutes = f"{notebook.seconds / 60:.1f} min" if notebook.seconds else "–"
        lines.append(
            f"| [{notebook.name}](../reproductions/{notebook.name}.ipynb) | {(notebook.started or '–')[:16]} "
            f"| {minutes} | {len(notebook.claims)} | {len(notebook.errors)} |")
    lines += ["", f"Total wall time of the notebooks: {total / 60:.1f} min (each run separately; see the table).", ""]
    for notebook in executed:
        if not notebook.figures:
            continue
        lines += [f"## {notebook.name}", ""]
        for index, (caption, svg) in enumerate(notebook.figures, start=1):
            name = f"{notebook.name}-{index}.svg"
            (figures_dir / name).write_text(svg)
            alt = html.escape(caption.splitlines()[0] if caption else name)
            lines += [f"![{alt}](reproductions/{name})", ""]
    report.write_text("\n".join(lines))


def _cpu_count() -> int:
    import os
    return os.cpu_count() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"),
                        help="the interpreter with papermill and the tempo kernelspec")
    parser.add_argument("--only", action="append", default=[], help="run only this notebook (name without .ipynb)")
    parser.add_argument("--report-only", action="store_true", help="write the report from reproductions/ only")
    parser.add_argument("--ci-parameters", action="store_true",
                        help="run with each notebook's small CI parameters (a smoke run, not a reproduction)")
    parser.add_argument("--output", default=str(REPO / "reproductions"), help="where executed notebooks go")
    parser.add_argument("--report", default=str(REPO / "docs" / "reproductions.md"))
    options = parser.parse_args()

    output = Path(options.output)
    if not options.report_only:
        notebooks = reproduction_notebooks()
        if options.only:
            wanted = set(options.only)
            notebooks = [path for path in notebooks if path.stem in wanted]
            unknown = wanted - {path.stem for path in notebooks}
            if unknown:
                raise SystemExit(f"no reproduction notebook named {sorted(unknown)}; see notebooks/*.ipynb")
        for notebook in notebooks:
            parameters = {}
            if options.ci_parameters:
                parameters = json.loads(notebook.read_text())["metadata"]["tempo"]["ci_parameters"]
            print(f"{notebook.name}: running …", flush=True)
            seconds = run(notebook, options.python, output / notebook.name, parameters)
            print(f"{notebook.name}: {seconds / 60:.1f} min", flush=True)
    executed = [read_executed(path) for path in sorted(output.glob("*.ipynb"))]
    report = Path(options.report)
    write_report(executed, report, report.parent / "reproductions")
    failed = [f"{notebook.name}: {error}" for notebook in executed for error in notebook.errors]
    print(f"wrote {report} ({sum(len(n.claims) for n in executed)} claims from {len(executed)} notebooks)")
    if failed:
        raise SystemExit("error outputs in executed notebooks:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
