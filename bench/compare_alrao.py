#!/usr/bin/env python3
"""Alrao in Tempo and in PyTorch, plain SGD steps against Alrao steps, as one Markdown table.

For each workload it runs `TEMPO bench alrao --workload W --threads N` and
`PYTHON bench/pytorch/alrao.py --workload W --threads N` one after the other, several rounds, swapping
which goes first each round so both see the same machine noise. Each run already alternates SGD and
Alrao blocks inside itself and keeps the fastest of each; across runs a side keeps its least disturbed
run whole (the lowest sgd_ms + alrao_ms), so a ratio never mixes two runs. A workload a side lacks or
fails shows as "—"; the run goes on.

Usage:
    python bench/compare_alrao.py --tempo PATH_TO_TEMPO --python PATH_TO_BENCH_VENV_PYTHON
        [--threads 2] [--copies 10] [--quick] [--rounds R] [--workload NAME ...]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compare import MISSING, formatted, number, run

ALRAO_SCRIPT = Path(__file__).resolve().parent / "pytorch" / "alrao.py"
WORKLOADS = ["cnn", "transformer", "mlp"]
# The goals of the Alrao issue (bench/README.md, "Alrao"): Tempo's Alrao step over its own SGD step,
# at most, and Tempo's Alrao step no slower than PyTorch's.
RATIO_GOALS = {"cnn": 1.02}
PYTORCH_GOAL_WORKLOADS = ["cnn"]


class Side:
    def __init__(self, label: str, command_for):
        self.label = label
        self.command_for = command_for
        self.runs: dict[str, list[dict[str, str]]] = {}

    def measure(self, workload: str) -> None:
        lines = run(f"{self.label} {workload}", self.command_for(workload))
        if lines is None:
            return
        if workload not in lines:
            print(f"{self.label} {workload}: no line starting 'workload={workload}'", file=sys.stderr)
            return
        fields = lines[workload]
        print(f"{self.label} {workload}: sgd_ms={fields.get('sgd_ms')} alrao_ms={fields.get('alrao_ms')} "
              f"ratio={fields.get('ratio')}", file=sys.stderr)
        self.runs.setdefault(workload, []).append(fields)

    def best(self, workload: str) -> dict[str, float]:
        """The run with the least total time, its keys as numbers; empty when there is none."""
        candidates = []
        for fields in self.runs.get(workload, []):
            values = {key: number(value) for key, value in fields.items()}
            if values.get("sgd_ms") is not None and values.get("alrao_ms") is not None:
                candidates.append(values)
        return min(candidates, key=lambda v: v["sgd_ms"] + v["alrao_ms"], default={})


def ratio_of(values: dict[str, float]) -> float | None:
    """The run's own ratio, or alrao_ms / sgd_ms when it printed none."""
    if values.get("ratio") is not None:
        return values["ratio"]
    if values.get("sgd_ms"):
        return values["alrao_ms"] / values["sgd_ms"]
    return None


def table(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    rows = ["| workload | Tempo SGD ms | Tempo Alrao ms | Tempo ratio | Tempo peak RSS MB | PyTorch SGD ms "
            "| PyTorch Alrao ms | PyTorch ratio | PyTorch peak RSS MB | Tempo Alrao ÷ PyTorch Alrao |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for workload in workloads:
        t, p = tempo.best(workload), pytorch.best(workload)
        across = t["alrao_ms"] / p["alrao_ms"] if t and p and p.get("alrao_ms") else None
        rows.append(
            f"| {workload} | {formatted(t.get('sgd_ms'), 1)} | {formatted(t.get('alrao_ms'), 1)} "
            f"| {formatted(ratio_of(t) if t else None, 3)} | {formatted(t.get('peak_rss_mb'), 0)} "
            f"| {formatted(p.get('sgd_ms'), 1)} | {formatted(p.get('alrao_ms'), 1)} "
            f"| {formatted(ratio_of(p) if p else None, 3)} | {formatted(p.get('peak_rss_mb'), 0)} "
            f"| {formatted(across, 3)} |")
    return rows


def verdict(ok: bool | None) -> str:
    return MISSING if ok is None else ("met" if ok else "missed")


def goals(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    lines = []
    for workload in workloads:
        t, p = tempo.best(workload), pytorch.best(workload)
        if workload in RATIO_GOALS:
            ratio = ratio_of(t) if t else None
            ok = None if ratio is None else ratio <= RATIO_GOALS[workload]
            lines.append(f"- {workload}: Tempo Alrao step ÷ Tempo SGD step {formatted(ratio, 3)} "
                         f"≤ {RATIO_GOALS[workload]}: {verdict(ok)}")
        if workload in PYTORCH_GOAL_WORKLOADS:
            ours, theirs = t.get("alrao_ms"), p.get("alrao_ms")
            ok = None if ours is None or theirs is None else ours <= theirs
            lines.append(f"- {workload}: Tempo Alrao step {formatted(ours, 1)} ms ≤ PyTorch's "
                         f"{formatted(theirs, 1)} ms: {verdict(ok)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tempo", required=True, help="the tempo executable")
    parser.add_argument("--python", required=True, help="a Python with PyTorch (the bench venv's)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--copies", type=int, default=10, help="classifier copies (PyTorch side; Tempo uses 10)")
    parser.add_argument("--quick", action="store_true", help="one short run per side, for smoke runs")
    parser.add_argument("--rounds", type=int, help="alternating runs per workload (default 2, 1 with --quick)")
    parser.add_argument("--workload", action="append", choices=WORKLOADS, help="repeatable; default all")
    arguments = parser.parse_args()

    common = ["--threads", str(arguments.threads), *(["--quick"] if arguments.quick else [])]
    tempo = Side("Tempo", lambda w: [arguments.tempo, "bench", "alrao", "--workload", w, *common])
    pytorch = Side("PyTorch", lambda w: [arguments.python, str(ALRAO_SCRIPT), "--workload", w,
                                         "--copies", str(arguments.copies), *common])
    workloads = arguments.workload or WORKLOADS
    rounds = arguments.rounds or (1 if arguments.quick else 2)

    for round_index in range(rounds):
        for workload in workloads:
            print(f"round {round_index + 1}/{rounds}: {workload}", file=sys.stderr)
            first, second = (tempo, pytorch) if round_index % 2 == 0 else (pytorch, tempo)
            first.measure(workload)
            second.measure(workload)

    print("\n".join(table(workloads, tempo, pytorch)))
    print("\nGoals:\n")
    print("\n".join(goals(workloads, tempo, pytorch)) or "- none for these workloads (the goals are on cnn)")
    print(f"\n{arguments.threads} threads, {arguments.copies} copies, rates in [1e-5, 10], plain SGD (lr 0.01, "
          f"no momentum) as the baseline; per side the least disturbed of {rounds} alternating run(s), each the "
          f"fastest SGD block and the fastest Alrao block of its own alternating rounds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
