#!/usr/bin/env python3
"""PyTorch's twin of `tempo bench alrao`: plain SGD steps against Alrao steps on the same model.

Same models, data and seed as workloads.py. A plain step is forward, loss, backward and SGD(lr=0.01,
no momentum) over every parameter. An Alrao step (Blier, Wolinski & Ollivier, NeurIPS 2019;
ALGORITHMS.md §2) keeps the model's trunk (everything before its last Linear) and replaces that Linear
by N copies, in the order of §2.4:

1. z = trunk(x); all copies as one product (one addmm with N·out outputs); each copy's log-softmax at the
   targets; the mixture log-probability logsumexp_j(lp_j + log a_j) with the current switch posterior a.
2. loss = batch-mean NLL of the mixture, routed to the trunk only, + each copy's own batch-mean NLL,
   routed to that copy only; one backward. The routing lives in one autograd Function (`RoutedHead`): its
   backward forms d/dlogits = (p - onehot) once and gives the trunk Σ_j r_j(p_j - onehot)W_j and copy j
   (p_j - onehot)ᵀz — the gradients of the "mixture with the copies' weights detached + own losses on
   z.detach()" formulation (`--routing detach`, which pays a second head product), at the cost of one
   Linear's forward and backward.
3. SGD (no momentum) with a learning-rate tensor per parameter, broadcast over each feature's incoming
   weights (§2.2): Linear per output unit (row and bias share), Conv2d per output channel, Embedding per
   dimension, multi-head attention's in-projection per output feature, LayerNorm/BatchNorm one rate per
   channel shared by scale and shift; sampled once, log-uniform in [η_min, η_max], keyed by parameter
   identity. Copy j has the scalar rate exp(log η_min + j/(N−1)·log(η_max/η_min)). One
   torch._foreach_addcmul_ updates trunk and copies.
4. The switch (§2.5, θ = 0.9999) updated in log space from the per-copy mean log-likelihoods of step 1's
   forward (before the update).

After warm-up, rounds alternate a block of plain steps and a block of Alrao steps (swapping which goes
first) and each side keeps its fastest block. Prints one line per workload on stdout:
    workload=NAME threads=N copies=C sgd_ms=… alrao_ms=… ratio=… peak_rss_mb=…
(--workload all runs each workload in its own process, so each peak RSS belongs to one workload).
`--check` runs the self-tests instead and prints `check: ok` or fails.

Usage:
    python bench/pytorch/alrao.py [--workload cnn|resnet|transformer|mlp|all] [--threads N] [--copies 10]
        [--rounds R] [--quick] [--routing fused|detach] [--check]
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workloads  # noqa: E402  (the sibling script: the same models and data)

WORKLOADS = ["cnn", "transformer", "mlp", "resnet"]
DEFAULT_WORKLOADS = ["cnn", "transformer", "mlp"]
SGD_LEARNING_RATE = 0.01
MIN_LEARNING_RATE = 1e-5
MAX_LEARNING_RATE = 10.0
COPIES = 10
THETA = 0.9999
RATE_SEED = 1
BLOCK_SECONDS = 0.5


# MARK: - The split and the per-feature rates (§2.2)


def split(model: nn.Module) -> tuple[nn.Module | callable, nn.Linear]:
    """The trunk (a callable) and the head (the last Linear) of a workload's model."""
    if isinstance(model, nn.Sequential) and isinstance(model[-1], nn.Linear):
        return model[:-1], model[-1]
    if isinstance(model, workloads.CausalTransformer):
        return model.features, model.output
    raise ValueError(f"no trunk/head split for {type(model).__name__}")


def log_uniform(shape, generator: torch.Generator, low: float, high: float) -> torch.Tensor:
    """η = exp(ln η_min + u·(ln η_max − ln η_min)), u ~ U[0, 1): the reference code's sampler."""
    u = torch.rand(shape, generator=generator)
    return torch.exp(math.log(low) + u * (math.log(high) - math.log(low)))


