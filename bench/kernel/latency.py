#!/usr/bin/env python3
"""Kernel latency probe: start-up time and request round-trip times for any
installed Jupyter kernel, driven through jupyter_client's KernelManager and
BlockingKernelClient (the same stack nbclient / papermill / jupyter_kernel_test use).

Adapted from shared/tools/kernel_latency.py (the project's kernel latency probe). Changes: the
shutdown time is measured from shutdown_request to the kernel process's exit (Popen.wait) instead
of KernelManager.shutdown_kernel's 100 ms polling; interrupt is timed to the execute_reply as well
as to idle; IOPub is matched on the parent's msg_type as well as its msg_id (KernelManager and
its client share a cloned Session, so their msg_ids collide); `--table A.json B.json …` prints the
results of several runs as one markdown table.

Usage:
    python latency.py KERNEL_NAME [--n 200] [--starts 5]
        [--exec-code 1] [--complete-code pri] [--json out.json]
        [--interrupt-code "<long-running code>"] [--error-code "<code that raises>"]
    python latency.py --table tempo.json python3.json
  e.g. python latency.py python3 --interrupt-code "import time; time.sleep(30)" --error-code "1/0"

Needs: pip install jupyter_client  (plus the kernel under test, registered as a
kernelspec: `jupyter kernelspec list` must show KERNEL_NAME).

What is measured (wall clock, time.perf_counter):
  startup   : KernelManager.start_kernel() -> first kernel_info_reply on shell
              (one kernel_info_request is queued right after connecting and
              re-sent every 2 s until answered; ZeroMQ queues it until the
              kernel binds). Also reported: spawn (start_kernel() call alone),
              ready (jupyter_client's own wait_for_ready, which additionally
              needs an iopub message within 0.2 s of the reply), shutdown
              (shutdown_request on control -> the kernel process exits, timed
              with Popen.wait).
  kernel_info / execute / complete round trips, each measured two ways:
      reply : send request -> matching *_reply on shell
      idle  : send request -> status:idle on iopub with parent msg_id == request
              (what a notebook front end waits for before it calls a cell done)
  Protocol sanity checked on every timed request (counted, never fatal):
      reply parent_header.msg_id matches; first iopub status for the request is
      busy and precedes idle; execute_input seen for every non-silent execute;
      execute_reply execution_count increments by 1 when store_history=True.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from queue import Empty

import zmq
from jupyter_client.manager import KernelManager

TIMEOUT = 30.0


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000.0 for v in values_s]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "p10_ms": round(pct(ms, 10), 3),
        "p90_ms": round(pct(ms, 90), 3),
        "p99_ms": round(pct(ms, 99), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
    }


class Probe:
    def __init__(self, kc, violations: dict[str, int]):
        self.kc = kc
        self.v = violations
        self.last_count: int | None = None
        self.poller = zmq.Poller()
        self.poller.register(kc.shell_channel.socket, zmq.POLLIN)
        self.poller.register(kc.iopub_channel.socket, zmq.POLLIN)

    def _bad(self, what: str) -> None:
        self.v[what] = self.v.get(what, 0) + 1

    def drain_iopub(self) -> None:
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.05)
            except Empty:
                return

    def roundtrip(self, send, reply_type: str, expect_input: bool = False):
        """Send one request; return (reply_seconds, idle_seconds, reply_msg).

        Shell and iopub are watched with one zmq.Poller, so the client sleeps
        in the kernel-facing poll instead of spinning (fair on small machines)."""
        shell, iopub = self.kc.shell_channel, self.kc.iopub_channel
        request_type = reply_type.replace("_reply", "_request")
        t0 = time.perf_counter()
        msg_id = send()
        reply = None
        t_reply = t_idle = None
        seen_busy = seen_input = False
        while reply is None or t_idle is None:
            left = TIMEOUT - (time.perf_counter() - t0)
            if left <= 0:
                raise TimeoutError(f"{reply_type}: no reply/idle within {TIMEOUT}s")
            ready = dict(self.poller.poll(int(left * 1000)))
            if reply is None and shell.socket in ready:
                m = shell.get_msg(timeout=0)
                if m["parent_header"].get("msg_id") != msg_id:
                    self._bad("reply_wrong_parent_or_stray")
                else:
                    if m["msg_type"] != reply_type:
                        self._bad(f"unexpected_reply_type:{m['msg_type']}")
                    reply, t_reply = m, time.perf_counter()
            if t_idle is None and iopub.socket in ready:
                m = iopub.get_msg(timeout=0)
                parent = m["parent_header"]
                # The msg_type check matters: KernelManager.client() clones the manager's Session,
                # so km.interrupt_kernel()'s interrupt_request can reuse an execute's msg_id.
                if parent.get("msg_id") != msg_id or parent.get("msg_type") != request_type:
                    continue  # other clients' traffic, late stragglers, the manager's requests
                if m["msg_type"] == "status":
                    st = m["content"]["execution_state"]
                    if st == "busy":
                        seen_busy = True
                    elif st == "idle":
                        if not seen_busy:
                            self._bad("idle_without_prior_busy")
                        t_idle = time.perf_counter()
                elif m["msg_type"] == "execute_input":
                    seen_input = True
                    if not seen_busy:
                        self._bad("execute_input_before_busy")
        if expect_input and not seen_input:
            self._bad("missing_execute_input")
        self.last_abs = (t0, t_reply, t_idle)
        return t_reply - t0, t_idle - t0, reply

    def check_count(self, reply, store_history: bool) -> None:
        c = reply["content"].get("execution_count")
        if c is None:
            self._bad("execute_reply_without_execution_count")
            return
        if store_history and self.last_count is not None and c != self.last_count + 1:
            self._bad("execution_count_not_incremented")
        self.last_count = c


def measure_listening(kernel_name: str) -> float:
    """KernelManager.start_kernel() -> the kernel's shell port accepts a TCP connection (seconds).

    The kernel's own start-up, without the client: jupyter_client connects right after spawning,
    before the kernel has bound, and ZeroMQ then retries only every reconnect interval (100 ms),
    which the first-kernel_info_reply figure includes."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    try:
        while True:
            with socket.socket() as probe:
                try:
                    probe.connect((km.ip, km.shell_port))
                    break
                except OSError:
                    pass
            if time.perf_counter() - t0 > 60:
                raise TimeoutError("the shell port did not open within 60 s")
            time.sleep(0.0005)
        return time.perf_counter() - t0
    finally:
        km.shutdown_kernel(now=True)


