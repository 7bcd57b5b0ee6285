#!/usr/bin/env python3
"""A real Mooncake TransferEngine (C++, from the reference wheel) serving one registered buffer over TCP.

Usage (python = `scripts/mooncake-reference --print-python`):

    $python tests/interop/te_target.py --metadata-server http://127.0.0.1:PORT/metadata --length 16777216
    $python tests/interop/te_target.py --metadata-server P2PHANDSHAKE --length 16777216

It allocates LENGTH bytes (page-aligned), fills them with the pattern of seed 7 (byte i = (i*31 + 7) % 251,
see interop_common.py), registers them with the engine (protocol tcp, hostname 127.0.0.1, loopback only) and
prints ONE line of JSON on stdout:

    {"segment_name": "127.0.0.1:16694", "buffer_address": 140054662995968, "length": 16777216,
     "handshake_port": 16694, "metadata_server": "...", "seed": 7, "pid": 1234, "startup_seconds": 0.02}

segment_name is what a peer resolves (P2PHANDSHAKE: the engine's ip:handshake_port; with a metadata server the
--hostname label, whose keys are mooncake/ram/<name> and mooncake/rpc_meta/<name>). Afterwards it reads
commands from stdin, one per line, and answers one line each on stdout:

    verify <offset> <length> <seed>   -> "ok" | "mismatch <details>"   bytes [offset, offset+length) of the
                                         buffer hold the pattern of <seed> (offsets relative to the buffer)
    fill <offset> <length> <seed>     -> "ok"      write the pattern of <seed> there
    dump <offset> <length>            -> hex of those bytes (keep it small)
    ping                              -> "pong"
    quit                              -> "bye", then exit

An unknown or malformed command answers "error <reason>". At end of stdin, "quit", SIGTERM or SIGINT it
unregisters the buffer and destroys the engine (which PUTs an empty buffer list and DELETEs its rpc_meta and
ram keys on a metadata server), then exits 0. Engine log lines (glog) go to stderr; nothing else is written
to stdout.
"""

import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--metadata-server",
        required=True,
        help="http://127.0.0.1:PORT/metadata, P2PHANDSHAKE, etcd://..., redis://...",
    )
    p.add_argument("--length", type=int, default=16 << 20, help="buffer size in bytes (default 16 MiB)")
    p.add_argument("--seed", type=int, default=ic.DEFAULT_SEED, help="pattern seed of the initial fill")
    p.add_argument(
        "--hostname",
        help="local_hostname given to initialize() (default: 127.0.0.1:<pid-derived> with a metadata server, "
        "127.0.0.1 with P2PHANDSHAKE)",
    )
    p.add_argument("--protocol", default="tcp")
    return p.parse_args()


class Stop(Exception):
    pass


def handle(cmd: str, buf: ic.Buffer) -> str:
    parts = cmd.split()
    if not parts:
        return "error empty command"
    op, args = parts[0], parts[1:]
    try:
        nums = [int(a, 0) for a in args]
    except ValueError:
        return f"error non-numeric argument in: {cmd}"
    if op == "ping" and not nums:
        return "pong"
    if op == "quit" and not nums:
        raise Stop()
    if op in ("verify", "fill") and len(nums) == 3 or op == "dump" and len(nums) == 2:
        offset, length = nums[0], nums[1]
        if offset < 0 or length < 0 or offset + length > buf.length:
            return f"error range [{offset}, {offset + length}) outside the buffer of {buf.length} bytes"
        if op == "dump":
            return buf.read(offset, length).hex()
        seed = nums[2]
        if op == "fill":
            buf.fill(seed, offset, length)
            return "ok"
        expected = ic.pattern_bytes(seed, offset, length)
        got = buf.read(offset, length)
        if got == expected:
            return "ok"
        return f"mismatch offset={offset} length={length} seed={seed}: {ic.first_mismatch(got, expected)}"
    return f"error unknown command or wrong argument count: {cmd} (verify|fill O L SEED, dump O L, ping, quit)"


def main():
    args = parse_args()
    out = ic.redirect_native_stdout()
    hostname = args.hostname or ic.default_hostname(args.metadata_server, "target")

    def on_signal(signum, _frame):
        raise Stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    engine = None
    buf = None
    registered = False
    status = 0
    try:
        started = time.monotonic()
        buf = ic.Buffer(args.length)
        buf.fill(args.seed)
        engine, _ = ic.start_engine(hostname, args.metadata_server, args.protocol)
        rc = engine.register_memory(buf.address, buf.length)
        if rc != 0:
            raise RuntimeError(f"register_memory({buf.address:#x}, {buf.length}) returned {rc}")
        registered = True
        info = {
            "segment_name": ic.segment_name(engine, hostname, args.metadata_server),
            "buffer_address": buf.address,
            "length": buf.length,
            "handshake_port": engine.get_rpc_port(),
            "metadata_server": args.metadata_server,
            "seed": args.seed,
            "pid": os.getpid(),
            "startup_seconds": round(time.monotonic() - started, 4),
        }
        out.write(json.dumps(info) + "\n")
        out.flush()
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            out.write(handle(line, buf) + "\n")
            out.flush()
    except Stop:
        try:
            out.write("bye\n")
            out.flush()
        except (BrokenPipeError, ValueError):
            pass
    except Exception as e:  # noqa: BLE001 - report any start-up failure as one clear line
        print(f"te_target: {e}", file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if engine is not None:
            if registered:
                rc = engine.unregister_memory(buf.address)
                if rc != 0:
                    print(f"te_target: unregister_memory returned {rc}", file=sys.stderr)
            del engine  # the destructor closes the engine and removes its metadata
    return status


if __name__ == "__main__":
    sys.exit(main())
