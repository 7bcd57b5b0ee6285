# Orchestrator of bench/run: runs every target (ours, mooncake, redis, limits) for N rotated repetitions, takes medians, prints and saves the comparison tables.
"""Compares our `mooncake bench` with the real C++ Mooncake Store, Redis and this machine's limits.

bench/run installs what is missing (redis-server, libibverbs1, the Mooncake wheel venv with redis + hiredis),
builds target/release/mooncake and then runs this script; it can also be run directly with the venv's python.

Targets (each prints one JSON object {"tool", "version", "results": [...]}):
  ours      target/release/mooncake bench --local --output json (its own master + node processes on loopback)
  mooncake  bench/mooncake_store.py: the C++ Mooncake Store (PyPI wheel, Python client), same scenarios
  redis     bench/redis_store.py: redis-server (no persistence) with redis-py + hiredis
  limits    target/release/mooncake bench --scenarios memcpy,tcp,tcp-2streams,tcp-dram,tcp-2streams-dram: memcpy
            and loopback TCP, the server answering from one hot buffer or (-dram) from a DRAM-sized region

Each repetition runs all targets, the order rotated by one per repetition; the tables show medians over the
repetitions. Everything binds 127.0.0.1. Results go to bench/results/<UTC timestamp>/ (raw JSON and stderr per
target and repetition, medians.json, table.md).

--scenarios selects the ours/mooncake scenarios (local, remote, local-batch32, remote-batch32, local-zc,
remote-zc, remote-2clients, local-cold, remote-cold); redis and limits run all of theirs (redis, redis-batch32,
redis-2clients; memcpy, tcp, tcp-2streams, tcp-dram, tcp-2streams-dram) unless the list names some of them.
"""

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import benchlib as bl  # noqa: E402

STORE_SCENARIOS = ["local", "remote", "local-batch32", "remote-batch32", "local-zc", "remote-zc",
                   "remote-2clients", "local-cold", "remote-cold"]
TARGET_SCENARIOS = {
    "ours": STORE_SCENARIOS,
    "mooncake": STORE_SCENARIOS,
    "redis": ["redis", "redis-batch32", "redis-2clients"],
    "limits": ["memcpy", "tcp", "tcp-2streams", "tcp-dram", "tcp-2streams-dram"],
}
TARGETS = ["ours", "mooncake", "redis", "limits"]
OPTIONAL_SCENARIO_TARGETS = ("redis", "limits")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=None, help="repetitions, target order rotated each time (default 3)")
    p.add_argument("--sizes", default=None, help="value sizes, K/M/G binary suffixes (default 4K,64K,1M,16M)")
    p.add_argument("--ops", type=int, default=None,
                   help="measured ops per size per op (default 640: 20 calls of a 32-key batch), capped by --bytes for big sizes")
    p.add_argument("--bytes", default=None,
                   help="byte budget per size per op: ops = min(ops, bytes/size), at least 4 (default 256M)")
    p.add_argument("--warmup", type=int, default=None, help="warm-up ops before each measured loop (default 10)")
    p.add_argument("--scenarios", default=None, help="comma-separated scenarios (default: all; see above)")
    p.add_argument("--segment-size", default="2G", help="global segment of the storing node/process (default 2G)")
    p.add_argument("--local-buffer-size", default="1G",
                   help="client local (staging) buffer; batch32 of 16M needs 512M (default 1G)")
    p.add_argument("--cold-size", default="1M", help="value size of the *-cold scenarios (default 1M)")
    p.add_argument("--only", default=",".join(TARGETS), help="targets to run (default ours,mooncake,redis,limits)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 1 rep, sizes 4K,1M, 50 ops, 32M budget, 5 warm-up ops (~1 minute)")
    p.add_argument("--timeout", type=float, default=900, help="seconds one target run may take (default 900)")
    p.add_argument("--mooncake-bin", default=os.path.join(ROOT, "target", "release", "mooncake"))
    p.add_argument("--python", default=sys.executable, help="python with mooncake.store, redis and hiredis")
    p.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    p.add_argument("--command-line", default=None, help=argparse.SUPPRESS)
    p.add_argument("--verbose", action="store_true", help="show the targets' progress on stderr")
    args = p.parse_args(argv)
    quick = args.quick
    defaults = {"reps": 1 if quick else 3, "sizes": "4K,1M" if quick else "4K,64K,1M,16M",
                "ops": 50 if quick else 640, "bytes": "32M" if quick else "256M", "warmup": 5 if quick else 10}
    for k, v in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    args.only = [t for t in args.only.split(",") if t]
    bad = [t for t in args.only if t not in TARGETS]
    if bad:
        p.error(f"unknown target(s) {','.join(bad)}; choose from {','.join(TARGETS)}")
    bl.parse_sizes(args.sizes)  # validate
    for s in (args.bytes, args.segment_size, args.local_buffer_size, args.cold_size):
        bl.parse_size(s)
    return args


