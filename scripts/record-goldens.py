#!/usr/bin/env python3
"""Records PyTorch's forward and backward values for the layers, losses, optimizers and
initializers that Tempo's engine re-implements, into Tests/NNTests/Goldens/pytorch-goldens.json.

Every input, weight and upstream gradient is stored next to the results, so the Swift tests load
them and never need PyTorch or its random number generator.

Usage (with the benchmark venv, see bench/README.md):
    .venv-bench/bin/python scripts/record-goldens.py [--output PATH]
"""
from __future__ import annotations

import argparse
import json
import math
import zlib
from pathlib import Path

import torch
from torch import nn

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPOSITORY / "Tests/NNTests/Goldens/pytorch-goldens.json"
OPTIMIZER_STEPS = 5
# Written into the file, so that its reader needs nothing else to interpret it.
CONVENTIONS = {
    "tensors": "{shape, values}: values flattened row-major (C order), float32 printed with 9 significant digits",
    "modules": "parameters are taken before the forward pass; backward is output.backward(upstream); "
               "input_gradients follow inputs; integer_inputs (Embedding indices) get no gradient",
    "losses": "output is the scalar loss; input_gradient is its gradient (backward from 1)",
    "optimizers": "trajectory[i] holds the parameters after step i + 1, the loss computed before that step "
                  "and the lr that step used; every step: zero_grad, loss, backward, [clip], step, [scheduler step]",
    "initializers": "moments over all values of one default-initialised parameter; std is the population "
                    "standard deviation (divides by count)",
}


# MARK: - Encoding


def rounded(value: float) -> float:
    # Nine significant digits round-trip every Float32 exactly.
    return float(f"{value:.9g}")


def encode(tensor: torch.Tensor) -> dict:
    values = tensor.detach().reshape(-1).tolist()
    if tensor.dtype.is_floating_point:
        values = [rounded(v) for v in values]
    return {"shape": list(tensor.shape), "values": values}


def encode_named(tensors) -> dict:
    return {name: encode(tensor) for name, tensor in tensors}


def float_buffers(module: nn.Module) -> dict:
    # num_batches_tracked is an integer counter that Tempo need not keep.
    return encode_named((n, b) for n, b in module.named_buffers() if b.dtype.is_floating_point)


def seed_for(name: str) -> None:
    # Each entry seeds from its own name, so adding an entry leaves the others' values unchanged.
    torch.manual_seed(zlib.crc32(name.encode()))


def causal_mask(length: int) -> torch.Tensor:
    # True above the diagonal = position j is hidden from query i when j > i.
    return torch.ones(length, length, dtype=torch.bool).triu(diagonal=1)


def randomize_constant_parameters(module: nn.Module) -> None:
    # Biases that start at 0 and norm weights that start at 1 would hide a missing or
    # mis-scaled term in a gradient; the goldens give them random values instead.
    with torch.no_grad():
        for parameter in module.parameters():
            if parameter.numel() > 1 and bool((parameter == parameter.reshape(-1)[0]).all()):
                parameter.copy_(parameter + 0.5 * torch.randn_like(parameter))


# MARK: - Modules


def module_entry(name, module, config, inputs, *, forward=None, integer_inputs=(),
                 training=True, buffers_before=None) -> dict:
    """Runs forward, then backward of `output` against a random upstream gradient."""
    module.train(training)
    entry = {"name": name, "module": type(module).__name__, "config": config, "training": training}
    entry["inputs"] = [encode(x) for x in inputs]
    if integer_inputs:
        entry["integer_inputs"] = [encode(i) for i in integer_inputs]
    entry["parameters"] = encode_named(module.named_parameters())
    if buffers_before is not None:
        entry["buffers_before"] = buffers_before

    leaves = [x.clone().requires_grad_(True) for x in inputs]
    run = forward or (lambda m, *xs: m(*xs))
    output = run(module, *leaves, *integer_inputs)
    upstream = torch.randn_like(output)
    output.backward(upstream)

    if any(b.dtype.is_floating_point for b in module.buffers()):
        entry["buffers_after"] = float_buffers(module)
    entry["output"] = encode(output)
    entry["upstream"] = encode(upstream)
    entry["input_gradients"] = [encode(x.grad) for x in leaves]
    entry["parameter_gradients"] = encode_named((n, p.grad) for n, p in module.named_parameters())
    return entry


