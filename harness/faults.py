"""Bytes and pieces of the fault steps, shared by the client leg, the fakes' scripts and the comparison.

`send_random` and `send_line_of` generate the same bytes as mailwire-fake (fakes/pseudo_random.cpp,
docs/fake-protocol.md), so a seed means the same bytes on every leg. `split` cuts one write into pieces the way
the fakes do: "bytes" is one byte per piece; [N, M, ...] is pieces of N, M, ... bytes, then the rest as one.
"""

import functools

MASK64 = (1 << 64) - 1
MAX_GENERATED_BYTES = 16 * 1024 * 1024  # the fakes' limit for send_random and send_line_of
SEND_KINDS = ("send", "send_raw", "send_random", "send_line_of")


@functools.lru_cache(maxsize=8)  # a step's bytes are wanted to send, to render and to compare
def splitmix64_bytes(seed, count):
    """`count` bytes of splitmix64 seeded with `seed`: each output is 8 bytes, least significant first; the last
    output is cut short."""
    out = bytearray()
    state = seed & MASK64
    while len(out) < count:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return bytes(out[:count])


def line_of_bytes(length, char="a"):
    """`length` copies of one byte (a code point U+0000..U+00FF), then CRLF."""
    return char.encode("latin-1") * length + b"\r\n"


def send_bytes(kind, value):
    """The bytes one send-kind step writes (`value` with placeholders substituted)."""
    if kind == "send":
        return value.encode("utf-8") + b"\r\n"
    if kind == "send_raw":
        return value.encode("latin-1")
    if kind == "send_random":
        return splitmix64_bytes(value["seed"], value["bytes"])
    if kind == "send_line_of":
        return line_of_bytes(value["length"], value.get("char", "a"))
    raise ValueError(kind)


def send_length(kind, value):
    """How many bytes a send-kind step writes, without generating them."""
    if kind == "send_random":
        return value["bytes"]
    if kind == "send_line_of":
        return value["length"] + 2
    return len(send_bytes(kind, value))


def split_error(split, length):
    """Why `split` cannot cut a write of `length` bytes (None when it can): piece sizes may not add up to more."""
    if isinstance(split, list) and sum(split) > length:
        return f"the pieces of split {split} add up to {sum(split)} bytes, more than the {length} this step writes"
    return None


def pieces(data, split):
    """`data` cut as `split` says (None: one piece)."""
    if not split:
        return [data] if data else []
    if split == "bytes":
        return [data[index:index + 1] for index in range(len(data))]
    out, offset = [], 0
    for size in split:
        if offset >= len(data):
            break
        out.append(data[offset:offset + size])
        offset += size
    if offset < len(data):
        out.append(data[offset:])
    return out


def describe_split(options):
    """`split: bytes, gap 5 ms` for a report row, or "" without split."""
    split = options.get("split")
    if not split:
        return ""
    text = "split: bytes" if split == "bytes" else f"split: {list(split)}"
    if options.get("gap_ms"):
        text += f", gap {options['gap_ms']} ms"
    return text


def in_pieces(count):
    """` (in 3 pieces)` for a report row."""
    return f" (in {count} piece{'' if count == 1 else 's'})"


def describe_generated(kind, value):
    """A generated step as a report shows it: `<64 random bytes, seed 7>`, `<5000 x 'a' + CRLF>`."""
    if kind == "send_random":
        return f"<{value['bytes']} random bytes, seed {value['seed']}>"
    char = value.get("char", "a")
    shown = repr(char) if 0x20 <= ord(char) < 0x7F else f"\\x{ord(char):02X}"
    return f"<{value['length']} x {shown} + CRLF>"
