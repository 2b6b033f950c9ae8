"""Small socket moves shared by the soak's clients and servers: resets, slow writes, bounded reads."""

import asyncio
import socket
import struct

LINGER_RESET = struct.pack("ii", 1, 0)


def reset(writer):
    """Closes with RST: SO_LINGER {1, 0}, then abort (nothing buffered is sent)."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
    except OSError:
        pass
    writer.transport.abort()


async def send(writer, data, slow=None):
    """Writes `data`; with `slow` (a random.Random), in pieces with short gaps between them: 1 to 7 bytes for a
    command or reply, 16 to 64 KiB for a message body (proxy_timeout is not re-armed by backend traffic, so a
    body dripping out for longer than it would rightly be cut)."""
    if slow is None:
        writer.write(data)
        await writer.drain()
        return
    position = 0
    while position < len(data):
        piece = slow.randint(1, 7) if len(data) < 512 else slow.randint(16384, 65536)
        writer.write(data[position:position + piece])
        await writer.drain()
        position += piece
        await asyncio.sleep(slow.uniform(0.001, 0.006))


async def read_to_eof(reader, limit_s):
    """Everything until EOF or a reset, as (bytes, how it ended: "eof" | "reset" | "timeout")."""
    chunks = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return b"".join(chunks), "timeout"
        try:
            chunk = await asyncio.wait_for(reader.read(65536), remaining)
        except asyncio.TimeoutError:
            return b"".join(chunks), "timeout"
        except (ConnectionError, OSError):
            return b"".join(chunks), "reset"
        if not chunk:
            return b"".join(chunks), "eof"
        chunks.append(chunk)


def close_quietly(writer):
    try:
        writer.close()
    except (ConnectionError, OSError, RuntimeError):
        pass
