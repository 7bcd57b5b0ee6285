#!/usr/bin/env python3
"""A real Mooncake TransferEngine (C++, from the reference wheel) writing into / reading from a remote segment.

Usage (python = `scripts/mooncake-reference --print-python`):

    $python tests/interop/te_initiator.py --metadata-server URL|P2PHANDSHAKE --segment NAME \\
        --address BUFFER_ADDRESS --length N [--offset O] [--mode write-read|read|write] [--seed S] \\
        [--block-size B] [--api sync|batch] [--repeat K]

The remote range is [BUFFER_ADDRESS + O, BUFFER_ADDRESS + O + N), where BUFFER_ADDRESS is the start of the
target's registered buffer (te_target.py prints it as "buffer_address"). The pattern of seed S for byte i of
the target buffer is (i*31 + S) % 251 (interop_common.py), i counted from BUFFER_ADDRESS.

Modes:
  write-read (default)  write the pattern of --seed (default 101) into the range, read the range back into a
                        zeroed local buffer, compare
  read                  only read the range and compare with the pattern of --seed (default 7: the fill
                        te_target.py starts with)
  write                 only write the pattern (a test then checks the target itself, e.g. te_target.py's
                        "verify O N S" command)

The range is moved as ceil(N / B) requests of at most --block-size bytes (default: one request), through
transfer_sync_write/transfer_sync_read one request at a time (--api sync) or batch_transfer_sync_write/_read
with all of them at once (--api batch). --repeat K does the whole thing K times (for timings).

Prints one JSON line with the outcome and timings on stdout; exits 0 on success, 1 with a clear
"te_initiator: ..." error on stderr otherwise, 2 on bad arguments. Engine logs (glog) go to stderr.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--metadata-server", required=True, help="http://127.0.0.1:PORT/metadata or P2PHANDSHAKE")
    p.add_argument("--segment", required=True, help="target segment name (te_target.py's segment_name)")
    p.add_argument("--address", required=True, type=lambda s: int(s, 0), help="target buffer start address")
    p.add_argument("--length", required=True, type=int, help="bytes to move")
    p.add_argument("--offset", type=int, default=0, help="offset of the range inside the target buffer")
    p.add_argument("--mode", choices=("write-read", "read", "write"), default="write-read")
    p.add_argument("--seed", type=int, help="pattern seed (default 101 when writing, 7 for --mode read)")
    p.add_argument("--block-size", type=int, default=0, help="bytes per request (default: all in one)")
    p.add_argument("--api", choices=("sync", "batch"), default="sync")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--hostname", help="local_hostname for initialize() (default as te_target.py)")
    p.add_argument("--protocol", default="tcp")
    args = p.parse_args()
    if args.length <= 0 or args.offset < 0 or args.block_size < 0 or args.repeat < 1:
        p.error("--length must be > 0, --offset and --block-size >= 0, --repeat >= 1")
    if args.seed is None:
        args.seed = ic.DEFAULT_SEED if args.mode == "read" else 101
    return args


class Failure(Exception):
    pass


def blocks(length, block_size):
    step = block_size or length
    return [(off, min(step, length - off)) for off in range(0, length, step)]


def move(engine, op, args, local, pieces):
    """op = 'write' | 'read'; every piece is (range offset, length)."""
    locals_ = [local.address + off for off, _ in pieces]
    remotes = [args.address + args.offset + off for off, _ in pieces]
    lengths = [n for _, n in pieces]
    if args.api == "batch":
        fn = engine.batch_transfer_sync_write if op == "write" else engine.batch_transfer_sync_read
        rc = fn(args.segment, locals_, remotes, lengths)
        if rc != 0:
            raise Failure(
                f"batch_transfer_sync_{op}({args.segment!r}, {len(pieces)} requests, {args.length} bytes "
                f"at {remotes[0]:#x}) returned {rc}"
            )
        return
    fn = engine.transfer_sync_write if op == "write" else engine.transfer_sync_read
    for lo, ro, n in zip(locals_, remotes, lengths):
        rc = fn(args.segment, lo, ro, n)
        if rc != 0:
            raise Failure(f"transfer_sync_{op}({args.segment!r}, {lo:#x}, {ro:#x}, {n}) returned {rc}")


def main():
    args = parse_args()
    out = ic.redirect_native_stdout()
    hostname = args.hostname or ic.default_hostname(args.metadata_server, "initiator")
    result = {
        "mode": args.mode,
        "api": args.api,
        "segment": args.segment,
        "address": args.address + args.offset,
        "length": args.length,
        "seed": args.seed,
        "requests": 0,
    }
    engine = None
    local = None
    registered = False
    status = 0
    try:
        local = ic.Buffer(args.length)
        engine, result["engine_init_seconds"] = ic.start_engine(hostname, args.metadata_server, args.protocol)
        rc = engine.register_memory(local.address, local.length)
        if rc != 0:
            raise Failure(f"register_memory of the local buffer returned {rc}")
        registered = True
        pieces = blocks(args.length, args.block_size)
        result["requests"] = len(pieces)
        expected = ic.pattern_bytes(args.seed, args.offset, args.length)
        write_s = read_s = 0.0
        first_s = None
        for _ in range(args.repeat):
            if args.mode in ("write-read", "write"):
                local.mem[0 : args.length] = expected
                t = time.monotonic()
                move(engine, "write", args, local, pieces)
                write_s += time.monotonic() - t
                first_s = time.monotonic() - t if first_s is None else first_s
            if args.mode in ("write-read", "read"):
                local.zero()
                t = time.monotonic()
                move(engine, "read", args, local, pieces)
                read_s += time.monotonic() - t
                first_s = time.monotonic() - t if first_s is None else first_s
                got = local.read(0, args.length)
                if got != expected:
                    raise Failure(
                        f"read-back of {args.length} bytes at {args.address + args.offset:#x} "
                        f"(target offset {args.offset}) does not hold the pattern of seed {args.seed}: "
                        f"{ic.first_mismatch(got, expected)}"
                    )
        total = args.length * args.repeat
        # The first transfer includes resolving the segment (metadata GET or P2P handshake) and connecting.
        result["first_transfer_seconds"] = round(first_s, 6)
        if write_s:
            result["write_seconds"] = round(write_s, 6)
            result["write_MBps"] = round(total / write_s / 1e6, 1)
        if read_s:
            result["read_seconds"] = round(read_s, 6)
            result["read_MBps"] = round(total / read_s / 1e6, 1)
        result["ok"] = True
    except Failure as e:
        print(f"te_initiator: {e}", file=sys.stderr)
        result["ok"] = False
        result["error"] = str(e)
        status = 1
    except Exception as e:  # noqa: BLE001 - e.g. initialize failing
        print(f"te_initiator: {type(e).__name__}: {e}", file=sys.stderr)
        result["ok"] = False
        result["error"] = str(e)
        status = 1
    finally:
        if engine is not None:
            if registered:
                engine.unregister_memory(local.address)
            del engine
    out.write(json.dumps(result) + "\n")
    out.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
