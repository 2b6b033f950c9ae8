"""The soak's clients: one coroutine a session, playing its plan and classifying what it saw.

Outcomes: `verified` (the session ran to the end and every message's bytes matched), `expected` (the planned
fault produced what nginx's behaviour predicts: the exact error reply, or a close within its bound) and
`unexpected` (anything else: a wrong reply, a checksum mismatch, a hang past a bound). The reply texts are
nginx's (docs: /work/shared/nginx-mail-behavior.md §3.8, §7.6).
"""

import asyncio
import base64
import random

from . import content
from .servers import BUFFER_LIMIT, GOING_AWAY
from .wire import close_quietly, read_to_eof, reset, send

INTERNAL = {"imap": b"* BAD internal server error\r\n", "pop3": b"-ERR internal server error\r\n",
            "smtp": b"451 4.3.2 Internal server error\r\n"}
STEP_S = 20.0  # no single reply may take longer: past it the session is a hang
PREAUTH_INTERNAL = {"auth:timeout", "auth:garbage", "auth:reset", "auth:close", "auth:dead_backend",
                    "backend:greet_reset", "backend:greet_garbage", "backend:greet_stall", "backend:first_reset",
                    "backend:login_reset", "backend:login_garbage"}


class Unexpected(Exception):
    """The session saw something its plan does not allow."""


class Outcome:
    def __init__(self, kind, detail="", up=0, down=0):
        self.kind, self.detail, self.up, self.down = kind, detail, up, down


