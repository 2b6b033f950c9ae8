"""docs/flows/: one Markdown page per protocol with its main flows, generated from recorded runs.

    /usr/bin/python3 -m harness.flows [--build-dir DIR]           (re)write docs/flows/*.md
    /usr/bin/python3 -m harness.flows --check [--build-dir DIR]   fail if docs/flows/ differs from a fresh run

Each chosen scenario (FLOWS) runs once on the reference proxy with the recorder on (harness/trace.py); the page
shows its `about:` text and every wire line in order with who sent it, its exact bytes and a gloss
(harness/glosses.py). The pages must not change from one run to the next: ports show as their placeholders,
times are left out (a pause of PAUSE_S or more shows, in whole seconds), and events that happen at the same
moment on different legs (connections closing) are put in a fixed order.
"""

import argparse
import difflib
import sys
from pathlib import Path

from .glosses import gloss
from .proxies import make_proxy
from .report import render_failure
from .runner import REPO_ROOT, fake_binary_for
from .scenario import load_scenario
from .trace import AUTH, CLIENT, DNS, PROXY, record_run, shown

FLOWS_DIR = REPO_ROOT / "docs" / "flows"
PAUSE_S = 0.5
# A recording whose fakes' clocks are known only within more than this is made again (at most ATTEMPTS times in
# all, keeping the best): on a loaded machine the transcripts may be read late (harness/trace.py).
UNCERTAINTY_MS = 1.0
ATTEMPTS = 4
CHECK_ATTEMPTS = 3
TEARDOWN = ("close", "reset", "half-close", "stall")

# protocol -> (page title, introduction, scenarios in the order shown)
FLOWS = {
    "imap": ("IMAP flows", "How nginx's mail proxy (and mailwire-proxy) carries an IMAP login.", [
        "imap/login-synchronising-literals.yaml",
        "imap/capability-default.yaml",
        "imap/authenticate-plain.yaml",
        "imap/starttls-capability-before-and-after.yaml",
        "imap/auth-failure-closes.yaml",
        "imap/relay-after-login.yaml",
    ]),
    "pop3": ("POP3 flows", "How nginx's mail proxy (and mailwire-proxy) carries a POP3 login.", [
        "pop3/user-pass.yaml",
        "pop3/capa-default.yaml",
        "pop3/auth-plain.yaml",
        "pop3/starttls-stls-user-pass.yaml",
        "pop3/auth-failure-closes.yaml",
        "pop3/relay-after-login.yaml",
    ]),
    "smtp": ("SMTP flows", "How nginx's mail proxy (and mailwire-proxy) carries an SMTP session.", [
        "smtp/ehlo-default.yaml",
        "smtp/xclient-ehlo-client.yaml",
        "smtp/auth-login.yaml",
        "smtp/auth-failure-closes.yaml",
        "smtp/starttls-ehlo-shows-auth.yaml",
        "smtp/relay-none-ehlo.yaml",
    ]),
}

LANE_RANK = {CLIENT: 0, PROXY: 1, AUTH: 2, DNS: 4}  # backends rank 3


def _rank(lane):
    return LANE_RANK.get(lane, 3)


def _other_end(arrow):
    return arrow.receiver if arrow.sender == PROXY else arrow.sender


def canonical_order(arrows):
    """The arrows in an order that does not depend on the run's timing where causality leaves it open.

    A fake's own close (or reset...) right after its last write goes right after that write: it happens then, as
    the fake runs its script, whatever the other legs do meanwhile. Then each run of consecutive events without
    bytes (connections closing) is ordered by lane: client, auth, backends, DNS. Last, a line the client reads
    never stands right before a write of a fake: that write did not wait for the read (only the client's next
    write could cause anything), so a burst of a backend's writes (and its close) shows whole, then what the
    client read of it."""
    ordered = []
    for arrow in arrows:
        if arrow.data is None and arrow.note in TEARDOWN and arrow.sender not in (CLIENT, PROXY):
            mine = [index for index, other in enumerate(ordered)
                    if arrow.sender in (other.sender, other.receiver) and other.conn == arrow.conn]
            if mine and ordered[mine[-1]].sender == arrow.sender and ordered[mine[-1]].data is not None:
                ordered.insert(mine[-1] + 1, arrow)
                continue
        ordered.append(arrow)
    result, run = [], []
    for arrow in ordered + [None]:
        if arrow is not None and arrow.data is None and arrow.note in TEARDOWN:
            run.append(arrow)
            continue
        result += sorted(run, key=lambda item: _rank(_other_end(item)))
        run = []
        if arrow is not None:
            result.append(arrow)
    moved = True
    while moved:
        moved = False
        for index in range(len(result) - 1):
            read, write = result[index], result[index + 1]
            if read.receiver == CLIENT and read.data is not None and write.sender not in (CLIENT, PROXY):
                result[index], result[index + 1] = write, read
                moved = True
    return result


