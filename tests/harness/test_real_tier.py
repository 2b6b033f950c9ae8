"""The real-server tier's own parts (harness/real): reading Postfix's log and headers, POP3 dot-stuffing, the
maildir lookup, the proxy config it writes (checked by nginx -t) and its table. The tier itself runs as a stage of
./mailwire test (./mailwire run --real)."""

import subprocess

import pytest

from harness.proxies import NginxProxy
from harness.real.__main__ import render_table
from harness.real.mail_message import POSTFIX_RECEIVED, compose, find_delivered, pop3_unstuff
from harness.real.postfix import smtpd_client_lines
from harness.real.stack import LISTENERS, mail_block
from selftest_paths import NGINX

# Lines as Postfix 3.7 wrote them in a run of the tier.
MAILLOG = """\
Dec 06 23:22:50 mx postfix/smtpd[31002]: connect from localhost[127.0.0.1]
Dec 06 23:22:50 mx postfix/smtpd[31002]: D5A4251E4A5: client=unknown[127.0.0.1], sasl_method=XCLIENT, sasl_username=good
Dec 06 23:22:50 mx postfix/cleanup[31013]: D5A4251E4A5: message-id=<20261206232250.D5A4251E4A5@mx.example.test>
Dec 06 23:22:51 mx postfix/smtpd[31002]: 513A85204D6: client=unknown[::1], sasl_method=XCLIENT, sasl_username=good
Dec 06 23:22:52 mx postfix/smtpd[31002]: 2DB825200F9: client=localhost[127.0.0.1]
"""

STORED = (b"Return-Path: <good@example.test>\n"
          b"Delivered-To: good@example.test\n"
          b"Received: from mx.example.test ([127.0.0.1])\n\tby vm with LMTP\n\tid wNH4C0vuFWtOeAAAg+zDdQ\n"
          b"\t(envelope-from <good@example.test>)\n\tfor <good@example.test>; Sun, 06 Dec 2026 23:22:51 +0000\n"
          b"Received: from smtplib.client.test (unknown [IPv6:::1])\n"
          b"\tby mx.example.test (Postfix) with ESMTPA id 513A85204D6\n"
          b"\tfor <good@example.test>; Sun,  6 Dec 2026 23:22:51 +0000 (UTC)\n")


def test_smtpd_client_lines_give_the_xclient_attributes_per_queue_id():
    lines = smtpd_client_lines(MAILLOG)
    assert lines == {
        "D5A4251E4A5": {"client": "unknown[127.0.0.1]", "sasl_method": "XCLIENT", "sasl_username": "good"},
        "513A85204D6": {"client": "unknown[::1]", "sasl_method": "XCLIENT", "sasl_username": "good"},
        "2DB825200F9": {"client": "localhost[127.0.0.1]"},
    }


def test_postfix_received_header_names_the_xclient_client_not_the_lmtp_hop():
    match = POSTFIX_RECEIVED.search(STORED.decode())
    assert match.group("helo", "name", "addr", "proto", "queue_id") == (
        "smtplib.client.test", "unknown", "IPv6:::1", "ESMTPA", "513A85204D6")


def test_pop3_unstuff_removes_one_leading_dot():
    assert pop3_unstuff(b"a\r\n..b\r\n...c\r\n.\r\n") == b"a\r\n.b\r\n..c\r\n\r\n"


def test_composed_messages_are_crlf_with_a_dot_line_and_unique_ids():
    first, second = (compose("u@example.test", "smtplib", "nginx", "h.test") for _ in range(2))
    assert first.message_id != second.message_id
    assert first.wire.endswith(b"last line\r\n") and b"\r\n.a line" in first.wire
    assert b"\n" not in first.wire.replace(b"\r\n", b"")
    first.stored = b"X: y\n" + first.wire.replace(b"\r\n", b"\n")
    assert first.fetched_form() == b"X: y\r\n" + first.wire


def test_find_delivered_looks_in_new_and_cur(tmp_path):
    message = compose("u@example.test", "curl", "reference", "h.test")
    stored = STORED + message.wire.replace(b"\r\n", b"\n")
    (tmp_path / "new").mkdir()
    (tmp_path / "cur").mkdir()
    assert find_delivered(tmp_path, message.message_id) is None
    (tmp_path / "cur" / "1.M1:2,S").write_bytes(stored)
    assert find_delivered(tmp_path, message.message_id) == stored
    assert find_delivered(tmp_path, "<other@client.example.test>") is None


def test_mail_block_is_accepted_by_nginx(tmp_path, test_certs):
    proxy = NginxProxy(NGINX)
    if proxy.problem():
        pytest.skip(proxy.problem())
    ports = {name: 20000 + index for index, (name, _, _, _) in enumerate(LISTENERS)}
    block = mail_block(test_certs.path(), {"imap": 19001, "pop3": 19002, "smtp": 19003}, ports)
    assert "listen [::1]:20006;" in block and "listen 127.0.0.1:20001 ssl;" in block
    conf = tmp_path / "proxy.conf"
    conf.write_text(proxy.config_text(str(tmp_path), block))
    result = subprocess.run([NGINX, "-t", "-p", f"{tmp_path}/", "-c", str(conf), "-e", str(tmp_path / "e.log")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_render_table_counts_per_proxy():
    table = render_table(["smtp curl", "pop3 poplib"], ["reference", "nginx"],
                         {("smtp curl", "reference"): "pass", ("pop3 poplib", "reference"): "FAIL",
                          ("smtp curl", "nginx"): "pass", ("pop3 poplib", "nginx"): "pass"})
    lines = table.splitlines()
    assert lines[0].split() == ["flow", "|", "reference", "|", "nginx"]
    assert lines[-1].split("|")[1].strip() == "1 pass, 1 FAIL"
    assert lines[-1].split("|")[2].strip() == "2 pass"


def test_profile_check_evens_out_names_timings_and_the_auth_line_only():
    from harness.real.profile_check import _even_out, _first_difference

    real = _even_out("smtp", ["(greeting) 220 mx.example.test ESMTP Postfix", "EHLO a -> 250-mx.example.test",
                              "EHLO a -> 250 CHUNKING"])
    fake = _even_out("smtp", ["(greeting) 220 mail.example.test ESMTP Postfix", "EHLO a -> 250-mail.example.test",
                              "EHLO a -> 250-AUTH PLAIN LOGIN", "EHLO a -> 250 CHUNKING"])
    assert _first_difference(real, fake) is None
    imap = _even_out("imap", ["(greeting) * OK Dovecot (Debian) ready.", "a2 NOOP -> a2 OK NOOP completed "
                              "(0.001 + 0.000 + 0.002 secs)."])
    assert imap == ["(greeting) * OK Dovecot ready.", "a2 NOOP -> a2 OK NOOP completed (timings)."]
    assert _first_difference(["a -> 1", "b -> 2"], ["a -> 1", "b -> 3"]) == (
        "line 2: the real server said 'b -> 2', the profile 'b -> 3'")
    assert _first_difference(["a"], ["a", "b"]) == "the real server said 1 lines, the profile 2"
