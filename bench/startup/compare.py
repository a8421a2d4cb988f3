#!/usr/bin/env python3
"""Start-up: time from process start to the first finished training step, Tempo against PyTorch.

Runs `TEMPO run bench/startup/one-step.tempo` and `PYTHON bench/pytorch/startup.py` (one mlp-sized
training step on generated data each, then the line `first step done`), alternating which goes first,
and keeps each side's fastest of R rounds. The clock starts just before the process is spawned and
stops when that line arrives on the pipe, so loading the executable, its libraries (or the interpreter
and `import torch`), building the model and data and the step itself all count; exiting does not.
Beside the wall time it reports the child's CPU time (user + system, from wait4), which a busy machine
does not inflate the way it does the wall time.

Usage:
    python bench/startup/compare.py --tempo PATH_TO_TEMPO --python PATH_TO_BENCH_VENV_PYTHON
        [--rounds 5] [--threads 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPO_PROGRAM = HERE / "one-step.tempo"
PYTORCH_PROGRAM = HERE.parent / "pytorch" / "startup.py"
MARKER = "first step done"
GOAL_SECONDS = 0.15
MISSING = "—"


def first_step(command: list[str], environment: dict[str, str]) -> tuple[float, float] | None:
    """(seconds to the marker line, child CPU seconds), or None (logged) if the marker never came."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    elapsed = None
    for line in process.stdout:
        if line.decode(errors="replace").startswith(MARKER):
            elapsed = time.monotonic() - start
            break
    process.stdout.read()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if elapsed is None or process.returncode != 0:
        tail = " | ".join(stderr.decode(errors="replace").strip().splitlines()[-3:])
        print(f"{command[0]}: exit status {process.returncode}, no '{MARKER}' line: {tail}", file=sys.stderr)
        return None
    return elapsed, usage.ru_utime + usage.ru_stime


def formatted(value: float | None) -> str:
    return MISSING if value is None else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tempo", required=True, help="the tempo executable")
    parser.add_argument("--python", required=True, help="a Python with PyTorch (the bench venv's)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="threads for both sides' step")
    arguments = parser.parse_args()

    environment = dict(os.environ, OMP_NUM_THREADS=str(arguments.threads))
    sides = {
        "Tempo (`tempo run`)": [arguments.tempo, "run", str(TEMPO_PROGRAM)],
        "PyTorch (import + step)": [arguments.python, str(PYTORCH_PROGRAM), "--threads", str(arguments.threads)],
    }
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in sides}
    for round_index in range(arguments.rounds):
        order = list(sides) if round_index % 2 == 0 else list(reversed(sides))
        for label in order:
            print(f"start-up round {round_index + 1}/{arguments.rounds}: {label}", file=sys.stderr)
            measured = first_step(sides[label], environment)
            if measured is not None:
                times[label].append(measured)

    print("| side | first step after, best s | median s | CPU s (best) | goal | met? |")
    print("|---|---:|---:|---:|---:|:---:|")
    for index, label in enumerate(sides):
        walls = sorted(wall for wall, _ in times[label])
        best = walls[0] if walls else None
        median = walls[len(walls) // 2] if walls else None
        cpu = min((cpu for _, cpu in times[label]), default=None)
        goal, met = (f"≤ {GOAL_SECONDS}", MISSING if best is None else ("yes" if best <= GOAL_SECONDS else "no")) \
            if index == 0 else ("", "")
        print(f"| {label} | {formatted(best)} | {formatted(median)} | {formatted(cpu)} | {goal} | {met} |")
    print(f"\nWall time from spawning the process to its '{MARKER}' line, best and median of {arguments.rounds} "
          f"alternating rounds; CPU is the child's user + system time. {arguments.threads} threads "
          f"(OMP_NUM_THREADS for both; torch.set_num_threads for PyTorch).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
