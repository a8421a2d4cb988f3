#!/usr/bin/env python3
"""PyTorch's twin of `tempo bench multirate`: full SGD steps against multirate k-step cycles.

Same models, data and seed as workloads.py. A full step is forward, loss, backward and
SGD(lr=0.01, momentum=0.9) over every parameter. A multirate cycle (Vlaar & Leimkuhler, ICML 2022,
Algorithm 1 with linear drift) is one full step, both groups refreshing their momentum buffers, then
k - 1 fast steps: the trunk runs forward under torch.no_grad() (no graph, no saved activations), the
loss backpropagates through the head only, the head takes an SGD-momentum step and the trunk drifts
along its momentum buffer (theta -= lr * buffer) — the published reference code's mechanism for
keeping the slow group out of the backward pass.

After warm-up, rounds alternate a block of full steps and a block of whole cycles (swapping which
goes first) and each side keeps its fastest block. Prints one line per workload on stdout:
    workload=NAME threads=N k=K full_ms=… multirate_ms=… speedup=… cost_model=… eq6=… forward_ms=…
    fast_forward_ms=… backward_ms=… fast_backward_ms=… optimizer_ms=… full_saved_mb=… fast_saved_mb=…
The saved activations are the distinct tensors autograd saves for backward (a saved_tensors_hooks pack
hook sums their bytes), parameters left out, as Tempo's `RecordedGraph.savedActivationBytes`.

Usage:
    python bench/pytorch/multirate.py [--workload cnn|resnet|transformer|mlp|all] [--threads N] [--k 5]
        [--rounds R] [--quick]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads  # noqa: E402  (the sibling script: the same models and data)

WORKLOADS = ["cnn", "resnet", "transformer", "mlp"]
LEARNING_RATE = 0.01
MOMENTUM = 0.9
BLOCK_SECONDS = 0.5


def split(model: nn.Module):
    """The trunk (a callable) and the head (the last Linear) of a workload's model."""
    if isinstance(model, nn.Sequential):
        return model[:-1], model[-1]
    if isinstance(model, workloads.CausalTransformer):
        return model.features, model.output
    raise ValueError(f"no head/trunk split for {type(model).__name__}")


class SavedBytes:
    """A saved_tensors_hooks pack hook that sums the bytes of the distinct non-parameter tensors saved."""

    def __init__(self, model: nn.Module):
        self.parameters = {p.untyped_storage().data_ptr() for p in model.parameters()}
        self.seen = set()
        self.total = 0

    def pack(self, tensor: torch.Tensor) -> torch.Tensor:
        pointer = tensor.untyped_storage().data_ptr()
        key = (pointer, tensor.storage_offset(), tuple(tensor.shape), tensor.dtype)
        if pointer not in self.parameters and key not in self.seen:
            self.seen.add(key)
            self.total += tensor.numel() * tensor.element_size()
        return tensor

    def hooks(self):
        return torch.autograd.graph.saved_tensors_hooks(self.pack, lambda tensor: tensor)


class Phases:
    def __init__(self):
        self.steps = 0
        self.forward = 0.0
        self.backward = 0.0
        self.optimizer = 0.0

    def add(self, other: "Phases") -> "Phases":
        total = Phases()
        for name in ("steps", "forward", "backward", "optimizer"):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        return total

    def mean(self, name: str) -> float:
        return getattr(self, name) / self.steps if self.steps else float("nan")


class FullTraining:
    """SGD with momentum over every parameter, as workloads.py steps."""

    def __init__(self, workload):
        self.workload = workload
        self.model = workload.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def step(self, phases: dict, saved: dict | None = None) -> None:
        times = Phases()
        times.steps = 1
        start = time.perf_counter()
        self.optimizer.zero_grad(set_to_none=True)
        mark = time.perf_counter()
        times.optimizer += mark - start
        loss = self.workload.loss(self.model(self.workload.inputs), self.workload.targets)
        now = time.perf_counter()
        times.forward += now - mark
        loss.backward()
        mark = time.perf_counter()
        times.backward += mark - now
        self.optimizer.step()
        times.optimizer += time.perf_counter() - mark
        phases["full"] = phases.get("full", Phases()).add(times)