def record_module(name, build, input_shapes, config, **options) -> dict:
    seed_for(name)
    module = build()
    randomize_constant_parameters(module)
    inputs = [torch.randn(shape) for shape in input_shapes]
    return module_entry(name, module, config, inputs, **options)


def linear_entries():
    yield record_module("linear", lambda: nn.Linear(5, 3), [[4, 5]],
                        {"in_features": 5, "out_features": 3, "bias": True})
    yield record_module("linear_no_bias", lambda: nn.Linear(5, 3, bias=False), [[4, 5]],
                        {"in_features": 5, "out_features": 3, "bias": False})


def convolution_entries():
    yield record_module(
        "conv2d_stride1_pad1", lambda: nn.Conv2d(3, 4, 3, stride=1, padding=1), [[2, 3, 6, 6]],
        {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "stride": 1, "padding": 1, "bias": True})
    yield record_module(
        "conv2d_stride2_pad1_no_bias", lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False),
        [[2, 3, 7, 7]],
        {"in_channels": 3, "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1, "bias": False})


def pooling_entries():
    yield record_module("maxpool2d_k2", lambda: nn.MaxPool2d(2), [[2, 3, 6, 6]],
                        {"kernel_size": 2, "stride": 2, "padding": 0})
    yield record_module("maxpool2d_k3_stride2_pad1", lambda: nn.MaxPool2d(3, stride=2, padding=1),
                        [[2, 3, 7, 7]], {"kernel_size": 3, "stride": 2, "padding": 1})
    # PyTorch's AvgPool2d divides by the full window, padding included (count_include_pad=True).
    yield record_module("avgpool2d_k2", lambda: nn.AvgPool2d(2), [[2, 3, 6, 6]],
                        {"kernel_size": 2, "stride": 2, "padding": 0, "count_include_pad": True})
    yield record_module("avgpool2d_k3_stride2_pad1", lambda: nn.AvgPool2d(3, stride=2, padding=1),
                        [[2, 3, 7, 7]],
                        {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": True})
    yield record_module("adaptive_avgpool2d_1", lambda: nn.AdaptiveAvgPool2d(1), [[2, 3, 7, 7]],
                        {"output_size": [1, 1]})
    # 7 -> 3 makes overlapping windows: rows floor(i*7/3) ..< ceil((i+1)*7/3).
    yield record_module("adaptive_avgpool2d_3x3", lambda: nn.AdaptiveAvgPool2d((3, 3)),
                        [[2, 3, 7, 7]], {"output_size": [3, 3]})


def normalization_entries():
    norm_config = {"num_features": 4, "eps": 1e-5, "momentum": 0.1}
    yield record_module("batchnorm1d_training", lambda: nn.BatchNorm1d(4), [[8, 4]], norm_config)
    yield batchnorm1d_eval_entry(norm_config)
    yield record_module("batchnorm2d_training", lambda: nn.BatchNorm2d(3), [[4, 3, 5, 5]],
                        {"num_features": 3, "eps": 1e-5, "momentum": 0.1})
    yield record_module("layernorm_last_dim", lambda: nn.LayerNorm(6), [[3, 4, 6]],
                        {"normalized_shape": [6], "eps": 1e-5, "elementwise_affine": True})


def batchnorm1d_eval_entry(config) -> dict:
    name = "batchnorm1d_eval"
    seed_for(name)
    module = nn.BatchNorm1d(4)
    randomize_constant_parameters(module)
    with torch.no_grad():
        module.running_mean.copy_(torch.randn(4))
        module.running_var.copy_(torch.rand(4) + 0.5)
    buffers_before = float_buffers(module)
    inputs = [torch.randn(8, 4)]
    return module_entry(name, module, config, inputs, training=False, buffers_before=buffers_before)


def embedding_entry() -> dict:
    name = "embedding"
    seed_for(name)
    module = nn.Embedding(7, 3)
    indices = torch.randint(0, 7, (2, 5))
    # A repeated index makes the weight gradient accumulate into one row, whatever the draw gave.
    indices[1, 4] = indices[0, 0]
    return module_entry(name, module, {"num_embeddings": 7, "embedding_dim": 3}, [],
                        integer_inputs=[indices])


def shape_and_activation_entries():
    yield record_module("flatten", lambda: nn.Flatten(), [[2, 3, 4, 5]], {"start_dim": 1, "end_dim": -1})
    yield record_module("relu", lambda: nn.ReLU(), [[3, 7]], {})
    yield record_module("tanh", lambda: nn.Tanh(), [[3, 7]], {})
    yield record_module("sigmoid", lambda: nn.Sigmoid(), [[3, 7]], {})
    yield record_module("gelu_erf", lambda: nn.GELU(approximate="none"), [[3, 7]], {"approximate": "none"})
    yield record_module("softmax_last_dim", lambda: nn.Softmax(dim=-1), [[3, 7]], {"dim": -1})
    yield record_module("log_softmax_last_dim", lambda: nn.LogSoftmax(dim=-1), [[3, 7]], {"dim": -1})


def lstm_entry() -> dict:
    config = {"input_size": 5, "hidden_size": 6, "num_layers": 2, "batch_first": True, "bias": True,
              "dropout": 0.0, "initial_state": "zeros",
              "gate_order": "input, forget, cell, output (rows of weight_ih_l* and weight_hh_l*)",
              "output": "the top layer's hidden state at every step; h_n and c_n are not stored"}
    return record_module("lstm_2_layers",
                         lambda: nn.LSTM(5, 6, num_layers=2, batch_first=True),
                         [[3, 4, 5]], config, forward=lambda m, x: m(x)[0])


def attention_entries():
    for masked in (False, True):
        config = {"embed_dim": 8, "num_heads": 2, "batch_first": True, "bias": True, "dropout": 0.0,
                  "self_attention": "query = key = value = inputs[0]", "need_weights": False,
                  "attn_mask": "causal" if masked else None}
        mask = causal_mask(4) if masked else None
        yield record_module(
            "multihead_attention_causal" if masked else "multihead_attention",
            lambda: nn.MultiheadAttention(8, 2, batch_first=True), [[2, 4, 8]], config,
            forward=lambda m, x, mask=mask: m(x, x, x, need_weights=False, attn_mask=mask)[0])


def transformer_entries():
    for masked in (False, True):
        config = {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "dropout": 0.0, "activation": "relu",
                  "layer_norm_eps": 1e-5, "batch_first": True, "norm_first": False,
                  "src_mask": "causal" if masked else None,
                  "structure": "x = norm1(x + self_attn(x, x, x)); x = norm2(x + linear2(relu(linear1(x))))"}
        mask = causal_mask(5) if masked else None
        yield record_module(
            "transformer_encoder_layer_causal" if masked else "transformer_encoder_layer",
            lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True),
            [[2, 5, 8]], config, forward=lambda m, x, mask=mask: m(x, src_mask=mask))


class BasicBlock(nn.Module):
    """ResNet's basic block (He et al. 2016, §3.3), shortcut option B: a 1×1 convolution when shapes change."""

    def __init__(self, in_channels: int, out_channels: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.shortcut(x))


def residual_block_entries():
    for stride, out_channels in ((1, 4), (2, 8)):
        config = {"in_channels": 4, "out_channels": out_channels, "stride": stride,
                  "structure": "relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))",
                  "conv1": "3x3, stride=stride, padding 1, no bias", "conv2": "3x3, padding 1, no bias",
                  "shortcut": "identity" if stride == 1 else
                  "shortcut.0 = conv 1x1 stride 2 no bias, shortcut.1 = BatchNorm2d",
                  "batchnorm": {"eps": 1e-5, "momentum": 0.1},
                  "parameter_names": ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight",
                                      "bn2.weight", "bn2.bias"]
                  + (["shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias"] if stride == 2 else [])}
        yield record_module("resnet_basic_block" if stride == 1 else "resnet_basic_block_downsample",
                            lambda: BasicBlock(4, out_channels, stride), [[2, 4, 6, 6]], config)


def module_entries() -> list[dict]:
    return [*linear_entries(), *convolution_entries(), *pooling_entries(), *normalization_entries(),
            embedding_entry(), *shape_and_activation_entries(), lstm_entry(), *attention_entries(),
            *transformer_entries(), *residual_block_entries()]


# MARK: - Losses


def loss_entry(name, loss, logits, target) -> dict:
    """The loss value and its gradient with respect to the input (backward from 1)."""
    leaf = logits.clone().requires_grad_(True)
    output = loss(leaf, target)
    output.backward()
    return {"name": name, "loss": type(loss).__name__, "config": {"reduction": "mean"},
            "input": encode(leaf), "target": encode(target),
            "target_dtype": "float" if target.dtype.is_floating_point else "int",
            "output": rounded(output.item()), "input_gradient": encode(leaf.grad)}


def loss_entries() -> list[dict]:
    entries = []
    seed_for("cross_entropy")
    entries.append(loss_entry("cross_entropy", nn.CrossEntropyLoss(), torch.randn(5, 4),
                              torch.randint(0, 4, (5,))))
    seed_for("nll")
    entries.append(loss_entry("nll", nn.NLLLoss(), torch.log_softmax(torch.randn(5, 4), dim=-1),
                              torch.randint(0, 4, (5,))))
    seed_for("bce_with_logits")
    # Soft targets in [0, 1] exercise both terms of the loss at every element.
    entries.append(loss_entry("bce_with_logits", nn.BCEWithLogitsLoss(), 2 * torch.randn(4, 3),
                              torch.rand(4, 3)))
    seed_for("mse")
    entries.append(loss_entry("mse", nn.MSELoss(), torch.randn(4, 3), torch.randn(4, 3)))
    return entries


# MARK: - Optimizers


def optimizer_problem():
    """Linear(4, 3) fitted to fixed x, y with MSE; shared by every optimizer run."""
    seed_for("optimizer_problem")
    model = nn.Linear(4, 3)
    x, y = torch.randn(6, 4), torch.randn(6, 3)
    return model.state_dict(), x, y


def optimizer_entry(name, make_optimizer, config, *, schedule=None, clip=None) -> dict:
    initial, x, y = optimizer_problem()
    model = nn.Linear(4, 3)
    model.load_state_dict(initial)
    optimizer = make_optimizer(model.parameters())
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, **schedule) if schedule else None
    trajectory = []
    for _ in range(OPTIMIZER_STEPS):
        optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        step = {"loss": rounded(loss.item()), "lr": optimizer.param_groups[0]["lr"]}
        if clip:
            total_norm = nn.utils.clip_grad_norm_(model.parameters(), **clip)
            step["grad_norm_before_clip"] = rounded(total_norm.item())
        optimizer.step()
        if scheduler:
            scheduler.step()
        step.update(encode_named(model.named_parameters()))
        trajectory.append(step)
    if schedule:
        config = {**config, "schedule": {"type": "StepLR", **schedule,
                                         "stepped": "after each optimizer step"}}
    if clip:
        config = {**config, "clip": {"type": "clip_grad_norm_", **clip,
                                     "over": "weight and bias together, before each step"}}
    return {"name": name, "optimizer": type(optimizer).__name__, "config": config,
            "problem": {"linear": [4, 3], "x": encode(x), "y": encode(y), "loss": "MSELoss"},
            "initial": encode_named(initial.items()),
            "trajectory": trajectory}


