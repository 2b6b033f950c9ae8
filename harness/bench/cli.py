"""Command line: run each measurement on each proxy, each on a fresh proxy and fakes, then report."""

import argparse
import datetime
import os
import platform
import resource
import sys
from pathlib import Path

from ..processes import ProcessError
from ..proxies import make_proxy
from .idle import measure_idle
from .relay import measure_relay
from .report import format_table, write_json
from .sessions import measure_sessions
from .stack import BenchStack

SPARE_FDS = 512  # the bench's own files, pipes and session-rate sockets on top of the idle sessions


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="mailwire bench", description="Benchmark mailwire-proxy against nginx (IMAP); see docs/benchmarks.md.")
    parser.add_argument("--build-dir", required=True, help="build folder with reference/mailwire-proxy and "
                                                           "fakes/mailwire-fake")
    parser.add_argument("--proxy", default="reference,nginx", help="comma-separated: reference, nginx "
                                                                   "(default: both)")
    parser.add_argument("--nginx", default="/usr/sbin/nginx", help="nginx binary (default %(default)s)")
    parser.add_argument("--idle-sessions", type=int, default=2000, metavar="N",
                        help="idle sessions for the memory measurement (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=8, metavar="C",
                        help="concurrent clients for the session rate (default %(default)s)")
    parser.add_argument("--duration", type=float, default=5.0, metavar="D",
                        help="seconds of the session-rate run (default %(default)s)")
    parser.add_argument("--relay-mib", type=float, default=64.0, metavar="M",
                        help="MiB uploaded per relay run (default %(default)s)")
    parser.add_argument("--relay-runs", type=int, default=3, help="relay runs; the median counts (default %(default)s)")
    parser.add_argument("--json", default=None, metavar="PATH",
                        help="where to write the results as JSON (default BUILD_DIR/bench.json)")
    parser.add_argument("--keep-run-dirs", action="store_true", help="keep the proxies' configs and logs")
    args = parser.parse_args(argv)
    for name in ("idle_sessions", "concurrency", "relay_runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.duration <= 0 or args.relay_mib <= 0:
        parser.error("--duration and --relay-mib must be positive")
    return args


def raise_fd_limit(needed):
    """Raises our soft RLIMIT_NOFILE (inherited by the proxies and fakes); returns the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"mailwire bench: {needed} file descriptors are needed but the hard limit is {hard}; "
                         f"lower --idle-sessions or raise the limit (ulimit -Hn)")
    if soft == resource.RLIM_INFINITY or soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return hard if hard != resource.RLIM_INFINITY else needed


def bench_one(proxy, fake, args, connections, nofile):
    def stack():
        return BenchStack(proxy, fake, connections, nofile, keep_dir=args.keep_run_dirs)

    results = {}
    print(f"[{proxy.label}] idle memory: {args.idle_sessions} sessions", file=sys.stderr)
    with stack() as running:
        results["idle"] = measure_idle(running.proxy_port, running.proxy_pid, args.idle_sessions)
    print(f"[{proxy.label}] session rate: {args.concurrency} clients for {args.duration:g} s", file=sys.stderr)
    with stack() as running:
        sessions = measure_sessions(running.proxy_port, running.pids(), args.concurrency, args.duration)
    per_session = sessions["cpu_us_per_session"]
    if per_session["auth"] is not None:
        sessions["fakes_cpu_us_per_session"] = per_session["auth"] + per_session["backend"]
    sessions["failed"] = sum(sessions["errors"].values())
    results["sessions"] = sessions
    print(f"[{proxy.label}] relay: {args.relay_runs} x {args.relay_mib:g} MiB", file=sys.stderr)
    with stack() as running:
        proxied = measure_relay(running.proxy_port, running.proxy_pid, args.relay_mib, args.relay_runs)
        direct = measure_relay(running.backend_port, running.backend_process.pid, args.relay_mib, args.relay_runs)
    results["relay"] = {"proxied": proxied, "direct": direct,
                        "proxied_over_direct": proxied["mib_per_s"] / direct["mib_per_s"]}
    return results


def machine():
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    build_dir = Path(args.build_dir).resolve()
    fake = build_dir / "fakes" / "mailwire-fake"
    if not os.access(fake, os.X_OK):
        print(f"mailwire bench: {fake} is missing (cmake --build {build_dir} --target mailwire-fake)",
              file=sys.stderr)
        return 2
    connections = args.idle_sessions + SPARE_FDS
    hard = raise_fd_limit(args.idle_sessions + 2 * SPARE_FDS)
    nofile = min(hard, 2 * connections)
    proxies = [make_proxy(name.strip(), build_dir, args.nginx) for name in args.proxy.split(",") if name.strip()]
    by_proxy = {}
    for proxy in proxies:
        try:
            by_proxy[proxy.label] = bench_one(proxy, fake, args, connections, nofile)
        except (ProcessError, OSError) as error:
            print(f"mailwire bench: {proxy.label}: {error}", file=sys.stderr)
            return 1
    document = {"machine": machine(),
                "versions": {proxy.label: ".".join(map(str, proxy.version())) if proxy.version() else None
                             for proxy in proxies},
                "options": {"idle_sessions": args.idle_sessions, "concurrency": args.concurrency,
                            "duration_s": args.duration, "relay_mib": args.relay_mib, "relay_runs": args.relay_runs},
                "results": by_proxy}
    json_path = args.json or str(build_dir / "bench.json")
    write_json(json_path, document)
    print(f"{document['machine']['date']}, {document['machine']['cpus']} CPUs; ratio = first / second column")
    print(format_table(by_proxy))
    saturated = [label for label, results in by_proxy.items() if results["sessions"]["client_saturated"]]
    if saturated:
        print(f"note: the client used most of a core during the session-rate run for {', '.join(saturated)}: "
              "that rate may be the client's limit, not the proxy's")
    print(f"results: {json_path}")
    return 0
