# Benchmark driver for the real C++ Mooncake Store (PyPI wheel): starts mooncake_master, storage and client processes on loopback, prints the bench JSON.
"""Run with the reference venv's python (scripts/mooncake-reference --print-python).

  mooncake_store.py [--sizes 4K,64K,1M,16M] [--ops 640] [--bytes 256M] [--warmup 10] [--scenarios ...]
                    [--segment-size 2G] [--local-buffer-size 1G] [--cold-size 1M]

Scenarios (the names `mooncake bench` uses):
  local, local-batch32, local-zc   one client process whose own global segment holds the data (no other segment)
  local-cold                       first puts into the segment of a freshly started client process (then gets)
  remote, remote-batch32, remote-zc  a client without segment (global_segment_size=0); a separate storage process
                                   (--role storage) holds the only segment
  remote-2clients                  two such clients at once (barrier before each measured loop), aggregate MB/s
  remote-cold                      first puts into a freshly started storage process's segment
batch32 = put_batch/get_batch of 32 keys per call; zc = register_buffer + put_from/get_into.

Every process gets MC_TCP_BIND_ADDRESS=127.0.0.1; before they stop, `ss` checks that none of their TCP
connections has a non-loopback end (reported in "non_loopback_connections" and on stderr).
"""

import argparse
import json
import mmap
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

os.environ["MC_TCP_BIND_ADDRESS"] = "127.0.0.1"

ALL_SCENARIOS = ["local", "local-batch32", "local-zc", "local-cold",
                 "remote", "remote-batch32", "remote-zc", "remote-2clients", "remote-cold"]
BATCH = 32


def mooncake_version():
    try:
        from importlib import metadata
        for dist in metadata.distributions():
            name = (dist.metadata.get("Name") or "").lower()
            if name.startswith("mooncake"):
                return f"{name} {dist.version}"
    except Exception:  # noqa: BLE001 - version is informational
        pass
    return "unknown"


# ---------------------------------------------------------------- client / storage roles (child processes)

def new_store(args, segment_size, local_buffer_size):
    from mooncake.store import MooncakeDistributedStore  # late: MC_TCP_BIND_ADDRESS must be set first

    store = MooncakeDistributedStore()
    hostname = f"127.0.0.1:{bl.free_port()}"
    rc = store.setup(hostname, args.metadata, segment_size, local_buffer_size, "tcp", "", args.master)
    if rc != 0:
        raise RuntimeError(f"MooncakeDistributedStore.setup({hostname!r}, ...) returned {rc}")
    return store


def role_storage(args):
    out = bl.protocol_stdout()
    store = new_store(args, args.segment_size, args.storage_buffer_size)
    bl.send(out, {"ready": True, "pid": os.getpid()})
    sys.stdin.read()  # until the parent closes our stdin
    store.close()


