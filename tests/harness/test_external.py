"""`--proxy external`: the external file, which scenarios a running proxy can take and why the others skip,
`./mailwire config`, and end to end against a reference proxy (and nginx) started as if by someone else."""

import os
import re
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from harness.external import ExternalError, ExternalProxy, MailBlock, load_external, unmet_reason
from harness.scenario import load_scenario

from selftest_paths import NGINX, REPO_ROOT

IMAP_DEFAULT = "scenarios/imap/noop.yaml"  # the plain IMAP config most IMAP scenarios share
POP3_DEFAULT = "scenarios/pop3/apop-disabled.yaml"
SMTP_DEFAULT = "scenarios/smtp/auth-error-code.yaml"
IMAP_TLS = "scenarios/imap/tls-alpn-mismatch.yaml"  # implicit TLS with ${certs}
IMAP_LOG = "scenarios/imap/auth-garbage-header.yaml"  # the default IMAP config, and a `log:` check
NOT_DEPLOYED = "scenarios/imap/max-errors.yaml"
UNIX = "scenarios/imap/realip-unix-untrusted.yaml"


def free_ports(count):
    """Port numbers free on 127.0.0.1 now (bound, read, released), for the external file's fixed ports."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def write_external(folder, ports, error_log=True):
    auth, imap, pop3, smtp, imaps = ports
    lines = [f"auth_port: {auth}", "certs: certs"] + (["error_log: proxy-error.log"] if error_log else []) + [
        "deployed:",
        f"  - {{like: {IMAP_DEFAULT}, port: {imap}}}",
        f"  - {{like: {POP3_DEFAULT}, port: {pop3}}}",
        f"  - {{like: {SMTP_DEFAULT}, port: {smtp}}}",
        f"  - {{like: {IMAP_TLS}, port: {imaps}}}",
    ]
    path = folder / "external.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_config_matches_whatever_its_layout_and_comments():
    scenario_text = "mail {\n  auth_http 127.0.0.1:9000/auth;\n  server { listen 127.0.0.1:1143; protocol imap; }\n}\n"
    deployed = ("# by hand\nmail {\n    auth_http   127.0.0.1:9000/auth;  # the fake\n"
                "    server {\n        listen 127.0.0.1:1110;\n        protocol pop3;\n    }\n"
                "    server {\n        listen 127.0.0.1:1143;\n        protocol imap;\n    }\n}\n")
    wanted, running = MailBlock.parse(scenario_text, "s"), MailBlock.parse(deployed, "d")
    assert running.covers(wanted)
    assert running.listen_ports() == [1110, 1143]
    other_order = MailBlock.parse(scenario_text.replace("listen 127.0.0.1:1143; protocol imap;",
                                                        "protocol imap; listen 127.0.0.1:1143;"), "s")
    assert not running.covers(other_order), "directive order counts (ssl_certificate pairs go by it)"
    assert not running.covers(MailBlock.parse(scenario_text.replace("9000", "9001"), "s"))


def test_the_deployed_scenarios_run_and_the_others_say_why(tmp_path):
    setup = load_external(write_external(tmp_path, [9000, 1143, 1110, 1025, 1993]))
    assert len(setup.deployed) == 1, "same mail-level directives: one proxy with four servers"
    assert unmet_reason(load_scenario(REPO_ROOT / IMAP_DEFAULT), setup) == (1143, None)
    assert unmet_reason(load_scenario(REPO_ROOT / IMAP_TLS), setup) == (1993, None)
    assert unmet_reason(load_scenario(REPO_ROOT / SMTP_DEFAULT), setup) == (1025, None)
    port, reason = unmet_reason(load_scenario(REPO_ROOT / NOT_DEPLOYED), setup)
    assert port is None and reason == ("the running proxy is not configured as this scenario assumes (see "
                                       f"./mailwire config {NOT_DEPLOYED} --external {tmp_path}/external.yaml)")
    assert "unix-domain socket" in unmet_reason(load_scenario(REPO_ROOT / UNIX), setup)[1]
    assert unmet_reason(load_scenario(REPO_ROOT / IMAP_LOG), setup) == (1143, None)
    without_log = load_external(write_external(tmp_path, [9000, 1143, 1110, 1025, 1993], error_log=False))
    assert "name the log with error_log:" in unmet_reason(load_scenario(REPO_ROOT / IMAP_LOG), without_log)[1]
    assert (tmp_path / "certs" / "ca.pem").is_file() is False, "loading the file generates nothing"


@pytest.mark.parametrize("text, message", [
    ("deployed: []\n", "auth_port is required"),
    ("auth_port: 70000\n", "must be a port number"),
    ("auth_port: 9000\nlisten: 1\n", "unknown key(s) listen"),
    ("auth_port: 9000\ndeployed:\n  - {like: scenarios/imap/noop.yaml}\n", "needs port"),
    ("auth_port: 9000\ndeployed:\n  - {like: scenarios/imap/tls-alpn-mismatch.yaml, port: 1993}\n",
     "${certs}: the external file gives it no value"),
])
def test_a_bad_external_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "external.yaml"
    path.write_text(text)
    with pytest.raises(ExternalError) as error:
        load_external(path)
    assert message in str(error.value)


def run_config(*args):
    return subprocess.run([sys.executable, "-m", "harness", "config", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)


def test_config_prints_one_server_per_distinct_config(tmp_path):
    external = tmp_path / "external.yaml"
    external.write_text(f"auth_port: 9100\ncerts: {tmp_path}/certs\n")
    completed = run_config(IMAP_DEFAULT, IMAP_LOG, "scenarios/imap/capability-custom.yaml", IMAP_TLS,
                           "--external", str(external), "--mail-only")
    assert completed.returncode == 0, completed.stderr
    mail = completed.stdout[completed.stdout.index("mail {"):]
    assert re.findall(r"listen ([^;]+);", mail) == ["127.0.0.1:1143", "127.0.0.1:1144", "127.0.0.1:1145 ssl"]
    assert mail.count("auth_http 127.0.0.1:9100/auth;") == 1
    assert f"ssl_certificate {tmp_path}/certs/server-rsa.pem;" in mail
    assert (tmp_path / "certs" / "server-rsa.pem").is_file(), "the config names certificates: they exist"
    assert f"#   - {{like: {IMAP_LOG}, port: 1143}}" in completed.stdout, "same config, same server"


def test_config_needs_a_certs_folder_for_tls_scenarios(tmp_path):
    external = tmp_path / "external.yaml"
    external.write_text("auth_port: 9100\n")
    completed = run_config(IMAP_TLS, "--external", str(external))
    assert completed.returncode == 2
    assert "uses the test certificates: name their folder with certs:" in completed.stderr


def start_running_proxy(kind, folder, fake_binary):
    """The proxy as a user would run it: from `./mailwire config`'s output, in the foreground, stopped by PID."""
    config = run_config("--external", str(folder / "external.yaml"))
    assert config.returncode == 0, config.stderr
    text = config.stdout + f"pid {folder}/proxy.pid;\n"
    if kind == "nginx":
        argv = [NGINX]
        text = "load_module /usr/lib/nginx/modules/ngx_mail_module.so;\n" + text
    else:
        argv = [str(fake_binary.parent.parent / "reference" / "mailwire-proxy")]
        if not os.access(argv[0], os.X_OK):
            pytest.skip(f"the reference proxy is not built: {argv[0]}")
    (folder / "proxy.conf").write_text(text)
    argv += ["-p", f"{folder}/", "-c", str(folder / "proxy.conf"), "-e", str(folder / "proxy-error.log")]
    with open(folder / "proxy.stderr", "wb") as stderr:
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)