def feature_rates(modules, generator, low: float, high: float) -> dict[int, torch.Tensor]:
    """A rate tensor per trunk parameter, keyed by id(parameter), shaped to broadcast over it."""
    rates: dict[int, torch.Tensor] = {}

    def share(parameters_and_shapes, count):
        sample = log_uniform((count,), generator, low, high)
        for parameter, shape in parameters_and_shapes:
            if parameter is not None and id(parameter) not in rates:
                rates[id(parameter)] = sample.reshape(shape)

    for module in modules:
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            # Per output unit / output channel: the weight's row or filter and the bias share the rate.
            out = module.weight.shape[0]
            share([(module.weight, (out,) + (1,) * (module.weight.dim() - 1)), (module.bias, (out,))], out)
        elif isinstance(module, nn.Embedding):
            # Per embedding dimension: a column, over the whole vocabulary.
            dimension = module.weight.shape[1]
            share([(module.weight, (1, dimension))], dimension)
        elif isinstance(module, nn.MultiheadAttention) and module.in_proj_weight is not None:
            # The fused Q/K/V in-projection is three Linears: per output feature (3E rates).
            out = module.in_proj_weight.shape[0]
            share([(module.in_proj_weight, (out, 1)), (module.in_proj_bias, (out,))], out)
        elif isinstance(module, (nn.LayerNorm, nn.BatchNorm2d)) and module.weight is not None:
            # One rate per channel for scale and shift (our choice; the reference code samples each scalar).
            channels = module.weight.shape[0]
            share([(module.weight, (channels,)), (module.bias, (channels,))], channels)
    for module in modules:
        for parameter in module.parameters(recurse=False):
            if id(parameter) not in rates:  # anything else: every scalar its own rate (the code's fallback)
                rates[id(parameter)] = log_uniform(parameter.shape, generator, low, high)
    return rates


def copy_rates(copies: int, low: float, high: float) -> torch.Tensor:
    """log η_j = log η_min + j/(N−1)·log(η_max/η_min); one copy takes η_min."""
    if copies == 1:
        return torch.tensor([low])
    steps = torch.arange(copies, dtype=torch.float64) / (copies - 1)
    return torch.exp(math.log(low) + steps * math.log(high / low)).float()


# MARK: - The head: N copies as one product, gradients routed (§2.4 steps 1–2, 4)


class RoutedHead(torch.autograd.Function):
    """Each copy's log-probability of the target, twice: once routed to the trunk, once to the copies.

    Inputs z [R, in], weight [N·out, in], bias [N·out], targets [R]. Both outputs are lp [R, N]
    (lp[r, j] = log_softmax(z W_jᵀ + b_j)[targets[r]]). Gradient reaching the first output goes to z
    only (as if the copies' weights were detached); gradient reaching the second goes to the weight and
    bias only (as if z were detached). One forward product, one backward product each way.
    """

    @staticmethod
    def forward(ctx, z, weight, bias, targets, copies: int):
        rows = z.shape[0]
        # log_softmax is one fused kernel; logsumexp over [R, N, out] would take several passes.
        log_probabilities = torch.log_softmax(torch.addmm(bias, z, weight.t()).view(rows, copies, -1), dim=2)
        index = targets.view(rows, 1, 1).expand(rows, copies, 1)
        picked = log_probabilities.gather(2, index).squeeze(2)
        ctx.save_for_backward(z, weight, log_probabilities, index)
        return picked, picked.clone()

    @staticmethod
    def backward(ctx, to_trunk, to_copies):
        z, weight, log_probabilities, index = ctx.saved_tensors
        rows = z.shape[0]
        # d lp / d logits = onehot − p. Built in place in the saved log-probabilities: this graph is
        # never replayed, and a fresh [R, N, out] buffer costs its page faults (448 MB on transformer).
        minus = log_probabilities.exp_()
        minus.scatter_add_(2, index, torch.full_like(index, -1, dtype=minus.dtype))  # p − onehot
        grad_z = grad_weight = grad_bias = None
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            scaled = (minus * to_copies.neg().unsqueeze(2)).view(rows, -1)
            if ctx.needs_input_grad[1]:
                grad_weight = scaled.t() @ z
            if ctx.needs_input_grad[2]:
                grad_bias = scaled.sum(0)
        if ctx.needs_input_grad[0]:
            grad_z = minus.mul_(to_trunk.neg().unsqueeze(2)).view(rows, -1) @ weight
        return grad_z, grad_weight, grad_bias, None, None


