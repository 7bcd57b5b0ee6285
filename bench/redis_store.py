# Benchmark driver for Redis (redis-py + hiredis): starts a redis-server on loopback without persistence, prints the bench JSON.
"""Run with a python that has redis (and hiredis): the reference venv, where bench/run installs them.

  redis_store.py [--sizes 4K,64K,1M,16M] [--ops 640] [--bytes 256M] [--warmup 10] [--scenarios ...]

Scenarios:
  redis           SET / GET one key per call (records op put / get)
  redis-batch32   MSET / MGET of 32 keys per call
  redis-2clients  two client processes at once (barrier before each measured loop), aggregate MB/s
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

ALL_SCENARIOS = ["redis", "redis-batch32", "redis-2clients"]
BATCH = 32


class Client:
    def __init__(self, args, out):
        import redis

        self.args = args
        self.out = out
        self.r = redis.Redis(host="127.0.0.1", port=args.port, socket_timeout=300)
        self.r.ping()
        self.phases = []

    def barrier(self, what):
        if self.args.barrier:
            bl.send(self.out, {"ready": what})
            if sys.stdin.readline().strip() != "go":
                raise SystemExit("parent went away")

    def phase(self, scenario, op, size, batch, n, loop):
        t0, t1, lat, errors = loop
        self.phases.append({"scenario": scenario, "op": op, "size": size, "batch": batch, "ops": n,
                            "bytes": n * size, "t_start": t0, "t_end": t1, "lat_ns": lat, "errors": errors})
        bl.log(f"  redis {scenario} {op} {bl.size_label(size)}: {n * size / max(t1 - t0, 1e-9) / 1e6:.0f} MB/s,"
               f" p50 {bl.percentile(lat, 50) / 1e3:.0f} us, errors {errors}")

    def run(self, scenario, size):
        a = self.args
        r = self.r
        n = bl.ops_for(size, a.ops, a.bytes)
        batch = BATCH if scenario == "redis-batch32" else 1
        if batch > 1:
            n = max(BATCH, n)  # the last call may be partial, as in mooncake bench
            w = BATCH if a.warmup > 0 else 0
        else:
            w = bl.warmup_for(n, a.warmup)
        prefix = f"{scenario}/{size}/{os.getpid()}/{time.monotonic_ns()}/"
        keys = [prefix + str(i) for i in range(w + n)]
        base = bl.pattern_value(size, seed=len(self.phases))
        first, last = w, w + n - 1
        expected = {first: bl.stamped(base, keys[first]), last: bl.stamped(base, keys[last])}
        errors = 0
        if batch > 1:
            def put_round(j, off=w):
                return bool(r.mset({keys[k]: expected.get(k, base)
                                    for k in range(off + j * BATCH, min(off + (j + 1) * BATCH, w + n))}))

            def get_round(j, off=w):
                got = r.mget(keys[off + j * BATCH: min(off + (j + 1) * BATCH, w + n)])
                return all(v is not None and len(v) == size for v in got)

            if w:
                put_round(0, 0)
            self.barrier("put")
            self.phase(scenario, "put", size, BATCH, n, bl.timed_loop((n + BATCH - 1) // BATCH, put_round))
            if w:
                get_round(0, 0)
            self.barrier("get")
            self.phase(scenario, "get", size, BATCH, n, bl.timed_loop((n + BATCH - 1) // BATCH, get_round))
        else:
            def put(i):
                k = w + i
                return bool(r.set(keys[k], expected.get(k, base)))

            def get(i):
                v = r.get(keys[w + i])
                return v is not None and len(v) == size

            for i in range(w):
                r.set(keys[i], base)
            self.barrier("put")
            self.phase(scenario, "put", size, 1, n, bl.timed_loop(n, put))
            for i in range(w):
                r.get(keys[i])
            self.barrier("get")
            self.phase(scenario, "get", size, 1, n, bl.timed_loop(n, get))
        for k in (first, last):
            if r.get(keys[k]) != expected[k]:
                bl.log(f"  redis {scenario}: CONTENT MISMATCH for key {keys[k]}")
                errors += 1
        if errors:
            for p in self.phases[-2:]:
                p["errors"] += errors
        for j in range(0, len(keys), 256):
            r.delete(*keys[j:j + 256])


def role_client(args):
    out = bl.protocol_stdout()
    client = Client(args, out)
    for scenario in args.scenarios:
        for size in args.sizes:
            client.run(scenario, size)
    bl.send(out, {"phases": client.phases})


def run_clients(args, procs, scenarios, count=1):
    argv = [sys.executable, os.path.abspath(__file__), "--role", "client", "--port", str(args.port),
            "--sizes", ",".join(map(str, args.sizes)), "--ops", str(args.ops), "--bytes", str(args.bytes),
            "--warmup", str(args.warmup), "--scenarios", ",".join(scenarios)]
    if count > 1:
        argv.append("--barrier")
    clients = [procs.start(f"client{i}", argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for i in range(count)]
    outputs = [None] * count
    try:
        while any(o is None for o in outputs):
            ready = 0
            for i, c in enumerate(clients):
                if outputs[i] is not None:
                    continue
                line = c.stdout.readline()
                if not line:
                    raise RuntimeError(f"redis client exited ({c.wait()}) during {','.join(scenarios)}")
                msg = json.loads(line)
                if "phases" in msg:
                    outputs[i] = msg
                else:
                    ready += 1
            if ready:
                for c in clients:
                    c.stdin.write("go\n")
                    c.stdin.flush()
        for c in clients:
            c.stdin.close()
            c.wait(30)
    finally:
        for c in clients:
            procs.stop(c)
    return bl.records_from_clients(outputs)


def redis_version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
        ver = next((f.split("=", 1)[1] for f in out.split() if f.startswith("v=")), out.strip())
    except OSError:
        ver = "unknown"
    try:
        import redis
        import hiredis
        return f"redis-server {ver}, redis-py {redis.__version__}, hiredis {hiredis.__version__}"
    except ImportError as e:
        return f"redis-server {ver} ({e})"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--role", choices=["driver", "client"], default="driver")
    p.add_argument("--sizes", default="4K,64K,1M,16M")
    p.add_argument("--ops", type=int, default=640)
    p.add_argument("--bytes", default="256M")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    p.add_argument("--redis-server", default=shutil.which("redis-server") or "redis-server")
    p.add_argument("--log-dir", default=None)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--barrier", action="store_true")
    args = p.parse_args()
    args.sizes = bl.parse_sizes(args.sizes)
    args.bytes = bl.parse_size(args.bytes)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    bl.exit_on_sigterm()
    if args.role == "client":
        return role_client(args)

    out = bl.protocol_stdout()
    procs = bl.Procs()
    results, warnings = [], []
    try:
        args.port = bl.free_port()
        logf = subprocess.DEVNULL
        if args.log_dir:
            os.makedirs(args.log_dir, exist_ok=True)
            logf = open(os.path.join(args.log_dir, "redis-server.log"), "a")
        server = procs.start("redis-server", [
            args.redis_server, "--port", str(args.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--protected-mode", "yes", "--dir", "/tmp", "--dbfilename", f"bench-{os.getpid()}.rdb",
        ], stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        bl.wait_port(args.port, server, "redis-server")
        bl.log(f"redis: server pid {server.pid} on 127.0.0.1:{args.port}")
        for group, count in ((["redis", "redis-batch32"], 1), (["redis-2clients"], 2)):
            scen = [s for s in group if s in args.scenarios]
            if not scen:
                continue
            try:
                results += run_clients(args, procs, scen, count)
            except Exception as e:  # noqa: BLE001 - keep the other group
                warnings.append(f"redis: {','.join(scen)} failed: {e}")
                bl.log(warnings[-1])
        seen, bad = bl.connection_check([server.pid])
        if bad:
            warnings.append(f"redis: {len(bad)} TCP connection(s) with a non-loopback end")
    finally:
        procs.stop_all()
    bl.send(out, {"tool": "redis-py", "version": redis_version(args.redis_server), "results": results,
                  "warnings": warnings})


if __name__ == "__main__":
    main()