def _code(text):
    """Text as a Markdown code span inside a table cell."""
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def flow_markdown(scenario_name, scenario, trace, protocol):
    """One scenario's section: title, source, about, and the table of wire lines."""
    lines = [f"## {scenario.title}", "",
             f"Scenario: [`scenarios/{scenario_name}`](../../scenarios/{scenario_name}) "
             f"(recorded on the {trace.proxy_label} proxy: `./mailwire explain scenarios/{scenario_name}`)", ""]
    about = " ".join(scenario.about.split())
    if about:
        lines += [about, ""]
    lines += ["| # | from → to | bytes (`\\r\\n` = CR LF) | what it means |", "|---|---|---|---|"]
    number, previous = 0, None
    for arrow in canonical_order(trace.arrows):
        if previous is not None and arrow.at - previous >= PAUSE_S:
            lines.append(f"| | | *about {round(arrow.at - previous)} s later* | |")
        previous = arrow.at
        number += 1
        conn = f" (connection {arrow.conn})" if arrow.conn > 1 else ""
        wire = _code(trace.mask_ports(shown(arrow)))
        lines.append(f"| {number} | {arrow.sender} → {arrow.receiver}{conn} | {wire} | {gloss(arrow, protocol)} |")
    lines.append("")
    return lines


def generate(build_dir, only=None, committed=None):
    """{file name: Markdown text} for every protocol page (or those in `only`). Raises FlowError when a chosen
    scenario does not pass on the reference proxy: a page must show a flow that is known to be right.

    `committed` ({file name: text}, for --check): a flow whose section is not in its committed page is recorded
    again, up to CHECK_ATTEMPTS times in all. Lines of different legs a few microseconds apart can still come out
    in another order on a loaded machine (harness/trace.py); the committed order is one that did happen, so one
    recording that matches it shows the page is fresh, while a real change matches no recording."""
    build_dir = Path(build_dir).resolve()
    proxy = make_proxy("reference", build_dir, "/usr/sbin/nginx")
    pages = {}
    for protocol, (title, intro, names) in FLOWS.items():
        if only and protocol not in only:
            continue
        lines = [f"# {title}", "",
                 "<!-- Generated by `./mailwire flows` from recorded runs; `./mailwire flows --check` (in "
                 "`./mailwire test`) fails when this file is stale. Do not edit by hand. -->", "",
                 intro + " Each flow is a scenario run on the reference proxy; every line on every leg is shown "
                 "in order with its exact bytes. Ports appear as the scenario's placeholders (`${proxy_port}`, "
                 "`${backend_port:main}`...).", "",
                 "Contents:", ""]
        lines += [f"* [{load_scenario(REPO_ROOT / 'scenarios' / name).title}](#{_slug(name)})" for name in names]
        lines.append("")
        page = (committed or {}).get(f"{protocol}.md")
        for name in names:
            scenario = load_scenario(REPO_ROOT / "scenarios" / name)
            for _ in range(CHECK_ATTEMPTS if page is not None else 1):
                result = best_recording(scenario, proxy, fake_binary_for(build_dir))
                if not result.ok:
                    raise FlowError(f"scenarios/{name} failed on the reference proxy:\n{render_failure(result)}")
                section = [f'<a id="{_slug(name)}"></a>'] + flow_markdown(name, scenario, result.trace, protocol)
                if page is None or "\n".join(section) in page:
                    break
            lines += section
        pages[f"{protocol}.md"] = "\n".join(lines).rstrip("\n") + "\n"
    return pages


def best_recording(scenario, proxy, fake_binary):
    """A recorded run whose fakes' clocks are pinned down within UNCERTAINTY_MS, or the best of ATTEMPTS."""
    best = None
    for _ in range(ATTEMPTS):
        result = record_run(scenario, proxy, fake_binary)
        if not result.ok:
            return result
        if best is None or result.trace.uncertainty_ms < best.trace.uncertainty_ms:
            best = result
        if best.trace.uncertainty_ms <= UNCERTAINTY_MS:
            break
    return best


def _slug(name):
    return name.replace("/", "-").removesuffix(".yaml")


class FlowError(Exception):
    """A chosen scenario failed: no page is written from a wrong run."""


def check(pages, folder=FLOWS_DIR):
    """Differences between `pages` and the files in `folder` (a unified diff), or "" when they are the same."""
    diffs = []
    for name, text in sorted(pages.items()):
        path = Path(folder) / name
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            diffs += difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                          f"docs/flows/{name} (committed)", f"docs/flows/{name} (regenerated)")
    return "".join(diffs)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./mailwire flows", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="regenerate in memory; fail if docs/flows/ differs")
    parser.add_argument("--build-dir", default=str(REPO_ROOT / "build"))
    args = parser.parse_args(argv)
    committed = None
    if args.check:
        committed = {path.name: path.read_text(encoding="utf-8") for path in FLOWS_DIR.glob("*.md")}
    try:
        pages = generate(args.build_dir, committed=committed)
    except FlowError as error:
        print(f"mailwire flows: {error}", file=sys.stderr)
        return 1
    if args.check:
        diff = check(pages)
        if diff:
            print(diff, end="")
            print("mailwire flows: docs/flows/ is stale: run ./mailwire flows and commit the result", file=sys.stderr)
            return 1
        print(f"docs/flows/ is up to date ({len(pages)} pages)")
        return 0
    FLOWS_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (FLOWS_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/flows/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
