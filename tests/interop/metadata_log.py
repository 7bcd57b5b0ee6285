#!/usr/bin/env python3
"""Logging HTTP metadata server / proxy: records every request a transfer engine makes on /metadata.

Usage (standard library only, any python3):

    python3 tests/interop/metadata_log.py [--port 0] [--upstream http://127.0.0.1:8080] [--log FILE]

Listens on 127.0.0.1 (--port 0 picks a free port) and prints ONE JSON line on stdout:
{"url": "http://127.0.0.1:PORT/metadata", "port": PORT}. Give that url to the engines as their metadata
server.

With --upstream, every request is forwarded verbatim (method, path+query, body, Content-Type) to that base
URL, e.g. our master's embedded server or the wheel's mooncake_http_metadata_server, and its answer is
relayed. Without it, it answers itself with the C++ master's semantics (GET 200/404, PUT 200, identical
re-PUT of an rpc_meta key 200 "metadata unchanged", different one 400, DELETE 200/404, missing key 400).

Each request is appended to --log (default stderr) as one JSON line:
{"t": seconds since start, "method", "key" (decoded), "status", "request_body", "response_body", "headers"}
Bodies are decoded as UTF-8 (they are JSON text). Stops on SIGTERM/SIGINT.
"""

import argparse
import http.client
import json
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream", help="base URL to forward to, e.g. http://127.0.0.1:8080")
    p.add_argument("--log", help="JSON-lines log file (default: stderr)")
    return p.parse_args()


def main():
    args = parse_args()
    log = open(args.log, "a", buffering=1) if args.log else sys.stderr
    lock = threading.Lock()
    store = {}
    t0 = time.monotonic()
    upstream = urllib.parse.urlsplit(args.upstream) if args.upstream else None
    local = threading.local()

    def forward(method, path, body, headers):
        conn = getattr(local, "conn", None)
        for attempt in (0, 1):
            if conn is None:
                conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=10)
                local.conn = conn
            try:
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse()
                return r.status, r.read(), r.getheader("Content-Type", "application/json")
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def serve(method, key, body):
        if not key:
            return 400, b"Missing key parameter"
        with lock:
            if method == "GET":
                return (200, store[key]) if key in store else (404, b"metadata not found")
            if method == "PUT":
                if "rpc_meta" in key and key in store:
                    if store[key] == body:
                        return 200, b"metadata unchanged"
                    return 400, b"Duplicate rpc_meta key not allowed"
                store[key] = body
                return 200, b"metadata updated"
            if method == "DELETE":
                if store.pop(key, None) is None:
                    return 404, b"metadata not found"
                return 200, b"metadata deleted"
        return 405, b"Method not allowed"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like libcurl expects
        wbufsize = 1 << 16  # headers + body leave in one send (no Nagle/delayed-ACK stall)

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *a):
            pass

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            key = query.get("key", [""])[0]
            if upstream:
                headers = {}
                if self.headers.get("Content-Type"):
                    headers["Content-Type"] = self.headers["Content-Type"]
                try:
                    status, resp, ctype = forward(self.command, upstream.path.rstrip("/") + self.path, body, headers)
                except OSError as e:
                    status, resp, ctype = 502, f"upstream error: {e}".encode(), "text/plain"
            else:
                status, resp = serve(self.command, key, body)
                ctype = "application/json"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(resp)))
            self.end_headers()
            self.wfile.write(resp)
            self.wfile.flush()
            entry = {
                "t": round(time.monotonic() - t0, 6),
                "method": self.command,
                "key": key,
                "status": status,
                "request_body": body.decode("utf-8", "replace"),
                "response_body": resp.decode("utf-8", "replace"),
                "headers": {k: v for k, v in self.headers.items()},
            }
            with lock:
                log.write(json.dumps(entry) + "\n")
                log.flush()

        do_GET = do_PUT = do_DELETE = do_POST = handle_any

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    print(json.dumps({"url": f"http://{args.host}:{port}/metadata", "port": port}), flush=True)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
