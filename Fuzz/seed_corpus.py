#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/<target>/ (committed; libFuzzer adds what it finds in
its own working folders, see run.sh). Rerun after changing a format the fuzzers should start from.
"""
import gzip
import hashlib
import json
import re
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def put(target: str, data: bytes) -> None:
    folder = HERE / "Corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def wire() -> None:
    def frames(msg_type: str, content: dict) -> bytes:
        header = {"msg_id": "a1", "session": "s", "username": "u", "date": "2026-12-07T08:00:00.000000Z",
                  "msg_type": msg_type, "version": "5.3"}
        parts = [b"client", b"<IDS|MSG>", b"", json.dumps(header).encode(), b"{}", b"{}",
                 json.dumps(content).encode()]
        return b"\0".join(parts)
    put("Wire", frames("execute_request", {"code": "1 + 1", "silent": False, "store_history": True,
                                           "user_expressions": {"x": "1"}, "allow_stdin": False,
                                           "stop_on_error": True}))
    put("Wire", frames("kernel_info_request", {}))
    put("Wire", frames("complete_request", {"code": "pri", "cursor_pos": 3}))
    put("Wire", frames("history_request", {"hist_access_type": "tail", "n": 10, "output": True, "raw": True}))
    put("Wire", frames("comm_open", {"comm_id": "c", "target_name": "t", "data": {}}))


def json_seeds() -> None:
    put("JSON", b'{"a": [1, 2.5, -3e10, true, false, null, "\\u00e9\\n"], "b": {"c": {}}}')
    put("JSON", b"[]")
    put("JSON", json.dumps(json.loads((REPO / "notebooks" / "00-tour.ipynb").read_text())["metadata"]).encode())
    put("JSON", b'"\\ud83d\\ude00"')


def safetensors() -> None:
    def file(tensors: dict, metadata: dict | None = None) -> bytes:
        header, data, offset = {}, b"", 0
        for name, (dtype, shape, values) in tensors.items():
            raw = struct.pack(f"<{len(values)}{'f' if dtype == 'F32' else 'q'}", *values)
            header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
            data += raw
            offset += len(raw)
        if metadata:
            header["__metadata__"] = metadata
        text = json.dumps(header).encode()
        return struct.pack("<Q", len(text)) + text + data
    put("SafeTensors", file({"w": ("F32", [2, 3], [1, 2, 3, 4, 5, 6]), "b": ("F32", [3], [0.5, -1, 2])}))
    put("SafeTensors", file({"x": ("F32", [1], [7])}, {"tempo.recipe": '{"kind": "MLP"}'}))
    put("SafeTensors", file({"n": ("I64", [2], [1, 2])}))


def data_files() -> None:
    images = struct.pack(">IIII", 0x803, 2, 2, 2) + bytes(range(8))
    labels = struct.pack(">II", 0x801, 2) + bytes([0, 1])
    def split(first: bytes, second: bytes) -> bytes:
        total = len(first) + len(second)
        return bytes([round(255 * len(first) / total)]) + first + second
    put("DataFiles", bytes([0]) + split(images, labels))
    put("DataFiles", bytes([1]) + split(gzip.compress(images, mtime=0), gzip.compress(labels, mtime=0)))
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
    header = header + " " * (63 - len(header) % 64) + "\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<4f", 1, 2, 3, 4)
    header_y = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"
    header_y = header_y + " " * (63 - len(header_y) % 64) + "\n"
    npy_y = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header_y)) + header_y.encode() + struct.pack("<2q", 0, 1)
    put("DataFiles", bytes([2]) + split(npy, npy_y))
    put("DataFiles", bytes([3]) + b"a,b,label\n1,2,x\n3.5,-4,y\n")
    put("DataFiles", bytes([4]) + gzip.compress(b"p1,p2,p3,p4,label\n0,1,2,3,0\n4,5,6,7,1\n", mtime=0))


def language() -> None:
    text = (REPO / "docs" / "builtins.md").read_text() + (REPO / "docs" / "language.md").read_text()
    blocks = re.findall(r"```swift\n(.*?)```", text, flags=re.S)
    # The examples, minus those that read data sets from disk or train for long (the watchdog
    # would stop them anyway, but seeds should be quick).
    quick = [b for b in blocks if "FashionMNIST" not in b and "CIFAR" not in b and "epochs: 5" not in b]
    for block in quick[:120]:
        put("Language", block.encode())
    put("Language", b"var x = 0\nfor i in 0..<10 { x += i }\nx")
    put("Language", b'func f(_ n: Int) -> Int { n < 2 ? n : f(n - 1) + f(n - 2) }\nf(15)')


if __name__ == "__main__":
    wire()
    json_seeds()
    safetensors()
    data_files()
    language()
    for folder in sorted((HERE / "Corpus").iterdir()):
        print(folder.name, len(list(folder.iterdir())))
