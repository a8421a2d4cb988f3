#!/usr/bin/env python3
"""Multirate training in Tempo and in PyTorch, full steps against k-step cycles, as Markdown tables.

For each workload it runs `TEMPO bench multirate --workload W --threads N` and
`PYTHON bench/pytorch/multirate.py --workload W --threads N` one after the other, several rounds,
swapping which goes first each round so both see the same machine noise. Each run already alternates
full and multirate blocks inside itself and keeps the fastest of each; across runs a side keeps its
least disturbed run whole (the lowest full_ms + multirate_ms), so a speed-up never mixes two runs.
A workload a side lacks or fails shows as "—"; the run goes on.

Usage:
    python bench/compare_multirate.py --tempo PATH_TO_TEMPO --python PATH_TO_BENCH_VENV_PYTHON
        [--threads 2] [--k 5] [--quick] [--rounds R] [--workload NAME ...]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compare import MISSING, formatted, number, run

MULTIRATE_SCRIPT = Path(__file__).resolve().parent / "pytorch" / "multirate.py"
WORKLOADS = ["cnn", "resnet", "transformer", "mlp"]
# The goals of the multirate issue (bench/README.md, "Multirate").
SPEEDUP_GOAL = 2.0
SPEEDUP_GOAL_WORKLOADS = ["cnn", "resnet"]
COST_MODEL_TOLERANCE = 0.05
PYTORCH_GOAL_WORKLOADS = ["cnn"]
SAVED_SHARE_GOAL = 0.01


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
        print(f"{self.label} {workload}: full_ms={fields.get('full_ms')} multirate_ms={fields.get('multirate_ms')} "
              f"speedup={fields.get('speedup')}", file=sys.stderr)
        self.runs.setdefault(workload, []).append(fields)

    def best(self, workload: str) -> dict[str, float]:
        """The run with the least total time, its keys as numbers; empty when there is none."""
        candidates = []
        for fields in self.runs.get(workload, []):
            values = {key: number(value) for key, value in fields.items()}
            if values.get("full_ms") is not None and values.get("multirate_ms") is not None:
                candidates.append(values)
        return min(candidates, key=lambda v: v["full_ms"] + v["multirate_ms"], default={})


def saved(values: dict[str, float]) -> str:
    full, fast = values.get("full_saved_mb"), values.get("fast_saved_mb")
    if full is None or fast is None:
        return MISSING
    share = f" ({100 * fast / full:.2f} %)" if full > 0 else ""
    return f"{full:.1f} → {fast:.3f}{share}"


def main_table(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    rows = ["| workload | Tempo full ms | Tempo multirate ms | Tempo speed-up | Tempo cost model | Tempo Eq. 6 "
            "| Tempo saved MB full → fast | PyTorch full ms | PyTorch multirate ms | PyTorch speed-up "
            "| PyTorch cost model | PyTorch saved MB full → fast | Tempo ÷ PyTorch multirate step |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for workload in workloads:
        t, p = tempo.best(workload), pytorch.best(workload)
        ratio = (t["multirate_ms"] / p["multirate_ms"]) if t and p and p.get("multirate_ms") else None
        rows.append(
            f"| {workload} | {formatted(t.get('full_ms'), 1)} | {formatted(t.get('multirate_ms'), 1)} "
            f"| {formatted(t.get('speedup'), 3)} | {formatted(t.get('cost_model'), 3)} | {formatted(t.get('eq6'), 3)} "
            f"| {saved(t)} | {formatted(p.get('full_ms'), 1)} | {formatted(p.get('multirate_ms'), 1)} "
            f"| {formatted(p.get('speedup'), 3)} | {formatted(p.get('cost_model'), 3)} | {saved(p)} "
            f"| {formatted(ratio, 3)} |")
    return rows


def phase_table(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    keys = ["forward_ms", "fast_forward_ms", "backward_ms", "fast_backward_ms", "optimizer_ms"]
    rows = ["| workload | side | forward ms | fast forward ms | backward ms | fast backward ms | optimizer ms/step |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for workload in workloads:
        for side in (tempo, pytorch):
            values = side.best(workload)
            rows.append(f"| {workload} | {side.label} | "
                        + " | ".join(formatted(values.get(key), 2) for key in keys) + " |")
    return rows


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "not met")


def goals(workloads: list[str], tempo: Side, pytorch: Side) -> list[str]:
    lines = []
    for workload in workloads:
        t, p = tempo.best(workload), pytorch.best(workload)
        speedup, model = t.get("speedup"), t.get("cost_model")
        if workload in SPEEDUP_GOAL_WORKLOADS:
            ok = None if speedup is None else speedup >= SPEEDUP_GOAL
            lines.append(f"- {workload}: Tempo speed-up {formatted(speedup, 3)} ≥ {SPEEDUP_GOAL}: {verdict(ok)}")
        if speedup is not None and model:
            off = speedup / model - 1
            ok = abs(off) <= COST_MODEL_TOLERANCE
            lines.append(f"- {workload}: Tempo speed-up within {100 * COST_MODEL_TOLERANCE:.0f} % of its cost model "
                         f"({formatted(model, 3)}; off by {100 * off:+.1f} %): {verdict(ok)}")
        if workload in PYTORCH_GOAL_WORKLOADS:
            ours, theirs = t.get("multirate_ms"), p.get("multirate_ms")
            ok = None if ours is None or theirs is None else ours <= theirs
            lines.append(f"- {workload}: Tempo multirate step {formatted(ours, 1)} ms ≤ PyTorch's "
                         f"{formatted(theirs, 1)} ms: {verdict(ok)}")
        full, fast = t.get("full_saved_mb"), t.get("fast_saved_mb")
        if full and fast is not None:
            ok = fast <= SAVED_SHARE_GOAL * full
            lines.append(f"- {workload}: Tempo fast step keeps {100 * fast / full:.2f} % of a full step's activations "
                         f"(≤ {100 * SAVED_SHARE_GOAL:.0f} %): {verdict(ok)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tempo", required=True, help="the tempo executable")
    parser.add_argument("--python", required=True, help="a Python with PyTorch (the bench venv's)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one short run per side, for smoke runs")
    parser.add_argument("--rounds", type=int, help="alternating runs per workload (default 2, 1 with --quick)")
    parser.add_argument("--workload", action="append", choices=WORKLOADS, help="repeatable; default all")
    arguments = parser.parse_args()

    common = ["--threads", str(arguments.threads), "--k", str(arguments.k), *(["--quick"] if arguments.quick else [])]
    tempo = Side("Tempo", lambda w: [arguments.tempo, "bench", "multirate", "--workload", w, *common])
    pytorch = Side("PyTorch", lambda w: [arguments.python, str(MULTIRATE_SCRIPT), "--workload", w, *common])
    workloads = arguments.workload or WORKLOADS
    rounds = arguments.rounds or (1 if arguments.quick else 2)

    for round_index in range(rounds):
        for workload in workloads:
            print(f"round {round_index + 1}/{rounds}: {workload}", file=sys.stderr)
            first, second = (tempo, pytorch) if round_index % 2 == 0 else (pytorch, tempo)
            first.measure(workload)
            second.measure(workload)

    print("\n".join(main_table(workloads, tempo, pytorch)))
    print("\nPhase times of the kept multirate block (ms per step of that kind):\n")
    print("\n".join(phase_table(workloads, tempo, pytorch)))
    print("\nGoals:\n")
    print("\n".join(goals(workloads, tempo, pytorch)))
    print(f"\n{arguments.threads} threads, k = {arguments.k}; per side the least disturbed of {rounds} alternating "
          f"run(s), each the fastest full block and the fastest multirate block of its own alternating rounds. "
          f"Saved MB is what each engine's graph holds for backward, parameters left out; the two count it "
          f"differently (see bench/README.md), so compare fast with full within a side.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
