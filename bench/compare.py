#!/usr/bin/env python3
"""Tempo's engine against PyTorch on the same training workloads, as one Markdown table.

For each workload and thread count (2 and 1 unless `--threads N` picks one) it runs
`TEMPO bench engine --workload W --threads N` and `PYTHON bench/pytorch/workloads.py --workload W --threads N`
one after the other, several rounds, swapping which goes first each round so both see the same machine
noise, and keeps each side's fastest round. With the mlp it also runs `TEMPO bench engine --workload sgemm`
(the mlp's GEMMs on bare `cblas_sgemm`), the ceiling the mlp's GFLOP/s is held to. `--memory-steps N` then
runs each Tempo workload once more for N further steps and reports its resident memory before and after.
A workload that Tempo lacks or fails shows as "—"; the run goes on.

Usage:
    python bench/compare.py --tempo PATH_TO_TEMPO --python PATH_TO_BENCH_VENV_PYTHON
        [--threads N] [--quick] [--rounds R] [--workload NAME ...] [--memory-steps N]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

WORKLOADS_SCRIPT = Path(__file__).resolve().parent / "pytorch" / "workloads.py"
# Tempo's time per step over PyTorch's, at most, by thread count (issue 16).
GOALS = {
    2: {"mlp": 0.90, "spiral": 0.10, "cnn": 0.95, "resnet": 1.0, "transformer": 0.95, "lstm": 0.9},
    1: {"mlp": 0.95, "spiral": 0.10, "cnn": 1.0, "resnet": 1.0, "transformer": 1.0, "lstm": 1.0},
}
WORKLOADS = list(GOALS[2])
THREAD_COUNTS = [2, 1]
# mlp's GFLOP/s over raw cblas_sgemm's at the mlp shapes, at least.
SGEMM_SHARE_GOAL = 0.90
# Resident memory after N more steps may exceed the one after warm-up by at most this share (or 1 MB).
FLAT_MEMORY_SHARE = 0.02
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
    """One contestant: how to run a workload at a thread count, and every measurement it gave."""

    def __init__(self, label: str, command_for):
        self.label = label
        self.command_for = command_for
        # Every result line seen, by (workload, threads), including lines for workloads not asked for.
        self.results: dict[tuple[str, int], list[dict[str, str]]] = {}

    def measure(self, workload: str, threads: int, extra: list[str] | None = None) -> None:
        lines = run(f"{self.label} {workload} ({threads} threads)", self.command_for(workload, threads) + (extra or []))
        if lines is None:
            return
        if workload not in lines:
            print(f"{self.label} {workload}: no line starting 'workload={workload}'", file=sys.stderr)
        for name, fields in lines.items():
            self.results.setdefault((name, threads), []).append(fields)

    def values(self, workload: str, threads: int, key: str) -> list[float]:
        numbers = (number(fields.get(key)) for fields in self.results.get((workload, threads), []))
        return [n for n in numbers if n is not None]

    def fastest(self, workload: str, threads: int) -> float | None:
        # Other work on the machine only ever adds time, so the best round is the least disturbed.
        return min(self.values(workload, threads, "ms_per_step"), default=None)

    def highest(self, workload: str, threads: int, key: str) -> float | None:
        return max(self.values(workload, threads, key), default=None)


def formatted(value: float | None, digits: int) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def ratio_cells(workload: str, threads: int, tempo: Side, pytorch: Side) -> list[str]:
    tempo_ms, pytorch_ms = tempo.fastest(workload, threads), pytorch.fastest(workload, threads)
    ratio = tempo_ms / pytorch_ms if tempo_ms is not None and pytorch_ms else None
    goal = GOALS[threads][workload]
    met = MISSING if ratio is None else ("yes" if ratio <= goal else "no")
    return [formatted(tempo_ms, 3), formatted(pytorch_ms, 3), formatted(ratio, 3), f"≤ {goal}", met]


def peak_memory(side: Side, workload: str, counts: list[int]) -> float | None:
    return max((m for t in counts if (m := side.highest(workload, t, "peak_rss_mb")) is not None), default=None)


def table(workloads: list[str], counts: list[int], tempo: Side, pytorch: Side) -> list[str]:
    """One row per workload: per thread count Tempo, PyTorch, ratio, goal, met; then peak memory and GFLOP/s."""
    header = ["workload"]
    for threads in counts:
        header += [f"Tempo ms ({threads} t)", f"PyTorch ms ({threads} t)", f"ratio ({threads} t)",
                   f"goal ({threads} t)", "met?"]
    header += ["Tempo peak RSS MB", "PyTorch peak RSS MB", "RSS below PyTorch?", f"Tempo GFLOP/s ({counts[0]} t)"]
    rows = ["| " + " | ".join(header) + " |",
            "|---|" + "---:|---:|---:|---:|:---:|" * len(counts) + "---:|---:|:---:|---:|"]
    for workload in workloads:
        cells = [workload]
        for threads in counts:
            cells += ratio_cells(workload, threads, tempo, pytorch)
        tempo_rss, pytorch_rss = peak_memory(tempo, workload, counts), peak_memory(pytorch, workload, counts)
        below = MISSING if tempo_rss is None or pytorch_rss is None else ("yes" if tempo_rss < pytorch_rss else "no")
        gflops = formatted(tempo.highest(workload, counts[0], "gflops"), 2)
        if workload == "mlp" and (share := sgemm_share(tempo, counts[0])) is not None:
            gflops += f" ({100 * share[0]:.0f} % of sgemm {share[1]:.2f})"
        cells += [formatted(tempo_rss, 1), formatted(pytorch_rss, 1), below, gflops]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def sgemm_share(tempo: Side, threads: int) -> tuple[float, float] | None:
    """(mlp's best GFLOP/s over raw sgemm's at the mlp shapes, sgemm's GFLOP/s), when both were measured."""
    sgemm, mlp = tempo.highest("sgemm", threads, "gflops"), tempo.highest("mlp", threads, "gflops")
    if sgemm is None or mlp is None or sgemm <= 0:
        return None
    return mlp / sgemm, sgemm


def sgemm_lines(tempo: Side, counts: list[int]) -> list[str]:
    lines = []
    for threads in counts:
        share = sgemm_share(tempo, threads)
        if share is None:
            continue
        mlp = tempo.highest("mlp", threads, "gflops")
        met = "met" if share[0] >= SGEMM_SHARE_GOAL else "not met"
        lines.append(f"- {threads} thread{'s' if threads != 1 else ''}: mlp reaches {mlp:.2f} GFLOP/s = {100 * share[0]:.1f} % of raw cblas_sgemm "
                     f"at the mlp shapes measured in the same run ({share[1]:.2f} GFLOP/s); goal ≥ "
                     f"{100 * SGEMM_SHARE_GOAL:.0f} %: {met}")
    return lines


def memory_table(workloads: list[str], threads: int, steps: int, tempo: Side) -> list[str]:
    """Tempo's resident memory after warm-up and after `steps` more steps, per workload."""
    rows = [f"| workload | RSS after warm-up MB | RSS after {steps} more steps MB | growth MB | flat? |",
            "|---|---:|---:|---:|:---:|"]
    for workload in workloads:
        fields = (tempo.results.get((workload, threads)) or [{}])[-1]
        before = number(fields.get("rss_after_warmup_mb"))
        after = number(fields.get(f"rss_after_{steps}_steps_mb"))
        if before is None or after is None:
            rows.append(f"| {workload} | {MISSING} | {MISSING} | {MISSING} | {MISSING} |")
            continue
        growth = after - before
        flat = "yes" if growth <= max(1.0, FLAT_MEMORY_SHARE * before) else "no"
        rows.append(f"| {workload} | {before:.0f} | {after:.0f} | {growth:+.0f} | {flat} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tempo", required=True, help="the tempo executable")
    parser.add_argument("--python", required=True, help="a Python with PyTorch (the bench venv's)")
    parser.add_argument("--threads", type=int, choices=THREAD_COUNTS, help="one thread count (default: 2 and 1)")
    parser.add_argument("--quick", action="store_true", help="few steps and one round, for smoke runs")
    parser.add_argument("--rounds", type=int, help="alternating runs per workload (default 3, 1 with --quick)")
    parser.add_argument("--workload", action="append", choices=WORKLOADS, help="repeatable; default all")
    parser.add_argument("--memory-steps", type=int, help="then run each Tempo workload N more steps for its memory")
    arguments = parser.parse_args()

    quick_flag = ["--quick"] if arguments.quick else []
    tempo = Side("Tempo", lambda w, t: [arguments.tempo, "bench", "engine", "--workload", w, "--threads", str(t),
                                         *quick_flag])
    pytorch = Side("PyTorch", lambda w, t: [arguments.python, str(WORKLOADS_SCRIPT), "--workload", w,
                                            "--threads", str(t), *quick_flag])
    workloads = arguments.workload or WORKLOADS
    counts = [arguments.threads] if arguments.threads else THREAD_COUNTS
    rounds = arguments.rounds or (1 if arguments.quick else 3)

    for round_index in range(rounds):
        for workload in workloads:
            for threads in counts:
                print(f"round {round_index + 1}/{rounds}: {workload}, {threads} threads", file=sys.stderr)
                first, second = (tempo, pytorch) if round_index % 2 == 0 else (pytorch, tempo)
                first.measure(workload, threads)
                second.measure(workload, threads)
                if workload == "mlp":
                    # Raw sgemm at the mlp shapes: the ceiling mlp's GFLOP/s is held to, best round kept too.
                    tempo.measure("sgemm", threads)

    print("\n".join(table(workloads, counts, tempo, pytorch)))
    if lines := sgemm_lines(tempo, counts):
        print("\n" + "\n".join(lines))
    print(f"\nThreads: {' and '.join(map(str, counts))}; per side the fastest of {rounds} alternating round(s), "
          f"each the median of its timed blocks; peak RSS is the highest seen at any thread count; a ratio at or "
          f"below the goal meets it.")

    if arguments.memory_steps:
        memory = Side("Tempo", tempo.command_for)
        for workload in workloads:
            print(f"memory: {workload}, {arguments.memory_steps} steps", file=sys.stderr)
            memory.measure(workload, counts[0], ["--memory-steps", str(arguments.memory_steps)])
        print(f"\nTempo's resident memory over {arguments.memory_steps} steps ({counts[0]} threads; flat: growth "
              f"at most {100 * FLAT_MEMORY_SHARE:.0f} % or 1 MB):\n")
        print("\n".join(memory_table(workloads, counts[0], arguments.memory_steps, memory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
