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
