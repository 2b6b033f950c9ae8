"""PROXY protocol headers as `send_proxy` writes them: v1 text and v2 binary, byte for byte."""

import struct

import pytest

from harness.proxy_header import V2_SIGNATURE, AddressError, ProxyHeader, family_of, parse_address


def header(version, protocol, source=None, destination=None, **kwargs):
    addresses = [parse_address(source), parse_address(destination)] if source else [None, None]
    return ProxyHeader(version, protocol, *addresses, **kwargs)


def test_v1_lines():
    assert header(1, "TCP4", "192.0.2.7:40000", "198.51.100.1:25").encode() == (
        b"PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n")
    assert header(1, "TCP6", "[2001:db8::7]:40000", "[2001:DB8::1]:993").encode() == (
        b"PROXY TCP6 2001:db8::7 2001:db8::1 40000 993\r\n")
    assert header(1, "UNKNOWN").encode() == b"PROXY UNKNOWN\r\n"


def test_v2_proxy_ipv4_with_tlvs():
    data = header(2, "TCP4", "192.0.2.7:40000", "198.51.100.1:25",
                  tlvs=[(0x01, "imap"), (0xE0, "\x00\xff")]).encode()
    body = bytes([192, 0, 2, 7, 198, 51, 100, 1]) + struct.pack("!HH", 40000, 25)
    body += b"\x01\x00\x04imap" + b"\xe0\x00\x02\x00\xff"
    assert data == V2_SIGNATURE + b"\x21\x11" + struct.pack("!H", len(body)) + body
    assert len(V2_SIGNATURE) == 12


def test_v2_proxy_ipv6_and_local_unspec():
    data = header(2, "TCP6", "[::1]:1", "[2001:db8::1]:110").encode()
    assert data[12:16] == b"\x21\x21\x00\x24"  # PROXY, AF_INET6 + STREAM, 36 bytes of addresses
    assert data[16:32] == b"\x00" * 15 + b"\x01" and data[-4:] == struct.pack("!HH", 1, 110)
    assert header(2, "UNSPEC", command="local").encode() == V2_SIGNATURE + b"\x20\x00\x00\x00"


def test_descriptions_for_the_report():
    assert header(1, "TCP4", "192.0.2.7:40000", "198.51.100.1:25").describe() == (
        "PROXY TCP4 192.0.2.7 198.51.100.1 40000 25")
    assert header(2, "TCP6", "[2001:db8::7]:40000", "[2001:db8::1]:143", tlvs=[(1, "imap")]).describe() == (
        "PROXY v2 (proxy) TCP6 [2001:db8::7]:40000 -> [2001:db8::1]:143, TLVs 0x01(4)")
    assert header(2, "UNSPEC", command="local").describe() == "PROXY v2 (local) UNSPEC"


@pytest.mark.parametrize("text, words", [
    ("192.0.2.7", "is not ADDRESS:PORT"),
    ("2001:db8::1:25", "in brackets"),
    ("[2001:db8::1]", "is not ADDRESS:PORT"),
    ("example.test:25", "is not an IP address"),
    ("192.0.2.7:65536", "above 65535"),
    ("192.0.2.7:-1", "is not ADDRESS:PORT"),
])
def test_bad_addresses(text, words):
    with pytest.raises(AddressError, match=words):
        parse_address(text)


def test_family_of_two_addresses():
    v4, v6 = parse_address("192.0.2.7:1"), parse_address("[::1]:1")
    assert (family_of(v4, v4), family_of(v6, v6), family_of(v4, v6)) == ("TCP4", "TCP6", None)
