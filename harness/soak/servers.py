"""The soak's auth_http server and IMAP, POP3 and SMTP backends, in the driver's own event loop.

They know each session's plan (the login is `s<id>`; an IMAP tag starts with it too), so each plays its part
of the planned fault. Faults that strike before the backend can tell which session a connection belongs to
(no greeting, a bad greeting, a reset after the first command) get listeners of their own: the auth server
sends those sessions there. Every backend records, per session, when the proxy closed its connection, so a
client that vanished can check that the proxy let go of the backend as well.
"""

import asyncio
import random
import re

from . import content
from .wire import close_quietly, read_to_eof, reset, send

LISTENER_MODES = ("normal", "greet_reset", "greet_garbage", "greet_stall", "first_reset")
GREETINGS = {"imap": b"* OK soak backend ready\r\n", "pop3": b"+OK soak backend ready\r\n",
             "smtp": b"220 soak.backend.test ESMTP\r\n"}
GARBAGE_GREETING = b"HTTP/1.1 400 Bad Request\r\n"
GOING_AWAY = {"imap": b"* BYE soak backend going away\r\n", "pop3": b"-ERR soak backend going away\r\n",
              "smtp": b"421 4.3.2 soak backend going away\r\n"}
SMTP_EHLO = b"250-soak.backend.test\r\n250-XCLIENT ADDR LOGIN NAME\r\n250 8BITMIME\r\n"
USER_RE = re.compile(rb"s(\d+)")
RELAY_RESET_AFTER = 128 * 1024
BUFFER_LIMIT = 16 * 1024 * 1024  # a whole SMTP body is read in one readuntil()


class SessionRecord:
    """What the servers share with a session's client."""

    def __init__(self, plan):
        self.plan = plan
        self.backend_closed = asyncio.Event()
        self.auth_requests = 0


class Servers:
    def __init__(self, registry, proxy_timeout_s, login_timeout_s):
        self.registry = registry
        self.proxy_timeout_s = proxy_timeout_s
        self.login_timeout_s = login_timeout_s
        self.ports = {}           # (protocol, mode) -> port
        self.auth_port = None
        self.dead_port = None     # reserved by the caller: refuses connections
        self._servers = []
        self._tasks = set()
        self.auth_unknown = 0
        self.backend_errors = []  # (sid or None, text): a server-side surprise, reported as unexpected

    async def start(self, dead_port):
        self.dead_port = dead_port
        for protocol in GREETINGS:
            for mode in LISTENER_MODES:
                server = await asyncio.start_server(
                    lambda r, w, p=protocol, m=mode: self._backend(p, m, r, w), "127.0.0.1", 0, backlog=4096,
                    limit=BUFFER_LIMIT)
                self._servers.append(server)
                self.ports[(protocol, mode)] = server.sockets[0].getsockname()[1]
        server = await asyncio.start_server(self._auth, "127.0.0.1", 0, backlog=4096)
        self._servers.append(server)
        self.auth_port = server.sockets[0].getsockname()[1]

    async def stop(self):
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()

    # ---------------------------------------------------------------- auth_http

    async def _auth(self, reader, writer):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
            close_quietly(writer)
            return
        fields = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        match = USER_RE.fullmatch(fields.get(b"auth-user", b""))
        record = self.registry.get(int(match.group(1))) if match else None
        if record is None:
            self.auth_unknown += 1
            writer.write(b"HTTP/1.0 200 OK\r\nAuth-Status: Unknown soak user\r\n\r\n")
            close_quietly(writer)
            return
        record.auth_requests += 1
        plan = record.plan
        fault = plan.fault
        ok = (f"HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\n"
              f"Auth-Port: {self._backend_port(plan)}\r\n\r\n").encode()
        try:
            if fault == "auth:timeout":
                await read_to_eof(reader, 30)
            elif fault == "auth:garbage":
                writer.write(b"HTTP/1.0 200 OK\r\nAuth Status: OK\r\n\r\n")
            elif fault == "auth:reset":
                reset(writer)
                return
            elif fault == "auth:close":
                pass
            elif fault == "auth:deny":
                writer.write(b"HTTP/1.0 200 OK\r\nAuth-Status: Invalid login or password\r\n\r\n")
            elif fault == "auth:slow_split":
                for piece in (ok[:7], ok[7:40], ok[40:]):
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(0.05)
            elif fault == "auth:dead_backend":
                writer.write(ok.replace(f"Auth-Port: {self._backend_port(plan)}".encode(),
                                        f"Auth-Port: {self.dead_port}".encode()))
            else:
                writer.write(ok)
            await writer.drain()
        except (ConnectionError, OSError):
            pass
        close_quietly(writer)

    def _backend_port(self, plan):
        mode = plan.fault.split(":", 1)[1] if plan.fault.split(":", 1)[0] == "backend" else "normal"
        return self.ports[(plan.protocol, mode if mode in LISTENER_MODES else "normal")]

    # ---------------------------------------------------------------- backends

    async def _backend(self, protocol, mode, reader, writer):
        task = asyncio.current_task()
        self._tasks.add(task)
        session = _BackendSession(self, protocol, reader, writer)
        try:
            await session.run(mode)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - recorded, the run reports it
            self.backend_errors.append((session.record.plan.sid if session.record else None,
                                        f"{protocol} backend: {error!r}"))
        finally:
            if session.record is not None:
                session.record.backend_closed.set()
            close_quietly(writer)
            self._tasks.discard(task)