def scenarios_for(target, wanted):
    mine = TARGET_SCENARIOS[target]
    if wanted is None:
        return mine
    sel = [s for s in mine if s in wanted]
    if not sel and target in OPTIONAL_SCENARIO_TARGETS:
        return mine
    return sel


def target_argv(target, args, scenarios):
    common = ["--sizes", args.sizes, "--ops", str(args.ops), "--bytes", args.bytes, "--warmup", str(args.warmup)]
    sc = ["--scenarios", ",".join(scenarios)]
    if target == "ours":
        return [args.mooncake_bin, "bench", "--local", "--output", "json", *common, *sc,
                "--segment-size", args.segment_size, "--local-buffer-size", args.local_buffer_size]
    if target == "limits":
        return [args.mooncake_bin, "bench", "--output", "json", *sc, *common]
    if target == "mooncake":
        return [args.python, os.path.join(HERE, "mooncake_store.py"), *common, *sc, "--segment-size",
                args.segment_size, "--local-buffer-size", args.local_buffer_size, "--cold-size", args.cold_size]
    return [args.python, os.path.join(HERE, "redis_store.py"), *common, *sc]


def run_target_split(target, args, scenarios, out_dir, rep):
    """Fallback after a failed run: one run per scenario, so one broken scenario does not lose the others."""
    merged, failures, secs, split_notes = None, [], 0.0, []
    for scen in scenarios:
        notes = []
        data, err, t = run_target(target, target_argv(target, args, [scen]), out_dir, rep, args.timeout,
                                  args.verbose, suffix=f"-{scen}", notes=notes)
        split_notes += [f"{scen}: {n}" for n in notes]
        secs += t
        if data is None:
            failures.append(f"{scen}: {err}")
            bl.log(f"bench: rep {rep} {target} {scen} FAILED: {err}")
            continue
        if merged is None:
            merged = dict(data, results=[], warnings=[], non_loopback_connections=0)
        merged["warnings"] += list(data.get("warnings") or [])
        merged["results"] += data["results"]
        merged["non_loopback_connections"] += int(data.get("non_loopback_connections") or 0)
    if merged is not None:
        merged["warnings"] += split_notes
    else:
        failures += split_notes
    return merged, failures, secs