def wait_listening(process, port, folder):
    for _ in range(200):
        assert process.poll() is None, (folder / "proxy.stderr").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            subprocess.run(["sleep", "0.05"])
    raise AssertionError(f"the proxy did not listen on {port}")


@pytest.mark.parametrize("kind", ["reference", "nginx"])
def test_a_running_proxy_passes_its_scenarios_and_skips_the_rest(kind, tmp_path, fake_binary, nginx_proxy):
    ports = free_ports(5)
    write_external(tmp_path, ports)
    process = start_running_proxy(kind, tmp_path, fake_binary)
    try:
        wait_listening(process, ports[4], tmp_path)
        completed = subprocess.run(
            [sys.executable, "-m", "harness", "run", "--proxy", "external", "--external",
             str(tmp_path / "external.yaml"), "--fake-binary", str(fake_binary), "--junit",
             str(tmp_path / "junit.xml"), IMAP_DEFAULT, POP3_DEFAULT, SMTP_DEFAULT, IMAP_TLS, IMAP_LOG, NOT_DEPLOYED,
             UNIX],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    out = completed.stdout
    assert completed.returncode == 0, out + completed.stderr
    rows = {line.split("|")[0].strip(): line.split("|")[1].strip() for line in out.splitlines() if "|" in line}
    for passing in (IMAP_DEFAULT, POP3_DEFAULT, SMTP_DEFAULT, IMAP_TLS, IMAP_LOG):
        assert rows[passing.removeprefix("scenarios/")] == "pass", out
    assert rows[NOT_DEPLOYED.removeprefix("scenarios/")].startswith(
        "skip (the running proxy is not configured as this scenario assumes (see ./mailwire config")
    assert rows[UNIX.removeprefix("scenarios/")].startswith("skip (connects over a unix-domain socket")
    assert rows["totals"] == "5 pass, 2 skip"
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("skipped"), suite.get("failures")) == \
        ("external", "7", "2", "0")


def test_nginx_version_makes_needs_gates_apply(tmp_path):
    path = write_external(tmp_path, [9000, 1143, 1110, 1025, 1993])
    newer = load_scenario(REPO_ROOT / "scenarios/imap/backend-untagged-before-ok.yaml")
    plain = ExternalProxy(load_external(path))
    assert newer.unmet_need(plain.kind, plain.version()) is None, "a proxy of unknown kind runs every scenario"
    path.write_text(path.read_text() + "nginx_version: 1.22.1\n")
    nginx = ExternalProxy(load_external(path))
    assert newer.unmet_need(nginx.kind, nginx.version()) == "needs nginx >= 1.27.3 (have 1.22.1)"
