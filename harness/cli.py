"""Command line: `run` every scenario on each proxy and print the conformance table; `list` the scenarios.

    /usr/bin/python3 -m harness run [--proxy reference,nginx] [--proxy-cmd TEMPLATE] [paths...]
    /usr/bin/python3 -m harness list [paths...]
    /usr/bin/python3 -m harness config [scenarios...] [--external FILE]

`run` drives pytest (with harness.plugin) once per proxy, so failures print their side-by-side report,
then prints `scenario | reference | nginx` and exits non-zero if any scenario failed.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from .external import ExternalError, default_setup, load_external, print_config
from .junit import JunitCollector, write_junit
from .report import render_conformance
from .report_html import write_run_report
from .runner import REPO_ROOT, RUNS_ROOT, display_path
from .scenario import ScenarioError, load_scenario

DEFAULT_PATHS = [str(REPO_ROOT / "scenarios")]


class _OutcomeRecorder:
    """A pytest plugin object collecting each scenario's outcome."""

    def __init__(self, column, outcomes, order):
        self.column = column
        self.outcomes = outcomes
        self.order = order

    def pytest_collection_finish(self, session):
        for item in session.items:  # after `-m` deselected what it does not select
            if item.nodeid not in self.order:
                self.order.append(item.nodeid)

    def pytest_runtest_logreport(self, report):
        key = (report.nodeid, self.column)
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.outcomes[key] = ("skip", reason.removeprefix("Skipped: "))
        elif report.failed:
            self.outcomes[key] = ("FAIL", "")
        elif report.when == "call" and key not in self.outcomes:
            self.outcomes[key] = ("pass", "")


def _table_name(node_id):
    return node_id.removeprefix("scenarios/")


def command_run(args):
    columns = []  # (column label, pytest options selecting the proxy)
    for name in filter(None, (part.strip() for part in args.proxy.split(","))):
        columns.append((name, ["--proxy", name]))
    if args.proxy_cmd:
        columns.append(("command", ["--proxy-cmd", args.proxy_cmd]))
    common = ["-p", "harness.plugin", "-p", "no:cacheprovider", "--rootdir", str(REPO_ROOT),
              "--build-dir", args.build_dir, "--nginx-binary", args.nginx_binary]
    if args.fake_binary:
        common += ["--fake-binary", args.fake_binary]
    if args.keep_runs:
        common.append("--keep-runs")
    if args.external:
        common += ["--external", args.external]
    if args.error_log:
        common += ["--error-log", args.error_log]
    if args.markers:
        common += ["-m", args.markers]
    # One ${certs} folder for every proxy's session: made by the first scenario that needs it, removed here.
    certs_dir = RUNS_ROOT / f"certs-{os.getpid()}"
    common += ["--certs-dir", str(certs_dir)]
    common.append("-v" if args.verbose else "-q")

    outcomes, order, broken = {}, [], []
    trace_root = Path(tempfile.mkdtemp(prefix="mailwire-traces-")) if args.html else None  # one folder per column
    junit = []  # one JunitCollector a column, with --junit
    try:
        for label, proxy_options in columns:
            print(f"===== {label} =====", flush=True)
            plugins = [_OutcomeRecorder(label, outcomes, order)]
            if args.junit:
                junit.append(JunitCollector(label))
                plugins.append(junit[-1])
            traces = ["--trace-dir", str(trace_root / label)] if trace_root else []
            status = pytest.main(args.paths + common + proxy_options + traces, plugins=plugins)
            if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
                broken.append(f"{label}: pytest exited with {status!r}")
    finally:
        if not args.keep_runs:
            shutil.rmtree(certs_dir, ignore_errors=True)

    print()
    scenarios = [_table_name(node) for node in order]
    table_outcomes = {(_table_name(node), column): value for (node, column), value in outcomes.items()}
    print(render_conformance(scenarios, [label for label, _ in columns], table_outcomes))
    if trace_root:
        write_run_report(args.html, order, [label for label, _ in columns], outcomes, trace_root)
        shutil.rmtree(trace_root, ignore_errors=True)
        print(f"HTML report: {args.html}")
    if args.junit:
        write_junit(args.junit, junit)
    for problem in broken:
        print(problem, file=sys.stderr)
    failed = any(status == "FAIL" for status, _ in outcomes.values())
    return 1 if failed or broken else 0


def _scenario_files(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            yield path


def command_list(args):
    invalid = 0
    for path in _scenario_files(args.paths):
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(f"{display_path(path)}  INVALID: {error}")
            invalid += 1
            continue
        needs = "".join(f"  [needs {need.text}]" for need in scenario.needs)
        print(f"{_table_name(display_path(path))}  {scenario.title}{needs}")
    return 1 if invalid else 0


def command_config(args):
    try:
        setup = load_external(args.external) if args.external else default_setup()
        return print_config(args.scenarios, setup, port=args.port, mail_only=args.mail_only)
    except (ExternalError, ScenarioError) as error:
        print(f"mailwire config: {error}", file=sys.stderr)
        return 2


def build_parser():
    parser = argparse.ArgumentParser(prog="python3 -m harness", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run scenarios on each proxy and print the conformance table")
    run.add_argument("paths", nargs="*", default=DEFAULT_PATHS, help="scenario files or folders (default: scenarios/)")
    run.add_argument("--proxy", default="reference,nginx", help="comma-separated: reference, nginx (default: both)")
    run.add_argument("--proxy-cmd", default=None,
                     help="also run a user command template with {conf} {prefix} {errlog} (column 'command')")
    run.add_argument("--build-dir", default=str(REPO_ROOT / "build"))
    run.add_argument("--fake-binary", default=None, help="default: <build-dir>/fakes/mailwire-fake")
    run.add_argument("--nginx-binary", default="/usr/sbin/nginx")
    run.add_argument("--keep-runs", action="store_true", help="keep each run's scratch folder")
    run.add_argument("-v", "--verbose", action="store_true", help="one line per scenario from pytest")
    run.add_argument("--html", default=None, metavar="FILE",
                     help="also write a self-contained HTML report: the table and each run's sequence diagram")
    run.add_argument("--external", default=None, metavar="FILE",
                     help="with --proxy external: the running proxy's deployed configs and the fakes' fixed ports")
    run.add_argument("--error-log", default=None, metavar="FILE",
                     help="with --proxy external: the running proxy's error log, for `log:` checks")
    run.add_argument("-m", dest="markers", default=None, metavar="EXPR",
                     help='only scenarios matching the marker expression: -m smtp, -m "starttls and not fault"')
    run.add_argument("--junit", default=None, metavar="FILE",
                     help="also write JUnit XML: one testcase per scenario and proxy, failures with their diff")
    run.set_defaults(handler=command_run)

    listing = commands.add_parser("list", help="print each scenario with its title")
    listing.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    listing.set_defaults(handler=command_list)

    config = commands.add_parser("config", help="print the config a running proxy needs for scenarios "
                                                "(--proxy external)")
    config.add_argument("scenarios", nargs="*",
                        help="scenario files (default: what the --external file deploys, merged per proxy)")
    config.add_argument("--external", default=None, metavar="FILE",
                        help="the external file: fixed ports, certs folder, error log (default: auth 9000, "
                             "DNS 9053, certs in .mailwire-runs/external/certs)")
    config.add_argument("--port", type=int, default=None,
                        help="${proxy_port} (default: where the external file deploys it, else 1143/1110/1025)")
    config.add_argument("--mail-only", action="store_true", help="only the mail {} block")
    config.set_defaults(handler=command_config)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.handler(args)