class Client:
    """One session's client connection; protocol subclasses know the commands and replies."""

    protocol = None

    def __init__(self, plan, record, timeouts):
        self.plan = plan
        self.record = record
        self.timeouts = timeouts
        self.slow = random.Random(plan.sid) if plan.fault == "client:slow" else None
        self.reader = self.writer = None
        self.up = self.down = 0
        self.counter = 0
        self.last_sent = None

    # -------------------------------------------------------------- plumbing

    async def out(self, data):
        await send(self.writer, data, self.slow)
        self.last_sent = asyncio.get_running_loop().time()

    def since_sent(self):
        """For reports: how long ago the client last wrote (a proxy timer counts from there)."""
        if self.last_sent is None:
            return ""
        return f" ({asyncio.get_running_loop().time() - self.last_sent:.1f} s after the client's last write)"

    async def line(self, what):
        try:
            data = await asyncio.wait_for(self.reader.readline(), STEP_S)
        except asyncio.TimeoutError:
            raise Unexpected(f"no reply within {STEP_S:.0f} s {what}") from None
        if not data:
            raise Unexpected(f"connection closed {what}{self.since_sent()}")
        if self.slow:
            await asyncio.sleep(0.001)
        return data

    async def exactly(self, size, what):
        chunks, left = [], size
        while left:
            try:
                chunk = await asyncio.wait_for(self.reader.read(min(left, 4096 if self.slow else 1 << 20)), STEP_S)
            except asyncio.TimeoutError:
                raise Unexpected(f"stalled {what} after {size - left} of {size} bytes") from None
            if not chunk:
                raise Unexpected(f"connection closed {what} after {size - left} of {size} bytes"
                                 f"{self.since_sent()}")
            chunks.append(chunk)
            left -= len(chunk)
            if self.slow:
                await asyncio.sleep(0.001)
        return b"".join(chunks)

    async def expect(self, wanted, what):
        got = await self.line(what)
        if got != wanted:
            raise Unexpected(f"{what}: expected {wanted!r}, got {got[:200]!r}")

    async def expect_close(self, what, prefix_of=b"", bound=STEP_S):
        """Reads to EOF/reset: what arrives must be a prefix of `prefix_of`; returns how it ended."""
        data, how = await read_to_eof(self.reader, bound)
        if how == "timeout":
            raise Unexpected(f"not closed within {bound:.0f} s {what} (got {len(data)} bytes: {data[:80]!r})")
        if not prefix_of.startswith(data):
            raise Unexpected(f"{what}: {data[:200]!r} is not a prefix of {prefix_of[:200]!r}")
        return data

    async def backend_let_go(self, what):
        try:
            await asyncio.wait_for(self.record.backend_closed.wait(), STEP_S)
        except asyncio.TimeoutError:
            raise Unexpected(f"the proxy kept the backend connection open {what}") from None

    def tag(self):
        self.counter += 1
        return f"{self.plan.user}a{self.counter}".encode()

    async def noop(self):
        """One NOOP through the relay, in the protocol's words (noop_command/noop_reply)."""
        await self.out(self.noop_command())
        await self.expect(self.noop_reply(), "to NOOP")

    # -------------------------------------------------------------- the session

    async def run(self, port):
        self.connected_at = asyncio.get_running_loop().time()
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, limit=BUFFER_LIMIT), STEP_S)
        except (asyncio.TimeoutError, OSError) as error:
            return Outcome("unexpected", f"connect: {error!r}")
        try:
            return await self.play()
        except Unexpected as error:
            return Outcome("unexpected", str(error), self.up, self.down)
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
            return Outcome("unexpected", f"connection error: {error!r}{self.since_sent()}", self.up, self.down)
        finally:
            close_quietly(self.writer)

    async def play(self):
        fault = self.plan.fault
        await self.greeting()
        if fault == "client:stall_preauth":
            await self.writer_half_command()
            await self.expect_close("while stalling before login", bound=self.timeouts["login"] + 10)
            # Counted from before the connect: the proxy's timer starts later (at its greeting), so a close
            # sooner than `timeout` is early whatever the driver's own delays.
            waited = asyncio.get_running_loop().time() - self.connected_at
            if not self.timeouts["login"] - 0.1 <= waited <= self.timeouts["login"] + 5.0:
                raise Unexpected(f"closed {waited:.1f} s after connecting and stalling, timeout is "
                                 f"{self.timeouts['login']} s")
            return Outcome("expected", "closed at timeout")
        if fault == "client:reset_preauth":
            await self.writer_half_command()
            reset(self.writer)
            return Outcome("expected", "client reset")
        if fault == "client:vanish_literal":
            return await self.vanish_in_login_literal()
        if fault == "client:halfclose_preauth":
            await self.send_login()
            self.writer.write_eof()
            await self.expect_close("after a half-close before login", prefix_of=self.login_ok())
            return Outcome("expected", "half-close before login")
        await self.send_login()
        if fault in PREAUTH_INTERNAL:
            await self.expect(INTERNAL[self.protocol], "as the login reply")
            await self.expect_close("after the internal error")
            return Outcome("expected", "internal error")
        if fault == "auth:deny":
            await self.expect(self.denied(), "as the login reply")
            await self.expect_close("after the login failure")
            return Outcome("expected", "login failed")
        await self.expect(self.login_ok(), "as the login reply")
        return await self.proxied()

    async def proxied(self):
        fault = self.plan.fault
        loop = asyncio.get_running_loop()
        hold_until = loop.time() + self.plan.hold_s
        while loop.time() < hold_until:
            await asyncio.sleep(min(self.timeouts["keepalive"], max(0.0, hold_until - loop.time())))
            await self.noop()
        if fault == "client:halfclose_relay":
            await self.out(self.noop_command())
            self.writer.write_eof()
            await self.expect_close("after a half-close while proxying", prefix_of=self.noop_reply())
            await self.backend_let_go("after the client's half-close")
            return Outcome("expected", "half-close while proxying")
        if fault == "backend:relay_halfclose":
            await self.out(self.noop_command())
            await self.expect(GOING_AWAY[self.protocol], "after the backend's half-close")
            await self.expect_close("after the backend's half-close")
            return Outcome("expected", "backend half-close relayed")
        if fault == "client:vanish_relay":
            await self.vanish_while_relaying()
            reset(self.writer)
            await self.backend_let_go("after the client vanished")
            return Outcome("expected", "client vanished while proxying")
        if fault == "client:stall_reading":
            await self.stall_while_relaying()
            await self.backend_let_go("after the client stalled")
            return Outcome("expected", "closed at proxy_timeout")
        if fault == "backend:relay_reset":
            try:
                await self.transfer(self.plan.transfers[0])
            except Unexpected as error:
                if "closed" not in str(error):
                    raise
                return Outcome("expected", "backend reset relayed", self.up, self.down)
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                return Outcome("expected", "backend reset relayed", self.up, self.down)
            raise Unexpected("a message the backend cut off arrived whole")
        for transfer in self.plan.transfers:
            await self.transfer(transfer)
        await self.logout()
        await self.expect_close("after logging out")
        return Outcome("verified", "", self.up, self.down)

    async def transfer(self, transfer):
        if transfer.direction == "up":
            await self.upload(transfer)
            self.up += transfer.size
        else:
            await self.download(transfer)
            self.down += transfer.size

    async def writer_half_command(self):
        command = self.login_lines()[0]
        await self.out(command[:len(command) // 2])

    async def send_login(self):
        lines = self.login_lines()
        for line in lines[:-1]:
            await self.out(line)
            await self.line("before the last login command")
        await self.out(lines[-1])

    async def stall_while_relaying(self):
        transfer = self.plan.transfers[0]
        command, expected = self.download_request(transfer)
        await self.out(command)
        await asyncio.sleep(self.timeouts["proxy"] + 3)
        # The kernel's socket buffers may have taken it all: either way the proxy must close at proxy_timeout.
        await self.expect_close("after stalling a download", prefix_of=expected, bound=STEP_S + 20)


class ImapClient(Client):
    protocol = "imap"

    async def greeting(self):
        await self.expect(b"* OK IMAP4 ready\r\n", "as the greeting")

    def login_lines(self):
        self.login_tag = self.tag()
        return [self.login_tag + f" LOGIN {self.plan.user} pw\r\n".encode()]

    def login_ok(self):
        return self.login_tag + b" OK LOGIN completed\r\n"

    def denied(self):
        return self.login_tag + b" NO Invalid login or password\r\n"

    async def vanish_in_login_literal(self):
        self.login_tag = self.tag()
        user = self.plan.user.encode()
        await self.out(self.login_tag + b" LOGIN {%d}\r\n" % len(user))
        await self.expect(b"+ OK\r\n", "as the literal's continuation")
        await self.out(user[:len(user) // 2])
        reset(self.writer)
        return Outcome("expected", "client vanished mid-literal")

    def noop_command(self):
        self.noop_tag = self.tag()
        return self.noop_tag + b" NOOP\r\n"

    def noop_reply(self):
        return self.noop_tag + b" OK NOOP completed\r\n"

    def download_request(self, transfer):
        tag = self.tag()
        body = content.binary_body(transfer.seed, transfer.size)
        expected = (b"* 1 FETCH (BODY[] {%d}\r\n" % transfer.size + body + b")\r\n" + tag
                    + b" OK FETCH completed\r\n")
        return tag + b" FETCH %d (BODY[]<0.%d>)\r\n" % (transfer.seed, transfer.size), expected

    async def download(self, transfer):
        command, _ = self.download_request(transfer)
        tag = command.split(b" ", 1)[0]
        await self.out(command)
        await self.expect(b"* 1 FETCH (BODY[] {%d}\r\n" % transfer.size, "as the FETCH reply")
        body = await self.exactly(transfer.size, "in the FETCH literal")
        if content.digest(body) != content.digest(content.binary_body(transfer.seed, transfer.size)):
            raise Unexpected(f"FETCH literal of {transfer.size} bytes differs from what the backend sent")
        await self.expect(b")\r\n", "after the FETCH literal")
        await self.expect(tag + b" OK FETCH completed\r\n", "ending FETCH")

    async def upload(self, transfer, vanish=False):
        tag = self.tag()
        body = content.binary_body(transfer.seed, transfer.size)
        await self.out(tag + b" APPEND INBOX {%d}\r\n" % transfer.size)
        await self.expect(b"+ Ready for literal data\r\n", "as APPEND's continuation")
        if vanish:
            await self.out(body[:len(body) // 2])
            return
        await self.out(body + b"\r\n")
        wanted = tag + b" OK [APPENDUID 1 " + content.digest(body).encode() + b"] APPEND completed\r\n"
        got = await self.line("as APPEND's result")
        if got != wanted:
            raise Unexpected(f"APPEND of {transfer.size} bytes: expected {wanted!r}, got {got[:200]!r}")

    async def vanish_while_relaying(self):
        await self.upload(self.plan.transfers[0], vanish=True)

    async def logout(self):
        tag = self.tag()
        await self.out(tag + b" LOGOUT\r\n")
        await self.expect(b"* BYE logging out\r\n", "to LOGOUT")
        await self.expect(tag + b" OK LOGOUT completed\r\n", "ending LOGOUT")


class Pop3Client(Client):
    protocol = "pop3"

    async def greeting(self):
        await self.expect(b"+OK POP3 ready\r\n", "as the greeting")

    def login_lines(self):
        return [f"USER {self.plan.user}\r\n".encode(), b"PASS pw\r\n"]

    def login_ok(self):
        return b"+OK logged in\r\n"

    def denied(self):
        return b"-ERR Invalid login or password\r\n"

    def noop_command(self):
        return b"NOOP\r\n"

    def noop_reply(self):
        return b"+OK\r\n"

    def download_request(self, transfer):
        body = content.dot_stuff(content.text_body(transfer.seed, transfer.size))
        return b"RETR %d %d\r\n" % (transfer.seed, transfer.size), b"+OK %d octets\r\n" % transfer.size + body

    async def download(self, transfer):
        command, _ = self.download_request(transfer)
        await self.out(command)
        await self.expect(b"+OK %d octets\r\n" % transfer.size, "as the RETR reply")
        try:
            wire = await asyncio.wait_for(self.reader.readuntil(b"\r\n.\r\n"), STEP_S)
        except asyncio.TimeoutError:
            raise Unexpected(f"no end of the RETR body within {STEP_S:.0f} s") from None
        except asyncio.IncompleteReadError as error:
            raise Unexpected(f"connection closed in the RETR body after {len(error.partial)} bytes"
                             f"{self.since_sent()}") from None
        if content.dot_unstuff(wire) != content.text_body(transfer.seed, transfer.size):
            raise Unexpected(f"RETR body for {transfer.size} bytes differs from what the backend sent")

    async def vanish_while_relaying(self):
        await self.out(b"RETR 1")

    async def logout(self):
        await self.out(b"QUIT\r\n")
        await self.expect(b"+OK bye\r\n", "to QUIT")


class SmtpClient(Client):
    protocol = "smtp"

    async def greeting(self):
        await self.expect(b"220 soak.example.test ESMTP ready\r\n", "as the greeting")
        await self.out(b"EHLO client.soak.test\r\n")
        while True:
            line = await self.line("in the EHLO reply")
            if not line.startswith(b"250"):
                raise Unexpected(f"EHLO reply line {line!r}")
            if line[3:4] == b" ":
                return

    def login_lines(self):
        token = base64.b64encode(f"\0{self.plan.user}\0pw".encode())
        return [b"AUTH PLAIN " + token + b"\r\n"]

    def login_ok(self):
        return b"235 2.0.0 OK\r\n"

    def denied(self):
        return b"535 5.7.0 Invalid login or password\r\n"

    async def vanish_in_login_literal(self):
        raise Unexpected("no literals in SMTP")

    def noop_command(self):
        return b"NOOP\r\n"

    def noop_reply(self):
        return b"250 2.0.0 OK\r\n"

    async def envelope(self):
        await self.out(b"MAIL FROM:<a@soak.test>\r\n")
        await self.expect(b"250 2.1.0 OK\r\n", "to MAIL")
        await self.out(b"RCPT TO:<b@soak.test>\r\n")
        await self.expect(b"250 2.1.5 OK\r\n", "to RCPT")
        await self.out(b"DATA\r\n")
        await self.expect(b"354 go ahead\r\n", "to DATA")

    async def upload(self, transfer):
        body = content.text_body(transfer.seed, transfer.size)
        await self.envelope()
        await self.out(content.dot_stuff(body))
        wanted = b"250 2.0.0 OK sha1=" + content.digest(body).encode() + b"\r\n"
        got = await self.line("after the message")
        if got != wanted:
            raise Unexpected(f"DATA of {transfer.size} bytes: expected {wanted!r}, got {got[:200]!r}")

    async def vanish_while_relaying(self):
        transfer = self.plan.transfers[0]
        await self.envelope()
        stuffed = content.dot_stuff(content.text_body(transfer.seed, transfer.size))
        await self.out(stuffed[:len(stuffed) // 2])

    async def stall_while_relaying(self):
        await self.vanish_while_relaying()
        await asyncio.sleep(self.timeouts["proxy"] + 3)
        await self.expect_close("after stalling mid-DATA", bound=STEP_S)

    async def logout(self):
        await self.out(b"QUIT\r\n")
        await self.expect(b"221 2.0.0 Bye\r\n", "to QUIT")


CLIENTS = {"imap": ImapClient, "pop3": Pop3Client, "smtp": SmtpClient}
