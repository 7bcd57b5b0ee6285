#!/usr/bin/env python3
"""Real <-> real check of the interop drivers: te_initiator.py against te_target.py, both the C++ engine.

Usage:

    python3 tests/interop/selftest.py [--backends wheel-http,ours-http,p2p] [--length BYTES]
                                      [--mooncake target/debug/mooncake] [--log-dir DIR] [--keep-logs]

Backends: wheel-http = the wheel's mooncake_http_metadata_server (Python/aiohttp); ours-http = our master
(`mooncake master --enable-http-metadata-server ...`, build it first: cargo build -p mooncake-cli);
p2p = P2PHANDSHAKE, no server. The HTTP backends sit behind metadata_log.py, which records every metadata
request in <log-dir>/<backend>-metadata.jsonl. Per backend it runs, against one te_target.py:

  1. read the initial fill (seed 7), one request            (te_initiator --mode read)
  2. write + read back seed 101, one request, sync API       (--mode write-read)
  3. write seed 55 into an unaligned sub-range, batch API, 64 KiB blocks; the target verifies it,
     and that the bytes around it still hold seed 101     (--mode write --api batch + "verify")
  4. an out-of-range write must fail                         (exit 1)

then checks with `ss` that every TCP connection (any state) touching the target's or the metadata server's
ports has loopback addresses only. Everything binds/targets 127.0.0.1; every process started is stopped by
PID. Exit 0 when all passed. The venv comes from scripts/mooncake-reference (run it first, or pass --python).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--python", help="the venv python (default: scripts/mooncake-reference --print-python)")
    p.add_argument("--backends", default="wheel-http,ours-http,p2p")
    p.add_argument("--length", type=int, default=8 << 20)
    p.add_argument("--mooncake", default=os.path.join(ROOT, "target", "debug", "mooncake"))
    p.add_argument("--log-dir", help="where logs go (default: a temporary directory, printed)")
    return p.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout}s")


class Procs:
    """Processes started here; stopped by PID (SIGTERM, then SIGKILL after 5 s)."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, log_path, **kw):
        log = open(log_path, "ab")
        proc = subprocess.Popen(argv, stderr=log, **kw)
        proc.name = name
        self.procs.append(proc)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self):
        for proc in reversed(list(self.procs)):
            self.stop(proc)


def listening_ports(pid):
    out = subprocess.run(["ss", "-tlnpH"], capture_output=True, text=True).stdout
    ports = set()
    for line in out.splitlines():
        if f"pid={pid}," in line:
            ports.add(int(line.split()[3].rsplit(":", 1)[1]))
    return ports


def non_loopback_connections(ports):
    """Connections (all states) with a local or peer port in `ports` and a non-loopback end."""
    out = subprocess.run(["ss", "-tanH"], capture_output=True, text=True).stdout
    bad, seen = [], 0
    for line in out.splitlines():
        f = line.split()
        if len(f) < 5 or f[0] == "LISTEN":
            continue
        local, peer = f[3], f[4]
        lport, pport = int(local.rsplit(":", 1)[1]), int(peer.rsplit(":", 1)[1])
        if lport not in ports and pport not in ports:
            continue
        seen += 1
        for addr in (local.rsplit(":", 1)[0], peer.rsplit(":", 1)[0]):
            a = addr.strip("[]")
            if not (a.startswith("127.") or a.startswith("::ffff:127.") or a == "::1"):
                bad.append(line)
                break
    return seen, bad


