#!/usr/bin/env python3
"""Records Tests/TensorCoreTests/Fixtures/pytorch-golden.safetensors with the real `safetensors` library.

Every value comes from a formula that `SafeTensorsTests.swift` repeats in Swift, so the test checks the
reader against the formula, not against itself. Keep the two in step when you change one.

    python3 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install safetensors numpy
    /tmp/st-venv/bin/python scripts/record-safetensors-golden.py

NumPy has no bfloat16, so the BF16 entry is handed to `safetensors.serialize_file` (the function
`safetensors.numpy.save_file` calls) as raw little-endian bit patterns with dtype "bfloat16"; its values
are chosen to be exact in bfloat16, so taking the top 16 bits of their float32 patterns loses nothing.
"""

import pathlib

import numpy as np
import safetensors
from safetensors import TensorSpec, safe_open, serialize_file

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/TensorCoreTests/Fixtures/pytorch-golden.safetensors"
METADATA = {"format": "np", "generator": "scripts/record-safetensors-golden.py"}


def arange(count, dtype):
    return np.arange(count, dtype=dtype)


def numpy_tensors():
    i = arange
    return {
        # value(i) = Float(i) * 0.75 - 2
        "f32": (i(6, np.float32) * np.float32(0.75) - np.float32(2)).reshape(2, 3),
        # value(i) = Double(i) / 3 - 1, rounded to Float32 by the reader
        "f64": (i(6, np.float64) / 3.0 - 1.0).reshape(3, 2),
        # value(i) = Float16((Double(i) - 3) * 0.1) for i < 8, then the specials
        "f16": np.concatenate(
            [
                ((i(8, np.float64) - 3.0) * 0.1).astype(np.float16),
                np.array([65504.0, 2.0**-24, -0.0, np.inf, -np.inf, np.nan], dtype=np.float16),
            ]
        ).reshape(2, 7),
        # value(i) = (i - 2) * 3_000_000_019 (beyond Int32, rounded to Float32 by the reader)
        "i64": (i(5, np.int64) - 2) * 3_000_000_019,
        # value(i) = (i - 2) * 100_000
        "i32": ((i(4, np.int32) - 2) * 100_000).reshape(2, 2),
        # value(i) = (i - 1) * 30_000
        "i16": ((i(3, np.int16) - 1) * 30_000).astype(np.int16),
        # value(i) = i * 85 - 128
        "i8": (i(4, np.int16) * 85 - 128).astype(np.int8),
        # value(i) = i * 85
        "u8": (i(4, np.int16) * 85).astype(np.uint8),
        # value(i) = i is even
        "bool": i(3, np.int64) % 2 == 0,
        "scalar": np.array(3.5, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }


def bfloat16_values():
    # value(i) = Float(i) * 0.5 - 3 for i < 6, then 2^100 and the float32 subnormal 2^-130
    values = np.concatenate([arange(6, np.float32) * np.float32(0.5) - np.float32(3), [2.0**100, -(2.0**-130)]])
    bits = values.astype("<f4").view("<u4")
    assert not np.any(bits & 0xFFFF), "every bfloat16 value must be exact"
    return (bits >> 16).astype("<u2").reshape(2, 4)


def main():
    # Little-endian C-order copies (np.ascontiguousarray would turn the 0-d scalar into shape [1]).
    tensors = {name: value.astype(value.dtype.newbyteorder("<"), order="C") for name, value in numpy_tensors().items()}
    bf16 = bfloat16_values().copy(order="C")
    specs = {
        name: TensorSpec(dtype=value.dtype.name, shape=list(value.shape), data_ptr=value.ctypes.data, data_len=value.nbytes)
        for name, value in tensors.items()
    }
    specs["bf16"] = TensorSpec(dtype="bfloat16", shape=list(bf16.shape), data_ptr=bf16.ctypes.data, data_len=bf16.nbytes)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    serialize_file(specs, str(OUTPUT), metadata=METADATA)

    # Read it back with the library, so a bad recording fails here rather than in the Swift tests.
    with safe_open(str(OUTPUT), framework="np") as file:
        assert file.metadata() == METADATA
        for name, value in tensors.items():
            assert np.array_equal(file.get_tensor(name), value, equal_nan=value.dtype.kind == "f"), name
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes) with safetensors {safetensors.__version__}")


if __name__ == "__main__":
    main()