def detached_head(z, weight, bias, targets, copies: int):
    """The same two outputs by plain autograd: two head products, one per routing (for `--routing detach`)."""
    rows = z.shape[0]

    def picked(features, w, b):
        lp = torch.log_softmax(torch.addmm(b, features, w.t()).view(rows, copies, -1), dim=2)
        return lp.gather(2, targets.view(rows, 1, 1).expand(rows, copies, 1)).squeeze(2)

    return picked(z, weight.detach(), bias.detach()), picked(z.detach(), weight, bias)


class Switch:
    """Switch model averaging in log space (§2.5): log-weights [2, N] and the log-posterior [N]."""

    def __init__(self, copies: int, theta: float):
        self.copies = copies
        self.theta = theta
        uniform = math.log(1.0 / copies)
        self.log_weights = torch.tensor([[_log(theta) + uniform] * copies, [_log(1 - theta) + uniform] * copies])
        self.log_posterior = torch.full((copies,), uniform)
        self.log_reentry = torch.tensor([[_log(theta)], [_log(1 - theta)]]) - math.log(copies)
        self.observations = 0

    def update(self, log_likelihoods: torch.Tensor) -> None:
        if self.copies == 1:
            return
        if torch.isnan(log_likelihoods).any():
            raise FloatingPointError("Alrao switch: a copy's log-likelihood is NaN")
        self.observations += 1
        hazard = 1.0 / (self.observations + 1)
        weights = self.log_weights + log_likelihoods
        log_pool = torch.logsumexp(weights[0], dim=0) + math.log(hazard)
        weights[0] += math.log(1 - hazard)
        weights = torch.logaddexp(weights, self.log_reentry + log_pool)
        weights -= torch.logsumexp(weights.flatten(), dim=0)
        self.log_weights = weights
        self.log_posterior = torch.logsumexp(weights, dim=0)


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


# MARK: - The two kinds of step


