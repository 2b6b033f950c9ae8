"""docs/flows/ (harness/flows.py): pages that do not change from one run to the next, and their staleness check."""

from harness.flows import FLOWS, canonical_order, check, flow_markdown
from harness.scenario import load_scenario
from harness.trace import AUTH, CLIENT, PROXY, Arrow, Trace

from selftest_paths import FIXTURES, REPO_ROOT

BACKEND = "backend main"


def _labels(arrows):
    return [(arrow.sender, arrow.receiver, arrow.note or arrow.data.decode()) for arrow in arrows]


def test_every_chosen_scenario_exists():
    for protocol, (_, _, names) in FLOWS.items():
        for name in names:
            assert name.startswith(protocol + "/")
            assert load_scenario(REPO_ROOT / "scenarios" / name).title


def test_a_fakes_close_follows_its_last_write_whatever_the_other_legs_did():
    arrows = [Arrow(0.001, AUTH, PROXY, b"\r\n"), Arrow(0.002, PROXY, BACKEND, None, "connect"),
              Arrow(0.003, BACKEND, PROXY, b"* OK backend ready\r\n"), Arrow(0.004, AUTH, PROXY, None, "close")]
    assert _labels(canonical_order(arrows)) == [
        (AUTH, PROXY, "\r\n"), (AUTH, PROXY, "close"), (PROXY, BACKEND, "connect"),
        (BACKEND, PROXY, "* OK backend ready\r\n")]


def test_closes_at_the_same_moment_go_client_first_then_auth_then_backends():
    arrows = [Arrow(0.001, PROXY, BACKEND, None, "close"), Arrow(0.002, BACKEND, PROXY, None, "close"),
              Arrow(0.003, PROXY, CLIENT, None, "close")]
    assert _labels(canonical_order(arrows)) == [
        (PROXY, CLIENT, "close"), (PROXY, BACKEND, "close"), (BACKEND, PROXY, "close")]


def test_a_backends_burst_shows_whole_before_what_the_client_read_of_it():
    arrows = [Arrow(0.001, BACKEND, PROXY, b"* BYE see you\r\n"), Arrow(0.002, PROXY, CLIENT, b"* BYE see you\r\n"),
              Arrow(0.003, BACKEND, PROXY, b"a3 OK LOGOUT completed\r\n"), Arrow(0.004, BACKEND, PROXY, None, "close"),
              Arrow(0.005, PROXY, CLIENT, b"a3 OK LOGOUT completed\r\n")]
    assert _labels(canonical_order(arrows)) == [
        (BACKEND, PROXY, "* BYE see you\r\n"), (BACKEND, PROXY, "a3 OK LOGOUT completed\r\n"),
        (BACKEND, PROXY, "close"), (PROXY, CLIENT, "* BYE see you\r\n"),
        (PROXY, CLIENT, "a3 OK LOGOUT completed\r\n")]


def test_a_client_write_is_never_moved():
    arrows = [Arrow(0.001, PROXY, CLIENT, b"+ OK\r\n"), Arrow(0.002, CLIENT, PROXY, b"secret\r\n"),
              Arrow(0.003, PROXY, AUTH, b"GET /auth HTTP/1.0\r\n")]
    assert canonical_order(arrows) == arrows


def test_a_page_section_has_no_ports_and_no_times():
    scenario = load_scenario(FIXTURES / "pass" / "login-relay.yaml")
    arrows = [Arrow(0.0, CLIENT, PROXY, None, "connect"), Arrow(0.0003, PROXY, CLIENT, b"* OK | ready\r\n"),
              Arrow(0.0005, CLIENT, PROXY, b"r1 LOGIN a b\r\n"),
              Arrow(0.0011, AUTH, PROXY, b"Auth-Port: 40123\r\n"), Arrow(1.2, PROXY, CLIENT, b"r1 NO `x`\r\n"),
              Arrow(1.3, PROXY, BACKEND, b"r1 LOGIN {5}\r\n", "", 2)]
    trace = Trace("x", scenario.title, scenario.about, "reference", [CLIENT, PROXY, AUTH, BACKEND], arrows,
                  {"backend_port:main": 40123})
    text = "\n".join(flow_markdown("imap/login-relay.yaml", scenario, trace, "imap"))
    assert text.startswith("## Login, then relayed traffic (harness self-test)\n")
    assert "[`scenarios/imap/login-relay.yaml`](../../scenarios/imap/login-relay.yaml)" in text
    assert "| 1 | client → proxy | `<connect>` | a new TCP connection |" in text
    assert "| 2 | proxy → client | `* OK \\| ready\\r\\n` | an untagged OK: the greeting" in text
    assert "| 4 | auth → proxy | `Auth-Port: ${backend_port:main}\\r\\n` | the backend's port |" in text
    assert "| | | *about 1 s later* | |" in text
    assert "| 5 | proxy → client | `` r1 NO `x`\\r\\n `` | a tagged NO" in text
    assert "| 6 | proxy → backend main (connection 2) | `r1 LOGIN {5}\\r\\n` |" in text
    assert "40123" not in text and " ms" not in text


def test_the_check_shows_what_is_stale(tmp_path):
    (tmp_path / "imap.md").write_text("# IMAP flows\nold line\n")
    assert check({"imap.md": "# IMAP flows\nold line\n"}, tmp_path) == ""
    diff = check({"imap.md": "# IMAP flows\nnew line\n", "pop3.md": "# POP3 flows\n"}, tmp_path)
    assert "-old line" in diff and "+new line" in diff
    assert "+++ docs/flows/pop3.md (regenerated)" in diff and "+# POP3 flows" in diff


def test_the_committed_pages_cover_every_chosen_scenario():
    for protocol, (title, _, names) in FLOWS.items():
        page = (REPO_ROOT / "docs" / "flows" / f"{protocol}.md").read_text(encoding="utf-8")
        assert page.startswith(f"# {title}\n")
        for name in names:
            assert f"[`scenarios/{name}`](../../scenarios/{name})" in page
