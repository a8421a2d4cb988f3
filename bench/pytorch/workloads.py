#!/usr/bin/env python3
"""PyTorch's time per training step on the workloads that `tempo bench engine` runs.

One step = forward, loss, backward, SGD(lr=0.01, momentum=0.9) step, gradients reset to None.
Prints one line per workload on stdout and nothing else:
    workload=NAME threads=N ms_per_step=X gflops=Y peak_rss_mb=Z
With --flops, prints `workload=NAME flops_per_step=F` instead and runs nothing.

Usage:
    python bench/pytorch/workloads.py [--workload NAME|all] [--threads N] [--quick] [--steps N] [--flops]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

SEED = 0
TIMED_BLOCKS = 7
QUICK_STEPS = 3


# MARK: - FLOP counting (the formula in bench/README.md; the Swift side computes the same numbers)


def linear_flops(rows: int, in_features: int, out_features: int) -> int:
    return 2 * rows * in_features * out_features


def conv_flops(batch: int, in_channels: int, out_channels: int, kernel: int, out_height: int, out_width: int) -> int:
    return 2 * batch * out_height * out_width * out_channels * in_channels * kernel * kernel


def attention_flops(batch: int, heads: int, length: int, head_dim: int) -> int:
    # QK^T and AV, each [L, dh] x [dh, L] per batch and head; a causal mask does not reduce the count.
    return 2 * (2 * batch * heads * length * length * head_dim)


def lstm_flops(batch: int, steps: int, input_size: int, hidden_size: int) -> int:
    # The four gates: x W_ih^T and h W_hh^T at every time step.
    gates = 4 * hidden_size
    return steps * (linear_flops(batch, input_size, gates) + linear_flops(batch, hidden_size, gates))


def training_flops(forward_flops: int) -> int:
    # Backward costs two GEMMs per forward GEMM (input and weight gradients).
    return 3 * forward_flops


# MARK: - Workloads


@dataclass
class Workload:
    model: nn.Module
    inputs: torch.Tensor
    targets: torch.Tensor
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    flops_per_step: int
    steps_per_block: int


def random_data(generator, shape, classes=None):
    if classes is not None:
        return torch.randint(0, classes, shape, generator=generator)
    return torch.randn(shape, generator=generator)


def cross_entropy_over_positions(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def mlp(generator) -> Workload:
    batch = 256
    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    flops = linear_flops(batch, 784, 1024) + linear_flops(batch, 1024, 1024) + linear_flops(batch, 1024, 10)
    return Workload(model, random_data(generator, (batch, 784)), random_data(generator, (batch,), 10),
                    nn.functional.cross_entropy, training_flops(flops), steps_per_block=10)


def spiral(generator) -> Workload:
    batch = 32
    model = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 4))
    flops = linear_flops(batch, 2, 64) + linear_flops(batch, 64, 64) + linear_flops(batch, 64, 4)
    return Workload(model, random_data(generator, (batch, 2)), random_data(generator, (batch,), 4),
                    nn.functional.cross_entropy, training_flops(flops), steps_per_block=200)


def cnn(generator) -> Workload:
    batch = 64
    model = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))
    flops = (conv_flops(batch, 3, 32, 3, 32, 32) + conv_flops(batch, 32, 32, 3, 32, 32)
             + conv_flops(batch, 32, 64, 3, 16, 16) + conv_flops(batch, 64, 64, 3, 16, 16)
             + linear_flops(batch, 4096, 256) + linear_flops(batch, 256, 10))
    return Workload(model, random_data(generator, (batch, 3, 32, 32)), random_data(generator, (batch,), 10),
                    nn.functional.cross_entropy, training_flops(flops), steps_per_block=3)


class BasicBlock(nn.Module):
    """ResNet's basic block; a 1×1 convolution + BN shortcut where the shape changes (option B)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


RESNET20_STAGES = ((16, 1), (32, 2), (64, 2))  # (width, stride of the stage's first block)
BLOCKS_PER_STAGE = 3


def resnet(generator) -> Workload:
    batch, size = 64, 32
    layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    flops = conv_flops(batch, 3, 16, 3, size, size)
    channels = 16
    for width, stride in RESNET20_STAGES:
        for block in range(BLOCKS_PER_STAGE):
            block_stride = stride if block == 0 else 1
            layers.append(BasicBlock(channels, width, block_stride))
            size //= block_stride
            flops += conv_flops(batch, channels, width, 3, size, size) + conv_flops(batch, width, width, 3, size, size)
            if block_stride != 1 or channels != width:
                flops += conv_flops(batch, channels, width, 1, size, size)
            channels = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    flops += linear_flops(batch, 64, 10)
    return Workload(nn.Sequential(*layers), random_data(generator, (batch, 3, 32, 32)),
                    random_data(generator, (batch,), 10), nn.functional.cross_entropy,
                    training_flops(flops), steps_per_block=3)


