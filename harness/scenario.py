"""The scenario model: loads one scenario YAML file, validates it, and substitutes placeholders.

Every validation error names the file and the line (ScenarioError prints as `path:line: message`).
Text fields (send, expect, header lines) are UTF-8 text; `send_raw` and `response_raw` are bytes written
as code points U+0000..U+00FF (YAML double-quoted escapes such as "\\r\\n" or "\\x00").
"""

import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

from .certs import CERTIFICATES, TEXT_FILES
from .faults import MAX_GENERATED_BYTES, SEND_KINDS, send_length, split_error
from .proxy_header import TLV_TYPES, V1_PROTOCOLS, AddressError, ProxyHeader, family_of, parse_address
from .yaml_lines import LineDict, LineList, YamlSyntaxError, load_with_lines

DEFAULT_TIMEOUT_MS = 5000
BACKEND_PROTOCOLS = ("imap", "pop3", "smtp")

CLIENT_STEPS = {
    "send": "line",
    "send_raw": "raw",
    "send_random": "random",
    "send_line_of": "line_of",
    "expect": "line",
    "expect_re": "regex",
    "expect_any_order": "lines",
    "expect_close": "true",
    "expect_silence_ms": "ms",
    "wait_ms": "ms",
    "stall_ms": "ms",
    "close": "true",
    "reset": "true",
    "half_close": "true",
    "tls": "tls",
    "starttls": "starttls",
    "send_proxy": "proxy_header",
    "reconnect": "true",
    "hold_connections": "hold",
}
BACKEND_STEPS = {
    "send": "line",
    "send_raw": "raw",
    "send_random": "random",
    "send_line_of": "line_of",
    "expect": "line",
    "expect_re": "regex",
    "expect_eof": "true",
    "expect_reset": "true",
    "wait_ms": "ms",
    "close": "true",
    "reset": "true",
    "half_close": "true",
    "stall": "true",
}
# Options a step takes beside its own key, in the same YAML mapping (`- send: "* OK"` plus `split: bytes`).
SPLIT_OPTIONS = ("split", "gap_ms")
TIMING_OPTIONS = ("expect_within_ms", "expect_not_before_ms")
TIMED_STEPS = ("expect", "expect_re", "expect_close", "expect_any_order")
# `repeat: N`: a client's line sent N times in one write, or the same line expected N times in a row.
REPEAT_STEPS = ("send", "send_raw", "expect")
MAX_REPEAT = 100000
# `hold_connections`: N more connections to the proxy, held open until the client script ends.
HOLD_KEYS = ("count", "expect", "expect_close", "send")
MAX_HELD_CONNECTIONS = 1000
# What a backend that accepts and never speaks (`accept_then_silent`) can be scripted to receive.
SILENT_BACKEND_STEPS = ("expect", "expect_re", "expect_eof", "expect_reset")
TOP_LEVEL_KEYS = ("title", "about", "needs", "timeout_ms", "client_address", "worker_connections", "config", "dns",
                  "auth", "auth_blackhole", "backends", "client", "log")
DEFAULT_WORKER_CONNECTIONS = 1024  # the main context's `events { worker_connections N; }` (harness/proxies.py)
# Where the client connects from (and to): IPv4 loopback, IPv6 loopback with `listen [::1]:${proxy_port};`, or a
# unix-domain socket the harness names in the run's folder, with `listen unix:${proxy_socket};`.
UNIX_CLIENT = "unix"
CLIENT_ADDRESSES = ("127.0.0.1", "::1", UNIX_CLIENT)
DEFAULT_CLIENT_ADDRESS = "127.0.0.1"
AUTH_KEYS = ("request", "response", "response_raw", "delay_ms", "close_without_response", "no_response", "reset",
             "split", "gap_ms", "then", "half_close")
AUTH_ANSWERS = ("response", "response_raw", "close_without_response", "no_response", "reset")
AUTH_THEN = ("close", "reset", "stall")
BACKEND_KEYS = ("protocol", "down", "blackhole", "accept_then_silent", "script", "connections")
DNS_KEYS = ("answers", "expect")
DNS_ANSWER_KEYS = ("question", "type", "rcode", "records", "drop", "ttl")
DNS_TYPES = ("A", "AAAA", "PTR")
DNS_RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")

TLS_KEYS = ("cert", "verify", "server_name", "alpn", "protocols", "ciphers", "reuse_session", "expect_failure",
            "expect_protocol", "expect_cipher", "expect_alpn", "expect_resumed")