def run_backend(name, args, python, procs, log_dir):
    env = dict(os.environ, MC_TCP_BIND_ADDRESS="127.0.0.1")
    results = {"backend": name}
    server_ports = set()
    metadata = "P2PHANDSHAKE"
    if name != "p2p":
        port = free_port()
        server_ports.add(port)
        t = time.monotonic()
        if name == "wheel-http":
            server_bin = os.path.join(os.path.dirname(python), "mooncake_http_metadata_server")
            server = procs.start(
                name,
                [server_bin, "--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING"],
                os.path.join(log_dir, f"{name}-server.log"),
            )
        else:
            if not os.access(args.mooncake, os.X_OK):
                raise RuntimeError(f"{args.mooncake} missing: run cargo build -p mooncake-cli (or pass --mooncake)")
            rpc, metrics = free_port(), free_port()
            server = procs.start(
                name,
                [
                    args.mooncake, "master", "--enable-http-metadata-server",
                    "--http-metadata-server-host", "127.0.0.1", "--http-metadata-server-port", str(port),
                    "--rpc-address", "127.0.0.1", "--rpc-port", str(rpc),
                    "--metrics-host", "127.0.0.1", "--metrics-port", str(metrics),
                ],
                os.path.join(log_dir, f"{name}-server.log"),
                stdout=subprocess.DEVNULL,
            )
        wait_port(port, server, name)
        results["server_startup_seconds"] = round(time.monotonic() - t, 3)
        proxy = procs.start(
            "metadata_log",
            [
                sys.executable, os.path.join(HERE, "metadata_log.py"),
                "--upstream", f"http://127.0.0.1:{port}",
                "--log", os.path.join(log_dir, f"{name}-metadata.jsonl"),
            ],
            os.path.join(log_dir, f"{name}-proxy.log"),
            stdout=subprocess.PIPE,
            text=True,
        )
        info = json.loads(proxy.stdout.readline())
        server_ports.add(info["port"])
        metadata = info["url"]

    t = time.monotonic()
    target = procs.start(
        "te_target",
        [python, os.path.join(HERE, "te_target.py"), "--metadata-server", metadata, "--length", str(args.length)],
        os.path.join(log_dir, f"{name}-target.log"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = target.stdout.readline()
    if not line:
        raise RuntimeError(f"te_target exited ({target.wait()}) without its JSON line; see {name}-target.log")
    tinfo = json.loads(line)
    results["target_ready_seconds"] = round(time.monotonic() - t, 3)
    results["target"] = tinfo

    def command(cmd):
        target.stdin.write(cmd + "\n")
        target.stdin.flush()
        return target.stdout.readline().strip()

    def initiator(*extra, expect_ok=True):
        argv = [
            python, os.path.join(HERE, "te_initiator.py"), "--metadata-server", metadata,
            "--segment", tinfo["segment_name"], "--address", str(tinfo["buffer_address"]),
        ] + [str(x) for x in extra]
        t0 = time.monotonic()
        with open(os.path.join(log_dir, f"{name}-initiator.log"), "ab") as log:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=log, text=True, env=env, timeout=120)
        wall = time.monotonic() - t0
        try:
            out = json.loads(p.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            out = {"raw": p.stdout}
        out["process_seconds"] = round(wall, 3)
        if (p.returncode == 0) != expect_ok:
            raise RuntimeError(f"te_initiator {' '.join(map(str, extra))}: exit {p.returncode}, {out}")
        return out

    length = args.length
    checks = []
    checks.append(("read initial fill", initiator("--mode", "read", "--length", length, "--seed", 7)))
    checks.append(("write-read seed 101 (sync)", initiator("--length", length, "--seed", 101)))
    sub_off, sub_len = 4096 + 13, 3 * 65536 + 17
    checks.append(
        (
            "write seed 55 sub-range (batch, 64 KiB blocks)",
            initiator("--mode", "write", "--offset", sub_off, "--length", sub_len, "--seed", 55,
                      "--api", "batch", "--block-size", 65536),
        )
    )
    for cmd in (
        f"verify {sub_off} {sub_len} 55",
        f"verify 0 {sub_off} 101",
        f"verify {sub_off + sub_len} {length - sub_off - sub_len} 101",
    ):
        answer = command(cmd)
        if answer != "ok":
            raise RuntimeError(f"target answered {answer!r} to {cmd!r}")
    checks.append(("target verify after batch write", {"ok": True}))
    checks.append(
        (
            "out-of-range write rejected",
            initiator("--mode", "write", "--offset", length - 10, "--length", 100, expect_ok=False),
        )
    )
    answer = command(f"verify {length - 10} 10 101")
    if answer != "ok":
        raise RuntimeError(f"out-of-range write changed the buffer's last bytes: {answer}")
    results["checks"] = checks

    ports = listening_ports(target.pid) | server_ports
    seen, bad = non_loopback_connections(ports)
    results["connections_checked"] = seen
    if bad:
        raise RuntimeError("non-loopback connections:\n" + "\n".join(bad))

    t = time.monotonic()
    target.stdin.close()  # end of stdin: the target unregisters, destroys the engine and exits
    rc = target.wait(30)
    results["target_shutdown_seconds"] = round(time.monotonic() - t, 3)
    procs.procs.remove(target)
    if rc != 0:
        raise RuntimeError(f"te_target exited {rc}")
    return results


def main():
    args = parse_args()
    python = args.python or subprocess.run(
        [os.path.join(ROOT, "scripts", "mooncake-reference"), "--print-python"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    log_dir = args.log_dir or tempfile.mkdtemp(prefix="mooncake-interop-")
    os.makedirs(log_dir, exist_ok=True)
    print(f"logs in {log_dir}", file=sys.stderr)
    failed = False
    for name in args.backends.split(","):
        procs = Procs()
        try:
            res = run_backend(name, args, python, procs, log_dir)
            print(json.dumps(res))
            print(f"PASS {name}", file=sys.stderr)
        except Exception as e:  # noqa: BLE001
            failed = True
            print(f"FAIL {name}: {e}", file=sys.stderr)
        finally:
            procs.stop_all()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
