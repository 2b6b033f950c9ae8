"""PROXY protocol headers as a client (a load balancer in front of the proxy) sends them: v1 text, v2 binary.

The layout follows the HAProxy specification (proxy-protocol.txt): v1 is one text line, v2 a 16-byte preamble
(signature, version/command, family/transport, length) followed by the addresses and the TLVs.
"""

import ipaddress
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
V2_COMMANDS = {"local": 0x0, "proxy": 0x1}
V2_FAMILIES = {"UNSPEC": 0x00, "TCP4": 0x11, "TCP6": 0x21}  # address family << 4 | transport (1 = STREAM)
V1_PROTOCOLS = ("TCP4", "TCP6", "UNKNOWN")
# Names for the TLV types of the specification; any other type is given as a number 0..255.
TLV_TYPES = {"ALPN": 0x01, "AUTHORITY": 0x02, "CRC32C": 0x03, "NOOP": 0x04, "UNIQUE_ID": 0x05, "SSL": 0x20,
             "NETNS": 0x30}


class AddressError(ValueError):
    """An address that is not `IPv4:port` or `[IPv6]:port`."""


def parse_address(text):
    """`192.0.2.7:40000` or `[2001:db8::1]:40000` -> (ip_address, port)."""
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
    else:
        host, sep, port = text.rpartition(":")
        if ":" in host:
            raise AddressError(f"write an IPv6 address in brackets: [{host}]:{port}")
    if not sep or not port.isdigit():
        raise AddressError(f"{text!r} is not ADDRESS:PORT (an IPv6 address in brackets: [::1]:25)")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise AddressError(f"{host!r} is not an IP address") from None
    if int(port) > 65535:
        raise AddressError(f"port {port} is above 65535")
    return address, int(port)


def family_of(source, destination):
    """TCP4 or TCP6 for two parsed addresses of one family, else None."""
    versions = {source[0].version, destination[0].version}
    if versions == {4}:
        return "TCP4"
    if versions == {6}:
        return "TCP6"
    return None


@dataclass
class ProxyHeader:
    """One header. v1: protocol TCP4, TCP6 or UNKNOWN; v2: command proxy or local, protocol TCP4, TCP6 or UNSPEC
    (no addresses). `tlvs` (v2 only) are (type, value as latin-1 code points)."""

    version: int
    protocol: str
    source: Optional[Tuple[object, int]] = None
    destination: Optional[Tuple[object, int]] = None
    command: str = "proxy"
    tlvs: List[Tuple[int, str]] = field(default_factory=list)

    def encode(self):
        return self._v1() if self.version == 1 else self._v2()

    def _v1(self):
        if self.protocol == "UNKNOWN":
            return b"PROXY UNKNOWN\r\n"
        (src, sport), (dst, dport) = self.source, self.destination
        return f"PROXY {self.protocol} {src} {dst} {sport} {dport}\r\n".encode("ascii")

    def _v2(self):
        body = b""
        if self.protocol != "UNSPEC":
            (src, sport), (dst, dport) = self.source, self.destination
            body = src.packed + dst.packed + struct.pack("!HH", sport, dport)
        for kind, value in self.tlvs:
            data = value.encode("latin-1")
            body += struct.pack("!BH", kind, len(data)) + data
        return (V2_SIGNATURE + bytes([0x20 | V2_COMMANDS[self.command], V2_FAMILIES[self.protocol]])
                + struct.pack("!H", len(body)) + body)

    def describe(self):
        """How the step reads in a report."""
        if self.version == 1:
            return self._v1().decode("ascii").rstrip("\r\n")
        text = f"PROXY v2 ({self.command}) {self.protocol}"
        if self.protocol != "UNSPEC":
            text += f" {_shown(self.source)} -> {_shown(self.destination)}"
        if self.tlvs:
            text += ", TLVs " + " ".join(f"0x{kind:02X}({len(value)})" for kind, value in self.tlvs)
        return text


def _shown(address):
    host, port = address
    return f"[{host}]:{port}" if host.version == 6 else f"{host}:{port}"