class MultirateTraining:
    """Head fast, trunk slow: one full step in k, the others through the head only, the trunk drifting."""

    def __init__(self, workload, k: int):
        self.workload = workload
        self.k = k
        self.model = workload.model.train()
        self.trunk, self.head = split(self.model)
        head_parameters = list(self.head.parameters())
        head_ids = {id(p) for p in head_parameters}
        self.trunk_parameters = [p for p in self.model.parameters() if id(p) not in head_ids]
        self.head_optimizer = torch.optim.SGD(head_parameters, lr=LEARNING_RATE, momentum=MOMENTUM)
        self.trunk_optimizer = torch.optim.SGD(self.trunk_parameters, lr=LEARNING_RATE, momentum=MOMENTUM)
        self.step_count = 0

    def step(self, phases: dict, saved: dict | None = None) -> None:
        full = self.step_count % self.k == 0
        kind = "full" if full else "fast"
        times = Phases()
        times.steps = 1
        start = time.perf_counter()
        self.head_optimizer.zero_grad(set_to_none=True)
        if full:
            self.trunk_optimizer.zero_grad(set_to_none=True)
        mark = time.perf_counter()
        times.optimizer += mark - start
        counter = SavedBytes(self.model) if saved is not None else None
        with counter.hooks() if counter else _nothing():
            if full:
                features = self.trunk(self.workload.inputs)
            else:
                with torch.no_grad():
                    features = self.trunk(self.workload.inputs)
            loss = self.workload.loss(self.head(features), self.workload.targets)
        if counter is not None:
            saved.setdefault(kind, counter.total)
        now = time.perf_counter()
        times.forward += now - mark
        loss.backward()
        mark = time.perf_counter()
        times.backward += mark - now
        self.head_optimizer.step()
        if full:
            self.trunk_optimizer.step()
        else:
            self.drift()
        times.optimizer += time.perf_counter() - mark
        self.step_count += 1
        phases[kind] = phases.get(kind, Phases()).add(times)

    @torch.no_grad()
    def drift(self) -> None:
        """Algorithm 1's linear drift: the slow group moves along its last direction every step."""
        pairs = [(p, self.trunk_optimizer.state[p].get("momentum_buffer")) for p in self.trunk_parameters]
        pairs = [(p, b) for p, b in pairs if b is not None]
        if pairs:
            torch._foreach_add_([p for p, _ in pairs], [b for _, b in pairs], alpha=-LEARNING_RATE)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def run_workload(name: str, threads: int, k: int, rounds: int, quick: bool) -> str:
    torch.set_num_threads(threads)
    full = FullTraining(workloads.build(name))
    multirate = MultirateTraining(workloads.build(name), k)
    warm_up_cycles = 1 if quick else 2
    ignored: dict = {}
    for _ in range(warm_up_cycles * k):
        full.step(ignored)
    saved: dict = {}
    start = time.perf_counter()
    for index in range(warm_up_cycles * k):
        multirate.step(ignored, saved if index < k else None)
    cycle = (time.perf_counter() - start) / warm_up_cycles
    cycles_per_block = 1 if quick else max(1, -(-BLOCK_SECONDS // max(cycle, 1e-6)))
    steps = int(cycles_per_block) * k

    best_full = float("inf")
    best_multirate = (float("inf"), {})
    block_log = defaultdict(list)
    for round_index in range(1 if quick else rounds):
        order = (full, multirate) if round_index % 2 == 0 else (multirate, full)
        for side in order:
            phases: dict = {}
            start = time.perf_counter()
            for _ in range(steps):
                side.step(phases)
            per_step = (time.perf_counter() - start) / steps
            block_log["full" if side is full else "multirate"].append(round(per_step * 1000, 3))
            if side is full:
                best_full = min(best_full, per_step)
            elif per_step < best_multirate[0]:
                best_multirate = (per_step, phases)
    print(f"{name}: ms/step per block {dict(block_log)}", file=sys.stderr)

    multirate_step, phases = best_multirate
    full_phases = phases.get("full", Phases())
    fast_phases = phases.get("fast", Phases())
    cycle_phases = full_phases.add(fast_phases)
    forward, fast_forward = full_phases.mean("forward"), fast_phases.mean("forward")
    backward, fast_backward = full_phases.mean("backward"), fast_phases.mean("backward")
    optimizer = cycle_phases.mean("optimizer")
    # The same cost model as Tempo's (Training.SpeedupMeter): forward averaged over the cycle, plus overhead.
    mean_forward = (forward + (k - 1) * fast_forward) / k + optimizer
    cost_model = k * (mean_forward + backward) / (k * mean_forward + backward + (k - 1) * fast_backward)
    share = fast_backward / backward if backward > 0 else 1
    eq6 = 2 * k / ((k + 1) + (k - 1) * share)
    megabyte = 1024 * 1024
    fields = [
        f"workload={name}", f"threads={threads}", f"k={k}",
        f"full_ms={fmt(best_full * 1000, 3)}", f"multirate_ms={fmt(multirate_step * 1000, 3)}",
        f"speedup={fmt(best_full / multirate_step, 3)}", f"cost_model={fmt(cost_model, 3)}", f"eq6={fmt(eq6, 3)}",
        f"forward_ms={fmt(forward * 1000, 3)}", f"fast_forward_ms={fmt(fast_forward * 1000, 3)}",
        f"backward_ms={fmt(backward * 1000, 3)}", f"fast_backward_ms={fmt(fast_backward * 1000, 3)}",
        f"optimizer_ms={fmt(optimizer * 1000, 3)}",
        f"full_saved_mb={fmt(saved.get('full', 0) / megabyte, 3)}",
        f"fast_saved_mb={fmt(saved.get('fast', 0) / megabyte, 3)}",
    ]
    return " ".join(fields)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", default="all", choices=["all", *WORKLOADS])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--k", type=int, default=5, help="steps per cycle, one of them full (at least 2)")
    parser.add_argument("--rounds", type=int, default=8, help="alternating full/multirate rounds")
    parser.add_argument("--quick", action="store_true", help="one short round, for smoke runs")
    arguments = parser.parse_args()
    if arguments.k < 2:
        parser.error("--k must be at least 2 (k = 1 is plain SGD)")
    print(f"torch {torch.__version__}, {arguments.threads} threads", file=sys.stderr)
    for name in WORKLOADS if arguments.workload == "all" else [arguments.workload]:
        print(run_workload(name, arguments.threads, arguments.k, max(1, arguments.rounds), arguments.quick),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
