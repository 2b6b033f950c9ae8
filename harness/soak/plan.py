"""Seeded session plans: which protocol, which fault on which leg and at which point, what to transfer.

One `random.Random(seed)` draws every plan up front, so a seed names the whole run: the same seed gives the
same sessions, faults and message sizes (timing on the wire still varies with the machine).
"""

import random
from dataclasses import dataclass, field

PROTOCOLS = ("imap", "pop3", "smtp")

# (fault, weight, protocols it applies to). `none` sessions run to the end and verify every message.
FAULTS = (
    ("none", 44, PROTOCOLS),
    ("client:slow", 5, PROTOCOLS),              # byte-sized writes with gaps, small slow reads; must complete
    ("client:reset_preauth", 3, PROTOCOLS),     # RST in the middle of the login command
    ("client:halfclose_preauth", 2, PROTOCOLS),  # the login command, then FIN
    ("client:stall_preauth", 3, PROTOCOLS),     # half a command, then silence until the proxy's `timeout`
    ("client:vanish_literal", 2, ("imap",)),    # LOGIN {n}, half the literal, then RST
    ("client:vanish_relay", 4, PROTOCOLS),      # mid-upload (APPEND literal, DATA) or mid-command, then RST
    ("client:halfclose_relay", 2, PROTOCOLS),   # a NOOP then FIN while proxying
    ("client:stall_reading", 2, PROTOCOLS),     # stops reading a large download (SMTP: stops mid-DATA)
    ("auth:timeout", 3, PROTOCOLS),             # auth server never answers: auth_http_timeout
    ("auth:garbage", 2, PROTOCOLS),             # an invalid response head
    ("auth:reset", 2, PROTOCOLS),               # RST instead of a response
    ("auth:close", 1, PROTOCOLS),               # closes without a response
    ("auth:deny", 3, PROTOCOLS),                # Auth-Status: Invalid login or password
    ("auth:slow_split", 2, PROTOCOLS),          # the response in pieces with gaps; must complete
    ("auth:dead_backend", 2, PROTOCOLS),        # points at a port nobody listens on
    ("backend:greet_reset", 2, PROTOCOLS),      # RST instead of a greeting
    ("backend:greet_garbage", 2, PROTOCOLS),    # a greeting that is not one
    ("backend:greet_stall", 1, PROTOCOLS),      # no greeting at all: the proxy's `timeout`
    ("backend:first_reset", 2, PROTOCOLS),      # RST after reading the proxy's first login command
    ("backend:login_reset", 2, PROTOCOLS),      # RST at the last login step (password, XCLIENT)
    ("backend:login_garbage", 2, PROTOCOLS),    # a rejecting reply to the last login step
    ("backend:relay_reset", 3, PROTOCOLS),      # RST in the middle of a download (SMTP: of an upload)
    ("backend:relay_halfclose", 2, PROTOCOLS),  # a last line, then FIN, while proxying
    ("backend:slow", 3, PROTOCOLS),             # every reply in small pieces with gaps; must complete
)

SMALL_MIN, SMALL_MAX = 64, 128 * 1024
LARGE_MIN, LARGE_MAX = 1024 * 1024, 2 * 1024 * 1024
STALL_DOWNLOAD = 4 * 1024 * 1024  # big enough that the proxy's writes to the stalled client usually block


@dataclass
class Transfer:
    """One message: `up` (client to backend: IMAP APPEND, SMTP DATA) or `down` (IMAP FETCH, POP3 RETR)."""
    direction: str
    size: int
    seed: int


@dataclass
class SessionPlan:
    sid: int
    protocol: str
    fault: str
    start_at: float                      # seconds after the first session starts
    hold_s: float = 0.0                  # idle time in proxy mode, with keep-alive NOOPs
    transfers: list = field(default_factory=list)

    @property
    def user(self):
        return f"s{self.sid}"

    @property
    def leg(self):
        return self.fault.split(":", 1)[0]


def _size(rng):
    if rng.random() < 0.01:
        return rng.randint(LARGE_MIN, LARGE_MAX)
    # log-uniform: many small messages, some large ones
    return int(SMALL_MIN * (SMALL_MAX / SMALL_MIN) ** rng.random())


def _transfers(rng, protocol):
    directions = {"imap": ("up", "down"), "pop3": ("down",), "smtp": ("up",)}[protocol]
    return [Transfer(rng.choice(directions), _size(rng), rng.getrandbits(48)) for _ in range(rng.randint(1, 3))]


def make_plans(seed, sessions, window_s, hold_s):
    """`sessions` plans whose starts are spread evenly over `window_s`; fault-free sessions idle for up to
    2 * `hold_s` (uniform) so that many are open at once."""
    rng = random.Random(seed)
    plans = []
    for sid in range(1, sessions + 1):
        protocol = rng.choice(PROTOCOLS)
        choices = [(name, weight) for name, weight, protocols in FAULTS if protocol in protocols]
        fault = rng.choices([name for name, _ in choices], weights=[weight for _, weight in choices])[0]
        start = (sid - 1) * window_s / max(sessions, 1) + rng.uniform(0, window_s / max(sessions, 1))
        plan = SessionPlan(sid, protocol, fault, start)
        plan.transfers = _transfers(rng, protocol)
        if fault == "none":
            plan.hold_s = rng.uniform(0, 2 * hold_s)
        if fault == "client:stall_reading" and protocol != "smtp":
            plan.transfers = [Transfer("down", STALL_DOWNLOAD, rng.getrandbits(48))]
        if fault == "backend:relay_reset":
            # the fault needs something in flight: a large enough message in the direction the backend cuts
            direction = "up" if protocol == "smtp" else "down"
            plan.transfers = [Transfer(direction, rng.randint(256 * 1024, LARGE_MAX), rng.getrandbits(48))]
        if fault == "client:vanish_relay" and protocol != "pop3":
            plan.transfers = [Transfer("up", rng.randint(64 * 1024, LARGE_MAX), rng.getrandbits(48))]
        plans.append(plan)
    return plans
