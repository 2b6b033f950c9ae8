"""The HTML report (harness/report_html.py): one self-contained file with the table and the sequence diagrams."""

import re
from html.parser import HTMLParser

from harness.report_html import anchor, render_report, sequence_svg
from harness.trace import AUTH, CLIENT, PROXY, Arrow, RecordedRun, Trace

BACKEND = "backend main"


def _trace(proxy="nginx"):
    arrows = [Arrow(0.0, CLIENT, PROXY, None, "connect"),
              Arrow(0.0004, PROXY, CLIENT, b"* OK IMAP4 ready\r\n"),
              Arrow(0.0010, CLIENT, PROXY, b"a1 LOGIN {5}\r\n"),
              Arrow(0.0020, PROXY, AUTH, b"GET /auth HTTP/1.0\r\n"),
              Arrow(1.0050, AUTH, PROXY, b"Auth-Status: OK\r\n"),
              Arrow(1.0060, BACKEND, PROXY, b"+ go \xe9<ahead>\r\n", "", 2)]
    return Trace("scenarios/imap/x.yaml", "LOGIN <with> a literal", "About & more.", proxy,
                 [CLIENT, PROXY, AUTH, BACKEND], arrows, {})


class _Text(HTMLParser):
    """Every text node, and the elements seen, of an HTML document."""

    def __init__(self):
        super().__init__()
        self.texts, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def _parse(text):
    parser = _Text()
    parser.feed(text)
    return parser


def test_the_diagram_has_lanes_arrows_with_exact_bytes_and_gaps():
    svg = sequence_svg(_trace())
    parsed = _parse(svg)
    for lane in (CLIENT, PROXY, AUTH, BACKEND):
        assert lane in parsed.texts
    assert "a1 LOGIN {5}\\r\\n" in parsed.texts
    assert "+ go \\xE9<ahead>\\r\\n [conn 2]" in parsed.texts  # escaped in the SVG, shown as written
    assert "+1003 ms" in parsed.texts
    assert "<connect>" in parsed.texts
    assert len(re.findall(r'<g class="arrow"', svg)) == 6
    assert 'data-from="auth" data-to="proxy"' in svg


def test_the_report_is_one_file_without_network_access():
    outcomes = {("imap/x.yaml", "nginx"): ("FAIL", ""), ("imap/x.yaml", "reference"): ("pass", ""),
                ("imap/new.yaml", "nginx"): ("skip", "needs nginx >= 1.27.3 (have 1.22.1)"),
                ("imap/new.yaml", "reference"): ("pass", "")}
    legs = [{"name": "client", "ok": False, "notes": ["a note"],
             "rows": [["S: * OK IMAP4 ready\\r\\n", "S: * OK IMAP4 ready\\r\\n", True],
                      ["S: a1 OK done\\r\\n", "S: a1 NO <no>\\r\\n", False], ["C: <close>", "(not run)", None]]}]
    runs = {"nginx": {"scenarios/imap/x.yaml": RecordedRun("scenarios/imap/x.yaml", "nginx", False, None, legs,
                                                           _trace())},
            "reference": {"scenarios/imap/x.yaml": RecordedRun("scenarios/imap/x.yaml", "reference", True, None,
                                                               [], _trace("reference"))}}
    text = render_report(["imap/x.yaml", "imap/new.yaml"], ["reference", "nginx"], outcomes, runs)
    assert not re.search(r'(src|href)="(https?:)?//', text), "the report must not load anything"
    assert "<script" not in text
    parsed = _parse(text)
    assert "skip (needs nginx >= 1.27.3 (have 1.22.1))" in parsed.texts
    assert "1 pass, 1 FAIL" not in parsed.texts and "2 pass" in parsed.texts and "1 FAIL, 1 skip" in parsed.texts
    assert f'href="#{anchor("imap/x.yaml")}"' in text and f'id="{anchor("imap/x.yaml")}"' in text
    assert "imap/x.yaml: LOGIN <with> a literal" in parsed.texts  # the title, escaped in the HTML
    assert "About & more." in parsed.texts
    # The failed run is open and shows expected | actual beside its diagram; the passing one is closed.
    assert re.search(r'<details class="run-FAIL" open><summary>nginx: FAIL</summary>', text)
    assert re.search(r'<details class="run-pass"><summary>reference: pass</summary>', text)
    assert "S: a1 NO <no>\\r\\n" in parsed.texts and "S: a1 OK done\\r\\n" in parsed.texts
    assert '<tr class="mismatch"><td>S: a1 OK done\\r\\n</td><td>S: a1 NO &lt;no&gt;\\r\\n</td></tr>' in text
    assert "note: a note" in parsed.texts
    assert parsed.tags.count("svg") == 3  # the arrow heads, then one diagram per recorded run
    assert "imap/new.yaml" in parsed.texts and "nginx: skip (needs nginx >= 1.27.3 (have 1.22.1))" in parsed.texts
