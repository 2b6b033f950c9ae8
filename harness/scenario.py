"""The scenario model: loads one scenario YAML file, validates it, and substitutes placeholders.

Every validation error names the file and the line (ScenarioError prints as `path:line: message`).
Text fields (send, expect, header lines) are UTF-8 text; `send_raw` and `response_raw` are bytes written
as code points U+0000..U+00FF (YAML double-quoted escapes such as "\\r\\n" or "\\x00").
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

from .yaml_lines import LineDict, LineList, YamlSyntaxError, load_with_lines

DEFAULT_TIMEOUT_MS = 5000
BACKEND_PROTOCOLS = ("imap", "pop3", "smtp")

CLIENT_STEPS = {
    "send": "line",
    "send_raw": "raw",
    "expect": "line",
    "expect_re": "regex",
    "expect_any_order": "lines",
    "expect_close": "true",
    "expect_silence_ms": "ms",
    "wait_ms": "ms",
    "close": "true",
}
BACKEND_STEPS = {
    "send": "line",
    "send_raw": "raw",
    "expect": "line",
    "expect_re": "regex",
    "expect_eof": "true",
    "wait_ms": "ms",
    "close": "true",
}
TOP_LEVEL_KEYS = ("title", "about", "needs", "timeout_ms", "client_address", "config", "dns", "auth", "backends",
                  "client", "log")
# Where the client connects from (and to): IPv4 loopback, or IPv6 loopback with `listen [::1]:${proxy_port};`.
CLIENT_ADDRESSES = ("127.0.0.1", "::1")
DEFAULT_CLIENT_ADDRESS = "127.0.0.1"
AUTH_KEYS = ("request", "response", "response_raw", "delay_ms", "close_without_response", "no_response")
BACKEND_KEYS = ("protocol", "down", "script", "connections")
DNS_KEYS = ("answers", "expect")
DNS_ANSWER_KEYS = ("question", "type", "rcode", "records", "drop", "ttl")
DNS_TYPES = ("A", "AAAA", "PTR")
DNS_RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
NEEDS = re.compile(r"^\s*(nginx)\s*>=\s*(\d+(?:\.\d+)*)\s*$")


class ScenarioError(Exception):
    """A scenario file that cannot be used; str() is `path:line: message`."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line
        self.message = message


class PlaceholderError(ValueError):
    """A placeholder whose value is not known when it is substituted."""


@dataclass
class Step:
    """One client or backend step. `value` is str, list of str, int (ms) or True."""

    kind: str
    value: Union[str, List[str], int, bool]
    line: int


@dataclass
class HeaderMatch:
    """One expected auth request line: exact text, or a full-match regular expression."""

    text: str
    is_regex: bool
    line: int


@dataclass
class AuthExchange:
    line: int
    request: List[HeaderMatch]
    response: Optional[str] = None  # header lines; joined with CRLF when sent
    response_raw: Optional[str] = None  # latin-1 code points, sent exactly
    delay_ms: int = 0
    close_without_response: bool = False
    no_response: bool = False


@dataclass
class Backend:
    name: str
    protocol: str
    down: bool
    connections: List[List[Step]]
    line: int


@dataclass
class LogPattern:
    """One `log:` item: a regular expression (placeholders not yet substituted) that must match (re.search)
    one line of the proxy's error.log, after the line the previous item matched."""

    text: str
    line: int


@dataclass
class DnsSection:
    """`dns:`: the fake DNS server's answers (as its script takes them) and, optionally, the queries
    expected in order, as the fake writes them ("PTR 1.0.0.127.in-addr.arpa")."""

    answers: List[dict]
    expect: Optional[List[str]]
    line: int


@dataclass
class Need:
    """`needs: nginx >= 1.27.3`."""

    proxy: str
    version: Tuple[int, ...]
    text: str

    def unmet_reason(self, proxy_kind, proxy_version):
        """The skip reason when a proxy of this kind and version lacks the need, else None."""
        if proxy_kind != self.proxy or proxy_version is None or proxy_version >= self.version:
            return None
        have = ".".join(str(part) for part in proxy_version)
        return f"needs {self.text} (have {have})"