def sgd(**config):
    full = {"lr": 0.1, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False, **config}
    return (lambda params: torch.optim.SGD(params, **full)), full


def adam(kind, **config):
    full = {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False, **config}
    return (lambda params: kind(params, **{**full, "betas": tuple(full["betas"])})), full


def optimizer_entries() -> list[dict]:
    runs = [("sgd", *sgd()),
            ("sgd_momentum", *sgd(momentum=0.9)),
            ("sgd_momentum_dampening", *sgd(momentum=0.9, dampening=0.5)),
            ("sgd_nesterov", *sgd(momentum=0.9, nesterov=True)),
            ("sgd_momentum_weight_decay", *sgd(momentum=0.9, weight_decay=0.01)),
            ("adam", *adam(torch.optim.Adam)),
            ("adam_weight_decay", *adam(torch.optim.Adam, weight_decay=0.01)),
            ("adamw", *adam(torch.optim.AdamW, weight_decay=0.1))]
    entries = [optimizer_entry(name, make, config) for name, make, config in runs]
    entries.append(optimizer_entry("sgd_momentum_step_lr", *sgd(momentum=0.9),
                                   schedule={"step_size": 2, "gamma": 0.5}))
    entries.append(optimizer_entry("sgd_momentum_clip_grad_norm", *sgd(momentum=0.9),
                                   clip={"max_norm": 0.5, "norm_type": 2.0}))
    return entries


