"""Proxy adapters: how to configure and start the proxy under test (reference, nginx, or a user command)."""

import os
import re
import shlex
import subprocess
from pathlib import Path

from .scenario import DEFAULT_WORKER_CONNECTIONS

NGINX_MAIL_MODULE = "/usr/lib/nginx/modules/ngx_mail_module.so"


def main_context(run_dir, worker_connections=DEFAULT_WORKER_CONNECTIONS):
    """The main context both proxies get in front of the scenario's mail{} block; `worker_connections` is the
    scenario's (harness/scenario.py), for resource-exhaustion scenarios."""
    return (
        "daemon off;\n"
        "master_process off;\n"
        "worker_processes 1;\n"
        f"error_log {run_dir}/error.log info;\n"
        f"pid {run_dir}/proxy.pid;\n"
        f"events {{ worker_connections {worker_connections}; }}\n"
    )


class ProxyUnderTest:
    """Base adapter. `kind` is what `needs:` compares against; `label` names the column in reports."""

    kind = "command"
    label = "command"

    def config_text(self, run_dir, mail_block, worker_connections=DEFAULT_WORKER_CONNECTIONS):
        return main_context(run_dir, worker_connections) + "\n" + mail_block

    def argv(self, run_dir, conf_path, errlog_path):
        raise NotImplementedError

    def version(self):
        """The version as a tuple of ints, or None when unknown."""
        return None

    def problem(self):
        """Why this proxy cannot run at all (e.g. binary missing), or None."""
        return None


class ReferenceProxy(ProxyUnderTest):
    kind = "reference"
    label = "reference"

    def __init__(self, build_dir):
        # Absolute: the proxy is started from its run folder, so a relative --build-dir would miss.
        self.binary = Path(build_dir).resolve() / "reference" / "mailwire-proxy"

    def argv(self, run_dir, conf_path, errlog_path):
        return [str(self.binary), "-p", f"{run_dir}/", "-c", conf_path, "-e", errlog_path]

    def problem(self):
        if not os.access(self.binary, os.X_OK):
            return f"reference proxy not built: {self.binary} is missing (cmake --build <build> --target mailwire-proxy)"
        return None


class NginxProxy(ProxyUnderTest):
    kind = "nginx"
    label = "nginx"

    def __init__(self, binary="/usr/sbin/nginx", mail_module=NGINX_MAIL_MODULE):
        self.binary = binary
        self.mail_module = mail_module
        self._version = None

    def config_text(self, run_dir, mail_block, worker_connections=DEFAULT_WORKER_CONNECTIONS):
        return f"load_module {self.mail_module};\n" + super().config_text(run_dir, mail_block, worker_connections)

    def argv(self, run_dir, conf_path, errlog_path):
        return [self.binary, "-p", f"{run_dir}/", "-c", conf_path, "-e", errlog_path]

    def version(self):
        if self._version is None:
            self._version = parse_nginx_version(_run_for_stderr([self.binary, "-v"]))
        return self._version

    def problem(self):
        if not os.access(self.binary, os.X_OK):
            return f"nginx not found at {self.binary}"
        if not os.path.exists(self.mail_module):
            return f"nginx mail module not found at {self.mail_module}"
        return None


class CommandProxy(ProxyUnderTest):
    """A user's command template with {conf}, {prefix} and {errlog}; it must stay in the foreground."""

    kind = "command"
    label = "command"

    def __init__(self, template):
        self.template = template

    def argv(self, run_dir, conf_path, errlog_path):
        values = {"{conf}": conf_path, "{prefix}": f"{run_dir}/", "{errlog}": errlog_path}
        argv = []
        for word in shlex.split(self.template):
            for placeholder, value in values.items():
                word = word.replace(placeholder, value)
            argv.append(word)
        return argv


def parse_nginx_version(text):
    """`nginx version: nginx/1.22.1` -> (1, 22, 1); None if absent."""
    match = re.search(r"nginx/(\d+(?:\.\d+)*)", text or "")
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _run_for_stderr(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stderr
    except (OSError, subprocess.TimeoutExpired):
        return ""


def make_proxy(name, build_dir, nginx_binary):
    """`reference`, `nginx`, or anything else as a command template."""
    if name == "reference":
        return ReferenceProxy(build_dir)
    if name == "nginx":
        return NginxProxy(nginx_binary)
    return CommandProxy(name)