STARTTLS_KEYS = ("send", "expect") + TLS_KEYS
TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
PROXY_V1_KEYS = ("version", "protocol", "source", "destination")
PROXY_V2_KEYS = ("version", "command", "source", "destination", "tlvs")
TLV_KEYS = ("type", "value")
# Steps after which the connection is gone: only these may follow until a `reconnect`.
AFTER_CLOSE_STEPS = ("wait_ms", "reconnect")
# Client steps that write: none may follow a `half_close` on the same connection.
WRITING_STEPS = SEND_KINDS + ("send_proxy", "tls", "starttls", "half_close")

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
NEEDS = re.compile(r"^\s*(nginx)\s*(>=|<)\s*(\d+(?:\.\d+)*)\s*$")
PEM_PREFIX = "pem:"  # ${pem:NAME}: the text of ${certs}/NAME


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
    """One client or backend step. `value` is str, list of str, int (ms), True, or a mapping (send_random's
    {bytes, seed}, send_line_of's {length, char}). `options` holds the step's options (split, gap_ms,
    expect_within_ms, expect_not_before_ms)."""

    kind: str
    value: Union[str, List[str], int, bool, dict]
    line: int
    options: Dict[str, object] = field(default_factory=dict)


@dataclass
class TlsOptions:
    """`tls:` (and the TLS part of `starttls:`): what the client offers, and what it expects of the handshake.
    `expect` holds only the asserted items: protocol, cipher, alpn (None: no ALPN selected), resumed."""

    cert: Optional[str] = None  # a name in ${certs}: NAME.pem and NAME.key
    verify: bool = False  # verify the proxy's certificate against ${certs}/ca.pem
    server_name: Optional[str] = None  # SNI
    alpn: Optional[List[str]] = None
    protocols: Optional[List[str]] = None  # the client offers every version from the lowest to the highest listed
    ciphers: Optional[str] = None  # OpenSSL cipher list (TLSv1.2 and below)
    reuse_session: bool = False
    expect_failure: bool = False
    expect: Dict[str, object] = field(default_factory=dict)


@dataclass
class HoldConnections:
    """`hold_connections:`: `count` more connections, each of which must first receive `expect` (a line) or be
    closed by the proxy (`expect_close`), then sends `send` (a line), if given; all held until the script ends."""

    count: int
    expect: Optional[str] = None
    expect_close: bool = False
    send: Optional[str] = None


@dataclass
class StartTls:
    """`starttls:`: send a line, expect the reply line exactly, then the TLS handshake."""

    send: str
    expect: str
    tls: TlsOptions


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
    reset: bool = False  # reset the connection (RST) instead of answering
    split: Optional[Union[str, List[int]]] = None  # the response in pieces: "bytes" or [N, M, ...]
    gap_ms: int = 0
    then: Optional[str] = None  # after the response: close (the default), reset or stall
    half_close: bool = False  # after the response: shut the write side and keep reading

    @property
    def faults(self):
        """Whether the entry stages a fault that the auth leg shows as rows of its own."""
        return bool(self.reset or self.split or self.then or self.half_close)