# MARK: - Initializers


def uniform(bound: float) -> str:
    return f"uniform(-{bound:.9g}, {bound:.9g})"


def initializer_entries() -> list[dict]:
    """Moments of large default-initialised parameters, for statistical tests of Tempo's initialisers."""
    # kaiming_uniform_(a=sqrt(5)), PyTorch's default for Linear and Conv2d weights, reduces to
    # uniform(±1/sqrt(fan_in)), the same bound as their biases.
    xavier_bound = math.sqrt(6 / (128 + 3 * 128))
    cases = [
        ("Linear", {"in_features": 1000, "out_features": 500}, lambda: nn.Linear(1000, 500),
         {"weight": uniform(1 / math.sqrt(1000)), "bias": uniform(1 / math.sqrt(1000))}),
        ("Conv2d", {"in_channels": 64, "out_channels": 128, "kernel_size": 3}, lambda: nn.Conv2d(64, 128, 3),
         {"weight": uniform(1 / math.sqrt(64 * 9)), "bias": uniform(1 / math.sqrt(64 * 9))}),
        ("Embedding", {"num_embeddings": 1000, "embedding_dim": 64}, lambda: nn.Embedding(1000, 64),
         {"weight": "normal(0, 1)"}),
        ("LSTM", {"input_size": 100, "hidden_size": 200}, lambda: nn.LSTM(100, 200),
         {"weight_ih_l0": uniform(1 / math.sqrt(200)), "bias_hh_l0": uniform(1 / math.sqrt(200))}),
        ("MultiheadAttention", {"embed_dim": 128, "num_heads": 2}, lambda: nn.MultiheadAttention(128, 2),
         {"in_proj_weight": f"xavier {uniform(xavier_bound)}", "in_proj_bias": "constant 0",
          "out_proj.weight": uniform(1 / math.sqrt(128)), "out_proj.bias": "constant 0"}),
        ("LayerNorm", {"normalized_shape": [64]}, lambda: nn.LayerNorm(64),
         {"weight": "constant 1", "bias": "constant 0"}),
        ("BatchNorm2d", {"num_features": 64}, lambda: nn.BatchNorm2d(64),
         {"weight": "constant 1", "bias": "constant 0"}),
    ]
    entries = []
    for module_name, config, build, distributions in cases:
        seed_for(f"init {module_name}")
        parameters = dict(build().named_parameters())
        for name, distribution in distributions.items():
            values = parameters[name].detach().double()
            entries.append({"module": module_name, "config": config, "parameter": name,
                            "distribution": distribution, "count": values.numel(),
                            "mean": values.mean().item(), "std": values.std(correction=0).item(),
                            "min": values.min().item(), "max": values.max().item()})
    return entries


# MARK: - Output


def write_one_entry_per_line(document: dict, path: Path) -> None:
    # One entry per line keeps a re-recording's diff readable without spreading floats over lines.
    lines = ["{"]
    keys = list(document)
    for index, key in enumerate(keys):
        comma = "," if index < len(keys) - 1 else ""
        value = document[key]
        if isinstance(value, list):
            body = ",\n".join("  " + json.dumps(item, separators=(",", ":")) for item in value)
            lines.append(f"{json.dumps(key)}: [\n{body}\n]{comma}")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    document = {"torch_version": torch.__version__, "generated_by": "scripts/record-goldens.py",
                "conventions": CONVENTIONS, "modules": module_entries(), "losses": loss_entries(),
                "optimizers": optimizer_entries(), "initializers": initializer_entries()}
    write_one_entry_per_line(document, arguments.output)
    json.loads(arguments.output.read_text())


if __name__ == "__main__":
    main()