class CausalTransformer(nn.Module):
    """Token embedding, encoder layers under a causal mask, and a projection back to the vocabulary."""

    def __init__(self, vocabulary: int, width: int, heads: int, feedforward: int, layers: int, length: int):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, width)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(width, heads, dim_feedforward=feedforward, dropout=0.0, batch_first=True)
            for _ in range(layers))
        self.output = nn.Linear(width, vocabulary)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(length))

    def features(self, tokens: torch.Tensor) -> torch.Tensor:
        """Everything before the output projection: the trunk that multirate.py keeps slow."""
        x = self.embedding(tokens)
        for layer in self.layers:
            # is_causal lets PyTorch pick its fused causal attention kernel: the fastest path it has.
            x = layer(x, src_mask=self.mask, is_causal=True)
        return x

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.output(self.features(tokens))


def transformer(generator) -> Workload:
    batch, length, vocabulary, width, heads, feedforward, layers = 32, 35, 10_000, 128, 2, 200, 2
    rows = batch * length
    per_layer = (linear_flops(rows, width, 3 * width) + attention_flops(batch, heads, length, width // heads)
                 + linear_flops(rows, width, width) + linear_flops(rows, width, feedforward)
                 + linear_flops(rows, feedforward, width))
    flops = layers * per_layer + linear_flops(rows, width, vocabulary)
    model = CausalTransformer(vocabulary, width, heads, feedforward, layers, length)
    return Workload(model, random_data(generator, (batch, length), vocabulary),
                    random_data(generator, (batch, length), vocabulary), cross_entropy_over_positions,
                    training_flops(flops), steps_per_block=3)


class LanguageLSTM(nn.Module):
    def __init__(self, vocabulary: int, width: int, layers: int):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, width)
        self.lstm = nn.LSTM(width, width, num_layers=layers, batch_first=True)
        self.output = nn.Linear(width, vocabulary)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.output(self.lstm(self.embedding(tokens))[0])


def lstm(generator) -> Workload:
    batch, length, vocabulary, width, layers = 20, 70, 50, 100, 2
    flops = layers * lstm_flops(batch, length, width, width) + linear_flops(batch * length, width, vocabulary)
    return Workload(LanguageLSTM(vocabulary, width, layers), random_data(generator, (batch, length), vocabulary),
                    random_data(generator, (batch, length), vocabulary), cross_entropy_over_positions,
                    training_flops(flops), steps_per_block=5)


WORKLOADS = {"mlp": mlp, "spiral": spiral, "cnn": cnn, "resnet": resnet, "transformer": transformer, "lstm": lstm}


# MARK: - Timing


def build(name: str) -> Workload:
    torch.manual_seed(SEED)
    return WORKLOADS[name](torch.Generator().manual_seed(SEED))


def block_milliseconds_per_step(workload: Workload, steps: int, warmup_steps: int, blocks: int) -> list[float]:
    """The mean step time of each timed block of `steps` steps, after warm-up steps that are not timed."""
    model = workload.model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad(set_to_none=True)
        workload.loss(model(workload.inputs), workload.targets).backward()
        optimizer.step()

    for _ in range(warmup_steps):
        step()
    block_times = []
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        block_times.append((time.perf_counter() - start) * 1000 / steps)
    return block_times


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_workload(name: str, threads: int, quick: bool, steps: int | None) -> None:
    torch.set_num_threads(threads)
    workload = build(name)
    if quick:
        block_times = block_milliseconds_per_step(workload, steps or QUICK_STEPS, QUICK_STEPS, blocks=1)
    else:
        per_block = steps or workload.steps_per_block
        block_times = block_milliseconds_per_step(workload, per_block, max(3, per_block // 2), TIMED_BLOCKS)
    print(f"{name}: ms/step per block {[round(t, 3) for t in block_times]}", file=sys.stderr)
    # The median, because on a shared machine a block now and then runs several times slower.
    ms = statistics.median(block_times)
    gflops = workload.flops_per_step / (ms / 1000) / 1e9
    print(f"workload={name} threads={threads} ms_per_step={ms:.3f} gflops={gflops:.2f} "
          f"peak_rss_mb={peak_rss_mb():.1f}", flush=True)


def run_each_in_subprocess(arguments) -> int:
    """One process per workload, so that each peak RSS belongs to that workload alone."""
    failures = 0
    for name in WORKLOADS:
        command = [sys.executable, __file__, "--workload", name, "--threads", str(arguments.threads)]
        command += ["--quick"] if arguments.quick else []
        command += ["--steps", str(arguments.steps)] if arguments.steps else []
        failures += subprocess.run(command).returncode != 0
    return 1 if failures else 0


def print_flops() -> None:
    for name, make in WORKLOADS.items():
        print(f"workload={name} flops_per_step={make(torch.Generator().manual_seed(SEED)).flops_per_step}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", default="all", choices=["all", *WORKLOADS])
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--quick", action="store_true", help="a few steps, for smoke runs")
    parser.add_argument("--steps", type=int, help="timed steps per block (default: per workload)")
    parser.add_argument("--flops", action="store_true", help="print the model FLOPs per step and exit")
    arguments = parser.parse_args()

    if arguments.flops:
        print_flops()
        return 0
    if arguments.workload == "all":
        return run_each_in_subprocess(arguments)
    print(f"torch {torch.__version__}, {arguments.threads} threads", file=sys.stderr)
    run_workload(arguments.workload, arguments.threads, arguments.quick, arguments.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
