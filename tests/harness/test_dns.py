"""The `dns:` section: loading, the dns leg, and a run against real nginx with the real fake DNS server."""

import textwrap

import pytest

from harness.legs import Event, compare_dns
from harness.report import render_failure
from harness.runner import run_scenario
from harness.scenario import ScenarioError, load_scenario

from selftest_paths import REPO_ROOT

SCENARIO = """\
title: t
config: |
  mail {{ resolver 127.0.0.1:${{dns_port}}; }}
{dns}client:
  - expect: "220"
"""

DNS = """\
dns:
  answers:
    - {question: "1.0.0.127.in-addr.arpa", type: PTR, records: ["client.example.test"]}
    - {question: "client.example.test", type: A, rcode: SERVFAIL, ttl: 5}
    - {question: "slow.example.test", type: AAAA, drop: true}
  expect:
    - "PTR 1.0.0.127.in-addr.arpa"
"""


def load(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return load_scenario(path)


def test_dns_section_loads(tmp_path):
    scenario = load(tmp_path, SCENARIO.format(dns=DNS))
    assert scenario.dns.answers[0] == {"question": "1.0.0.127.in-addr.arpa", "type": "PTR",
                                       "records": ["client.example.test"]}
    assert scenario.dns.answers[2]["drop"] is True
    assert scenario.dns.expect == ["PTR 1.0.0.127.in-addr.arpa"]


def test_without_expect_queries_are_not_compared(tmp_path):
    scenario = load(tmp_path, SCENARIO.format(dns="dns:\n  answers: []\n"))
    assert scenario.dns.answers == [] and scenario.dns.expect is None


@pytest.mark.parametrize("dns, line, message", [
    ("", 2, "${dns_port} needs a 'dns:' section"),
    ("dns:\n  answers:\n    - {question: x, type: MX}\n", 6, "type must be one of A, AAAA, PTR"),
    ("dns:\n  answers:\n    - {question: x, type: A, rcode: OOPS}\n", 6, "rcode must be one of"),
    ("dns:\n  answers:\n    - {type: A}\n", 6, "a dns answer needs 'question'"),
    ("dns:\n  answers:\n    - {question: x, type: A, colour: red}\n", 6, "unknown key 'colour'"),
    ("dns:\n  answers:\n    - {question: x, type: A, drop: yes please}\n", 6, "drop must be true or false"),
    ("dns:\n  expect: [1]\n", 5, "a dns expect item must be a string"),
    ("dns:\n  answer: []\n", 5, "unknown key 'answer' in dns"),
])
def test_dns_errors_name_the_line(tmp_path, dns, line, message):
    with pytest.raises(ScenarioError) as error:
        load(tmp_path, SCENARIO.format(dns=dns))
    assert error.value.line == line, str(error.value)
    assert message in error.value.message


def _transcript(*queries):
    """{conn: events} as the fake writes it: one conn per query, recv then (unless dropped) send."""
    out = {}
    for conn, (question, answer) in enumerate(queries, 1):
        out[conn] = [Event("recv", question.encode())] + ([Event("send", answer.encode())] if answer else [])
    return out


def test_dns_leg_compares_distinct_questions_in_first_asked_order():
    transcript = _transcript(("PTR 1.0.0.127.in-addr.arpa", "NOERROR client.example.test"),
                             ("PTR 1.0.0.127.in-addr.arpa", "NOERROR client.example.test"),
                             ("A client.example.test", "NOERROR 127.0.0.1"),
                             ("AAAA client.example.test", None))
    leg = compare_dns(["PTR 1.0.0.127.in-addr.arpa", "A client.example.test", "AAAA client.example.test"],
                      transcript)
    assert leg.ok
    assert [row.actual for row in leg.rows][-1] == "Q: AAAA client.example.test  -> (no answer)"


def test_dns_leg_flags_missing_extra_and_wrong_questions():
    transcript = _transcript(("PTR 1.0.0.127.in-addr.arpa", "NXDOMAIN"), ("A client.example.test", "NXDOMAIN"))
    assert not compare_dns(["PTR 1.0.0.127.in-addr.arpa"], transcript).ok
    assert not compare_dns(["PTR 1.0.0.127.in-addr.arpa", "A client.example.test", "AAAA x"], transcript).ok
    assert not compare_dns(["PTR 1.0.0.127.in-addr.arpa", "AAAA client.example.test"], transcript).ok


def test_resolver_scenario_runs_on_nginx_and_a_wrong_dns_expectation_fails(fake_binary, nginx_proxy, tmp_path):
    path = REPO_ROOT / "scenarios" / "smtp" / "resolver-ptr-servfail.yaml"
    result = run_scenario(load_scenario(path), nginx_proxy, fake_binary, runs_root=tmp_path)
    assert result.ok, render_failure(result)
    assert "dns" in [leg.name for leg in result.legs]

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(path.read_text().replace('    - "PTR 1.0.0.127.in-addr.arpa"',
                                              '    - "PTR 2.0.0.127.in-addr.arpa"'))
    result = run_scenario(load_scenario(wrong), nginx_proxy, fake_binary, runs_root=tmp_path)
    assert [leg.name for leg in result.legs if not leg.ok] == ["dns"]
    text = render_failure(result)
    assert ">> Q: PTR 2.0.0.127.in-addr.arpa | Q: PTR 1.0.0.127.in-addr.arpa  -> SERVFAIL" in text
