"""A proxy that is already running (`--proxy external --external FILE`): mailwire starts only the fakes, on the
fixed ports the external file names, and runs the scenarios whose config the running proxy has.

The external file (YAML; docs/verify-your-proxy.md):

    auth_port: 9000                 # mailwire's fake auth_http server listens on 127.0.0.1:9000
    dns_port: 9053                  # the fake DNS server (scenarios with `resolver`), optional
    backend_ports: {authdown: 9101} # backends a config names by ${backend_port:NAME}, optional
    certs: /srv/mailwire/certs      # the test certificates' folder, shared with the proxy, optional
    error_log: /var/log/proxy/error.log   # the proxy's error log, read for `log:` checks, optional
    nginx_version: 1.22.1           # the running proxy is that nginx: `needs: nginx ...` gates apply, optional
    deployed:                       # what the running proxy serves
      - like: scenarios/imap/login.yaml    # that scenario's config, its ${proxy_port} being `port`
        port: 1143
      - config: smtp-tls.conf       # or a file holding the mail {} block as deployed

A scenario runs when its `mail {}` block, with these ports filled in, is part of what is deployed: the same
mail-level directives as one deployed block, and each of its `server {}` blocks among that block's servers
(layout and comments aside). Every other scenario is skipped with the reason and the command that prints its config.
"""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from .proxies import ProxyUnderTest
from .scenario import UNIX_CLIENT, PlaceholderError, Placeholders, ScenarioError, load_scenario

REPO_ROOT = Path(__file__).resolve().parent.parent
FILE_KEYS = ("auth_port", "dns_port", "backend_ports", "certs", "error_log", "nginx_version", "deployed")
DEPLOYED_KEYS = ("like", "port", "config")
WORKER_CONNECTIONS = 1024  # the main context ./mailwire config prints, as the harness's own (harness/proxies.py)
LOG_SETTLE_S = 1.0  # how long an external proxy may take to write a log line after the session ended
BACKEND_PLACEHOLDER = re.compile(r"\$\{backend_port(?::([^}]*))?\}")
LISTEN_PORT = re.compile(r"^listen \S+:(\d+)(?=\s|$)")


class ExternalError(Exception):
    """An external file that cannot be used; the message names the file."""


# ---- the mail {} block as comparable parts --------------------------------------------------------------------

def _tokens(text):
    """Words, `{`, `}` and `;` of nginx config text; comments dropped; quoted words kept whole."""
    return re.findall(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};"\'#]+|#[^\n]*', text)


def _statements(tokens, position=0):
    """Parses statements up to a closing `}` (or the end); returns ([(words, children or None)], next position)."""
    statements, words = [], []
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token.startswith("#"):
            continue
        if token == ";":
            statements.append((tuple(words), None))
            words = []
        elif token == "{":
            children, position = _statements(tokens, position)
            statements.append((tuple(words), children))
            words = []
        elif token == "}":
            return statements, position
        else:
            words.append(token)
    return statements, position


def _normal(statement):
    """One statement as one line of text: `listen 127.0.0.1:1143;`, `server { listen ...; protocol imap; }`."""
    words, children = statement
    if children is None:
        return " ".join(words) + ";"
    return " ".join(words) + " { " + " ".join(_normal(child) for child in children) + " }"


def _lines(statement, indent):
    """A statement as config lines, a block's children one a line, in their order."""
    words, children = statement
    if children is None:
        return [indent + " ".join(words) + ";"]
    inner = [line for child in children for line in _lines(child, indent + "    ")]
    return [indent + " ".join(words) + " {"] + inner + [indent + "}"]


@dataclass(frozen=True)
class MailBlock:
    """A `mail {}` block: its mail-level directives and its servers as parsed; compared directive by directive, in
    order (the order of ssl_certificate/ssl_certificate_key pairs matters), whatever the layout and comments."""

    directives: Tuple[tuple, ...]
    servers: Tuple[tuple, ...]

    @classmethod
    def parse(cls, text, where):
        top, _ = _statements(_tokens(text))
        mail = [children for words, children in top if words == ("mail",) and children is not None]
        if len(mail) != 1:
            raise ExternalError(f"{where}: expected one `mail {{ ... }}` block, found {len(mail)}")
        directives = tuple(s for s in mail[0] if s[0] != ("server",))
        servers = tuple(s for s in mail[0] if s[0] == ("server",))
        return cls(directives, servers)

    def directive_key(self):
        return [_normal(directive) for directive in self.directives]

    def server_keys(self):
        return [_normal(server) for server in self.servers]

    def __eq__(self, other):
        return self.directive_key() == other.directive_key() and self.server_keys() == other.server_keys()

    def __hash__(self):
        return hash(tuple(self.directive_key()))

    def listen_ports(self):
        ports = []
        for _, children in self.servers:
            for words, _ in children:
                match = LISTEN_PORT.match(" ".join(words))
                if match and int(match.group(1)) not in ports:
                    ports.append(int(match.group(1)))
        return ports

    def covers(self, other):
        """Same mail-level directives, and each of the other's servers among these."""
        keys = self.server_keys()
        return self.directive_key() == other.directive_key() and all(k in keys for k in other.server_keys())

    def merged(self, other):
        keys = self.server_keys()
        return MailBlock(self.directives, self.servers + tuple(s for s in other.servers if _normal(s) not in keys))

    def text(self):
        lines = [line for statement in self.directives + self.servers for line in _lines(statement, "    ")]
        return "\n".join(["mail {"] + lines + ["}"]) + "\n"


