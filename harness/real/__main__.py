"""`python3 -m harness.real`: every real-client flow on each proxy, then the flow x proxy table.

    /usr/bin/python3 -m harness.real [--proxy reference,nginx] [--build-dir build] [--flow TEXT] [--keep-runs]
"""

import argparse
import sys
import time
import traceback

from ..processes import ProcessError
from ..proxies import make_proxy
from ..runner import REPO_ROOT, fake_binary_for
from .flows import FLOWS, FlowContext, FlowFailure
from .profile_check import DIALOGUES, PROFILE_USER, compare_profiles
from .stack import ProxyInFront, RealServers, mail_user


def render_table(flows, columns, outcomes):
    """`flow | reference | nginx` with pass / FAIL, and the totals per column."""
    rows = [["flow", *columns]] + [[flow, *(outcomes.get((flow, column), "-") for column in columns)]
                                   for flow in flows]
    totals = ["totals"]
    for column in columns:
        statuses = [outcomes.get((flow, column), "-") for flow in flows]
        totals.append(", ".join(f"{statuses.count(s)} {s}" for s in ("pass", "FAIL") if statuses.count(s)))
    widths = [max(len(row[index]) for row in rows + [totals]) for index in range(len(totals))]

    def line(row):
        return " | ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule] + [line(row) for row in rows[1:]] + [rule, line(totals)])


def run_flows(front, flows, outcomes, failures, servers):
    context = FlowContext(servers=servers, front=front)
    for flow in flows:
        started = time.monotonic()
        try:
            note = flow.run(context)
            outcomes[(flow.name, front.proxy.label)] = "pass"
            print(f"  pass  {flow.name} ({time.monotonic() - started:.1f} s): {note}", flush=True)
        except Exception as error:  # noqa: BLE001 - a broken flow is a FAIL cell, the rest still run
            outcomes[(flow.name, front.proxy.label)] = "FAIL"
            detail = str(error) if isinstance(error, (FlowFailure, ProcessError)) else traceback.format_exc()
            failures.append(f"{flow.name} on {front.proxy.label}: {detail}")
            print(f"  FAIL  {flow.name}: {detail}", flush=True)


def run_proxy(proxy, fake_binary, servers, flows, outcomes, failures):
    try:
        with ProxyInFront(proxy, fake_binary, servers) as front:
            run_flows(front, flows, outcomes, failures, servers)
            error_log = front.error_log()
    except ProcessError as error:
        for flow in flows:
            outcomes.setdefault((flow.name, proxy.label), "FAIL")
        failures.append(f"{proxy.label}: {error}")
        print(f"  cannot run: {error}", flush=True)
        return
    if any(outcomes.get((flow.name, proxy.label)) == "FAIL" for flow in flows):
        print(f"--- {proxy.label} error log (tail) ---\n{error_log[-3000:]}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m harness.real", description=__doc__.split("\n\n")[0])
    parser.add_argument("--proxy", default="reference,nginx", help="comma-separated: reference, nginx")
    parser.add_argument("--build-dir", default=str(REPO_ROOT / "build"))
    parser.add_argument("--fake-binary", default=None, help="default: <build-dir>/fakes/mailwire-fake")
    parser.add_argument("--nginx-binary", default="/usr/sbin/nginx")
    parser.add_argument("--flow", action="append", default=[], help="only the flows whose name contains TEXT")
    parser.add_argument("--keep-runs", action="store_true", help="keep the run folder (configs, logs, maildir)")
    args = parser.parse_args(argv)

    flows = [flow for flow in FLOWS if not args.flow or any(text in flow.name for text in args.flow)]
    check_profiles = not args.flow or any(text in f"profile {protocol} {profile}" for text in args.flow
                                          for protocol, profile, _ in DIALOGUES)
    fake_binary = args.fake_binary or fake_binary_for(args.build_dir)
    proxies = [make_proxy(name.strip(), args.build_dir, args.nginx_binary)
               for name in args.proxy.split(",") if name.strip()]
    outcomes, failures = {}, []
    try:
        users = [mail_user(proxy) for proxy in proxies] + [PROFILE_USER]
        with RealServers(users, keep=args.keep_runs) as servers:
            print(f"Dovecot (imap {servers.dovecot.ports['imap']}, pop3 {servers.dovecot.ports['pop3']}, "
                  f"lmtp {servers.dovecot.ports['lmtp']}) and Postfix (smtp {servers.postfix.port}) in "
                  f"{servers.run_dir}", flush=True)
            for proxy in proxies:
                print(f"===== {proxy.label} =====", flush=True)
                run_proxy(proxy, fake_binary, servers, flows, outcomes, failures)
            if check_profiles:
                profiles = compare_profiles(servers, fake_binary, PROFILE_USER, servers.run_dir)
                failures += [f"profile {name}: {difference}" for name, difference in profiles.items() if difference]
    except ProcessError as error:  # the real servers did not start: nothing ran
        print(f"python3 -m harness.real: {error}", file=sys.stderr)
        return 1
    print()
    print(render_table([flow.name for flow in flows], [proxy.label for proxy in proxies], outcomes))
    if check_profiles:
        print("\nfake profiles against the real servers (same commands, replies line by line):")
        for name, difference in profiles.items():
            print(f"  {name:<13} {'same' if difference is None else 'DIFFERS'}")
    for failure in failures:
        print(f"\nFAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
