#!/usr/bin/env python3
"""Hex-logging TCP relay: see the bytes two engines exchange (e.g. a P2P handshake).

Usage (standard library only, any python3):

    python3 tests/interop/tcp_log.py --upstream 127.0.0.1:PORT [--port 0] [--log FILE] [--max-bytes 512]

Listens on 127.0.0.1 (--port 0 picks a free port), prints ONE JSON line {"port": PORT} on stdout, relays every
accepted connection to --upstream and appends one JSON line per chunk to --log (default stderr):
{"t", "conn", "dir": "c2s"|"s2c"|"close-c2s"|"close-s2c", "len", "hex" (first --max-bytes bytes)}.

P2P handshake capture: give an initiator the segment name 127.0.0.1:<relay port> instead of the target's
127.0.0.1:<handshake port>; the metadata exchange goes through the relay, the data connection goes straight
to the tcp_data_host:tcp_data_port of the descriptor it gets back. Stops on SIGTERM/SIGINT.
"""

import argparse
import itertools
import json
import signal
import socket
import sys
import threading
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--upstream", required=True, help="HOST:PORT to relay to")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--max-bytes", type=int, default=512)
    args = p.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    log = open(args.log, "a", buffering=1) if args.log else sys.stderr
    lock = threading.Lock()
    t0 = time.monotonic()
    ids = itertools.count(1)

    def record(conn, direction, data):
        entry = {"t": round(time.monotonic() - t0, 6), "conn": conn, "dir": direction, "len": len(data)}
        if data:
            entry["hex"] = data[: args.max_bytes].hex()
        with lock:
            log.write(json.dumps(entry) + "\n")

    def pump(conn, direction, src, dst, pending):
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                record(conn, direction, data)
                dst.sendall(data)
        except OSError:
            pass
        record(conn, "close-" + direction, b"")
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with lock:
            pending[0] -= 1
            last = pending[0] == 0
        if last:  # both directions done
            src.close()
            dst.close()

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        client, _ = listener.accept()
        conn = next(ids)
        try:
            server = socket.create_connection((host, int(port)))
        except OSError as e:
            record(conn, "connect-failed " + str(e), b"")
            client.close()
            continue
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = [2]
        threading.Thread(target=pump, args=(conn, "c2s", client, server, pending), daemon=True).start()
        threading.Thread(target=pump, args=(conn, "s2c", server, client, pending), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
