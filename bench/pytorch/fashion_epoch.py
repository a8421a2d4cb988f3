#!/usr/bin/env python3
"""PyTorch's time for whole training epochs on real Fashion-MNIST, to set against Tempo's `fit`
(bench/fashion-epoch.tempo).

The data is read from Debian's dataset-fashion-mnist gzipped IDX files with gzip + NumPy and kept as
uint8. Each step gathers the batch's indices of a seeded permutation, converts to float32 / 255 and
reshapes to [N, 1, 28, 28] (that is the "data" time), then forward, cross-entropy, backward and the
optimizer step. The last, partial batch is kept, as Tempo's `fit` does. Like Tempo, each step reads the
loss as a number and counts the correct predictions. After the epochs the model is evaluated on the
10,000 test images (eval mode, no_grad, batch 1000); that is not part of epoch_seconds.

Prints one line per model on stdout:
    model=NAME epoch_seconds=S steps=N ms_per_step=X data_ms_per_step=Y test_accuracy=A
With --epochs N > 1, epoch_seconds is the mean over the epochs (steps and ms_per_step are per epoch),
and the test accuracy after every epoch is logged on stderr.

Usage:
    python bench/pytorch/fashion_epoch.py [--model mlp|convnet|all] [--epochs N] [--threads N] [--seed S]
"""
from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

DATA = Path("/usr/share/datasets/fashion-mnist")


def read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as file:
        raw = file.read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory: Path, part: str) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(directory / f"{part}-images-idx3-ubyte.gz")
    labels = read_idx(directory / f"{part}-labels-idx1-ubyte.gz")
    return images, labels.astype(np.int64)


def batch(images: np.ndarray, labels: np.ndarray, indices: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.from_numpy(images[indices].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels[indices])
    return x, y


def build(name: str) -> tuple[nn.Module, int, torch.optim.Optimizer]:
    if name == "mlp":
        model = nn.Sequential(
            nn.Flatten(), nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
        return model, 256, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    if name == "convnet":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
        return model, 64, torch.optim.Adam(model.parameters(), lr=0.001)
    raise ValueError(name)


def evaluate(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), 1000):
            x, y = batch(images, labels, np.arange(start, min(start + 1000, len(images))))
            correct += int((model(x).argmax(dim=1) == y).sum())
    model.train()
    return correct / len(images)


def run(name: str, epochs: int, seed: int, train, test) -> str:
    torch.manual_seed(seed)
    model, batch_size, optimizer = build(name)
    loss_fn = nn.CrossEntropyLoss()
    images, labels = train
    rng = np.random.default_rng(seed)
    model.train()
    epoch_total = data_total = 0.0
    steps = 0
    accuracy = float("nan")
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        data_time = 0.0
        epoch_steps = 0
        order = rng.permutation(len(images))
        for start in range(0, len(order), batch_size):
            t0 = time.perf_counter()
            x, y = batch(images, labels, order[start : start + batch_size])
            data_time += time.perf_counter() - t0
            optimizer.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            loss.item()
            int((logits.detach().argmax(dim=1) == y).sum())
            epoch_steps += 1
        elapsed = time.perf_counter() - epoch_start
        epoch_total += elapsed
        data_total += data_time
        steps = epoch_steps
        accuracy = evaluate(model, *test)
        print(f"model={name} epoch={epoch} epoch_seconds={elapsed:.3f} test_accuracy={accuracy:.4f}", file=sys.stderr)
    mean_epoch = epoch_total / epochs
    return (
        f"model={name} epoch_seconds={mean_epoch:.3f} steps={steps} "
        f"ms_per_step={1000 * epoch_total / (steps * epochs):.3f} "
        f"data_ms_per_step={1000 * data_total / (steps * epochs):.3f} test_accuracy={accuracy:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["mlp", "convnet", "all"], default="all")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA)
    options = parser.parse_args()
    if options.epochs < 1:
        parser.error("--epochs must be at least 1")
    torch.set_num_threads(options.threads)
    train = load(options.data, "train")
    test = load(options.data, "t10k")
    for name in (["mlp", "convnet"] if options.model == "all" else [options.model]):
        print(run(name, options.epochs, options.seed, train, test), flush=True)


if __name__ == "__main__":
    main()
