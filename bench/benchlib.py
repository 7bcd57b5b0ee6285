# Shared helpers of the bench drivers (mooncake_store.py, redis_store.py) and compare.py: sizes, op counts, ports, child processes, result records.
"""Standard library only, so compare.py can import it with any python3.

Driver conventions (the same as `mooncake bench --output json`):
  * one JSON object on stdout: {"tool", "version", "results": [record, ...]}; progress goes to stderr;
  * a record is {"scenario", "op", "size", "batch", "clients", "ops", "bytes", "MBps", "p50_us", "p99_us",
    "errors"}; MBps = bytes / wall seconds of the measured loop / 1e6 (aggregate over clients, from the first
    client's start to the last client's end); latencies are per call (per batch call for batch scenarios).

Client processes report "phases" (one measured loop of one op at one size) to their parent over a line
protocol on their original stdout; `record_from_phases` merges the phases of concurrent clients.
"""

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time

UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20,
         "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}


def parse_size(text):
    """'4K' -> 4096, '1M' -> 1048576, '2G', '123' (binary units)."""
    t = text.strip().upper()
    i = len(t)
    while i > 0 and not t[i - 1].isdigit():
        i -= 1
    if i == 0 or t[i:] not in UNITS:
        raise ValueError(f"bad size {text!r} (use e.g. 4K, 64K, 1M, 16M, 2G)")
    return int(t[:i]) * UNITS[t[i:]]


def parse_sizes(text):
    return [parse_size(s) for s in text.split(",") if s.strip()]


def size_label(n):
    for unit, name in ((1 << 30, "G"), (1 << 20, "M"), (1 << 10, "K")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{name}"
    return str(n)


def ops_for(size, ops, budget, minimum=4):
    """Measured keys for one (op, size), as `mooncake bench` counts them: min(ops, max(minimum, budget / size))."""
    if budget and budget > 0:
        return max(1, min(ops, max(minimum, budget // size)))
    return max(1, ops)


def warmup_for(n, warmup):
    """Warm-up ops before a measured loop of n ops (never more than the loop itself)."""
    return max(0, min(warmup, n))


def percentile(values, q):
    """Nearest-rank percentile of a non-empty list (q in 0..100)."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q / 100.0 * len(s)) - 1))
    return s[k]


def record_from_phases(scenario, op, size, batch, phases):
    """One result record from the phases (same scenario/op/size) of one or more concurrent clients."""
    lat = [x for p in phases for x in p["lat_ns"]]
    nbytes = sum(p["bytes"] for p in phases)
    wall = max(p["t_end"] for p in phases) - min(p["t_start"] for p in phases)
    return {
        "scenario": scenario,
        "op": op,
        "size": size,
        "batch": batch,
        "clients": len(phases),
        "ops": sum(p["ops"] for p in phases),
        "bytes": nbytes,
        "MBps": round(nbytes / wall / 1e6, 3) if wall > 0 else 0.0,
        "p50_us": round(percentile(lat, 50) / 1e3, 2),
        "p99_us": round(percentile(lat, 99) / 1e3, 2),
        "errors": sum(p["errors"] for p in phases),
    }


def records_from_clients(client_outputs):
    """Merge the phase lists of concurrent clients (same phase order in each) into records."""
    groups = {}
    order = []
    for out in client_outputs:
        for p in out["phases"]:
            key = (p["scenario"], p["op"], p["size"], p["batch"])
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(p)
    return [record_from_phases(*key, groups[key]) for key in order]


def timed_loop(calls, fn):
    """Run fn(i) for i in range(calls); returns (t_start, t_end, [latency ns], errors). fn returns True on success."""
    lat = []
    errors = 0
    clock = time.perf_counter_ns
    t0 = time.time()
    for i in range(calls):
        a = clock()
        ok = fn(i)
        lat.append(clock() - a)
        if not ok:
            errors += 1
    t1 = time.time()
    return t0, t1, lat, errors


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before listening on port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def protocol_stdout():
    """Point fd 1 at stderr (native libraries log on stdout) and return a line-buffered stream on the real stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    out = os.fdopen(saved, "w", buffering=1)
    sys.stdout = sys.stderr
    return out


def send(out, obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()


def exit_on_sigterm():
    """Turn SIGTERM into SystemExit so `finally` blocks (stopping child processes) run."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


class Procs:
    """Child processes started by this process; stop_all() terminates them (by PID, newest first)."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, **kw):
        proc = subprocess.Popen(argv, **kw)
        proc.bench_name = name
        self.procs.append(proc)
        return proc

    def stop(self, proc, grace=5.0):
        if proc.poll() is None:
            try:
                proc.terminate()
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self):
        for proc in reversed(list(self.procs)):
            self.stop(proc)


def _is_loopback(addr):
    a = addr.strip("[]")
    if a.startswith("::ffff:"):
        a = a[len("::ffff:"):]
    return a.startswith("127.") or a == "::1" or a == "*" or a == "0.0.0.0"


def connection_check(pids):
    """(connections seen, [lines with a non-loopback end]) over the TCP sockets (all states) of the given PIDs."""
    try:
        out = subprocess.run(["ss", "-tanpH"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        log(f"warning: ss failed: {e}")
        return 0, []
    seen, bad = 0, []
    marks = [f"pid={p}," for p in pids]
    for line in out.splitlines():
        if not any(m in line for m in marks):
            continue
        f = line.split()
        if len(f) < 5:
            continue
        seen += 1
        local, peer = f[3].rsplit(":", 1)[0], f[4].rsplit(":", 1)[0]
        if not (_is_loopback(local) and _is_loopback(peer)):
            bad.append(line)
    return seen, bad


def pattern_value(size, seed=0):
    """Deterministic non-trivial content of `size` bytes."""
    block = bytes((i * 31 + seed * 7 + 11) % 251 for i in range(4096))
    return (block * (size // len(block) + 1))[:size]


def stamped(base, key):
    """`base` with its first bytes replaced by the key, so each checked key has distinct content."""
    stamp = (key + "|").encode()[: len(base)]
    return stamp + base[len(stamp):]
