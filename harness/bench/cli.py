"""Command line: every workload, round after round, direct and on each proxy (ABBA), then the report."""

import argparse
import dataclasses
import os
import resource
import sys
import time
from pathlib import Path

from ..processes import ProcessError
from ..proxies import make_proxy
from . import chart, machine, report, stats
from .load import LoadError
from .sample import Limits, sample_direct, sample_proxy
from .stack import Fakes
from .workloads import workloads

REPO_ROOT = Path(__file__).resolve().parents[2]
SPARE_FDS = 2048  # listeners, logs, auth_http connections and pipes on top of two sockets per idle session
IDLE_RESERVE_FDS = 100  # what a proxy holds besides its sessions: listeners, logs, its own files


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="mailwire bench",
        description="mailwire-proxy and nginx side by side: session rates, relay throughput, idle memory "
                    "(docs/benchmarks.md).")
    parser.add_argument("--build-dir", required=True, help="build folder with reference/mailwire-proxy, "
                                                           "fakes/mailwire-fake and fakes/load/mailwire-load")
    parser.add_argument("--quick", action="store_true", help="short runs and small transfers, 2 rounds, "
                                                             "2,000 idle sessions only (under 2 minutes)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 2 with --quick, else 4)")
    parser.add_argument("--proxy", default="reference,nginx", help="comma-separated: reference, nginx "
                                                                   "(default: both)")
    parser.add_argument("--nginx", default="/usr/sbin/nginx", help="nginx binary (default %(default)s)")
    parser.add_argument("--only", default=None, metavar="TEXT",
                        help="run only the workloads whose name contains one of these comma-separated texts")
    parser.add_argument("--json", default=None, metavar="PATH", help="also write every sample as JSON")
    parser.add_argument("--out", default=None, metavar="PATH",
                        help="write the page (and its PNG chart beside it): a .md file, or a folder for "
                             "performance.md (default docs/performance.md for a full run, nothing with --quick)")
    parser.add_argument("--keep-run-dirs", action="store_true", help="keep the proxies' configs and logs")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 2 if args.quick else 4
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.out is None and not args.quick:
        args.out = str(REPO_ROOT / "docs" / "performance.md")
    return args


def raise_fd_limit(needed):
    """Raises RLIMIT_NOFILE (inherited by the proxies, fakes and client) to `needed`, the hard limit too
    when allowed (root); returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return needed
        except (ValueError, OSError):
            print(f"mailwire bench: the RLIMIT_NOFILE hard limit {hard} is below {needed} and cannot be raised "
                  "(no CAP_SYS_RESOURCE)", file=sys.stderr)
            needed = hard
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return needed
    return soft if soft != resource.RLIM_INFINITY else needed


def fit_idle_sessions(workload, nofile):
    """An idle workload the file-descriptor limit cannot hold (two sockets per session in the proxy, plus the
    auth_http connections of the sessions being opened) shrinks to what fits, and its name says so."""
    if workload.kind != "idle":
        return workload
    fits = (nofile - IDLE_RESERVE_FDS - workload.concurrency) // 2
    if workload.sessions <= fits:
        return workload
    print(f"mailwire bench: RLIMIT_NOFILE {nofile} holds {fits} idle sessions, not {workload.sessions}",
          file=sys.stderr)
    return dataclasses.replace(workload, sessions=fits,
                               name=f"{workload.name.rsplit(',', 1)[0]}, {fits} sessions (RLIMIT_NOFILE {nofile})")


def page_paths(out):
    """(page, chart) paths for --out: a .md file, or a folder that gets performance.md."""
    out = Path(out)
    page = out if out.suffix == ".md" else out / "performance.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    return page, page.with_suffix(".png")


def summarise_workload(workload, by_round, labels, pair):
    """The summary of one workload's samples: medians and ratio ranges of each figure, background spread."""

    def pick(key, inner=None):
        rows = []
        for samples in by_round:
            row = {}
            for label, figures in samples.items():
                value = figures.get(key)
                if inner is not None and isinstance(value, dict):
                    value = value.get(inner)
                if value is not None:
                    row[label] = value
            rows.append(row)
        return rows

    summary = {"value": stats.summarise(pick("value"), labels, pair),
               "cpu_per_unit": stats.summarise(pick("cpu_per_unit"), labels, pair)}
    for key in ("client_per_unit", "fakes_per_unit", "proxy_kernel_share", "machine_cores"):
        summary[key] = stats.summarise(pick(key), labels, None)
    if workload.kind == "rate":
        summary["latency_p50"] = stats.summarise(pick("latency_ms", "p50"), labels, pair)
        summary["latency_p99"] = stats.summarise(pick("latency_ms", "p99"), labels, pair)
    if workload.kind == "idle":
        summary["pss_kib_per_session"] = stats.summarise(pick("pss_kib_per_session"), labels, pair)
    background = [figures["background_cores"] for samples in by_round for figures in samples.values()
                  if figures.get("background_cores") is not None]
    if background:
        summary["background_cores"] = {"median": stats.median(background), "max": max(background)}
    return summary