def measure_startup(kernel_name: str) -> tuple[dict[str, float], KernelManager, object]:
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    t_spawned = time.perf_counter()
    kc = km.client()
    kc.start_channels()
    msg_id = kc.kernel_info()
    last_send = time.perf_counter()
    while True:
        try:
            m = kc.get_shell_msg(timeout=0.01)
        except Empty:
            if not km.is_alive():
                raise RuntimeError("kernel died during start-up")
            now = time.perf_counter()
            if now - t0 > 120:
                raise TimeoutError("no kernel_info_reply within 120 s")
            if now - last_send > 2.0:
                msg_id = kc.kernel_info()
                last_send = now
            continue
        if m["msg_type"] == "kernel_info_reply":
            break
    t_info = time.perf_counter()
    kc.wait_for_ready(timeout=60)  # jupyter_client's own readiness rule
    t_ready = time.perf_counter()
    return (
        {
            "spawn_s": t_spawned - t0,
            "first_kernel_info_reply_s": t_info - t0,
            "ready_s": t_ready - t0,
            "language_info": m["content"].get("language_info", {}),
            "implementation": m["content"].get("implementation"),
            "protocol_version": m["content"].get("protocol_version"),
        },
        km,
        kc,
    )


def shutdown(km, kc) -> float:
    """shutdown_request -> the kernel process has exited (seconds)."""
    process = km.provisioner.process
    t0 = time.perf_counter()
    kc.shutdown()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass  # reported as 10 s; shutdown_kernel below kills it
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=not km.is_alive())
    return elapsed