def group_members(pgid):
    """PIDs of the live processes in process group `pgid` (from /proc)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            pids.append(int(name))
    return pids


def stop_leftovers(pgid, what):
    """Stop, one PID at a time, the processes a target left behind in the process group it was started in."""
    left = group_members(pgid)
    if not left:
        return []
    bl.log(f"bench: {what} left {len(left)} process(es) running: {left}; stopping them")
    for pid in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and group_members(pgid):
        time.sleep(0.1)
    for pid in group_members(pgid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return [f"{what} left {len(left)} process(es) running after it exited (stopped)"]


def shm_segments():
    """/dev/shm/mooncake-<pid>-* files (our binary's segments) -> owner pid."""
    found = {}
    try:
        for name in os.listdir("/dev/shm"):
            parts = name.split("-")
            if len(parts) >= 3 and parts[0] == "mooncake" and parts[1].isdigit():
                found[os.path.join("/dev/shm", name)] = int(parts[1])
    except OSError:
        pass
    return found


def remove_leaked_segments(before, what):
    """Remove segment files that appeared during a target's run and whose owner process is gone."""
    leaked, total = [], 0
    for path, pid in shm_segments().items():
        if path in before or os.path.exists(f"/proc/{pid}"):
            continue
        try:
            total += os.path.getsize(path)
            os.unlink(path)
            leaked.append(path)
        except OSError:
            pass
    if not leaked:
        return []
    msg = f"{what} left {len(leaked)} segment file(s) ({total / (1 << 30):.1f} GiB) in /dev/shm (removed)"
    bl.log("bench: WARNING: " + msg)
    return [msg]


def run_target(target, argv, out_dir, rep, timeout, verbose, suffix="", notes=None):
    """Run one target once; returns (parsed JSON or None, error text or None, seconds).

    The target runs in its own process group; processes it leaves behind and /dev/shm segment files of its
    exited processes are cleaned up afterwards and reported in `notes`.
    """
    notes = [] if notes is None else notes
    shm_before = shm_segments()
    try:
        return _run_target(target, argv, out_dir, rep, timeout, verbose, suffix, notes)
    finally:
        notes += remove_leaked_segments(shm_before, target)


def _run_target(target, argv, out_dir, rep, timeout, verbose, suffix, notes):
    base = os.path.join(out_dir, f"{target}-rep{rep}{suffix}")
    t0 = time.monotonic()
    if target in ("ours", "limits") and not os.access(argv[0], os.X_OK):
        return None, f"{argv[0]} is missing (build failed?)", 0.0
    with open(base + ".log", "w") as errf:
        errf.write("$ " + " ".join(argv) + "\n")
        errf.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=None if verbose else errf, cwd=ROOT, start_new_session=True)
        try:
            stdout, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            return None, f"timed out after {timeout:.0f} s", time.monotonic() - t0
        finally:
            if proc.poll() is None:  # interrupted: stop it (it stops its own children) before leaving
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            notes += stop_leftovers(proc.pid, target)
    secs = time.monotonic() - t0
    text = stdout.decode(errors="replace").strip()
    with open(base + ".json", "w") as f:
        f.write(text + "\n")
    data = None
    for candidate in (text, text.splitlines()[-1] if text else ""):
        try:
            data = json.loads(candidate)
            break
        except ValueError:
            continue
    if proc.returncode != 0 or not isinstance(data, dict) or not isinstance(data.get("results"), list):
        tail = ""
        try:
            with open(base + ".log") as f:
                lines = [ln.rstrip() for ln in f if ln.strip()]
            tail = " | ".join(lines[-3:])
        except OSError:
            pass
        return None, f"exit {proc.returncode}, no usable JSON ({tail[-400:]})", secs
    return data, None, secs


# ---------------------------------------------------------------- tables

def medians(runs):
    """runs: {target: [data, ...]} -> {(target, scenario, op, size): {MBps, p50_us, p99_us, errors, n}}."""
    acc = {}
    for target, datas in runs.items():
        for data in datas:
            for r in data.get("results", []):
                try:
                    key = (target, r["scenario"], r["op"], int(r["size"]))
                except (KeyError, TypeError, ValueError):
                    continue
                acc.setdefault(key, []).append(r)
    med = {}
    for key, rs in acc.items():
        def m(field):
            vals = [float(r[field]) for r in rs if isinstance(r.get(field), (int, float))]
            return statistics.median(vals) if vals else None
        med[key] = {"MBps": m("MBps"), "p50_us": m("p50_us"), "p99_us": m("p99_us"),
                    "errors": sum(int(r.get("errors") or 0) for r in rs), "n": len(rs),
                    "clients": rs[0].get("clients"), "batch": rs[0].get("batch")}
    return med


