#!/usr/bin/env python3
"""PyTorch's twin of bench/startup/one-step.tempo: import torch, one training step of an MLP
2-1024-1024-10 (ReLU) on 256 generated points in 10 Gaussian blobs, SGD with momentum 0.9, then the
line bench/startup/compare.py waits for. The clock starts before the interpreter does, so import time
counts.

Usage: python bench/pytorch/startup.py [--threads N]
"""
import argparse

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
arguments = parser.parse_args()
torch.set_num_threads(arguments.threads)
torch.manual_seed(0)

classes, points = 10, 256
centres = torch.randn(classes, 2) * 3
labels = torch.randint(0, classes, (points,))
inputs = centres[labels] + 0.5 * torch.randn(points, 2)
model = nn.Sequential(nn.Linear(2, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

optimizer.zero_grad(set_to_none=True)
loss = nn.functional.cross_entropy(model(inputs), labels)
loss.backward()
optimizer.step()
print("first step done", flush=True)
print(loss.item())