TABLE_ROWS = [
    # (label, key, statistic, unit)
    ("start → shell port listening", "startup_listening_s", "median_ms", "ms"),
    ("start → first kernel_info_reply", "startup_first_kernel_info_reply_s", "median_ms", "ms"),
    ("start → ready (wait_for_ready)", "startup_ready_s", "median_ms", "ms"),
    ("kernel_info round trip", "kernel_info_reply", "median_ms", "ms"),
    ("execute round trip, median", "execute_reply", "median_ms", "ms"),
    ("execute round trip, p99", "execute_reply", "p99_ms", "ms"),
    ("execute → idle, median", "execute_idle", "median_ms", "ms"),
    ("complete round trip, median", "complete_reply", "median_ms", "ms"),
    ("interrupt → idle, median", "interrupt_to_idle", "median_ms", "ms"),
    ("shutdown_request → exit, median", "shutdown_s", "median_ms", "ms"),
]


def cell(value: float) -> str:
    if value != value:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(paths: list[str]) -> str:
    runs = [json.load(open(path)) for path in paths]
    names = [f"{r['kernel_name']} ({r.get('implementation')})" for r in runs]
    lines = ["| measure (ms) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(runs)]
    for label, key, stat, _ in TABLE_ROWS:
        values = [r.get(key, {}).get(stat, float("nan")) for r in runs]
        lines.append(f"| {label} | " + " | ".join(cell(v) for v in values) + " |")
    lines.append("| protocol violations | " + " | ".join(
        (", ".join(f"{k}: {v}" for k, v in r["protocol_violations"].items()) or "none") for r in runs) + " |")
    lines.append("| interrupt reply | " + " | ".join(
        ", ".join(sorted(set(str(e) for e in r.get("interrupt_reply_ename", [])))) or "–" for r in runs) + " |")
    lines.append("| stop_on_error (failing / queued) | " + " | ".join(
        (f"{r['stop_on_error']['failing']} / {r['stop_on_error']['queued_after']}" if "stop_on_error" in r else "–")
        for r in runs) + " |")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--table":
        print(table(sys.argv[2:]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kernel_name")
    ap.add_argument("--n", type=int, default=200, help="timed requests per kind (default 200)")
    ap.add_argument("--warmup", type=int, default=10, help="untimed requests per kind first")
    ap.add_argument("--starts", type=int, default=5, help="cold starts to time (default 5)")
    ap.add_argument("--exec-code", default="1", help="code for execute_request (default '1')")
    ap.add_argument("--complete-code", default="pri", help="code for complete_request, cursor at end")
    ap.add_argument("--interrupt-code", default=None,
                    help="optional long-running code; times KernelManager.interrupt_kernel() -> "
                         "execute_reply/idle, 5 runs (uses the kernelspec's interrupt_mode)")
    ap.add_argument("--error-code", default=None,
                    help="optional code that raises; checks stop_on_error aborts a queued execute")
    ap.add_argument("--json", help="also write results as JSON to this path")
    a = ap.parse_args()

    out: dict = {"kernel_name": a.kernel_name, "python": sys.version.split()[0]}

    # ---- cold starts (each one: start, first kernel_info_reply, ready, shutdown)
    starts = []
    for i in range(a.starts):
        info, km, kc = measure_startup(a.kernel_name)
        if i < a.starts - 1:
            info["shutdown_s"] = shutdown(km, kc)
            starts.append(info)
        else:
            starts.append(info)
            keep_km, keep_kc = km, kc  # reuse the last kernel for round trips
    out["implementation"] = starts[-1]["implementation"]
    out["protocol_version"] = starts[-1]["protocol_version"]
    out["language_info"] = starts[-1]["language_info"]
    for key in ("spawn_s", "first_kernel_info_reply_s", "ready_s"):
        out[f"startup_{key}"] = summary([s[key] for s in starts])
    shut = [s["shutdown_s"] for s in starts if "shutdown_s" in s]
    if shut:
        out["shutdown_s"] = summary(shut)

    out["startup_listening_s"] = summary([measure_listening(a.kernel_name) for _ in range(a.starts)])

    km, kc = keep_km, keep_kc
    violations: dict[str, int] = {}
    p = Probe(kc, violations)
    p.drain_iopub()

    def run(kind: str, send, reply_type: str, expect_input=False, store_history=None):
        reply_t, idle_t = [], []
        for i in range(a.warmup + a.n):
            r, d, msg = p.roundtrip(send, reply_type, expect_input)
            if store_history is not None:
                p.check_count(msg, store_history)
            if msg["content"].get("status") not in ("ok", "complete", "incomplete", "invalid", "unknown"):
                violations[f"{kind}_status_{msg['content'].get('status')}"] = violations.get(
                    f"{kind}_status_{msg['content'].get('status')}", 0) + 1
            if i >= a.warmup:
                reply_t.append(r)
                idle_t.append(d)
        out[f"{kind}_reply"] = summary(reply_t)
        out[f"{kind}_idle"] = summary(idle_t)

    run("kernel_info", kc.kernel_info, "kernel_info_reply")
    run("execute", lambda: kc.execute(a.exec_code, store_history=True), "execute_reply",
        expect_input=True, store_history=True)
    run("execute_silent", lambda: kc.execute(a.exec_code, silent=True, store_history=False),
        "execute_reply")
    run("complete", lambda: kc.complete(a.complete_code, len(a.complete_code)), "complete_reply")
    if a.interrupt_code:
        lat_idle, lat_reply, statuses, enames = [], [], [], []
        for _ in range(5):
            p.drain_iopub()
            holder = {}

            def send_then_interrupt():
                mid = kc.execute(a.interrupt_code)
                time.sleep(0.5)  # let it start running
                holder["t"] = time.perf_counter()
                km.interrupt_kernel()  # SIGINT or interrupt_request, per kernelspec
                return mid

            _, _, msg = p.roundtrip(send_then_interrupt, "execute_reply", expect_input=True)
            lat_reply.append(max(0.0, p.last_abs[1] - holder["t"]))
            lat_idle.append(max(0.0, p.last_abs[2] - holder["t"]))
            statuses.append(msg["content"].get("status"))
            enames.append(msg["content"].get("ename"))
        out["interrupt_to_reply"] = summary(lat_reply)
        out["interrupt_to_idle"] = summary(lat_idle)
        out["interrupt_reply_status"] = statuses
        out["interrupt_reply_ename"] = enames
        p.last_count = None

    if a.error_code:
        p.drain_iopub()
        m1 = kc.execute(a.error_code, stop_on_error=True)
        m2 = kc.execute(a.exec_code)  # queued behind the failing one
        got = {}
        deadline = time.perf_counter() + TIMEOUT
        while len(got) < 2 and time.perf_counter() < deadline:
            try:
                m = kc.get_shell_msg(timeout=1)
            except Empty:
                continue
            got[m["parent_header"].get("msg_id")] = m["content"].get("status")
        out["stop_on_error"] = {"failing": got.get(m1), "queued_after": got.get(m2)}
        p.drain_iopub()

    out["protocol_violations"] = violations
    out["final_shutdown_s"] = round(shutdown(km, kc), 3)

    # ---- print
    print(f"kernel: {a.kernel_name}  implementation={out['implementation']} "
          f"protocol={out['protocol_version']}  lang={out['language_info'].get('name')} "
          f"{out['language_info'].get('version')}")
    for key in ("startup_spawn_s", "startup_listening_s", "startup_first_kernel_info_reply_s", "startup_ready_s",
                "shutdown_s"):
        if key in out:
            s = out[key]
            print(f"{key:38s} median {s['median_ms']:9.1f} ms  min {s['min_ms']:9.1f}  max {s['max_ms']:9.1f}  (n={s['n']})")
    for kind in ("kernel_info", "execute", "execute_silent", "complete"):
        for how in ("reply", "idle"):
            s = out[f"{kind}_{how}"]
            print(f"{kind + '_' + how:38s} median {s['median_ms']:7.3f} ms  p90 {s['p90_ms']:7.3f}  "
                  f"p99 {s['p99_ms']:7.3f}  min {s['min_ms']:7.3f}  max {s['max_ms']:7.3f}  (n={s['n']})")
    if "interrupt_to_idle" in out:
        s = out["interrupt_to_idle"]
        print(f"{'interrupt_to_idle':38s} median {s['median_ms']:7.1f} ms  max {s['max_ms']:7.1f}  "
              f"reply statuses {out['interrupt_reply_status']} {out['interrupt_reply_ename']}")
    if "stop_on_error" in out:
        print("stop_on_error (failing / queued-after):", out["stop_on_error"])
    print("protocol_violations:", violations or "none")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