# ---- the external file ------------------------------------------------------------------------------------------

@dataclass
class ExternalSetup:
    path: Path
    auth_port: int
    dns_port: Optional[int] = None
    backend_ports: Dict[str, int] = field(default_factory=dict)
    certs: Optional[Path] = None
    error_log: Optional[Path] = None
    deployed: List[MailBlock] = field(default_factory=list)  # one per running proxy (mail-level directives)
    shown: str = ""  # the file's path as the user gave it, for the hints in skip reasons
    nginx_version: Optional[Tuple[int, ...]] = None  # the running proxy is this nginx (`needs:` gates apply)

    def placeholders(self, proxy_port):
        """The fixed values a config is filled with; ${dir} and ${proxy_socket} have none (a run's own)."""
        certs = str(self.certs) if self.certs else None
        return Placeholders(proxy_port, self.auth_port, dict(self.backend_ports), None, self.dns_port, certs)

    def config_of(self, scenario, proxy_port):
        """The scenario's mail block with the fixed ports; raises PlaceholderError naming a placeholder the file
        gives no value (${certs} without certs:, ${dns_port} without dns_port:, ...)."""
        try:
            return self.placeholders(proxy_port).substitute(scenario.config)
        except PlaceholderError as error:
            name = re.search(r"\$\{[^}]*\}", str(error))
            raise PlaceholderError(f"{name.group() if name else error}: the external file gives it no value "
                                   "(auth_port, dns_port, backend_ports, certs)") from None