@dataclass
class Backend:
    name: str
    protocol: str
    down: bool
    connections: List[List[Step]]
    line: int
    blackhole: bool = False  # a port where connects hang (harness/blackhole.py); no fake, no script
    accept_then_silent: bool = False  # the fake accepts and never sends; the script holds only expect steps


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
    """`needs: nginx >= 1.27.3` (a lower bound) or `needs: nginx < 1.25.1` (an upper bound, exclusive). Only a
    proxy of that kind whose version is known is checked: the reference and a user's command always run."""

    proxy: str
    version: Tuple[int, ...]
    text: str
    operator: str = ">="

    def unmet_reason(self, proxy_kind, proxy_version):
        """The skip reason when a proxy of this kind and version lacks the need, else None."""
        if proxy_kind != self.proxy or proxy_version is None:
            return None
        width = max(len(proxy_version), len(self.version))  # 1.25 and 1.25.0 are the same version
        have, bound = (tuple(v) + (0,) * (width - len(v)) for v in (proxy_version, self.version))
        if (have >= bound) if self.operator == ">=" else (have < bound):
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
    uses_certs: bool = False  # ${certs} appears, or a TLS step loads a certificate from it
    auth_blackhole: bool = False  # ${auth_port} is a port where connects hang; no auth fake runs
    worker_connections: int = DEFAULT_WORKER_CONNECTIONS  # events { worker_connections N; } in the main context

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
        self.uses_certs = False
        self.client_address = DEFAULT_CLIENT_ADDRESS
        self.timeout_ms = DEFAULT_TIMEOUT_MS

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
            if name == "certs":
                self.uses_certs = True
                continue
            if name.startswith(PEM_PREFIX):
                if name[len(PEM_PREFIX):] not in TEXT_FILES:
                    self.fail(line, f"${{{name}}} names no text file in ${{certs}} (have: {', '.join(TEXT_FILES)})")
                self.uses_certs = True
                continue
            if name == "proxy_socket":
                if self.client_address != UNIX_CLIENT:
                    self.fail(line, '${proxy_socket} needs client_address: "unix" (the client connects over it)')
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
                            "${backend_port}, ${backend_port:NAME}, ${dns_port}, ${dir}, ${certs}, ${pem:NAME}, "
                            "${proxy_socket})")

    def tls_options(self, spec):
        """The TLS options of a `tls:` or `starttls:` mapping (other keys are the caller's)."""
        options = TlsOptions()
        for key in ("verify", "reuse_session", "expect_failure"):
            if key in spec:
                setattr(options, key, self.flag(spec[key], spec.line_of(key), key))
        if "cert" in spec:
            options.cert = self.string(spec["cert"], spec.line_of("cert"), "cert")
            if options.cert not in CERTIFICATES:
                self.fail(spec.line_of("cert"), f"cert {options.cert!r} is not a certificate in ${{certs}} "
                                                f"(have: {', '.join(CERTIFICATES)})")
        if "server_name" in spec:
            options.server_name = self.string(spec["server_name"], spec.line_of("server_name"), "server_name")
            if not options.server_name:
                self.fail(spec.line_of("server_name"), "server_name must not be empty (leave it out: no SNI)")
        if "alpn" in spec:
            names = self.sequence(spec["alpn"], spec.line_of("alpn"), "alpn")
            if not names:
                self.fail(spec.line_of("alpn"), "alpn needs at least one protocol name (leave it out: no ALPN)")
            for index, name in enumerate(names):
                self.string(name, names.line_of(index), "an alpn name")
                if not 0 < len(name.encode("utf-8")) < 256:
                    self.fail(names.line_of(index), "an alpn name is 1..255 bytes")
            options.alpn = list(names)
        if "protocols" in spec:
            versions = self.sequence(spec["protocols"], spec.line_of("protocols"), "protocols")
            if not versions:
                self.fail(spec.line_of("protocols"), "protocols needs at least one TLS version")
            for index, version in enumerate(versions):
                if version not in TLS_VERSIONS:
                    self.fail(versions.line_of(index), f"a protocol is one of {', '.join(TLS_VERSIONS)}, "
                                                       f"got {version!r}")
            options.protocols = list(versions)
        if "ciphers" in spec:
            options.ciphers = self.string(spec["ciphers"], spec.line_of("ciphers"), "ciphers")
            try:
                ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_ciphers(options.ciphers)
            except ssl.SSLError:
                self.fail(spec.line_of("ciphers"), f"OpenSSL selects no cipher from {options.ciphers!r}")
        if "expect_protocol" in spec:
            version = spec["expect_protocol"]
            if version not in TLS_VERSIONS:
                self.fail(spec.line_of("expect_protocol"), f"expect_protocol is one of {', '.join(TLS_VERSIONS)}, "
                                                           f"got {version!r}")
            options.expect["protocol"] = version
        if "expect_cipher" in spec:
            options.expect["cipher"] = self.string(spec["expect_cipher"], spec.line_of("expect_cipher"),
                                                   "expect_cipher")
        if "expect_alpn" in spec:
            value = spec["expect_alpn"]
            if value is not None:
                self.string(value, spec.line_of("expect_alpn"), "expect_alpn (a name, or null for none)")
            options.expect["alpn"] = value
        if "expect_resumed" in spec:
            options.expect["resumed"] = self.flag(spec["expect_resumed"], spec.line_of("expect_resumed"),
                                                  "expect_resumed")
            if options.expect["resumed"] and not options.reuse_session:
                self.fail(spec.line_of("expect_resumed"), "expect_resumed: true needs reuse_session: true "
                                                          "(a client offering no session gets a new one)")
        if options.expect_failure and options.expect:
            self.fail(spec.line_of("expect_failure"), "expect_failure: true takes no expect_protocol, expect_cipher, "
                                                      "expect_alpn or expect_resumed: there is no session to check")
        if options.cert or options.verify:
            self.uses_certs = True
        return options

    def tls_step(self, arg, line, kind):
        if kind == "tls":
            if arg is True:
                return TlsOptions()
            if not isinstance(arg, LineDict):
                self.fail(line, f"tls takes true or a mapping of options ({', '.join(TLS_KEYS)}), got {arg!r}")
            self.known_keys(arg, TLS_KEYS, "tls")
            return self.tls_options(arg)
        spec = self.mapping(arg, line, "starttls (send, expect and TLS options)")
        self.known_keys(spec, STARTTLS_KEYS, "starttls")
        for key in ("send", "expect"):
            if key not in spec:
                self.fail(spec.line, f"starttls needs '{key}' (e.g. send: \"a1 STARTTLS\", expect: \"a1 OK ...\")")
            self.string(spec[key], spec.line_of(key), key)
            self.placeholders(spec[key], spec.line_of(key))
        return StartTls(spec["send"], spec["expect"], self.tls_options(spec))

    def address(self, spec, key):
        text = self.string(spec[key], spec.line_of(key), key)
        try:
            return parse_address(text)
        except AddressError as error:
            self.fail(spec.line_of(key), f"{key}: {error}")

    def proxy_header(self, arg, line):
        spec = self.mapping(arg, line, "send_proxy")
        if isinstance(spec.get("version"), bool) or spec.get("version") not in (1, 2):
            self.fail(spec.line_of("version"), "send_proxy needs version: 1 (text) or 2 (binary)")
        version = spec["version"]
        self.known_keys(spec, PROXY_V1_KEYS if version == 1 else PROXY_V2_KEYS, f"send_proxy version {version}")
        has = [key for key in ("source", "destination") if key in spec]
        addresses = [self.address(spec, key) for key in has]
        protocol = None
        if version == 1 and "protocol" in spec:
            protocol = spec["protocol"]
            if protocol not in V1_PROTOCOLS:
                self.fail(spec.line_of("protocol"), f"protocol is one of {', '.join(V1_PROTOCOLS)}, got {protocol!r}")
            if protocol == "UNKNOWN" and has:
                self.fail(spec.line_of(has[0]), "protocol UNKNOWN sends `PROXY UNKNOWN` and takes no addresses")
        if len(has) == 1 or (not has and (version == 1 and protocol != "UNKNOWN")):
            self.fail(spec.line, "send_proxy needs both source and destination"
                                 + (" (or protocol: UNKNOWN)" if version == 1 else " (or neither: family UNSPEC)"))
        if has and protocol is None:
            protocol = family_of(*addresses)
            if protocol is None:
                self.fail(spec.line_of("destination"), "source and destination are of different address families")
        header = ProxyHeader(version, protocol or "UNSPEC", *(addresses or [None, None]))
        if version == 2:
            if "command" in spec:
                header.command = spec["command"]
                if header.command not in ("proxy", "local"):
                    self.fail(spec.line_of("command"), f"command is proxy or local, got {header.command!r}")
            if "tlvs" in spec:
                header.tlvs = self.tlvs(spec["tlvs"], spec.line_of("tlvs"))
        return header

    def tlvs(self, value, line):
        tlvs = []
        items = self.sequence(value, line, "tlvs")
        for index, item in enumerate(items):
            tlv = self.mapping(item, items.line_of(index), "a TLV ({type: ..., value: ...})")
            self.known_keys(tlv, TLV_KEYS, "a TLV")
            if set(tlv) != set(TLV_KEYS):
                self.fail(tlv.line, "a TLV needs type and value")
            kind = tlv["type"]
            if isinstance(kind, str) and kind in TLV_TYPES:
                kind = TLV_TYPES[kind]
            if isinstance(kind, bool) or not isinstance(kind, int) or not 0 <= kind <= 255:
                self.fail(tlv.line_of("type"), f"a TLV type is 0..255 or one of {', '.join(TLV_TYPES)}, "
                                               f"got {tlv['type']!r}")
            data = self.raw_string(tlv["value"], tlv.line_of("value"), "a TLV value")
            if len(data) > 65535:
                self.fail(tlv.line_of("value"), "a TLV value is at most 65535 bytes")
            tlvs.append((kind, data))
        return tlvs

    def step_options_allowed(self, kind, what):
        options = SPLIT_OPTIONS if kind in SEND_KINDS else ()
        if what == "client" and kind in TIMED_STEPS:
            options += TIMING_OPTIONS
        if what == "client" and kind in REPEAT_STEPS:
            options += ("repeat",)
        return options

    def step_kind(self, step_map, item_line, table, what):
        """The one key of a step's mapping that names the step; the others must be its options."""
        kinds = [key for key in step_map if key in table]
        if len(kinds) == 1:
            kind = kinds[0]
            allowed = self.step_options_allowed(kind, what)
            for key in step_map:
                if key == kind or key in allowed:
                    continue
                if key in SPLIT_OPTIONS:
                    self.fail(step_map.line_of(key), f"{key} goes only with {', '.join(SEND_KINDS)}")
                if key in TIMING_OPTIONS:
                    self.fail(step_map.line_of(key), f"{key} goes only with a client's "
                                                     f"{', '.join(TIMED_STEPS)}")
                self.fail(step_map.line_of(key), f"unknown option '{key}' of a {what} '{kind}' step "
                                                 f"(allowed: {', '.join(allowed) or 'none'})")
            return kind
        if len(step_map) == 1:
            key = next(iter(step_map))
            if key in SPLIT_OPTIONS + TIMING_OPTIONS:
                self.fail(item_line, f"{key} is an option: put it in the mapping of the step it belongs to")
            self.fail(item_line, f"unknown {what} step '{key}' (allowed: {', '.join(table)})")
        self.fail(item_line, f"a {what} step has exactly one key naming the step (plus its options), "
                             f"got: {', '.join(step_map) or 'none'}")

    def generated(self, arg, line, kind):
        """send_random's {bytes, seed} or send_line_of's {length, char}, as a plain dict."""
        spec = self.mapping(arg, line, f"{kind} ({'{bytes: N, seed: S}' if kind == 'send_random' else '{length: N}'})")
        keys = ("bytes", "seed") if kind == "send_random" else ("length", "char")
        self.known_keys(spec, keys, kind)
        for key in keys[:2 if kind == "send_random" else 1]:
            if key not in spec:
                self.fail(spec.line, f"{kind} needs '{key}'")
        count_key = keys[0]
        count = spec[count_key]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_GENERATED_BYTES:
            self.fail(spec.line_of(count_key), f"{kind} {count_key} is a whole number 0..{MAX_GENERATED_BYTES}, "
                                               f"got {count!r}")
        if kind == "send_random":
            seed = spec["seed"]
            if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 1 << 64:
                self.fail(spec.line_of("seed"), f"send_random seed is a whole number 0..2^64-1, got {seed!r}")
            return {"bytes": count, "seed": seed}
        char = "a"
        if "char" in spec:
            char = self.raw_string(spec["char"], spec.line_of("char"), "send_line_of char")
            if len(char) != 1:
                self.fail(spec.line_of("char"), f"send_line_of char is exactly one character, got {char!r}")
        return {"length": count, "char": char}

    def step_options(self, step_map, length, writes="this step writes"):
        """The validated options of one step (split, gap_ms, expect_within_ms, expect_not_before_ms); `length`:
        the bytes it writes, None when placeholders make it known only at run time."""
        options = {}
        if "split" in step_map:
            split, split_line = step_map["split"], step_map.line_of("split")
            if split != "bytes":
                sizes = split if isinstance(split, LineList) else None
                if not sizes or any(isinstance(size, bool) or not isinstance(size, int) or size < 1
                                    for size in sizes):
                    self.fail(split_line, f"split is \"bytes\" or a list of piece sizes (whole numbers >= 1), "
                                          f"got {split!r}")
                split = list(sizes)
                problem = split_error(split, length) if length is not None else None
                if problem:
                    self.fail(split_line, problem.replace("this step writes", writes))
            options["split"] = split
        if "gap_ms" in step_map:
            if "split" not in step_map:
                self.fail(step_map.line_of("gap_ms"), "gap_ms is the pause between the pieces of a split: "
                                                      "it needs split")
            options["gap_ms"] = self.millis(step_map["gap_ms"], step_map.line_of("gap_ms"), "gap_ms")
        for key in TIMING_OPTIONS:
            if key in step_map:
                options[key] = self.millis(step_map[key], step_map.line_of(key), key)
                if options[key] > self.timeout_ms:
                    self.fail(step_map.line_of(key), f"{key} {options[key]} is beyond timeout_ms "
                                                     f"({self.timeout_ms}), the longest an expect waits: raise "
                                                     "timeout_ms")
        if TIMING_OPTIONS[0] in options and TIMING_OPTIONS[1] in options:
            if options["expect_not_before_ms"] >= options["expect_within_ms"]:
                self.fail(step_map.line_of("expect_not_before_ms"), "expect_not_before_ms must be below "
                                                                    "expect_within_ms")
        return options

    def steps(self, value, line, table, what):
        steps = []
        for index, item in enumerate(self.sequence(value, line, what)):
            item_line = value.line_of(index)
            step_map = self.mapping(item, item_line, f"{what} step")
            kind = self.step_kind(step_map, item_line, table, what)
            arg = step_map[kind]
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
            elif shape == "tls" or shape == "starttls":
                arg = self.tls_step(arg, arg_line, kind)
            elif shape == "proxy_header":
                arg = self.proxy_header(arg, arg_line)
            elif shape in ("random", "line_of"):
                arg = self.generated(arg, arg_line, kind)
            elif shape == "hold":
                arg = self.hold_connections(arg, arg_line)
            for text in arg if isinstance(arg, list) else [arg]:
                if isinstance(text, str):
                    self.placeholders(text, arg_line)
            options = {}
            if "repeat" in step_map:
                options["repeat"] = self.repeat(step_map["repeat"], step_map.line_of("repeat"))
            length = None
            if kind in SEND_KINDS and not (isinstance(arg, str) and PLACEHOLDER.search(arg)):
                length = send_length(kind, arg) * options.get("repeat", 1)
            options.update(self.step_options(step_map, length))
            steps.append(Step(kind, arg, item_line, options))
        return steps

    def repeat(self, value, line):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REPEAT:
            self.fail(line, f"repeat is a whole number 1..{MAX_REPEAT}, got {value!r}")
        return value

    def hold_connections(self, arg, line):
        spec = self.mapping(arg, line, "hold_connections ({count: N, expect: LINE, send: LINE})")
        self.known_keys(spec, HOLD_KEYS, "hold_connections")
        count = spec.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_HELD_CONNECTIONS:
            self.fail(spec.line_of("count") if "count" in spec else spec.line,
                      f"hold_connections needs count, a whole number 1..{MAX_HELD_CONNECTIONS}, got {count!r}")
        held = HoldConnections(count)
        if "expect" in spec:
            held.expect = self.string(spec["expect"], spec.line_of("expect"), "hold_connections expect")
        if "expect_close" in spec:
            if spec["expect_close"] is not True:
                self.fail(spec.line_of("expect_close"), f"expect_close takes the value true, got {spec['expect_close']!r}")
            held.expect_close = True
        if "send" in spec:
            held.send = self.string(spec["send"], spec.line_of("send"), "hold_connections send")
        if held.expect is not None and held.expect_close:
            self.fail(spec.line_of("expect_close"), "hold_connections takes expect or expect_close, not both")
        if held.send is not None and held.expect_close:
            self.fail(spec.line_of("send"), "hold_connections: nothing can be sent on a connection the proxy closes")
        for key in ("expect", "send"):
            if key in spec:
                self.placeholders(spec[key], spec.line_of(key))
        return held

    def backend_order(self, steps):
        """Nothing follows a close, a reset or a stall (the fake is done with the connection); nothing is sent
        after half_close (the write side is shut)."""
        ended = half_closed = None
        for step in steps:
            if ended:
                self.fail(step.line, f"'{step.kind}' after '{ended.kind}' (line {ended.line}): the fake does "
                                     "nothing more on this connection")
            if half_closed and (step.kind in SEND_KINDS or step.kind == "half_close"):
                self.fail(step.line, f"'{step.kind}' after 'half_close' (line {half_closed.line}): the write "
                                     "side is shut")
            if step.kind in ("close", "reset", "stall"):
                ended = step
            elif step.kind == "half_close":
                half_closed = step

    def needs(self, value, line):
        items = value if isinstance(value, LineList) else [value]
        needs = []
        for index, item in enumerate(items):
            item_line = value.line_of(index) if isinstance(value, LineList) else line
            self.string(item, item_line, "needs")
            match = NEEDS.match(item)
            if not match:
                self.fail(item_line, f"needs must read like 'nginx >= 1.27.3' or 'nginx < 1.25.1', got {item!r}")
            proxy, operator, version = match.groups()
            needs.append(Need(proxy, parse_version(version), f"{proxy} {operator} {version}", operator))
        return needs

    def backend(self, name, value, line):
        spec = self.mapping(value, line, f"backend '{name}'")
        self.known_keys(spec, BACKEND_KEYS, f"backend '{name}'")
        if "protocol" not in spec:
            self.fail(spec.line, f"backend '{name}' needs a protocol ({', '.join(BACKEND_PROTOCOLS)})")
        protocol = self.string(spec["protocol"], spec.line_of("protocol"), "protocol")
        if protocol not in BACKEND_PROTOCOLS:
            self.fail(spec.line_of("protocol"), f"protocol must be one of {', '.join(BACKEND_PROTOCOLS)}, got {protocol!r}")
        modes = [key for key in ("down", "blackhole", "accept_then_silent")
                 if self.flag(spec.get(key, False), spec.line_of(key), key)]
        if len(modes) > 1:
            self.fail(spec.line_of(modes[1]), f"backend '{name}' takes one of down, blackhole, accept_then_silent "
                                              f"(got: {', '.join(modes)})")
        mode = modes[0] if modes else None
        has_script = "script" in spec or "connections" in spec
        if "script" in spec and "connections" in spec:
            self.fail(spec.line_of("connections"), f"backend '{name}' has both script and connections: use one")
        if mode in ("down", "blackhole") and has_script:
            nothing = "nothing accepts a connection" if mode == "down" else "no connection is ever accepted"
            self.fail(spec.line_of("script" if "script" in spec else "connections"),
                      f"backend '{name}' is {'down' if mode == 'down' else 'a blackhole'}: {nothing}, so it "
                      "takes no script")
        if mode is None and not has_script:
            self.fail(spec.line, f"backend '{name}' needs a script (or connections, or down: true, blackhole: "
                                 "true, accept_then_silent: true); use 'script: []' when the proxy must not connect")
        connections = []
        if "script" in spec:
            script = self.steps(spec["script"], spec.line_of("script"), BACKEND_STEPS, "backend")
            connections = [script] if script else []
        elif "connections" in spec:
            lists = self.sequence(spec["connections"], spec.line_of("connections"), "connections")
            for index, steps in enumerate(lists):
                connections.append(self.steps(steps, lists.line_of(index), BACKEND_STEPS, "backend"))
        elif mode == "accept_then_silent":
            connections = [[]]  # one connection, on which the proxy sends nothing
        for steps in connections:
            self.backend_order(steps)
            if mode == "accept_then_silent":
                for step in steps:
                    if step.kind not in SILENT_BACKEND_STEPS:
                        self.fail(step.line, f"backend '{name}' is accept_then_silent: it never sends, so its "
                                             f"script takes only {', '.join(SILENT_BACKEND_STEPS)} (what the proxy "
                                             f"sends it), got '{step.kind}'")
        return Backend(name, protocol, mode == "down", connections, spec.line, blackhole=mode == "blackhole",
                       accept_then_silent=mode == "accept_then_silent")

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
        answers = [key for key in AUTH_ANSWERS if key in spec]
        if len(answers) != 1:
            self.fail(spec.line, f"an auth entry needs exactly one of {', '.join(AUTH_ANSWERS)} "
                                 f"(got: {', '.join(answers) or 'none'})")
        exchange = AuthExchange(spec.line, request)
        if "response" in spec:
            exchange.response = self.string(spec["response"], spec.line_of("response"), "response")
            self.placeholders(exchange.response, spec.line_of("response"))
        if "response_raw" in spec:
            exchange.response_raw = self.raw_string(spec["response_raw"], spec.line_of("response_raw"), "response_raw")
            self.placeholders(exchange.response_raw, spec.line_of("response_raw"))
        for key in ("close_without_response", "no_response", "reset", "half_close"):
            if key in spec and spec[key] is not True:
                self.fail(spec.line_of(key), f"{key} takes the value true")
            setattr(exchange, key, key in spec)
        if "delay_ms" in spec:
            exchange.delay_ms = self.millis(spec["delay_ms"], spec.line_of("delay_ms"), "delay_ms")
            if exchange.no_response:
                self.fail(spec.line_of("delay_ms"), "delay_ms has no meaning with no_response (nothing is sent)")
        self.auth_response_faults(spec, exchange)
        return exchange

    def auth_response_faults(self, spec, exchange):
        """split, gap_ms, then and half_close: how the response goes out, and what follows it."""
        answer = "response" if "response" in spec else "response_raw" if "response_raw" in spec else None
        for key in ("split", "gap_ms", "then", "half_close"):
            if key in spec and answer is None:
                self.fail(spec.line_of(key), f"{key} goes only with response or response_raw")
        if "then" in spec:
            if spec["then"] not in AUTH_THEN:
                self.fail(spec.line_of("then"), f"then is one of {', '.join(AUTH_THEN)}, got {spec['then']!r}")
            if "half_close" in spec:
                self.fail(spec.line_of("half_close"), "half_close and then both say what follows the response: "
                                                      "give one")
            exchange.then = spec["then"]
        if answer is None:
            return
        text = spec[answer]
        response_length = None  # known at load time only without placeholders
        if not PLACEHOLDER.search(text):
            response_length = len(_auth_response_text(text) if answer == "response" else text)
        options = self.step_options(spec, response_length, "the response has")  # split, gap_ms: as on a step
        exchange.split = options.get("split")
        exchange.gap_ms = options.get("gap_ms", 0)

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
        self.client_address = client_address
        self.timeout_ms = timeout_ms
        worker_connections = DEFAULT_WORKER_CONNECTIONS
        if "worker_connections" in doc:
            worker_connections = doc["worker_connections"]
            if isinstance(worker_connections, bool) or not isinstance(worker_connections, int) \
                    or not 1 <= worker_connections <= 65535:
                self.fail(doc.line_of("worker_connections"), "worker_connections is a whole number 1..65535, "
                                                             f"got {worker_connections!r}")

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
        if client_address == UNIX_CLIENT and "${proxy_socket}" not in config:
            self.fail(doc.line_of("client_address"), 'client_address: "unix" connects to ${proxy_socket}: '
                                                     "the config must listen there (listen unix:${proxy_socket};)")
        auth = []
        if "auth" in doc:
            entries = self.sequence(doc["auth"], doc.line_of("auth"), "auth")
            auth = [self.auth_exchange(entry, entries.line_of(i)) for i, entry in enumerate(entries)]
        auth_blackhole = self.flag(doc.get("auth_blackhole", False), doc.line_of("auth_blackhole"),
                                   "auth_blackhole")
        if auth_blackhole and auth:
            self.fail(doc.line_of("auth"), "auth_blackhole: true: no request ever reaches an auth server, so "
                                           "'auth' takes no entries")
        log = self.log(doc["log"], doc.line_of("log")) if "log" in doc else None
        client = self.steps(doc["client"], doc.line_of("client"), CLIENT_STEPS, "client")
        if not client:
            self.fail(doc.line_of("client"), "client needs at least one step")
        self.connection_order(client)
        last = next((step for step in reversed(client) if step.kind not in ("wait_ms", "stall_ms")), None)
        if last is not None and last.kind in SEND_KINDS + ("send_proxy", "half_close"):
            # Whether the reply to a last send arrives before the run ends is a matter of timing.
            self.fail(last.line, f"the client ends with '{last.kind}': follow it with an expectation "
                                 "(expect, expect_close, expect_silence_ms) or close")
        return Scenario(self.path, title, about, needs, timeout_ms, config, doc.line_of("config"),
                        auth, backends, client, dns, client_address, log, self.uses_certs, auth_blackhole,
                        worker_connections)

    def connection_order(self, client):
        """Steps that need a live connection come before it is closed (until a `reconnect`); one TLS handshake per
        connection; `reuse_session` has a TLS connection before a `reconnect` to take the session from."""
        closed_by = tls_on_this = half_closed = None
        tls_before = False
        for step in client:
            if closed_by and step.kind not in AFTER_CLOSE_STEPS:
                what = ("a TLS handshake expected to fail" if closed_by.kind in ("tls", "starttls")
                        else f"'{closed_by.kind}'")
                self.fail(step.line, f"'{step.kind}' after {what} (line {closed_by.line}): the connection is "
                                     "closed by then (only wait_ms or reconnect may follow)")
            if half_closed and step.kind in WRITING_STEPS:
                self.fail(step.line, f"'{step.kind}' after 'half_close' (line {half_closed.line}): the client's "
                                     "write side is shut (use reconnect for a new connection)")
            if step.kind == "reconnect":
                closed_by, tls_before, tls_on_this = None, tls_before or tls_on_this is not None, None
                half_closed = None
            elif step.kind in ("close", "expect_close", "reset"):
                closed_by = step
            elif step.kind == "half_close":
                half_closed = step
            elif step.kind in ("tls", "starttls"):
                options = step.value if step.kind == "tls" else step.value.tls
                if tls_on_this is not None:
                    self.fail(step.line, f"this connection is TLS already (line {tls_on_this.line}): "
                                         "use reconnect for a new connection")
                if options.reuse_session and not tls_before:
                    self.fail(step.line, "reuse_session offers the session of an earlier TLS connection: "
                                         "it needs a TLS step, then reconnect, before this one")
                tls_on_this = step
                if options.expect_failure:
                    closed_by = step


