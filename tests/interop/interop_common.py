"""Shared helpers of the interop drivers (te_target.py, te_initiator.py).

Run with the reference venv's python (`scripts/mooncake-reference --print-python`); the module itself only
needs the standard library, so `pattern_bytes` can also be imported by other tools.

Test pattern: the byte at offset i of the TARGET's registered buffer, for pattern seed s, is

    (i * 31 + s) % 251

i is always the offset inside the target buffer (not inside the transferred range), so a range
[off, off + len) written with seed s holds pattern_bytes(s, off, len) wherever it was copied from. 251 is
prime, so the pattern has period 251 and never lines up with page or block sizes. The target fills its
whole buffer with seed 7 at start-up (DEFAULT_SEED).
"""

import mmap
import os
import sys
import time

DEFAULT_SEED = 7
_PERIOD = 251


def pattern_bytes(seed: int, offset: int, length: int) -> bytes:
    """Expected bytes of [offset, offset + length) of a target buffer filled with `seed`."""
    if length <= 0:
        return b""
    period = bytes(((offset + j) * 31 + seed) % _PERIOD for j in range(_PERIOD))
    reps = length // _PERIOD + 1
    return (period * reps)[:length]


def first_mismatch(got, expected) -> str:
    """Human-readable description of the first differing byte (got/expected of equal length)."""
    chunk = 1 << 16
    for base in range(0, len(expected), chunk):
        if got[base : base + chunk] != expected[base : base + chunk]:
            for j in range(base, min(base + chunk, len(expected))):
                if got[j] != expected[j]:
                    bad = sum(1 for a, b in zip(got, expected) if a != b) if len(expected) <= (1 << 22) else None
                    count = f" ({bad} of {len(expected)} bytes differ)" if bad is not None else ""
                    return f"first difference at range offset {j}: got {got[j]} expected {expected[j]}{count}"
    return "no difference"


class Buffer:
    """Page-aligned anonymous memory whose address can be handed to the engine."""

    def __init__(self, length: int):
        import ctypes

        self.length = length
        self.mem = mmap.mmap(-1, length, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        self._anchor = ctypes.c_char.from_buffer(self.mem)
        self.address = ctypes.addressof(self._anchor)

    def fill(self, seed: int, offset: int = 0, length: int = None, pattern_offset: int = None):
        """Write the pattern of `seed` into [offset, offset+length); pattern_offset = target offset it models."""
        if length is None:
            length = self.length - offset
        po = offset if pattern_offset is None else pattern_offset
        self.mem[offset : offset + length] = pattern_bytes(seed, po, length)

    def zero(self, offset: int = 0, length: int = None):
        if length is None:
            length = self.length - offset
        self.mem[offset : offset + length] = bytes(length)

    def read(self, offset: int, length: int) -> bytes:
        return self.mem[offset : offset + length]


def redirect_native_stdout():
    """Point fd 1 at stderr so native (C++/glog) output can never corrupt our protocol on stdout.

    Returns a text stream on the original stdout for the driver's own lines.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    out = os.fdopen(saved, "w", buffering=1)
    sys.stdout = sys.stderr
    return out


def start_engine(local_hostname: str, metadata_server: str, protocol: str = "tcp"):
    """Create and initialize a real mooncake TransferEngine; returns (engine, seconds taken)."""
    # Loopback only: without this the engine publishes and binds the first non-loopback interface.
    os.environ.setdefault("MC_TCP_BIND_ADDRESS", "127.0.0.1")
    from mooncake.engine import TransferEngine  # imported late: the env must be set first

    started = time.monotonic()
    engine = TransferEngine()
    rc = engine.initialize(local_hostname, metadata_server, protocol, "")
    if rc != 0:
        raise RuntimeError(
            f"TransferEngine.initialize({local_hostname!r}, {metadata_server!r}, {protocol!r}, '') returned {rc}"
        )
    return engine, time.monotonic() - started


def segment_name(engine, local_hostname: str, metadata_server: str) -> str:
    """Name a peer passes to transfer_*/openSegment to reach this engine.

    P2PHANDSHAKE: the engine renames itself to <ip>:<handshake port> (the port in local_hostname is ignored).
    Metadata server: the name given to initialize(), verbatim.
    """
    if metadata_server == "P2PHANDSHAKE":
        host = local_hostname.rsplit(":", 1)[0] if local_hostname.count(":") == 1 else local_hostname
        return f"{host}:{engine.get_rpc_port()}"
    return local_hostname


def default_hostname(metadata_server: str, role: str) -> str:
    """A local_hostname that cannot collide with another engine on the same metadata server.

    With a metadata server the name is only a label (rpc_meta/ram keys); a duplicate rpc_meta key is rejected,
    so it carries the pid. In P2P mode only the host part counts.
    """
    if metadata_server == "P2PHANDSHAKE":
        return "127.0.0.1"
    # host:port form like the store uses; the port part is never bound in the default RPC mapping.
    return f"127.0.0.1:{20000 + (os.getpid() * 2 + (role == 'initiator')) % 40000}"