class Client:
    def __init__(self, args, out):
        self.args = args
        self.out = out
        self.store = new_store(args, args.segment_size, args.local_buffer_size)
        self.phases = []
        self.zc = None

    def barrier(self, what):
        if self.args.barrier:
            bl.send(self.out, {"ready": what})
            if sys.stdin.readline().strip() != "go":
                raise SystemExit("parent went away")

    def phase(self, scenario, op, size, batch, n, loop):
        t0, t1, lat, errors = loop
        self.phases.append({"scenario": scenario, "op": op, "size": size, "batch": batch, "ops": n,
                            "bytes": n * size, "t_start": t0, "t_end": t1, "lat_ns": lat, "errors": errors})
        bl.log(f"  mooncake {scenario} {op} {bl.size_label(size)}: {n * size / max(t1 - t0, 1e-9) / 1e6:.0f} MB/s,"
               f" p50 {bl.percentile(lat, 50) / 1e3:.0f} us, errors {errors}")

    def check(self, scenario, key, got, expected):
        if got != expected:
            bl.log(f"  mooncake {scenario}: CONTENT MISMATCH for key {key} (got {len(got)} bytes)")
            return 1
        return 0

    def zc_buffer(self, size):
        if self.zc is None or self.zc[1] < size:
            import ctypes
            if self.zc is not None:
                self.store.unregister_buffer(self.zc[2])
            need = 2 * max(self.args.sizes + [size])
            mem = mmap.mmap(-1, need, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            addr = ctypes.addressof(ctypes.c_char.from_buffer(mem))
            rc = self.store.register_buffer(addr, need)
            if rc != 0:
                raise RuntimeError(f"register_buffer returned {rc}")
            self.zc = (mem, need // 2, addr)
        return self.zc

    def run(self, scenario, size):
        a = self.args
        kind = scenario.split("-", 1)[1] if "-" in scenario else "plain"
        cold = kind == "cold"
        n = bl.ops_for(size, a.ops, a.bytes)
        batch = BATCH if kind == "batch32" else 1
        if batch > 1:
            n = max(BATCH, n)  # the last call may be partial, as in mooncake bench
            w = BATCH if a.warmup > 0 else 0
        else:
            w = 0 if cold else bl.warmup_for(n, a.warmup)
        prefix = f"{scenario}/{size}/{os.getpid()}/{time.monotonic_ns()}/"
        keys = [prefix + str(i) for i in range(w + n)]
        base = bl.pattern_value(size, seed=len(self.phases))
        first, last = w, w + n - 1
        expected = {first: bl.stamped(base, keys[first]), last: bl.stamped(base, keys[last])}
        store = self.store
        errors = 0

        if kind == "zc":
            mem, half, addr = self.zc_buffer(size)
            mem[0:size] = base

            def put(i):
                k = w + i
                if k in expected:
                    mem[0:size] = expected[k]
                rc = store.put_from(keys[k], addr, size)
                if k in expected:
                    mem[0:size] = base
                return rc == 0

            def get(i):
                return store.get_into(keys[w + i], addr + half, size) == size

            for i in range(w):
                store.put_from(keys[i], addr, size)
            self.barrier("put")
            self.phase(scenario, "put", size, 1, n, bl.timed_loop(n, put))
            for i in range(w):
                store.get_into(keys[i], addr + half, size)
            self.barrier("get")
            self.phase(scenario, "get", size, 1, n, bl.timed_loop(n, get))
            for k in (first, last):
                rc = store.get_into(keys[k], addr + half, size)
                errors += self.check(scenario, keys[k], mem[half:half + size] if rc == size else b"", expected[k])
        elif batch > 1:
            values = [expected.get(i, base) for i in range(w + n)]

            def put_round(j, off=w):
                end = min(off + (j + 1) * BATCH, w + n)
                return store.put_batch(keys[off + j * BATCH: end], values[off + j * BATCH: end]) == 0

            def get_round(j, off=w):
                want = keys[off + j * BATCH: min(off + (j + 1) * BATCH, w + n)]
                got = store.get_batch(want)
                return len(got) == len(want) and all(len(v) == size for v in got)

            if w:
                put_round(0, 0)
            self.barrier("put")
            self.phase(scenario, "put", size, BATCH, n, bl.timed_loop((n + BATCH - 1) // BATCH, put_round))
            if w:
                get_round(0, 0)
            self.barrier("get")
            self.phase(scenario, "get", size, BATCH, n, bl.timed_loop((n + BATCH - 1) // BATCH, get_round))
            for k in (first, last):
                errors += self.check(scenario, keys[k], store.get(keys[k]), expected[k])
            del values
        else:
            def put(i):
                k = w + i
                return store.put(keys[k], expected.get(k, base)) == 0

            def get(i):
                return len(store.get(keys[w + i])) == size

            for i in range(w):
                store.put(keys[i], base)
            self.barrier("put")
            self.phase(scenario, "put", size, 1, n, bl.timed_loop(n, put))
            for i in range(w):
                store.get(keys[i])
            self.barrier("get")
            self.phase(scenario, "get", size, 1, n, bl.timed_loop(n, get))
            for k in (first, last):
                errors += self.check(scenario, keys[k], store.get(keys[k]), expected[k])
        if errors:
            for p in self.phases[-2:]:
                if p["scenario"] == scenario and p["size"] == size:
                    p["errors"] += errors
        store.batch_remove(keys, True)


def role_client(args):
    out = bl.protocol_stdout()
    client = Client(args, out)
    for scenario in args.scenarios:
        sizes = [args.cold_size] if scenario.endswith("-cold") else args.sizes
        for size in sizes:
            client.run(scenario, size)
    seen, bad = bl.connection_check([os.getpid()])
    bl.send(out, {"phases": client.phases, "conn_seen": seen, "conn_bad": bad})
    if client.zc is not None:
        client.store.unregister_buffer(client.zc[2])
    client.store.close()


# ---------------------------------------------------------------- driver (parent process)

class Driver:
    def __init__(self, args):
        self.args = args
        self.procs = bl.Procs()
        self.env = dict(os.environ, MC_TCP_BIND_ADDRESS="127.0.0.1")
        self.results = []
        self.warnings = []
        self.conn_seen = 0
        self.conn_bad = []
        self.master = None
        self.storage = None

    def common_argv(self, role):
        a = self.args
        return [sys.executable, os.path.abspath(__file__), "--role", role, "--master", a.master,
                "--metadata", a.metadata, "--sizes", ",".join(map(str, a.sizes)), "--ops", str(a.ops),
                "--bytes", str(a.bytes), "--warmup", str(a.warmup), "--cold-size", str(a.cold_size),
                "--local-buffer-size", str(a.local_buffer_size), "--storage-buffer-size", str(a.storage_buffer_size)]

    def start_master(self):
        a = self.args
        binary = os.path.join(os.path.dirname(sys.executable), "mooncake_master")
        rpc, http, metrics = bl.free_port(), bl.free_port(), bl.free_port()
        argv = [binary, f"--rpc_port={rpc}", "--rpc_address=127.0.0.1",
                "--enable_http_metadata_server=true", f"--http_metadata_server_port={http}",
                "--http_metadata_server_host=127.0.0.1", "--metrics_host=127.0.0.1", f"--metrics_port={metrics}"]
        self.master = self.procs.start("mooncake_master", argv, stdin=subprocess.DEVNULL, stdout=self.log_file("master"),
                                       stderr=subprocess.STDOUT, env=self.env)
        bl.wait_port(rpc, self.master, "mooncake_master")
        bl.wait_port(http, self.master, "mooncake_master (HTTP metadata)")
        a.master = f"127.0.0.1:{rpc}"
        a.metadata = f"http://127.0.0.1:{http}/metadata"

    def log_file(self, name):
        if self.args.log_dir:
            os.makedirs(self.args.log_dir, exist_ok=True)
            return open(os.path.join(self.args.log_dir, f"mooncake-{name}.log"), "a")
        return subprocess.DEVNULL

    def start_storage(self):
        argv = self.common_argv("storage") + ["--segment-size", str(self.args.segment_size)]
        proc = self.procs.start("storage", argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=self.log_file("storage"), text=True, env=self.env)
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"storage process exited ({proc.wait()}) before it was ready")
        self.storage = proc

    def stop_storage(self):
        if self.storage is None:
            return
        self.check_connections([self.storage.pid])
        self.storage.stdin.close()
        try:
            self.storage.wait(15)
        except subprocess.TimeoutExpired:
            bl.log("  storage process did not stop after stdin EOF; terminating it")
        self.procs.stop(self.storage)
        self.storage = None

    def check_connections(self, pids):
        seen, bad = bl.connection_check(pids)
        self.conn_seen += seen
        self.conn_bad += bad

    def run_clients(self, scenarios, segment_size, count=1):
        """Run `count` concurrent client processes over `scenarios`; add their merged records."""
        argv = self.common_argv("client") + ["--segment-size", str(segment_size), "--scenarios", ",".join(scenarios)]
        if count > 1:
            argv.append("--barrier")
        clients = [self.procs.start(f"client{i}", argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=None if self.args.verbose else self.log_file(f"client{i}"),
                                    text=True, env=self.env) for i in range(count)]
        outputs = [None] * count
        try:
            while any(o is None for o in outputs):
                ready = 0
                for i, c in enumerate(clients):
                    if outputs[i] is not None:
                        continue
                    line = c.stdout.readline()
                    if not line:
                        raise RuntimeError(f"client process exited ({c.wait()}) during {','.join(scenarios)}")
                    msg = json.loads(line)
                    if "phases" in msg:
                        outputs[i] = msg
                    else:
                        ready += 1
                if ready:
                    if ready != sum(o is None for o in outputs):
                        raise RuntimeError("clients lost step at a barrier")
                    for c in clients:
                        c.stdin.write("go\n")
                        c.stdin.flush()
            for c in clients:
                c.stdin.close()
                try:
                    c.wait(30)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            for c in clients:
                self.procs.stop(c)
        for o in outputs:
            self.conn_seen += o["conn_seen"]
            self.conn_bad += o["conn_bad"]
        records = bl.records_from_clients(outputs)
        for r in records:
            r["errors"] = int(r["errors"])
        self.results += records

    def group(self, what, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - one failing group must not lose the others
            msg = f"mooncake: {what} failed: {e}"
            bl.log(msg)
            self.warnings.append(msg)

    def run(self):
        a = self.args
        want = [s for s in ALL_SCENARIOS if s in a.scenarios]
        self.start_master()
        bl.log(f"mooncake: master pid {self.master.pid} at {a.master}, metadata {a.metadata}")
        local = [s for s in want if s in ("local", "local-batch32", "local-zc")]
        remote = [s for s in want if s in ("remote", "remote-batch32", "remote-zc")]
        if local:
            self.group("local", lambda: self.run_clients(local, a.segment_size))
        if "local-cold" in want:
            self.group("local-cold", lambda: self.run_clients(["local-cold"], a.segment_size))
        if remote or "remote-2clients" in want:
            def remote_group():
                self.start_storage()
                if remote:
                    self.group("remote", lambda: self.run_clients(remote, 0))
                if "remote-2clients" in want:
                    self.group("remote-2clients", lambda: self.run_clients(["remote-2clients"], 0, count=2))
                self.stop_storage()
            self.group("remote storage", remote_group)
        if "remote-cold" in want:
            def cold_group():
                self.start_storage()
                self.run_clients(["remote-cold"], 0)
                self.stop_storage()
            self.group("remote-cold", cold_group)
        self.check_connections([self.master.pid])
        if self.conn_bad:
            msg = f"mooncake: {len(self.conn_bad)} TCP connection(s) with a non-loopback end"
            bl.log("WARNING: " + msg + "\n  " + "\n  ".join(self.conn_bad))
            self.warnings.append(msg)
        bl.log(f"mooncake: connection check: {self.conn_seen} connections seen, {len(self.conn_bad)} non-loopback")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--role", choices=["driver", "client", "storage"], default="driver")
    p.add_argument("--sizes", default="4K,64K,1M,16M")
    p.add_argument("--ops", type=int, default=640, help="measured ops per (op, size) (default 640)")
    p.add_argument("--bytes", default="256M", help="cap ops so that ops*size <= this (default 256M; 0 = no cap)")
    p.add_argument("--warmup", type=int, default=10, help="warm-up ops before each measured loop (default 10)")
    p.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    p.add_argument("--segment-size", default="2G")
    p.add_argument("--local-buffer-size", default="1G")
    p.add_argument("--storage-buffer-size", default="64M", help="local buffer of the storage process")
    p.add_argument("--cold-size", default="1M")
    p.add_argument("--log-dir", default=None, help="write the master/storage/client logs here")
    p.add_argument("--verbose", action="store_true", help="client logs on stderr")
    p.add_argument("--master", default="")
    p.add_argument("--metadata", default="")
    p.add_argument("--barrier", action="store_true")
    args = p.parse_args()
    args.sizes = bl.parse_sizes(args.sizes)
    args.bytes = bl.parse_size(args.bytes)
    args.segment_size = bl.parse_size(args.segment_size)
    args.local_buffer_size = bl.parse_size(args.local_buffer_size)
    args.storage_buffer_size = bl.parse_size(args.storage_buffer_size)
    args.cold_size = bl.parse_size(args.cold_size)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    bl.exit_on_sigterm()

    if args.role == "storage":
        return role_storage(args)
    if args.role == "client":
        return role_client(args)

    unknown = [s for s in args.scenarios if s not in ALL_SCENARIOS]
    if unknown:
        bl.log(f"mooncake: ignoring scenarios it does not have: {','.join(unknown)}")
    out = bl.protocol_stdout()
    driver = Driver(args)
    try:
        driver.run()
    finally:
        driver.procs.stop_all()
    bl.send(out, {"tool": "mooncake-store-py", "version": mooncake_version(), "results": driver.results,
                  "non_loopback_connections": len(driver.conn_bad), "connections_checked": driver.conn_seen,
                  "warnings": driver.warnings})


if __name__ == "__main__":
    main()