def _auth_response_text(text):
    """A `response:` as the auth fake sends it: lines joined with CRLF, then a blank line (placeholders already
    substituted); code points U+0000..U+00FF, as the fake's JSON strings carry bytes."""
    lines = text.rstrip("\n").split("\n")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8").decode("latin-1")


def auth_response_text(exchange, substitute):
    """The response an auth entry sends, as latin-1 code points, after `substitute` (placeholders); None when it
    sends none."""
    if exchange.response is not None:
        return _auth_response_text(substitute(exchange.response))
    if exchange.response_raw is not None:
        return substitute(exchange.response_raw)
    return None


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
    certs: Optional[str] = None  # the test certificates' folder (harness/certs.py)
    proxy_socket: Optional[str] = None  # the unix-domain socket's path (client_address: "unix")

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
            elif name == "certs":
                result = self.certs
            elif name.startswith(PEM_PREFIX):
                result = self.pem(name[len(PEM_PREFIX):])
            elif name == "proxy_socket":
                result = self.proxy_socket
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

    def pem(self, name):
        """The text of ${certs}/NAME, newlines included (${pem:NAME})."""
        if name not in TEXT_FILES:
            raise PlaceholderError(f"${{pem:{name}}} names no text file in ${{certs}} (have: {', '.join(TEXT_FILES)})")
        if self.certs is None:
            raise PlaceholderError(f"${{pem:{name}}}: no ${{certs}} folder for this run")
        try:
            return (Path(self.certs) / name).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise PlaceholderError(f"${{pem:{name}}}: cannot read {Path(self.certs) / name}: {error}") from None