@dataclass
class Scenario:
    path: Path
    title: str
    about: str
    needs: List[Need]
    timeout_ms: int
    config: str
    config_line: int
    auth: List[AuthExchange]
    backends: Dict[str, Backend]
    client: List[Step]
    dns: Optional[DnsSection] = None
    client_address: str = DEFAULT_CLIENT_ADDRESS
    log: Optional[List[LogPattern]] = None

    def unmet_need(self, proxy_kind, proxy_version):
        for need in self.needs:
            reason = need.unmet_reason(proxy_kind, proxy_version)
            if reason:
                return reason
        return None


def parse_version(text):
    return tuple(int(part) for part in text.split("."))


class _Validator:
    """Walks the loaded YAML; every check raises ScenarioError with the offending line."""

    def __init__(self, path):
        self.path = path
        self.backend_names = set()
        self.has_dns = False

    def fail(self, line, message):
        raise ScenarioError(self.path, line, message)

    def mapping(self, value, line, what):
        if not isinstance(value, LineDict):
            self.fail(line, f"{what} must be a mapping")
        return value

    def sequence(self, value, line, what):
        if not isinstance(value, LineList):
            self.fail(line, f"{what} must be a list")
        return value

    def known_keys(self, mapping, allowed, what):
        for key in mapping:
            if key not in allowed:
                self.fail(mapping.line_of(key), f"unknown key '{key}' in {what} (allowed: {', '.join(allowed)})")

    def string(self, value, line, what):
        if not isinstance(value, str):
            self.fail(line, f"{what} must be a string, got {_yaml_type(value)} {value!r} (quote it)")
        return value

    def raw_string(self, value, line, what):
        self.string(value, line, what)
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            self.fail(line, f"{what} holds bytes: use only characters U+0000..U+00FF (escapes like \\xC3\\xA9)")
        return value

    def millis(self, value, line, what):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(line, f"{what} must be a whole number of milliseconds >= 0, got {value!r}")
        return value

    def flag(self, value, line, what):
        if not isinstance(value, bool):
            self.fail(line, f"{what} must be true or false, got {value!r}")
        return value

    def regex(self, value, line, what):
        self.string(value, line, what)
        try:
            re.compile(value)
        except re.error as err:
            self.fail(line, f"{what} is not a valid regular expression: {err}")
        return value

    def placeholders(self, text, line):
        for match in PLACEHOLDER.finditer(text):
            name = match.group(1)
            if name in ("proxy_port", "auth_port", "dir"):
                continue
            if name == "dns_port":
                if not self.has_dns:
                    self.fail(line, "${dns_port} needs a 'dns:' section")
                continue
            if name == "backend_port":
                if "main" not in self.backend_names:
                    self.fail(line, "${backend_port} needs a backend named 'main'")
                continue
            if name.startswith("backend_port:"):
                backend = name.split(":", 1)[1]
                if backend not in self.backend_names:
                    self.fail(line, f"${{{name}}} names no backend (have: {', '.join(sorted(self.backend_names)) or 'none'})")
                continue
            self.fail(line, f"unknown placeholder ${{{name}}} (known: ${{proxy_port}}, ${{auth_port}}, "
                            "${backend_port}, ${backend_port:NAME}, ${dns_port}, ${dir})")

    def steps(self, value, line, table, what):
        steps = []
        for index, item in enumerate(self.sequence(value, line, what)):
            item_line = value.line_of(index)
            step_map = self.mapping(item, item_line, f"{what} step")
            if len(step_map) != 1:
                self.fail(item_line, f"a {what} step has exactly one key, got: {', '.join(step_map) or 'none'}")
            kind, arg = next(iter(step_map.items()))
            if kind not in table:
                self.fail(item_line, f"unknown {what} step '{kind}' (allowed: {', '.join(table)})")
            arg_line = step_map.line_of(kind)
            shape = table[kind]
            if shape == "line":
                self.string(arg, arg_line, kind)
            elif shape == "raw":
                self.raw_string(arg, arg_line, kind)
            elif shape == "regex":
                self.regex(arg, arg_line, kind)
            elif shape == "lines":
                lines = self.sequence(arg, arg_line, kind)
                if not lines:
                    self.fail(arg_line, f"{kind} needs at least one line")
                for sub_index, sub in enumerate(lines):
                    self.string(sub, lines.line_of(sub_index), f"{kind} item")
                arg = list(lines)
            elif shape == "ms":
                self.millis(arg, arg_line, kind)
            elif shape == "true":
                if arg is not True:
                    self.fail(arg_line, f"{kind} takes the value true, got {arg!r}")
            for text in arg if isinstance(arg, list) else [arg]:
                if isinstance(text, str):
                    self.placeholders(text, arg_line)
            steps.append(Step(kind, arg, item_line))
        return steps

    def needs(self, value, line):
        items = value if isinstance(value, LineList) else [value]
        needs = []
        for index, item in enumerate(items):
            item_line = value.line_of(index) if isinstance(value, LineList) else line
            self.string(item, item_line, "needs")
            match = NEEDS.match(item)
            if not match:
                self.fail(item_line, f"needs must read like 'nginx >= 1.27.3', got {item!r}")
            needs.append(Need(match.group(1), parse_version(match.group(2)), f"{match.group(1)} >= {match.group(2)}"))
        return needs

    def backend(self, name, value, line):
        spec = self.mapping(value, line, f"backend '{name}'")
        self.known_keys(spec, BACKEND_KEYS, f"backend '{name}'")
        if "protocol" not in spec:
            self.fail(spec.line, f"backend '{name}' needs a protocol ({', '.join(BACKEND_PROTOCOLS)})")
        protocol = self.string(spec["protocol"], spec.line_of("protocol"), "protocol")
        if protocol not in BACKEND_PROTOCOLS:
            self.fail(spec.line_of("protocol"), f"protocol must be one of {', '.join(BACKEND_PROTOCOLS)}, got {protocol!r}")
        down = self.flag(spec.get("down", False), spec.line_of("down"), "down")
        has_script = "script" in spec or "connections" in spec
        if "script" in spec and "connections" in spec:
            self.fail(spec.line_of("connections"), f"backend '{name}' has both script and connections: use one")
        if down and has_script:
            self.fail(spec.line_of("script" if "script" in spec else "connections"),
                      f"backend '{name}' is down: nothing accepts a connection, so it takes no script")
        if not down and not has_script:
            self.fail(spec.line, f"backend '{name}' needs a script (or connections, or down: true); "
                                 "use 'script: []' when the proxy must not connect")
        connections = []
        if "script" in spec:
            script = self.steps(spec["script"], spec.line_of("script"), BACKEND_STEPS, "backend")
            connections = [script] if script else []
        elif "connections" in spec:
            lists = self.sequence(spec["connections"], spec.line_of("connections"), "connections")
            for index, steps in enumerate(lists):
                connections.append(self.steps(steps, lists.line_of(index), BACKEND_STEPS, "backend"))
        return Backend(name, protocol, down, connections, spec.line)

    def dns(self, value, line):
        spec = self.mapping(value, line, "dns")
        self.known_keys(spec, DNS_KEYS, "dns")
        answers = []
        entries = self.sequence(spec.get("answers", LineList()), spec.line_of("answers") or line, "answers")
        for index, entry in enumerate(entries):
            entry_line = entries.line_of(index)
            answer = self.mapping(entry, entry_line, "a dns answer")
            self.known_keys(answer, DNS_ANSWER_KEYS, "a dns answer")
            for key in ("question", "type"):
                if key not in answer:
                    self.fail(entry_line, f"a dns answer needs '{key}'")
            self.string(answer["question"], answer.line_of("question"), "question")
            if answer["type"] not in DNS_TYPES:
                self.fail(answer.line_of("type"), f"type must be one of {', '.join(DNS_TYPES)}, got {answer['type']!r}")
            if answer.get("rcode", "NOERROR") not in DNS_RCODES:
                self.fail(answer.line_of("rcode"), f"rcode must be one of {', '.join(DNS_RCODES)}, "
                                                   f"got {answer['rcode']!r}")
            records = self.sequence(answer.get("records", LineList()), answer.line_of("records") or entry_line,
                                    "records")
            for sub_index, record in enumerate(records):
                self.string(record, records.line_of(sub_index), "a record")
            if "drop" in answer:
                self.flag(answer["drop"], answer.line_of("drop"), "drop")
            if "ttl" in answer:
                self.millis(answer["ttl"], answer.line_of("ttl"), "ttl")
            answers.append({key: (list(v) if isinstance(v, list) else v) for key, v in answer.items()})
        expect = None
        if "expect" in spec:
            items = self.sequence(spec["expect"], spec.line_of("expect"), "dns expect")
            expect = [self.string(item, items.line_of(i), "a dns expect item") for i, item in enumerate(items)]
        return DnsSection(answers, expect, spec.line)

    def log(self, value, line):
        patterns = []
        items = self.sequence(value, line, "log")
        for index, item in enumerate(items):
            item_line = items.line_of(index)
            self.string(item, item_line, "a log pattern")
            self.placeholders(item, item_line)
            try:  # placeholders stand for digits or an escaped path: any such value compiles the same
                re.compile(PLACEHOLDER.sub("0", item))
            except re.error as err:
                self.fail(item_line, f"a log pattern is not a valid regular expression: {err}")
            patterns.append(LogPattern(item, item_line))
        return patterns

    def auth_exchange(self, value, line):
        spec = self.mapping(value, line, "an auth entry")
        self.known_keys(spec, AUTH_KEYS, "an auth entry")
        if "request" not in spec:
            self.fail(spec.line, "an auth entry needs 'request' (the expected header lines)")
        request_lines = self.sequence(spec["request"], spec.line_of("request"), "request")
        request = []
        for index, item in enumerate(request_lines):
            item_line = request_lines.line_of(index)
            if isinstance(item, LineDict):
                if list(item) != ["re"]:
                    self.fail(item_line, "a request item is a string or {re: REGEX}")
                self.regex(item["re"], item_line, "re")
                request.append(HeaderMatch(item["re"], True, item_line))
            else:
                self.string(item, item_line, "a request line")
                request.append(HeaderMatch(item, False, item_line))
            self.placeholders(request[-1].text, item_line)
        answers = [key for key in ("response", "response_raw", "close_without_response", "no_response") if key in spec]
        if len(answers) != 1:
            self.fail(spec.line, "an auth entry needs exactly one of response, response_raw, "
                                 f"close_without_response, no_response (got: {', '.join(answers) or 'none'})")
        exchange = AuthExchange(spec.line, request)
        if "response" in spec:
            exchange.response = self.string(spec["response"], spec.line_of("response"), "response")
            self.placeholders(exchange.response, spec.line_of("response"))
        if "response_raw" in spec:
            exchange.response_raw = self.raw_string(spec["response_raw"], spec.line_of("response_raw"), "response_raw")
            self.placeholders(exchange.response_raw, spec.line_of("response_raw"))
        for key in ("close_without_response", "no_response"):
            if key in spec and spec[key] is not True:
                self.fail(spec.line_of(key), f"{key} takes the value true")
            setattr(exchange, key, key in spec)
        if "delay_ms" in spec:
            exchange.delay_ms = self.millis(spec["delay_ms"], spec.line_of("delay_ms"), "delay_ms")
        return exchange

    def scenario(self, doc):
        if not isinstance(doc, LineDict):
            self.fail(getattr(doc, "line", 1), "a scenario is a YAML mapping (title, config, client, ...)")
        self.known_keys(doc, TOP_LEVEL_KEYS, "the scenario")
        for key in ("title", "config", "client"):
            if key not in doc:
                self.fail(doc.line, f"missing required key '{key}'")
        title = self.string(doc["title"], doc.line_of("title"), "title")
        about = self.string(doc.get("about", ""), doc.line_of("about"), "about")
        needs = self.needs(doc["needs"], doc.line_of("needs")) if "needs" in doc else []
        timeout_ms = DEFAULT_TIMEOUT_MS
        if "timeout_ms" in doc:
            timeout_ms = self.millis(doc["timeout_ms"], doc.line_of("timeout_ms"), "timeout_ms")
            if timeout_ms == 0:
                self.fail(doc.line_of("timeout_ms"), "timeout_ms must be above 0")
        client_address = DEFAULT_CLIENT_ADDRESS
        if "client_address" in doc:
            client_address = self.string(doc["client_address"], doc.line_of("client_address"), "client_address")
            if client_address not in CLIENT_ADDRESSES:
                self.fail(doc.line_of("client_address"), "client_address must be one of "
                          f"{', '.join(repr(a) for a in CLIENT_ADDRESSES)}, got {client_address!r}")

        backends = {}
        if "backends" in doc:
            specs = self.mapping(doc["backends"], doc.line_of("backends"), "backends")
            self.backend_names = set(specs)
            for name, spec in specs.items():
                if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
                    self.fail(specs.line_of(name), f"backend name {name!r} may use only letters, digits, _ and -")
                backends[name] = self.backend(name, spec, specs.line_of(name))

        dns = None
        if "dns" in doc:
            self.has_dns = True
            dns = self.dns(doc["dns"], doc.line_of("dns"))
        config = self.string(doc["config"], doc.line_of("config"), "config")
        self.placeholders(config, doc.line_of("config"))
        auth = []
        if "auth" in doc:
            entries = self.sequence(doc["auth"], doc.line_of("auth"), "auth")
            auth = [self.auth_exchange(entry, entries.line_of(i)) for i, entry in enumerate(entries)]
        log = self.log(doc["log"], doc.line_of("log")) if "log" in doc else None
        client = self.steps(doc["client"], doc.line_of("client"), CLIENT_STEPS, "client")
        if not client:
            self.fail(doc.line_of("client"), "client needs at least one step")
        closed_by = None
        for step in client:
            if closed_by and step.kind != "wait_ms":
                self.fail(step.line, f"'{step.kind}' after '{closed_by.kind}' (line {closed_by.line}): "
                                     "the connection is closed by then")
            if step.kind in ("close", "expect_close"):
                closed_by = step
        last = next((step for step in reversed(client) if step.kind != "wait_ms"), None)
        if last is not None and last.kind in ("send", "send_raw"):
            # Whether the reply to a last send arrives before the run ends is a matter of timing.
            self.fail(last.line, f"the client ends with '{last.kind}': follow it with an expectation "
                                 "(expect, expect_close, expect_silence_ms) or close")
        return Scenario(self.path, title, about, needs, timeout_ms, config, doc.line_of("config"),
                        auth, backends, client, dns, client_address, log)


