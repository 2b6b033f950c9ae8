"""The messages the flows send, and how a delivered copy is found and read back.

Each message carries a Message-ID and Date of its own, so Postfix adds no header, and a line starting with a dot,
so dot-stuffing is exercised on the way in (SMTP) and out (POP3).
"""

import dataclasses
import re
import secrets
from pathlib import Path
from typing import Optional

from .postfix import HOSTNAME

# Postfix's own Received header; with XCLIENT it names the client the proxy reported, not the proxy.
POSTFIX_RECEIVED = re.compile(
    r"^Received: from (?P<helo>\S+) \((?P<name>\S+) \[(?P<addr>[^\]]+)\]\)\n"
    rf"\tby {re.escape(HOSTNAME)} \(Postfix\) with (?P<proto>\w+) id (?P<queue_id>[0-9A-Za-z]+)$", re.MULTILINE)


@dataclasses.dataclass
class SentMessage:
    flow: str
    helo: str
    message_id: str
    wire: bytes  # exactly what the client hands to its library: CRLF lines, not dot-stuffed
    stored: Optional[bytes] = None  # the maildir file once delivered (LF lines, trace headers first)

    def fetched_form(self):
        """What IMAP and POP3 must return for it: the stored message with CRLF line ends."""
        return self.stored.replace(b"\n", b"\r\n")


def compose(address, flow, proxy_label, helo):
    """A message from and to `address`, naming the flow and the proxy."""
    token = secrets.token_hex(6)
    message_id = f"<{token}.{proxy_label}@client.example.test>"
    text = (f"From: Mail User <{address}>\r\n"
            f"To: {address}\r\n"
            f"Subject: {flow} via {proxy_label}\r\n"
            f"Message-ID: {message_id}\r\n"
            "Date: Sun, 06 Dec 2026 12:00:00 +0000\r\n"
            "\r\n"
            f"Sent by {flow} through {proxy_label}.\r\n"
            ".a line that starts with a dot\r\n"
            "..and one with two\r\n"
            "trailing spaces   \r\n"
            "last line\r\n")
    return SentMessage(flow=flow, helo=helo, message_id=message_id, wire=text.encode("ascii"))


def find_delivered(mailbox, message_id):
    """The maildir file holding `message_id` (in new/ or cur/), or None."""
    needle = f"\nMessage-ID: {message_id}\n".encode("ascii")
    for folder in ("new", "cur"):
        directory = Path(mailbox) / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            try:
                data = path.read_bytes()
            except OSError:  # moved from new/ to cur/ meanwhile
                continue
            if needle in data:
                return data
    return None


def pop3_unstuff(lines_block):
    """A RETR reply's body (CRLF lines, the final `.` line removed) without the dot-stuffing."""
    return b"".join(line[1:] if line.startswith(b".") else line for line in lines_block.splitlines(keepends=True))
