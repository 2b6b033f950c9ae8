"""`./mailwire explain SCENARIO`: a scenario's flow for a learner, in the terminal.

It runs the scenario once on the reference proxy (or `--proxy nginx`) with the recorder on (harness/trace.py),
then prints the title, the `about:` text, and every wire line in order: when, who sent it to whom, its exact
bytes (CR and LF shown as \\r \\n) and a one-line gloss (harness/glosses.py). Pauses of GAP_MS or more get a
line of their own.

    /usr/bin/python3 -m harness.explain [--proxy reference|nginx] [--build-dir DIR] SCENARIO.yaml
"""

import argparse
import re
import sys
import textwrap
from pathlib import Path

from .glosses import gloss
from .proxies import make_proxy
from .report import render_failure
from .runner import REPO_ROOT, fake_binary_for
from .scenario import ScenarioError, load_scenario
from .trace import record_run, shown

GAP_MS = 50
PROTOCOLS = ("imap", "pop3", "smtp")


def protocol_of(scenario):
    """imap, pop3 or smtp: the scenario's folder, else the first `protocol` directive of its config."""
    folder = Path(scenario.path).parent.name
    if folder in PROTOCOLS:
        return folder
    found = re.search(r"\bprotocol\s+(imap|pop3|smtp)\s*;", scenario.config)
    return found.group(1) if found else ""


def explain_lines(trace, protocol, width=100):
    """The trace as text lines: `   12.3 ms  client -> proxy     a1 LOGIN {5}\\r\\n` and the gloss below."""
    who_width = max([len(f"{a.sender} -> {a.receiver}") for a in trace.arrows] + [0])
    lines, previous = [], None
    for arrow in trace.arrows:
        if previous is not None and (arrow.at - previous) * 1000 >= GAP_MS:
            lines.append(f"{'':>10}  ... {round((arrow.at - previous) * 1000)} ms pass ...")
        previous = arrow.at
        who = f"{arrow.sender} -> {arrow.receiver}".ljust(who_width)
        conn = f" [conn {arrow.conn}]" if arrow.conn > 1 else ""
        lines.append(f"{arrow.at * 1000:>7.1f} ms  {who}  {shown(arrow)}{conn}")
        meaning = gloss(arrow, protocol)
        if meaning:
            indent = " " * (13 + who_width)
            lines += textwrap.wrap(meaning, width, initial_indent=indent + "= ", subsequent_indent=indent + "  ")
    return lines


def explain(scenario, trace, width=100):
    """The whole text: title, about, then the flow."""
    out = [f"{trace.scenario_path}: {scenario.title}", f"(recorded on the {trace.proxy_label} proxy)", ""]
    if scenario.about.strip():
        for paragraph in scenario.about.strip().split("\n\n"):
            out += textwrap.wrap(" ".join(paragraph.split()), width)
            out.append("")
    first_connect = next((a.at for a in trace.arrows if a.sender == "client" and a.note == "connect"), None)
    if first_connect is not None and any(a.at < first_connect for a in trace.arrows):
        out += textwrap.wrap("Note: what comes before the client's <connect> answers the harness's readiness check "
                             "(a connection it opens and closes as soon as the proxy listens): the proxy looks up "
                             "that connection's address as well.", width) + [""]
    out.append(f"{'when':>10}  who sent what (\\r \\n are the CR LF bytes; = what it means)")
    out += explain_lines(trace, protocol_of(scenario), width)
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./mailwire explain", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="a scenario file, e.g. scenarios/imap/login-synchronising-literals.yaml")
    parser.add_argument("--proxy", default="reference", choices=("reference", "nginx"))
    parser.add_argument("--build-dir", default=str(REPO_ROOT / "build"))
    parser.add_argument("--nginx-binary", default="/usr/sbin/nginx")
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except (ScenarioError, OSError) as error:
        print(f"mailwire explain: {error}", file=sys.stderr)
        return 2
    build_dir = Path(args.build_dir).resolve()
    result = record_run(scenario, make_proxy(args.proxy, build_dir, args.nginx_binary), fake_binary_for(build_dir))
    print(explain(scenario, result.trace))
    if not result.ok:
        print("\nThis run did not go as the scenario expects:\n", file=sys.stderr)
        print(render_failure(result), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