def _port(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise ExternalError(f"{where} must be a port number (1-65535), got {value!r}")
    return value


def _relative(base, value):
    """A path in the file: relative to the file's folder, else to the repository (for `scenarios/...`)."""
    path = Path(value)
    if path.is_absolute():
        return path
    beside = base / path
    return beside if beside.exists() or not (REPO_ROOT / path).exists() else REPO_ROOT / path


def _deployed_block(setup, entry, where):
    if not isinstance(entry, dict) or set(entry) - set(DEPLOYED_KEYS):
        raise ExternalError(f"{where} is a mapping with like + port, or config (got {entry!r})")
    base = setup.path.parent
    if "config" in entry:
        if "like" in entry or "port" in entry:
            raise ExternalError(f"{where}: give either config, or like with port")
        config_path = _relative(base, str(entry["config"]))
        try:
            return MailBlock.parse(config_path.read_text(encoding="utf-8"), config_path)
        except OSError as error:
            raise ExternalError(f"{where}: cannot read {config_path}: {error}") from None
    if "like" not in entry or "port" not in entry:
        raise ExternalError(f"{where}: like (a scenario file) needs port (the proxy's port for it)")
    port = _port(entry["port"], f"{where}: port")
    try:
        scenario = load_scenario(_relative(base, str(entry["like"])))
        text = setup.config_of(scenario, port)
    except ScenarioError as error:
        raise ExternalError(f"{where}: {error}") from None
    except PlaceholderError as error:
        raise ExternalError(f"{where}: {entry['like']}: {error}") from None
    return MailBlock.parse(text, entry["like"])


def load_external(path):
    """Reads and checks an external file; raises ExternalError saying what is wrong."""
    shown, path = str(path), Path(path).resolve()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ExternalError(f"{path}: cannot read: {error}") from None
    if not isinstance(doc, dict):
        raise ExternalError(f"{path}: expected a mapping ({', '.join(FILE_KEYS)})")
    unknown = set(doc) - set(FILE_KEYS)
    if unknown:
        raise ExternalError(f"{path}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(FILE_KEYS)})")
    if "auth_port" not in doc:
        raise ExternalError(f"{path}: auth_port is required (where mailwire runs the fake auth_http server)")
    setup = ExternalSetup(path, _port(doc["auth_port"], f"{path}: auth_port"), shown=shown)
    if doc.get("dns_port") is not None:
        setup.dns_port = _port(doc["dns_port"], f"{path}: dns_port")
    backends = doc.get("backend_ports") or {}
    if not isinstance(backends, dict):
        raise ExternalError(f"{path}: backend_ports maps backend names to ports")
    setup.backend_ports = {str(name): _port(port, f"{path}: backend_ports.{name}") for name, port in backends.items()}
    if doc.get("certs"):
        setup.certs = _relative(path.parent, str(doc["certs"])).resolve()
    if doc.get("error_log"):
        setup.error_log = _relative(path.parent, str(doc["error_log"])).resolve()
    if doc.get("nginx_version") is not None:
        version = str(doc["nginx_version"])
        if not re.fullmatch(r"\d+(\.\d+)*", version):
            raise ExternalError(f"{path}: nginx_version is like 1.22.1, got {version!r}")
        setup.nginx_version = tuple(int(part) for part in version.split("."))
    entries = doc.get("deployed") or []
    if not isinstance(entries, list):
        raise ExternalError(f"{path}: deployed is a list")
    for index, entry in enumerate(entries):
        block = _deployed_block(setup, entry, f"{path}: deployed[{index}]")
        for i, running in enumerate(setup.deployed):  # same mail-level directives: the same proxy's servers
            if running.directive_key() == block.directive_key():
                setup.deployed[i] = running.merged(block)
                break
        else:
            setup.deployed.append(block)
    return setup


# ---- which scenarios can run, and how ----------------------------------------------------------------------------

def config_hint(scenario, setup):
    scenario_path = str(scenario.path)
    try:
        scenario_path = Path(scenario.path).resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        pass
    return f"./mailwire config {scenario_path} --external {setup.shown or setup.path}"


def unmet_reason(scenario, setup):
    """(port, None) when the running proxy has the scenario's config, else (None, why it is skipped)."""
    if scenario.client_address == UNIX_CLIENT:
        return None, ("connects over a unix-domain socket in the run's own folder: runs only on a proxy mailwire "
                      "starts")
    if scenario.auth_blackhole:
        return None, ("needs connects to ${auth_port} to hang, but there mailwire runs its auth fake for the running "
                      "proxy")
    worker_connections = getattr(scenario, "worker_connections", WORKER_CONNECTIONS)
    if worker_connections != WORKER_CONNECTIONS:  # resource exhaustion: a limit of the proxy's main context
        return None, (f"assumes `worker_connections {worker_connections};` in the main context: runs only on a "
                      "proxy mailwire starts")
    if scenario.log is not None and setup.error_log is None:
        return None, (f"asserts lines of the proxy's error log: name the log with error_log: in "
                      f"{setup.shown or setup.path} (or --error-log FILE)")
    for match in BACKEND_PLACEHOLDER.finditer(scenario.config):
        name = match.group(1) or "main"
        backend = scenario.backends.get(name)
        if backend is not None and backend.blackhole:
            return None, f"its config names backend '{name}', a blackhole, which runs on a port of its own"
    candidates = [port for block in setup.deployed for port in block.listen_ports()]
    for port in candidates or [0]:
        try:
            wanted = MailBlock.parse(setup.config_of(scenario, port), scenario.path)
        except PlaceholderError as error:
            return None, f"its config names {error}"
        except ExternalError as error:
            return None, str(error)
        if any(block.covers(wanted) for block in setup.deployed):
            return port, None
    return None, ("the running proxy is not configured as this scenario assumes "
                  f"(see {config_hint(scenario, setup)})")


class ErrorLogTail:
    """What an external proxy appends to its error log while one scenario runs."""

    def __init__(self, path):
        self.path = Path(path)
        self.offset = self._size()

    def _size(self):
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def text(self):
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def settled_text(self, satisfied, timeout_s=LOG_SETTLE_S):
        """The new text once `satisfied(text)` holds or `timeout_s` passed: a session's last lines may follow
        the session's end by a little."""
        deadline = time.monotonic() + timeout_s
        text = self.text()
        while not satisfied(text) and time.monotonic() < deadline:
            time.sleep(0.05)
            text = self.text()
        return text


class ExternalProxy(ProxyUnderTest):
    """The running proxy: nothing to start; scenarios it is not configured for are skipped."""

    kind = "external"
    label = "external"
    already_running = True

    def __init__(self, setup, error_log=None):
        self.setup = setup
        if error_log:
            setup.error_log = Path(error_log).resolve()
        if setup.nginx_version is not None:
            self.kind = "nginx"  # `needs: nginx >= X` then skips as on the nginx mailwire starts

    def version(self):
        return self.setup.nginx_version

    def unmet_reason(self, scenario):
        return unmet_reason(scenario, self.setup)[1]

    def proxy_port(self, scenario):
        port, reason = unmet_reason(scenario, self.setup)
        if port is None:
            raise PlaceholderError(reason)
        return port

    def fake_port(self, name):
        """The fixed port of fake `name` (auth, dns, backend-NAME); 0: any free port (none of the configs names
        it: the auth server tells the proxy where backends are)."""
        if name == "auth":
            return self.setup.auth_port
        if name == "dns":
            return self.setup.dns_port or 0
        return self.setup.backend_ports.get(name.removeprefix("backend-"), 0)

    def error_log_tail(self):
        return ErrorLogTail(self.setup.error_log) if self.setup.error_log else None

    def argv(self, run_dir, conf_path, errlog_path):
        raise NotImplementedError("the external proxy is already running")


# ---- `./mailwire config` ------------------------------------------------------------------------------------------

DEFAULT_PORTS = {"imap": 1143, "pop3": 1110, "smtp": 1025}


def main_context(setup):
    """What the printed config puts before `mail {}`; paths are the user's to change (the error log's is the one
    the external file names)."""
    error_log = setup.error_log or "logs/error.log"
    return (f"# written by ./mailwire config for {setup.path}\n"
            "daemon off;  # in the foreground, as a container runs it\n"
            "worker_processes 1;\n"
            f"error_log {error_log} info;  # info: the level the scenarios' log: checks read\n"
            f"events {{ worker_connections {WORKER_CONNECTIONS}; }}\n")


def scenario_config(scenario, setup, port=None):
    """(The scenario's mail block for the running proxy, its port): `port`, else the port it is deployed on, else
    the usual port of its protocol. Generates the test certificates when it uses them."""
    if port is None:
        port, _ = unmet_reason(scenario, setup)
    if port is None:
        protocol = re.search(r"\bprotocol\s+(imap|pop3|smtp)\b", scenario.config)
        port = DEFAULT_PORTS[protocol.group(1)] if protocol else DEFAULT_PORTS["imap"]
    if scenario.uses_certs:
        if setup.certs is None:
            raise ExternalError(f"{scenario.path} uses the test certificates: name their folder with certs: in "
                                f"{setup.path}")
        from .certs import CertificateFolder  # generating needs openssl; only here

        CertificateFolder(setup.certs, keep=True).path()
    try:
        return setup.config_of(scenario, port), port
    except PlaceholderError as error:
        raise ExternalError(f"{scenario.path}: {error}") from None


def print_config(scenario_paths, setup, port=None, mail_only=False, out=print):
    """`./mailwire config`: the given scenarios' configs merged, else what the external file deploys."""
    if scenario_paths:
        blocks, taken = [], set()
        for path in scenario_paths:
            scenario = load_scenario(path)
            text, used_port = scenario_config(scenario, setup, port)
            block = MailBlock.parse(text, path)
            while port is None and block not in blocks and used_port in taken:  # a different config: next port
                text, used_port = scenario_config(scenario, setup, used_port + 1)
                block = MailBlock.parse(text, path)
            taken.update(block.listen_ports())
            blocks.append(block)
            out(f"# {path} (${{proxy_port}} {used_port}): in the external file, deployed:\n"
                f"#   - {{like: {path}, port: {used_port}}}")
        merged = []
        for block in blocks:
            for i, running in enumerate(merged):
                if running.directive_key() == block.directive_key():
                    merged[i] = running.merged(block)
                    break
            else:
                merged.append(block)
    else:
        merged = setup.deployed
        if setup.certs is not None:
            from .certs import CertificateFolder

            CertificateFolder(setup.certs, keep=True).path()
    if not merged:
        raise ExternalError(f"{setup.path}: nothing deployed and no scenario named: nothing to print")
    for index, block in enumerate(merged):
        if len(merged) > 1:
            out(f"# proxy {index + 1} of {len(merged)}: mail-level directives differ, so each needs a proxy "
                "of its own")
        out((main_context(setup) if not mail_only else "") + block.text())
    return 0


def default_setup():
    """The ports `./mailwire config` uses without --external: auth 9000, DNS 9053, certs in .mailwire-runs."""
    folder = REPO_ROOT / ".mailwire-runs" / "external"
    return ExternalSetup(folder / "external.yaml", 9000, 9053, {}, folder / "certs")