def rows_of(features: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Features and targets with every leading dimension folded into rows (the transformer's positions)."""
    return features.reshape(-1, features.shape[-1]), targets.reshape(-1)


class PlainTraining:
    """SGD(lr 0.01, no momentum) over every parameter of the workload's model."""

    def __init__(self, workload):
        self.workload = workload
        self.model = workload.model.train()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=SGD_LEARNING_RATE)

    def step(self) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        self.workload.loss(self.model(self.workload.inputs), self.workload.targets).backward()
        self.optimizer.step()


class AlraoTraining:
    """The workload's trunk with per-feature rates, its last Linear replaced by N copies, and the switch."""

    def __init__(self, workload, copies: int = COPIES, low: float = MIN_LEARNING_RATE,
                 high: float = MAX_LEARNING_RATE, theta: float = THETA, routing: str = "fused"):
        self.workload = workload
        self.copies = copies
        self.routing = routing
        model = workload.model.train()
        self.trunk, head = split(model)
        head_ids = {id(p) for p in head.parameters()}
        trunk_modules = [m for m in model.modules() if m is not head]
        self.trunk_parameters = [p for p in model.parameters() if id(p) not in head_ids]
        generator = torch.Generator().manual_seed(RATE_SEED)
        rates = feature_rates(trunk_modules, generator, low, high)
        # Copy 0 is the model's own head (so one copy is the plain model); the others get Linear's default init.
        fresh = [nn.Linear(head.in_features, head.out_features) for _ in range(copies - 1)]
        with torch.no_grad():
            self.weight = nn.Parameter(torch.cat([head.weight] + [c.weight for c in fresh]))  # [N·out, in]
            self.bias = nn.Parameter(torch.cat([head.bias] + [c.bias for c in fresh]))  # [N·out]
        self.copy_rates = copy_rates(copies, low, high)
        per_row = self.copy_rates.repeat_interleave(head.out_features)
        self.parameters = self.trunk_parameters + [self.weight, self.bias]
        self.rates = [rates[id(p)] for p in self.trunk_parameters] + [per_row.view(-1, 1), per_row]
        self.switch = Switch(copies, theta)

    def step(self) -> torch.Tensor:
        """One step in §2.4's order; returns the pre-update per-copy log-likelihoods."""
        for parameter in self.parameters:
            parameter.grad = None
        features = self.trunk(self.workload.inputs)
        z, targets = rows_of(features, self.workload.targets)
        if not torch.isfinite(z).all():
            raise FloatingPointError("Alrao: the trunk's output is not finite")
        head = RoutedHead.apply if self.routing == "fused" else detached_head
        to_trunk, to_copies = head(z, self.weight, self.bias, targets, self.copies)
        mixture = torch.logsumexp(to_trunk + self.switch.log_posterior, dim=1)
        log_likelihoods = to_copies.detach().mean(0)
        own = to_copies.mean(0)
        # A copy whose own loss is not finite takes no step from it (§2.4 step 4).
        own = torch.where(torch.isfinite(log_likelihoods), own, torch.zeros_like(own))
        (-mixture.mean() - own.sum()).backward()
        with torch.no_grad():
            grads = [p.grad for p in self.parameters]
            torch._foreach_addcmul_(self.parameters, grads, self.rates, value=-1.0)
        self.switch.update(log_likelihoods)
        return log_likelihoods


# MARK: - Timing


def fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def run_workload(name: str, threads: int, copies: int, rounds: int, quick: bool, routing: str) -> str:
    torch.set_num_threads(threads)
    plain = PlainTraining(workloads.build(name))
    alrao = AlraoTraining(workloads.build(name), copies, routing=routing)
    warm_up = 1 if quick else 3
    for _ in range(warm_up):
        plain.step()
    start = time.perf_counter()
    for _ in range(warm_up):
        alrao.step()
    alrao_step = (time.perf_counter() - start) / warm_up
    steps = 1 if quick else max(1, math.ceil(BLOCK_SECONDS / max(alrao_step, 1e-6)))

    best = {"sgd": math.inf, "alrao": math.inf}
    block_log = defaultdict(list)
    for round_index in range(1 if quick else rounds):
        order = [("sgd", plain), ("alrao", alrao)]
        for label, side in order if round_index % 2 == 0 else reversed(order):
            start = time.perf_counter()
            for _ in range(steps):
                side.step()
            per_step = (time.perf_counter() - start) / steps
            block_log[label].append(round(per_step * 1000, 3))
            best[label] = min(best[label], per_step)
    print(f"{name}: ms/step per block {dict(block_log)}; posterior "
          f"{[round(a, 3) for a in alrao.switch.log_posterior.exp().tolist()]}", file=sys.stderr)
    fields = [
        f"workload={name}", f"threads={threads}", f"copies={copies}",
        f"sgd_ms={fmt(best['sgd'] * 1000, 3)}", f"alrao_ms={fmt(best['alrao'] * 1000, 3)}",
        f"ratio={fmt(best['alrao'] / best['sgd'], 3)}", f"peak_rss_mb={fmt(workloads.peak_rss_mb(), 1)}",
    ]
    return " ".join(fields)


def run_each_in_subprocess(arguments) -> int:
    """One process per workload, so that each peak RSS belongs to that workload alone."""
    failures = 0
    for name in DEFAULT_WORKLOADS:
        command = [sys.executable, __file__, "--workload", name, "--threads", str(arguments.threads),
                   "--copies", str(arguments.copies), "--rounds", str(arguments.rounds),
                   "--routing", arguments.routing, *(["--quick"] if arguments.quick else [])]
        failures += subprocess.run(command).returncode != 0
    return 1 if failures else 0


# MARK: - Self-tests (--check)


def check_one_copy_is_sgd(name: str, steps: int = 3) -> None:
    """One copy with η_min = η_max = 0.01 gives the same parameters as plain SGD (§4.3)."""
    plain = PlainTraining(workloads.build(name))
    alrao = AlraoTraining(workloads.build(name), copies=1, low=SGD_LEARNING_RATE, high=SGD_LEARNING_RATE)
    for _ in range(steps):
        plain.step()
        alrao.step()
    _, head = split(plain.model)
    expected = [p for p in plain.model.parameters() if p is not head.weight and p is not head.bias]
    expected += [head.weight, head.bias]
    worst = max(((a - b).abs().max() / (b.abs().max() + 1e-12)).item() for a, b in zip(alrao.parameters, expected))
    assert len(expected) == len(alrao.parameters)
    assert worst < 1e-4, f"{name}: one copy at η = 0.01 differs from SGD by {worst:.2e} (relative)"
    print(f"check {name}: one copy with η_min = η_max = 0.01 matches SGD after {steps} steps "
          f"(largest relative difference {worst:.1e})", file=sys.stderr)


def check_routing() -> None:
    """Trunk gets nothing from the copies' own losses, copies nothing from the mixture; both routings agree."""
    generator = torch.Generator().manual_seed(3)
    rows, width, out, copies = 6, 5, 4, 3
    z0 = torch.randn(rows, width, generator=generator, dtype=torch.float64)
    w0 = torch.randn(copies * out, width, generator=generator, dtype=torch.float64)
    b0 = torch.randn(copies * out, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, out, (rows,), generator=generator)
    log_a = torch.log_softmax(torch.randn(copies, generator=generator, dtype=torch.float64), dim=0)

    def gradients(head, which):
        z, w, b = (t.clone().requires_grad_() for t in (z0, w0, b0))
        to_trunk, to_copies = head(z, w, b, targets, copies)
        mixture = -torch.logsumexp(to_trunk + log_a, dim=1).mean()
        own = -to_copies.mean(0).sum()
        {"mixture": mixture, "own": own, "both": mixture + own}[which].backward()
        return [t.grad if t.grad is not None else torch.zeros_like(t) for t in (z, w, b)]

    for head in (RoutedHead.apply, detached_head):
        gz, gw, gb = gradients(head, "own")
        assert gz.abs().max() == 0, "the copies' own losses reached the trunk"
        assert gw.abs().max() > 0 and gb.abs().max() > 0
        gz, gw, gb = gradients(head, "mixture")
        assert gw.abs().max() == 0 and gb.abs().max() == 0, "the mixture loss reached the copies"
        assert gz.abs().max() > 0
    for fused, plain in zip(gradients(RoutedHead.apply, "both"), gradients(detached_head, "both")):
        assert torch.allclose(fused, plain, rtol=1e-10, atol=1e-12), "fused and detached routings disagree"
    # AL7: the trunk's gradient is Σ_j r_j ∂(−log p_j)/∂z with responsibilities r_j ∝ a_j p_j(y|z).
    z = z0.clone().requires_grad_()
    lp = torch.log_softmax((z @ w0.t() + b0).view(rows, copies, out), dim=2)[torch.arange(rows), :, targets]
    responsibilities = torch.softmax(lp.detach() + log_a, dim=1)
    (-(responsibilities * lp).sum() / rows).backward()
    assert torch.allclose(gradients(RoutedHead.apply, "mixture")[0], z.grad, rtol=1e-10, atol=1e-12)
    print("check routing: own losses give the trunk 0, the mixture gives the copies 0; fused = detached "
          "formulation = responsibilities formula (float64)", file=sys.stderr)


def check_rate_structure() -> None:
    """Each parameter's rate tensor has the feature structure of §2.2 (AL3), copies their scalar rates."""
    for name in ("cnn", "transformer", "resnet"):
        alrao = AlraoTraining(workloads.build(name))
        rate_of = {id(p): r for p, r in zip(alrao.parameters, alrao.rates)}
        _, head = split(alrao.workload.model)
        for module in alrao.workload.model.modules():
            if module is head:
                continue
            weight, bias = getattr(module, "weight", None), getattr(module, "bias", None)
            if isinstance(module, (nn.Linear, nn.Conv2d)):
                expected = (weight.shape[0],) + (1,) * (weight.dim() - 1)
                assert rate_of[id(weight)].shape == expected, (name, module, rate_of[id(weight)].shape)
                if bias is not None:
                    assert torch.equal(rate_of[id(bias)], rate_of[id(weight)].flatten()), (name, module)
            elif isinstance(module, nn.Embedding):
                assert rate_of[id(weight)].shape == (1, weight.shape[1])
            elif isinstance(module, nn.MultiheadAttention):
                assert rate_of[id(module.in_proj_weight)].shape == (module.in_proj_weight.shape[0], 1)
                assert torch.equal(rate_of[id(module.in_proj_bias)], rate_of[id(module.in_proj_weight)].flatten())
            elif isinstance(module, (nn.LayerNorm, nn.BatchNorm2d)):
                assert rate_of[id(weight)].shape == (weight.shape[0],)
                assert torch.equal(rate_of[id(bias)], rate_of[id(weight)])
        every = torch.cat([r.flatten() for r in alrao.rates[:-2]])
        assert MIN_LEARNING_RATE <= every.min() and every.max() <= MAX_LEARNING_RATE
        assert every.numel() > 20 and len(set(every.tolist())) > every.numel() // 3, "rates are not sampled per feature"
        copies = alrao.rates[-1].view(COPIES, -1)
        assert torch.allclose(copies[:, 0], copy_rates(COPIES, MIN_LEARNING_RATE, MAX_LEARNING_RATE))
        assert torch.allclose(copies[[0, -1], 0], torch.tensor([MIN_LEARNING_RATE, MAX_LEARNING_RATE]))
        assert (copies == copies[:, :1]).all(), "a copy's rows do not share its rate"
    print("check rates: Linear/Conv per output unit (bias shares), Embedding per dimension, attention "
          "in-projection per output feature, norms per channel; copies log-spaced 1e-5 … 10", file=sys.stderr)


def check_switch() -> None:
    """Identical copies keep a uniform posterior; θ = 0 is Bayesian model averaging (§2.5, AL6c)."""
    switch = Switch(4, THETA)
    for _ in range(5):
        switch.update(torch.full((4,), -1.3))
    assert torch.allclose(switch.log_posterior.exp(), torch.full((4,), 0.25))
    switch = Switch(3, 0.0)
    history = torch.tensor([[-1.0, -2.0, -0.5], [-0.7, -0.1, -3.0]])
    for ll in history:
        switch.update(ll)
    assert torch.allclose(switch.log_posterior, torch.log_softmax(history.sum(0), dim=0), atol=1e-6)
    print("check switch: identical copies stay uniform; θ = 0 gives Bayesian averaging", file=sys.stderr)


def self_test() -> int:
    torch.set_num_threads(1)
    check_routing()
    check_switch()
    check_rate_structure()
    for name in ("mlp", "cnn", "transformer"):
        check_one_copy_is_sgd(name)
    print("check: ok")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", default="all", choices=["all", *WORKLOADS],
                        help="all = cnn, transformer, mlp (resnet on request)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--copies", type=int, default=COPIES)
    parser.add_argument("--rounds", type=int, default=8, help="alternating SGD/Alrao rounds")
    parser.add_argument("--quick", action="store_true", help="one step per side after one warm-up, for smoke runs")
    parser.add_argument("--routing", choices=["fused", "detach"], default="fused",
                        help="fused: one head product, gradients routed in RoutedHead's backward; detach: two "
                             "products, the mixture on the copies' detached weights, own losses on z.detach()")
    parser.add_argument("--check", action="store_true", help="run the self-tests and exit")
    arguments = parser.parse_args()
    if arguments.check:
        return self_test()
    if arguments.copies < 1:
        parser.error("--copies must be at least 1")
    arguments.rounds = max(1, arguments.rounds)
    if arguments.workload == "all":
        return run_each_in_subprocess(arguments)
    print(f"torch {torch.__version__}, {arguments.threads} threads", file=sys.stderr)
    print(run_workload(arguments.workload, arguments.threads, arguments.copies, arguments.rounds,
                       arguments.quick, arguments.routing), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
