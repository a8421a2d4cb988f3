#!/usr/bin/env python3
"""Resident memory of a kernel over many executes: does each execute leave something behind?

Starts the kernel through jupyter_client (as a notebook does), defines `x`, runs a warm-up, then
executes `x += 1` N times, reading the kernel process's VmRSS from /proc after every block.
Prints one row per block and the growth from the first sample after warm-up to the last, in
MB, in percent and per execute. Goal (issue 18): flat within 1 % over 10,000 executes.

    python bench/kernel/memory.py tempo --executes 10000 --every 1000
    python bench/kernel/memory.py python3 --setup "x = 0" --code "x += 1"     # ipykernel, for scale
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

TIMEOUT = 30.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def run(kc, code: str) -> None:
    msg_id = kc.execute(code, store_history=True)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"{code!r} failed: {reply['content']}")
    # Drain IOPub up to this request's idle, as a frontend would.
    while True:
        message = kc.get_iopub_msg(timeout=TIMEOUT)
        if (message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"):
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kernel", help="kernelspec name")
    parser.add_argument("--executes", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--setup", default="var x = 0")
    parser.add_argument("--code", default="x += 1")
    parser.add_argument("--json", help="write the samples here")
    options = parser.parse_args()

    km = KernelManager(kernel_name=options.kernel)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        pid = km.provisioner.process.pid
        run(kc, options.setup)
        for _ in range(options.warmup):
            run(kc, options.code)
        samples = [(0, rss_mb(pid))]
        started = time.monotonic()
        done = 0
        while done < options.executes:
            for _ in range(min(options.every, options.executes - done)):
                run(kc, options.code)
            done = min(done + options.every, options.executes)
            samples.append((done, rss_mb(pid)))
        seconds = time.monotonic() - started
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    first, last = samples[0][1], samples[-1][1]
    growth = last - first
    print(f"{options.kernel}: `{options.code}` × {options.executes} after {options.warmup} warm-up executes "
          f"({seconds:.1f} s, {seconds / options.executes * 1e3:.2f} ms per execute)")
    print()
    print("| executes | RSS MB |")
    print("|---:|---:|")
    for count, mb in samples:
        print(f"| {count} | {mb:.2f} |")
    print()
    percent = growth / first * 100
    verdict = "flat" if abs(percent) <= 1 else "grows"
    print(f"growth: {growth:+.2f} MB ({percent:+.2f} %, {growth * 1024 * 1024 / options.executes:+.0f} bytes per "
          f"execute) — {verdict} (goal: within 1 %)")
    if options.json:
        Path(options.json).write_text(json.dumps({"kernel": options.kernel, "samples": samples, "seconds": seconds}))


if __name__ == "__main__":
    main()