# pytest markers (`-m smtp`, `-m "starttls and not fault"`): the protocol, and features read from the scenario's
# file name, config and steps. docs/scenarios.md lists them.
MARKERS = {
    "imap": "an IMAP scenario",
    "pop3": "a POP3 scenario",
    "smtp": "an SMTP scenario",
    "tls": "implicit TLS: `listen ... ssl`, or a client `tls:` step",
    "starttls": "`starttls on|only`, or a client `starttls:` step",
    "client_cert": "client certificates: `ssl_verify_client`",
    "proxy_protocol": "the PROXY protocol in (`listen ... proxy_protocol`, `send_proxy:`) or out",
    "realip": "`set_real_ip_from`",
    "xclient": "SMTP XCLIENT (file name or `xclient` in the config)",
    "auth": "auth_http answers and SASL mechanisms (auth-*, authenticate-*, apop-*)",
    "resolver": "the proxy resolves the client's name (`resolver`, a `dns:` section)",
    "fault": "a staged fault on the client, auth or backend leg (fault-*)",
    "hostile": "hostile peers: generated or oversized input (hostile-*, overlong-*, send_random, send_line_of)",
    "ipv6": "the client connects over ::1",
    "unix": "the client connects over a unix-domain socket",
    "log": "asserts lines of the proxy's error log (`log:`)",
}


