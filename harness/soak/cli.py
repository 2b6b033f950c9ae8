"""`/usr/bin/python3 -m harness.soak [options]`: the soak under injected faults (docs/soak.md).

Exits 0 when the run passed: no unexpected session outcome, no crash, no sanitizer report, no fd or RSS growth
beyond the tolerance after the warm-up, every error-log line classified; 1 otherwise; 2 on a usage error.
"""

import argparse
import datetime
import os
import sys

from ..processes import ProcessError
from ..proxies import ReferenceProxy, make_proxy
from ..runner import REPO_ROOT, RUNS_ROOT
from . import chart, errorlog, report
from .driver import SoakDriver
from .plan import make_plans


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="mailwire soak", description="Soak a mail proxy under injected faults.")
    parser.add_argument("--sessions", type=int, default=2500, metavar="N", help="sessions in all (default %(default)s)")
    parser.add_argument("--minutes", type=float, default=2.5, metavar="M",
                        help="session starts are spread evenly over M minutes (default %(default)s)")
    parser.add_argument("--hold", type=float, default=40.0, metavar="S",
                        help="mean idle seconds of a fault-free session in proxy mode, with keep-alive NOOPs; "
                             "it sets how many sessions are open at once (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=6000, metavar="C",
                        help="at most C sessions open at once (default %(default)s)")
    parser.add_argument("--proxy", default="reference", help="reference (default) or nginx")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--sanitized", action="store_true",
                        help="the reference proxy from the sanitizer build (the default when it is built)")
    choice.add_argument("--unsanitized", action="store_true", help="the reference proxy from --build-dir")
    parser.add_argument("--build-dir", default=str(REPO_ROOT / "build"))
    parser.add_argument("--sanitize-build-dir", default=str(REPO_ROOT / "build-sanitize"))
    parser.add_argument("--nginx-binary", default="/usr/sbin/nginx")
    parser.add_argument("--png", default=None, metavar="PATH", help="also write the fd/RSS chart to PATH")
    parser.add_argument("--run-dir", default=None, help="the run's folder (default .mailwire-runs/soak-...)")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.concurrency < 1 or args.minutes <= 0 or args.hold < 0:
        parser.error("--sessions and --concurrency must be at least 1, --minutes positive, --hold not negative")
    if args.proxy not in ("reference", "nginx"):
        parser.error("--proxy is reference or nginx")
    return args


def choose_proxy(args):
    if args.proxy == "nginx":
        return make_proxy("nginx", args.build_dir, args.nginx_binary), "nginx"
    sanitized = ReferenceProxy(args.sanitize_build_dir)
    if args.sanitized or (not args.unsanitized and sanitized.problem() is None):
        return sanitized, "reference (ASan/UBSan build)"
    return ReferenceProxy(args.build_dir), "reference"


def main(argv=None):
    args = parse_args(argv)
    proxy, label = choose_proxy(args)
    problem = proxy.problem()
    if problem:
        print(f"mailwire soak: {problem}", file=sys.stderr)
        return 1
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = os.path.abspath(args.run_dir or RUNS_ROOT / f"soak-{args.proxy}-{stamp}-{os.getpid()}")
    os.makedirs(run_dir, exist_ok=True)
    plans = make_plans(args.seed, args.sessions, args.minutes * 60, args.hold)
    print(f"soak: {args.sessions} sessions over {args.minutes:g} min (seed {args.seed}, hold {args.hold:g} s) "
          f"on {label}; run folder {run_dir}", flush=True)
    try:
        result = SoakDriver(proxy, plans, run_dir, args.concurrency,
                            progress=lambda text: print(text, flush=True)).run()
    except ProcessError as error:
        print(f"mailwire soak: {error}", file=sys.stderr)
        return 1
    kinds, unclassified = errorlog.classify(os.path.join(run_dir, "error.log"))
    summary = report.summarize(result, kinds, unclassified, args.hold)
    png_paths = [os.path.join(run_dir, "soak.png")] + ([args.png] if args.png else [])
    warmup_end, steady_end = report.windows(result, args.hold)
    for path in png_paths:
        chart.draw(result.samples, path, f"soak on {label}", warmup_end, steady_end)
    report.write_json(summary, os.path.join(run_dir, "soak.json"))
    print(report.render(summary, result, unclassified, label, ", ".join(png_paths)))
    failed = report.failures(summary)
    print("")
    if failed:
        print("soak FAILED:\n  " + "\n  ".join(failed))
        return 1
    print("soak passed")
    return 0
