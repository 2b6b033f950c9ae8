"""JUnit XML (`harness run --junit FILE`): one <testsuite> per proxy, one <testcase> per scenario and proxy.

classname is `PROXY.PROTOCOL` (`reference.imap`: CI viewers group on the dots), name the scenario as the
conformance table shows it (`imap/login.yaml`). A failure carries the side-by-side report as its text, a skip
its reason, so a CI page shows the same diff as the terminal.
"""

import re
import time
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath

PROTOCOLS = ("imap", "pop3", "smtp")
# Characters XML 1.0 cannot carry at all; a report may hold them (bytes a fake or the proxy sent).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text):
    return NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _folder_protocol(node_id):
    """The protocol folder a scenario lies in (`scenarios/smtp/x.yaml`), else `other`."""
    parts = PurePosixPath(node_id).parts[:-1]
    return next((part for part in reversed(parts) if part in PROTOCOLS), "other")


def _skip_reason(report):
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


class JunitCollector:
    """A pytest plugin object recording each scenario's outcome, duration and report text for one proxy."""

    def __init__(self, proxy_label):
        self.proxy_label = proxy_label
        self.cases = {}  # node id -> {"outcome", "message", "text", "time"}, in the order pytest ran them
        self.protocols = {}  # node id -> the scenario's protocol marker (harness/scenario.py markers_of)
        self.started = time.time()

    def _case(self, node_id):
        return self.cases.setdefault(node_id, {"outcome": "pass", "message": "", "text": "", "time": 0.0})

    def pytest_collection_modifyitems(self, items):
        for item in items:
            marked = [mark.name for mark in item.iter_markers() if mark.name in PROTOCOLS]
            self.protocols[item.nodeid] = marked[0] if marked else _folder_protocol(item.nodeid)

    def protocol(self, node_id):
        return self.protocols.get(node_id) or _folder_protocol(node_id)

    def pytest_runtest_logreport(self, report):
        case = self._case(report.nodeid)
        case["time"] += report.duration
        if report.skipped:
            case.update(outcome="skip", message=_skip_reason(report))
        elif report.failed:  # a failing call is a conformance failure; a failing setup or teardown, an error
            text = report.longreprtext
            first = next((line for line in text.splitlines() if line.strip()), "failed")
            case.update(outcome="failure" if report.when == "call" else "error", message=first[:200], text=text)


def _scenario_name(node_id):
    return node_id.removeprefix("scenarios/")


def junit_tree(collectors):
    """The <testsuites> element for the collectors (one per proxy column)."""
    suites = ET.Element("testsuites", name="mailwire")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for collector in collectors:
        cases = collector.cases
        counts = {"tests": len(cases),
                  "failures": sum(case["outcome"] == "failure" for case in cases.values()),
                  "errors": sum(case["outcome"] == "error" for case in cases.values()),
                  "skipped": sum(case["outcome"] == "skip" for case in cases.values())}
        suite = ET.SubElement(suites, "testsuite", name=collector.proxy_label,
                              time=f"{sum(case['time'] for case in cases.values()):.3f}",
                              timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(collector.started)),
                              **{key: str(value) for key, value in counts.items()})
        for key, value in counts.items():
            totals[key] += value
        for node_id, case in cases.items():
            classname = f"{collector.proxy_label}.{collector.protocol(node_id)}"
            element = ET.SubElement(suite, "testcase", classname=classname, name=_scenario_name(node_id),
                                    file=node_id, time=f"{case['time']:.3f}")
            if case["outcome"] == "skip":
                ET.SubElement(element, "skipped", message=_xml_text(case["message"]))
            elif case["outcome"] in ("failure", "error"):
                detail = ET.SubElement(element, case["outcome"], message=_xml_text(case["message"]))
                detail.text = _xml_text(case["text"])
    for key, value in totals.items():
        suites.set(key, str(value))
    return suites


def write_junit(path, collectors):
    tree = ET.ElementTree(junit_tree(collectors))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