def markers_of(scenario):
    """The MARKERS names that apply to a scenario."""
    name, config = Path(scenario.path).name, scenario.config
    kinds = {step.kind for step in scenario.client}
    protocols = set(re.findall(r"\bprotocol\s+(imap|pop3|smtp)\s*;", config))
    protocols |= {part for part in Path(scenario.path).parts[-2:-1] if part in BACKEND_PROTOCOLS}
    features = {
        "tls": bool(re.search(r"\blisten\s[^;]*\bssl\b", config)) or "tls" in kinds,
        "starttls": bool(re.search(r"\bstarttls\s+(on|only)\b", config)) or "starttls" in kinds,
        "client_cert": "ssl_verify_client" in config,
        "proxy_protocol": "proxy_protocol" in config or "send_proxy" in kinds,
        "realip": "set_real_ip_from" in config,
        "xclient": "xclient" in name or bool(re.search(r"\bxclient\s", config)),
        "auth": name.startswith(("auth-", "authenticate-", "apop-")),
        "resolver": scenario.dns is not None or bool(re.search(r"\bresolver\s", config)),
        "fault": name.startswith("fault-"),
        "hostile": name.startswith(("hostile-", "overlong-")) or bool(kinds & {"send_random", "send_line_of"}),
        "ipv6": scenario.client_address == "::1",
        "unix": scenario.client_address == UNIX_CLIENT,
        "log": scenario.log is not None,
    }
    return sorted(protocols) + [marker for marker, applies in features.items() if applies]
