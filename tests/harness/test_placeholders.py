"""Placeholder substitution and the proxy adapters' command lines and configs."""

import pytest

from harness.proxies import CommandProxy, NginxProxy, ReferenceProxy, parse_nginx_version
from harness.scenario import PlaceholderError, Placeholders


def test_every_placeholder_is_substituted():
    values = Placeholders(proxy_port=1001, auth_port=1002, backend_ports={"main": 1003, "b2": 1004}, dir="/tmp/run")
    text = "${proxy_port} ${auth_port} ${backend_port} ${backend_port:b2} ${dir}/x a1 LOGIN {5} $HOME"
    assert values.substitute(text) == "1001 1002 1003 1004 /tmp/run/x a1 LOGIN {5} $HOME"


def test_a_port_not_known_yet_is_an_error():
    values = Placeholders(proxy_port=1001, auth_port=None, backend_ports={}, dir="/tmp/run")
    with pytest.raises(PlaceholderError, match=r"\$\{auth_port\} is not known"):
        values.substitute("Auth: ${auth_port}")
    with pytest.raises(PlaceholderError, match="unknown placeholder"):
        values.substitute("${nope}")


def test_pem_inserts_a_file_of_the_certificates_folder_with_its_newlines(tmp_path):
    (tmp_path / "server-ecdsa.key").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    values = Placeholders(proxy_port=1001, auth_port=None, backend_ports={}, dir="/tmp/run", certs=str(tmp_path))
    assert values.substitute('ssl_certificate_key "data:${pem:server-ecdsa.key}";') == (
        'ssl_certificate_key "data:-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";')
    assert values.substitute("${pem:server-ecdsa.key}", escape=True).startswith("\\-\\-\\-")


def test_pem_of_an_unknown_missing_or_unreadable_file_is_an_error_naming_it(tmp_path):
    values = Placeholders(proxy_port=1001, auth_port=None, backend_ports={}, dir="/tmp/run", certs=str(tmp_path))
    with pytest.raises(PlaceholderError, match=r"\$\{pem:nope\.pem\} names no text file in \$\{certs\}"):
        values.substitute("${pem:nope.pem}")
    with pytest.raises(PlaceholderError, match=r"\$\{pem:ticket\.key\} names no text file"):
        values.substitute("${pem:ticket.key}")
    with pytest.raises(PlaceholderError, match=r"\$\{pem:ca\.pem\}: cannot read .*ca\.pem"):
        values.substitute("${pem:ca.pem}")
    without = Placeholders(proxy_port=1001, auth_port=None, backend_ports={}, dir="/tmp/run")
    with pytest.raises(PlaceholderError, match=r"\$\{pem:ca\.pem\}: no \$\{certs\} folder"):
        without.substitute("${pem:ca.pem}")


def test_nginx_version_parsing():
    assert parse_nginx_version("nginx version: nginx/1.22.1\n") == (1, 22, 1)
    assert parse_nginx_version("something else") is None


def test_proxy_command_lines():
    assert ReferenceProxy("/b").argv("/r", "/r/proxy.conf", "/r/error.log") == [
        "/b/reference/mailwire-proxy", "-p", "/r/", "-c", "/r/proxy.conf", "-e", "/r/error.log"]
    assert NginxProxy("/usr/sbin/nginx").argv("/r", "/r/proxy.conf", "/r/error.log") == [
        "/usr/sbin/nginx", "-p", "/r/", "-c", "/r/proxy.conf", "-e", "/r/error.log"]
    user = CommandProxy("/opt/p --conf={conf} -p '{prefix}' --log {errlog}")
    assert user.argv("/r", "/r/proxy.conf", "/r/error.log") == [
        "/opt/p", "--conf=/r/proxy.conf", "-p", "/r/", "--log", "/r/error.log"]


def test_configs_start_with_the_main_context():
    reference = ReferenceProxy("/b").config_text("/r", "mail { }\n")
    assert reference.startswith("daemon off;\nmaster_process off;\nworker_processes 1;\n"
                                "error_log /r/error.log info;\npid /r/proxy.pid;\n"
                                "events { worker_connections 1024; }\n")
    assert reference.endswith("mail { }\n")
    nginx = NginxProxy("/usr/sbin/nginx").config_text("/r", "mail { }\n")
    assert nginx.startswith("load_module /usr/lib/nginx/modules/ngx_mail_module.so;\ndaemon off;\n")