class _BackendSession:
    def __init__(self, servers, protocol, reader, writer):
        self.servers = servers
        self.protocol = protocol
        self.reader = reader
        self.writer = writer
        self.record = None
        self.slow = None

    def identify(self, line):
        match = USER_RE.search(line)
        self.record = self.servers.registry.get(int(match.group(1))) if match else None
        if self.record is None:
            raise RuntimeError(f"cannot tell the session from {line[:80]!r}")
        if self.fault == "backend:slow":
            self.slow = random.Random(self.record.plan.sid)

    @property
    def fault(self):
        return self.record.plan.fault if self.record else None

    async def out(self, data):
        await send(self.writer, data, self.slow)

    async def line(self):
        data = await self.reader.readline()
        if not data.endswith(b"\n"):  # EOF, perhaps after a partial line the proxy passed on
            raise asyncio.IncompleteReadError(data, None)
        return data

    async def drain_to_eof(self):
        await read_to_eof(self.reader, self.servers.proxy_timeout_s + 30)

    async def run(self, mode):
        if mode == "greet_reset":
            reset(self.writer)
            return
        if mode == "greet_stall":
            await asyncio.sleep(self.servers.login_timeout_s + 1)
            await self.drain_to_eof()
            return
        if mode == "greet_garbage":
            await send(self.writer, GARBAGE_GREETING)
            await self.drain_to_eof()
            return
        await send(self.writer, GREETINGS[self.protocol])
        first = await self.line()
        if mode == "first_reset":
            reset(self.writer)
            return
        await getattr(self, f"_{self.protocol}")(first)

    async def login_fault(self, rejection):
        """At the last login step: True when the planned fault ended the session here."""
        if self.fault == "backend:login_reset":
            reset(self.writer)
            return True
        if self.fault == "backend:login_garbage":
            await self.out(rejection)
            await self.drain_to_eof()
            return True
        return False

    async def going_away(self):
        """backend:relay_halfclose: a last line, FIN, then wait for the proxy to close."""
        await self.out(GOING_AWAY[self.protocol])
        self.writer.write_eof()
        await self.drain_to_eof()

    async def send_cut(self, head, body, tail):
        """A download; backend:relay_reset sends part of it and resets."""
        if self.fault == "backend:relay_reset":
            await self.out(head + body[:len(body) // 2])
            await asyncio.sleep(0.05)
            reset(self.writer)
            return False
        await self.out(head + body + tail)
        return True

    async def _imap(self, first):
        self.identify(first)
        tag = first.split(b" ", 1)[0]
        await self.out(b"+ OK\r\n")
        await self.line()
        await self.out(b"+ OK\r\n")
        await self.line()
        if await self.login_fault(tag + b" NO [AUTHENTICATIONFAILED] soak says no\r\n"):
            return
        await self.out(tag + b" OK LOGIN completed\r\n")
        while True:
            line = await self.line()
            tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
            verb = rest.split(b" ", 1)[0].upper()
            if verb == b"NOOP":
                if self.fault == "backend:relay_halfclose":
                    await self.going_away()
                    return
                await self.out(tag + b" OK NOOP completed\r\n")
            elif verb == b"FETCH":
                seed, size = (int(word) for word in re.match(rb"FETCH (\d+) \(BODY\[\]<0\.(\d+)>\)", rest).groups())
                body = content.binary_body(seed, size)
                head = b"* 1 FETCH (BODY[] {%d}\r\n" % size
                if not await self.send_cut(head, body, b")\r\n" + tag + b" OK FETCH completed\r\n"):
                    return
            elif verb == b"APPEND":
                size = int(re.search(rb"\{(\d+)\}$", rest).group(1))
                await self.out(b"+ Ready for literal data\r\n")
                data = await self.read_upload(size)
                if data is None:
                    return
                await self.line()
                await self.out(tag + b" OK [APPENDUID 1 " + content.digest(data).encode() + b"] APPEND completed\r\n")
            elif verb == b"LOGOUT":
                await self.out(b"* BYE logging out\r\n" + tag + b" OK LOGOUT completed\r\n")
                return
            else:
                await self.out(tag + b" BAD unknown command\r\n")

    async def read_upload(self, size):
        """An IMAP literal of `size` bytes; None when backend:relay_reset cut it."""
        if self.fault == "backend:relay_reset":
            await self.reader.readexactly(min(size, RELAY_RESET_AFTER))
            reset(self.writer)
            return None
        return await self.reader.readexactly(size)

    async def _pop3(self, first):
        self.identify(first)
        await self.out(b"+OK\r\n")
        await self.line()
        if await self.login_fault(b"-ERR [AUTH] soak says no\r\n"):
            return
        await self.out(b"+OK logged in\r\n")
        while True:
            words = (await self.line()).split()
            verb = words[0].upper() if words else b""
            if verb == b"NOOP":
                if self.fault == "backend:relay_halfclose":
                    await self.going_away()
                    return
                await self.out(b"+OK\r\n")
            elif verb == b"RETR":
                seed, size = int(words[1]), int(words[2])
                body = content.dot_stuff(content.text_body(seed, size))
                if not await self.send_cut(b"+OK %d octets\r\n" % size, body, b""):
                    return
            elif verb == b"QUIT":
                await self.out(b"+OK bye\r\n")
                return
            else:
                await self.out(b"-ERR unknown command\r\n")

    async def _smtp(self, first):
        await self.out(SMTP_EHLO)
        xclient = await self.line()
        self.identify(xclient)
        if await self.login_fault(b"550 5.7.0 soak says no\r\n"):
            return
        await self.out(GREETINGS["smtp"])
        while True:
            line = await self.line()
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                await self.out(SMTP_EHLO)
            elif verb == b"MAIL":
                await self.out(b"250 2.1.0 OK\r\n")
            elif verb == b"RCPT":
                await self.out(b"250 2.1.5 OK\r\n")
            elif verb == b"DATA":
                await self.out(b"354 go ahead\r\n")
                data = await self.read_data()
                if data is None:
                    return
                await self.out(b"250 2.0.0 OK sha1=" + content.digest(data).encode() + b"\r\n")
            elif verb == b"NOOP":
                if self.fault == "backend:relay_halfclose":
                    await self.going_away()
                    return
                await self.out(b"250 2.0.0 OK\r\n")
            elif verb == b"QUIT":
                await self.out(b"221 2.0.0 Bye\r\n")
                return
            else:
                await self.out(b"502 5.5.2 unknown command\r\n")

    async def read_data(self):
        """The DATA body, unstuffed; None when backend:relay_reset cut it."""
        if self.fault == "backend:relay_reset":
            await self.reader.readexactly(RELAY_RESET_AFTER)
            reset(self.writer)
            return None
        # One search for the terminator instead of a coroutine step per line: the driver's CPU is the budget.
        return content.dot_unstuff(await self.reader.readuntil(b"\r\n.\r\n"))