def fmt_mbps(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 10 else f"{v:.1f}"


def fmt_us(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} s"
    if v >= 1000:
        return f"{v / 1000:.2f} ms"
    return f"{v:.0f} µs" if v >= 10 else f"{v:.1f} µs"


def fmt_ratio(v):
    if v is None:
        return "–"
    if v < 0.1:
        return f"{v:.3f}"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def ordered_rows(med, target):
    """(scenario, op) pairs of a target in a stable, readable order."""
    order = TARGET_SCENARIOS.get(target, [])
    rows = sorted({(k[1], k[2]) for k in med if k[0] == target},
                  key=lambda so: (order.index(so[0]) if so[0] in order else 99, so[0],
                                  {"put": 0, "get": 1}.get(so[1], 2), so[1]))
    return rows


def figures_table(med, sizes, targets):
    head = "| target | scenario | op | " + " | ".join(bl.size_label(s) for s in sizes) + " |"
    lines = [head, "|" + "---|" * (3 + len(sizes))]
    # ours and mooncake interleaved per (scenario, op) so they can be read next to each other
    store_rows = []
    for so in ordered_rows(med, "ours") + ordered_rows(med, "mooncake"):
        if so not in store_rows:
            store_rows.append(so)
    order = STORE_SCENARIOS
    store_rows.sort(key=lambda so: (order.index(so[0]) if so[0] in order else 99, so[0],
                                    {"put": 0, "get": 1}.get(so[1], 2), so[1]))
    have = {k[0] for k in med}
    rows = [(t, so) for so in store_rows for t in ("ours", "mooncake") if t in targets and t in have]
    rows += [(t, so) for t in ("redis", "limits") if t in targets for so in ordered_rows(med, t)]
    for target, (scen, op) in rows:
        cells = []
        present = False
        for s in sizes:
            m = med.get((target, scen, op, s))
            if m is None:
                cells.append("–")
                continue
            present = True
            cell = f"{fmt_mbps(m['MBps'])} · {fmt_us(m['p50_us'])}"
            if m["errors"]:
                cell += f" ({m['errors']} err)"
            cells.append(cell)
        if present or target in ("ours", "mooncake"):  # a store row stays even if empty, next to its peer
            lines.append(f"| {target} | {scen} | {op} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def limit_op(med, scen, op, size):
    """The limits record for (scen, op) or, when the limit has no such op, its first op at that size."""
    m = med.get(("limits", scen, op, size))
    if m is not None:
        return m
    for key in sorted(med):
        if key[0] == "limits" and key[1] == scen and key[3] == size:
            return med[key]
    return None


def ratios_table(med, sizes):
    head = "| ratio | scenario | op | " + " | ".join(bl.size_label(s) for s in sizes) + " |"
    lines = [head, "|" + "---|" * (3 + len(sizes))]
    ours_rows = ordered_rows(med, "ours")

    def add(label, scen, op, denom):
        cells, present = [], False
        for s in sizes:
            a = med.get(("ours", scen, op, s))
            b = denom(s)
            r = ratio(a and a["MBps"], b and b["MBps"])
            if r is None:
                cells.append("–")
                continue
            present = True
            cell = fmt_ratio(r)
            if label == "ours / mooncake" and s == 4096:
                lat = ratio(a["p50_us"], b["p50_us"])
                if lat is not None:
                    cell += f" (p50 {fmt_ratio(lat)})"
            cells.append(cell)
        if present:
            lines.append(f"| {label} | {scen} | {op} | " + " | ".join(cells) + " |")

    for scen, op in ours_rows:
        add("ours / mooncake", scen, op, lambda s, scen=scen, op=op: med.get(("mooncake", scen, op, s)))
    for scen, op in ours_rows:
        if scen in ("remote", "remote-zc", "remote-batch32"):
            add("ours / loopback TCP", scen, op, lambda s, op=op: limit_op(med, "tcp", op, s))
            add("ours / loopback TCP from DRAM", scen, op, lambda s, op=op: limit_op(med, "tcp-dram", op, s))
        elif scen == "remote-2clients":
            add("ours / loopback TCP 2 streams", scen, op, lambda s, op=op: limit_op(med, "tcp-2streams", op, s))
            add("ours / loopback TCP 2 streams from DRAM", scen, op,
                lambda s, op=op: limit_op(med, "tcp-2streams-dram", op, s))
    for scen, op in ours_rows:
        if scen == "local-zc":
            add("ours / memcpy", scen, op, lambda s, op=op: limit_op(med, "memcpy", op, s))
    redis_pair = {"remote": "redis", "remote-batch32": "redis-batch32", "remote-2clients": "redis-2clients"}
    for scen, op in ours_rows:
        if scen in redis_pair:
            add("ours / redis", scen, op, lambda s, scen=scen, op=op: med.get(("redis", redis_pair[scen], op, s)))
    if len(lines) == 2:
        lines.append("| (no ratios: ours or the targets it is compared with have no results) |" + " |" * (2 + len(sizes)))
    return "\n".join(lines)


def machine_line():
    cores = os.cpu_count()
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
    except OSError:
        pass
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cores} cores ({model}), {mem} RAM, kernel {platform.release()}"


def render(args, med, versions, status, started, sizes):
    targets = args.only
    out = ["# Mooncake Store comparison (bench/run)", ""]
    out.append(f"- date (UTC): {started.strftime('%Y-%m-%d %H:%M:%S')}")
    out.append(f"- machine: {machine_line()}")
    out.append(f"- command: `{args.command_line or 'bench/compare.py ' + ' '.join(sys.argv[1:])}`")
    out.append(f"- settings: reps {args.reps}, sizes {args.sizes}, ops {args.ops} (budget {args.bytes} per size"
               f" and op), warm-up {args.warmup}, segment {args.segment_size}, local buffer {args.local_buffer_size},"
               f" cold size {args.cold_size}")
    out.append("- versions: " + "; ".join(f"{t}: {versions.get(t, '–')}" for t in targets))
    for t in targets:
        st = status.get(t, {})
        line = f"- {t}: {st.get('ok', 0)}/{args.reps} repetitions ok"
        if st.get("failures"):
            line += "; failures: " + " / ".join(st["failures"][:3])
        if st.get("warnings"):
            line += "; WARNINGS: " + " / ".join(sorted(set(st["warnings"]))[:5])
        out.append(line)
    out += ["", "## Figures (median MB/s · p50 latency per call)", "",
            "MB/s = 10^6 bytes/s, aggregate over clients; batch32 latencies are per 32-key call; `–` = not measured.",
            "", figures_table(med, sizes, targets), ""]
    out += ["## Ratios (MB/s over MB/s of medians; > 1 = ours faster)", "",
            "At 4K the ours/mooncake cell also gives the p50 latency ratio (< 1 = ours lower).", "",
            ratios_table(med, sizes), ""]
    return "\n".join(out)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bl.exit_on_sigterm()
    started = datetime.datetime.now(datetime.timezone.utc)
    out_dir = os.path.join(args.results_dir, started.strftime("%Y%m%dT%H%M%SZ"))
    os.makedirs(out_dir, exist_ok=True)
    wanted = None if args.scenarios is None else [s for s in args.scenarios.split(",") if s]
    plan = {t: scenarios_for(t, wanted) for t in args.only}
    plan = {t: s for t, s in plan.items() if s}
    runs = {t: [] for t in plan}
    status = {t: {"ok": 0, "failures": [], "warnings": []} for t in plan}
    versions = {}
    order = list(plan)
    bl.log(f"bench: {args.reps} repetition(s) of {', '.join(order)}; results in {out_dir}")
    t_all = time.monotonic()
    interrupted = False
    try:
        for rep in range(args.reps):
            k = rep % len(order) if order else 0
            rotated = order[k:] + order[:k]
            for target in rotated:
                argv = target_argv(target, args, plan[target])
                bl.log(f"bench: rep {rep + 1}/{args.reps} {target} ...")
                notes = []
                data, err, secs = run_target(target, argv, out_dir, rep + 1, args.timeout, args.verbose, notes=notes)
                status[target]["warnings"] += notes
                if data is None and len(plan[target]) > 1 and not err.startswith("timed out") \
                        and os.path.exists(argv[0]):
                    bl.log(f"bench: rep {rep + 1}/{args.reps} {target} failed ({err}); retrying scenario by scenario")
                    data, split_failures, more = run_target_split(target, args, plan[target], out_dir, rep + 1)
                    secs += more
                    status[target]["failures"] += [f"rep {rep + 1}: {f}" for f in split_failures]
                    if data is not None:
                        with open(os.path.join(out_dir, f"{target}-rep{rep + 1}.merged.json"), "w") as f:
                            json.dump(data, f, indent=1)
                if data is None:
                    status[target]["failures"].append(f"rep {rep + 1}: {err}")
                    bl.log(f"bench: rep {rep + 1}/{args.reps} {target} FAILED after {secs:.1f} s: {err}")
                    continue
                runs[target].append(data)
                status[target]["ok"] += 1
                versions[target] = str(data.get("version", "?"))
                if target in ("ours", "limits"):
                    versions[target] = f"{data.get('tool', target)} {versions[target]}"
                warns = list(data.get("warnings") or [])
                if data.get("non_loopback_connections"):
                    warns.append(f"{data['non_loopback_connections']} non-loopback connection(s)")
                status[target]["warnings"] += warns
                errs = sum(int(r.get("errors") or 0) for r in data["results"])
                bl.log(f"bench: rep {rep + 1}/{args.reps} {target} done in {secs:.1f} s:"
                       f" {len(data['results'])} records, {errs} errors" + (f", warnings: {warns}" if warns else ""))
    except (KeyboardInterrupt, SystemExit):
        bl.log("bench: interrupted; writing what was measured")
        interrupted = True
    sizes = bl.parse_sizes(args.sizes)
    med = medians(runs)
    table = render(args, med, versions, status, started, sizes)
    with open(os.path.join(out_dir, "table.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out_dir, "medians.json"), "w") as f:
        json.dump([{"target": k[0], "scenario": k[1], "op": k[2], "size": k[3], **v} for k, v in sorted(med.items())],
                  f, indent=1)
    print(table)
    bl.log(f"bench: finished in {time.monotonic() - t_all:.0f} s; results in {out_dir}")
    if interrupted:
        return 130
    failed = [t for t in plan if status[t]["ok"] == 0]
    return 1 if failed and len(failed) == len(plan) else 0


if __name__ == "__main__":
    sys.exit(main())