def run(args, proxies, binaries, limits, selected):
    labels = [proxy.label for proxy in proxies]
    pair = tuple(labels) if len(labels) == 2 else None
    samples = {workload.name: [] for workload in selected}
    errors = []
    started = time.monotonic()
    with Fakes(binaries["fake"]) as fakes:
        for round_index in range(args.rounds):
            order = stats.abba_order(round_index, proxies)
            print(f"round {round_index + 1}/{args.rounds}: {' '.join(p.label for p in order)} "
                  f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
            for workload in selected:
                this_round = {}
                targets = (["direct"] if workload.direct else []) + order
                for target in targets:
                    try:
                        if target == "direct":
                            this_round["direct"] = sample_direct(workload, binaries["load"], fakes)
                        else:
                            this_round[target.label] = sample_proxy(workload, target, binaries["load"], fakes,
                                                                    limits, args.keep_run_dirs)
                    except (LoadError, ProcessError, OSError) as error:
                        name = target if target == "direct" else target.label
                        errors.append(f"{workload.name} [{name}, round {round_index + 1}]: {error}")
                        print(f"mailwire bench: {errors[-1]}", file=sys.stderr)
                samples[workload.name].append(this_round)
    document_workloads = []
    for workload in selected:
        by_round = samples[workload.name]
        columns = (["direct"] if workload.direct else []) + labels
        document_workloads.append({
            "name": workload.name, "kind": workload.kind, "protocol": workload.protocol, "mode": workload.mode,
            "note": workload.note, "workers": workload.workers, "concurrency": workload.concurrency,
            "summary": summarise_workload(workload, by_round, columns, pair),
            "client_saturated": any(figures.get("client_saturated") for r in by_round for figures in r.values()),
            "samples": by_round})
    return document_workloads, errors, time.monotonic() - started


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    build_dir = Path(args.build_dir).resolve()
    binaries = {"fake": build_dir / "fakes" / "mailwire-fake", "load": build_dir / "fakes" / "load" / "mailwire-load"}
    for name, path in binaries.items():
        if not os.access(path, os.X_OK):
            print(f"mailwire bench: {path} is missing (cmake --build {build_dir} --target mailwire-{name})",
                  file=sys.stderr)
            return 2
    selected = workloads(args.quick)
    if args.only:
        wanted = [text.strip() for text in args.only.split(",") if text.strip()]
        selected = [workload for workload in selected if any(text in workload.name for text in wanted)]
    idle_max = max([workload.sessions for workload in selected if workload.kind == "idle"], default=0)
    nofile = raise_fd_limit(2 * idle_max + 2 * SPARE_FDS)
    selected = [fit_idle_sessions(workload, nofile) for workload in selected]
    limits = Limits(connections=2 * idle_max + SPARE_FDS, nofile=nofile)
    proxies = [make_proxy(name.strip(), build_dir, args.nginx) for name in args.proxy.split(",") if name.strip()]
    for proxy in proxies:
        problem = proxy.problem()
        if problem:
            print(f"mailwire bench: {problem}", file=sys.stderr)
            return 2

    document_workloads, errors, elapsed = run(args, proxies, binaries, limits, selected)
    document = {"machine": machine.machine(), "versions": machine.versions(proxies, REPO_ROOT),
                "options": {"quick": args.quick, "rounds": args.rounds, "elapsed_s": round(elapsed, 1)},
                "proxies": [proxy.label for proxy in proxies], "workloads": document_workloads, "errors": errors}
    print(report.format_table(document))
    scaling = report.scaling_lines(document)
    if scaling:
        print("worker_processes 2 scaling (2 workers / 1 worker):\n" + "\n".join(scaling))
    print(f"{len(document_workloads)} workloads, {args.rounds} rounds in {elapsed:.0f} s; "
          f"{document['machine']['cpus']} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.json:
        report.write_json(args.json, document)
        print(f"JSON: {args.json}")
    if args.out:
        page, png = page_paths(args.out)
        chart.draw(document, png)
        page.write_text(report.format_page(document, png.name), encoding="utf-8")
        print(f"page: {page} (chart {png.name})")
    if errors:
        print(f"mailwire bench: {len(errors)} samples failed:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    return 0