def _yaml_type(value):
    return {bool: "boolean", int: "number", float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def load_scenario(path):
    """Loads and validates one scenario file; raises ScenarioError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(path, 0, f"cannot read: {err}") from None
    try:
        doc = load_with_lines(text)
    except YamlSyntaxError as err:
        raise ScenarioError(path, err.line, err.message) from None
    return _Validator(path).scenario(doc)


@dataclass
class Placeholders:
    """The values of this run's placeholders."""

    proxy_port: int
    auth_port: Optional[int]
    backend_ports: Dict[str, int]
    dir: str
    dns_port: Optional[int] = None

    def substitute(self, text, escape=False):
        """Replaces every ${...}; a value not known yet (e.g. auth_port inside a backend script) is an error.
        escape=True inserts the values re.escape()d, for regular expressions (`log:`)."""

        def value(match):
            name = match.group(1)
            if name == "proxy_port":
                result = self.proxy_port
            elif name == "auth_port":
                result = self.auth_port
            elif name == "dir":
                result = self.dir
            elif name == "dns_port":
                result = self.dns_port
            elif name == "backend_port":
                result = self.backend_ports.get("main")
            elif name.startswith("backend_port:"):
                result = self.backend_ports.get(name.split(":", 1)[1])
            else:
                raise PlaceholderError(f"unknown placeholder ${{{name}}}")
            if result is None:
                raise PlaceholderError(f"${{{name}}} is not known at this point (fakes start backends first, then auth)")
            return re.escape(str(result)) if escape else str(result)

        return PLACEHOLDER.sub(value, text)
