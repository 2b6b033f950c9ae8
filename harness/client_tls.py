"""The client's TLS: an SSLContext per set of offered options, the handshake on the client's socket, its outcome.

The client does not check the proxy's certificate unless `verify: true` (against ${certs}/ca.pem). A session
resumes only through the SSLContext that made it, so a script keeps one context per distinct set of options.
"""

import re
import socket
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

VERSIONS = {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1, "TLSv1.2": ssl.TLSVersion.TLSv1_2,
            "TLSv1.3": ssl.TLSVersion.TLSv1_3}
# OpenSSL 3 allows TLSv1 and TLSv1.1 only at security level 0.
OLD_VERSION_CIPHERS = "DEFAULT:@SECLEVEL=0"
_SOURCE_SUFFIX = re.compile(r" \(_ssl\.c:\d+\)$")


class TlsSetupError(Exception):
    """A context that cannot be built (a certificate file missing, no ${certs} folder...)."""


def context_key(options):
    return (options.cert, options.verify, options.server_name if options.verify else None,
            tuple(options.alpn or ()), tuple(options.protocols or ()), options.ciphers)


def build_context(options, certs_dir):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if (options.cert or options.verify) and not certs_dir:
        raise TlsSetupError("no ${certs} folder for this run")
    try:
        if options.verify:
            context.load_verify_locations(cafile=str(Path(certs_dir) / "ca.pem"))
            context.check_hostname = options.server_name is not None
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if options.cert:
            base = Path(certs_dir) / options.cert
            context.load_cert_chain(f"{base}.pem", f"{base}.key")
        if options.alpn:
            context.set_alpn_protocols(options.alpn)
        ciphers = options.ciphers
        if options.protocols:
            versions = sorted(VERSIONS[name] for name in options.protocols)
            with warnings.catch_warnings():  # Python deprecates TLSv1 and TLSv1.1; a scenario asking for them means it
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version, context.maximum_version = versions[0], versions[-1]
            if ciphers is None and versions[0] < ssl.TLSVersion.TLSv1_2:
                ciphers = OLD_VERSION_CIPHERS
        if ciphers is not None:
            context.set_ciphers(ciphers)
    except (OSError, ssl.SSLError, ValueError) as error:
        raise TlsSetupError(f"client TLS setup: {error_text(error)}") from None
    return context


def error_text(error):
    """An exception as one line, without the `(_ssl.c:NNN)` that changes with the Python build."""
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    text = str(error) or type(error).__name__
    return _SOURCE_SUFFIX.sub("", text)


@dataclass
class TlsOutcome:
    """What a handshake gave: the session's parameters, or why it failed."""

    error: Optional[str] = None
    protocol: Optional[str] = None
    cipher: Optional[str] = None
    alpn: Optional[str] = None
    resumed: bool = False

    @classmethod
    def of(cls, tls_socket):
        return cls(None, tls_socket.version(), tls_socket.cipher()[0], tls_socket.selected_alpn_protocol(),
                   tls_socket.session_reused)

    def describe(self):
        if self.error is not None:
            return f"TLS handshake failed: {self.error}"
        alpn = f"ALPN {self.alpn}" if self.alpn else "no ALPN"
        return f"TLS {self.protocol} {self.cipher}, {alpn}, {'resumed' if self.resumed else 'new'} session"

    def matches(self, options):
        if options.expect_failure or self.error is not None:
            return options.expect_failure and self.error is not None
        actual = {"protocol": self.protocol, "cipher": self.cipher, "alpn": self.alpn, "resumed": self.resumed}
        return all(actual[key] == value for key, value in options.expect.items())


def describe_expectation(options):
    """The expected column of a handshake row: what must come out, then what the client offers."""
    if options.expect_failure:
        text = "TLS handshake fails"
    else:
        expect, parts = options.expect, []
        version = " ".join(expect[key] for key in ("protocol", "cipher") if key in expect)
        if version:
            parts.append(version)
        if "alpn" in expect:
            parts.append(f"ALPN {expect['alpn']}" if expect["alpn"] else "no ALPN")
        if "resumed" in expect:
            parts.append(f"{'resumed' if expect['resumed'] else 'new'} session")
        text = "TLS " + ", ".join(parts) if parts else "TLS handshake"
    offers = []
    if options.cert:
        offers.append(f"cert {options.cert}")
    if options.alpn:
        offers.append("ALPN " + ",".join(options.alpn))
    if options.server_name:
        offers.append(f"SNI {options.server_name}")
    if options.protocols:
        offers.append("/".join(options.protocols))
    if options.ciphers:
        offers.append(f"ciphers {options.ciphers}")
    if options.verify:
        offers.append("verifying the server")
    if options.reuse_session:
        offers.append("the earlier session")
    return text + (f" (client: {', '.join(offers)})" if offers else "")


def handshake(raw_socket, context, options, session, timeout_s):
    """Wraps the connected socket and runs the handshake within timeout_s.

    Returns (TLS socket, outcome); the TLS socket is None when the handshake failed (the socket is closed then)."""
    raw_socket.settimeout(timeout_s)
    try:
        tls_socket = context.wrap_socket(raw_socket, server_hostname=options.server_name,
                                         do_handshake_on_connect=False, session=session)
    except (ssl.SSLError, ValueError, OSError) as error:
        raw_socket.close()
        return None, TlsOutcome(error=error_text(error))
    try:
        tls_socket.do_handshake()
    except (ssl.SSLError, OSError) as error:
        tls_socket.close()
        return None, TlsOutcome(error=error_text(error))
    tls_socket.setblocking(False)
    return tls_socket, TlsOutcome.of(tls_socket)
