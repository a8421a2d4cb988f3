#!/usr/bin/env python3
"""Tempo's engine against PyTorch on the same training workloads, as one Markdown table.

For each workload it runs `TEMPO bench engine --workload W --threads N` and
`PYTHON bench/pytorch/workloads.py --workload W --threads N` one after the other, several rounds,
swapping which goes first each round so both see the same machine noise, and keeps each side's fastest
round. A workload that Tempo lacks or fails shows as "—"; the run goes on.

Usage:
    python bench/compare.py --tempo PATH_TO_TEMPO --python PATH_TO_BENCH_VENV_PYTHON
        [--threads 2] [--quick] [--rounds R] [--workload NAME ...]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

WORKLOADS_SCRIPT = Path(__file__).resolve().parent / "pytorch" / "workloads.py"
# Tempo's time per step over PyTorch's, at most.
GOALS = {"mlp": 0.95, "spiral": 0.15, "cnn": 1.1, "resnet": 1.2, "transformer": 1.1, "lstm": 1.0}
# mlp's GFLOP/s over raw cblas_sgemm's at the mlp shapes, at least.
SGEMM_SHARE_GOAL = 0.85
RUN_TIMEOUT_SECONDS = 1200
MISSING = "—"


def parse_result_lines(stdout: str) -> dict[str, dict[str, str]]:
    """`workload=W key=value …` lines, keyed by W; any other line is ignored."""
    results = {}
    for line in stdout.splitlines():
        fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
        if "workload" in fields:
            results[fields["workload"]] = fields
    return results


def number(text: str | None) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def run(label: str, command: list[str]) -> dict[str, dict[str, str]] | None:
    """The result lines a command printed; None (logged) if it could not start, failed or timed out."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"{label}: {error}", file=sys.stderr)
        return None
    if completed.returncode != 0:
        last_lines = " | ".join(completed.stderr.strip().splitlines()[-3:])
        print(f"{label}: exit status {completed.returncode}: {last_lines}", file=sys.stderr)
        return None
    return parse_result_lines(completed.stdout)


class Side:
    """One contestant: how to run a workload, and every measurement it gave."""

    def __init__(self, label: str, command_for):
        self.label = label
        self.command_for = command_for
        # Every result line seen, by its workload, including lines for workloads not asked for.
        self.results: dict[str, list[dict[str, str]]] = {}

    def measure(self, workload: str) -> None:
        lines = run(f"{self.label} {workload}", self.command_for(workload))
        if lines is None:
            return
        if workload not in lines:
            print(f"{self.label} {workload}: no line starting 'workload={workload}'", file=sys.stderr)
        for name, fields in lines.items():
            self.results.setdefault(name, []).append(fields)

    def values(self, workload: str, key: str) -> list[float]:
        numbers = (number(fields.get(key)) for fields in self.results.get(workload, []))
        return [n for n in numbers if n is not None]

    def fastest(self, workload: str) -> float | None:
        # Other work on the machine only ever adds time, so the best round is the least disturbed.
        return min(self.values(workload, "ms_per_step"), default=None)

    def highest(self, workload: str, key: str) -> float | None:
        return max(self.values(workload, key), default=None)


def formatted(value: float | None, digits: int) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def table(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    rows = ["| workload | Tempo ms/step | PyTorch ms/step | ratio (Tempo/PyTorch) | goal | met? "
            "| Tempo peak RSS MB | PyTorch peak RSS MB | Tempo GFLOP/s |",
            "|---|---:|---:|---:|---:|:---:|---:|---:|---:|"]
    for workload in workloads:
        tempo_ms, pytorch_ms = tempo.fastest(workload), pytorch.fastest(workload)
        ratio = tempo_ms / pytorch_ms if tempo_ms is not None and pytorch_ms else None
        met = MISSING if ratio is None else ("yes" if ratio <= GOALS[workload] else "no")
        rows.append(f"| {workload} | {formatted(tempo_ms, 3)} | {formatted(pytorch_ms, 3)} | {formatted(ratio, 3)} "
                    f"| ≤ {GOALS[workload]} | {met} | {formatted(tempo.highest(workload, 'peak_rss_mb'), 1)} "
                    f"| {formatted(pytorch.highest(workload, 'peak_rss_mb'), 1)} "
                    f"| {formatted(tempo.highest(workload, 'gflops'), 2)} |")
    return rows


def sgemm_share(tempo: Side) -> str | None:
    """mlp's GFLOP/s as a share of raw sgemm's at the mlp shapes, when Tempo reports the latter."""
    sgemm, mlp = tempo.highest("sgemm", "gflops"), tempo.highest("mlp", "gflops")
    if sgemm is None or mlp is None or sgemm <= 0:
        return None
    share = mlp / sgemm
    met = "met" if share >= SGEMM_SHARE_GOAL else "not met"
    return (f"mlp reaches {mlp:.2f} GFLOP/s = {100 * share:.1f} % of raw cblas_sgemm at the mlp shapes "
            f"({sgemm:.2f} GFLOP/s); goal ≥ {100 * SGEMM_SHARE_GOAL:.0f} %: {met}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tempo", required=True, help="the tempo executable")
    parser.add_argument("--python", required=True, help="a Python with PyTorch (the bench venv's)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="few steps and one round, for smoke runs")
    parser.add_argument("--rounds", type=int, help="alternating runs per workload (default 3, 1 with --quick)")
    parser.add_argument("--workload", action="append", choices=list(GOALS), help="repeatable; default all")
    arguments = parser.parse_args()

    quick_flag = ["--quick"] if arguments.quick else []
    common = ["--threads", str(arguments.threads), *quick_flag]
    tempo = Side("Tempo", lambda w: [arguments.tempo, "bench", "engine", "--workload", w, *common])
    pytorch = Side("PyTorch", lambda w: [arguments.python, str(WORKLOADS_SCRIPT), "--workload", w, *common])
    workloads = arguments.workload or list(GOALS)
    rounds = arguments.rounds or (1 if arguments.quick else 3)

    for round_index in range(rounds):
        for workload in workloads:
            print(f"round {round_index + 1}/{rounds}: {workload}", file=sys.stderr)
            first, second = (tempo, pytorch) if round_index % 2 == 0 else (pytorch, tempo)
            first.measure(workload)
            second.measure(workload)
            if workload == "mlp":
                # Raw sgemm at the mlp shapes: the ceiling mlp's GFLOP/s is held to, best round kept too.
                tempo.measure("sgemm")

    print("\n".join(table(workloads, tempo, pytorch)))
    share = sgemm_share(tempo)
    if share:
        print(f"\n{share}")
    print(f"\n{arguments.threads} threads; per side the fastest of {rounds} alternating round(s), each the median "
          f"of its timed blocks; peak RSS is the highest seen; a ratio at or below the goal meets it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
