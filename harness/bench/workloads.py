"""What `mailwire bench` measures: one Workload per table row group, with its quick and full sizes."""

from dataclasses import dataclass, field

MIB = 1024 * 1024


@dataclass(frozen=True)
class Workload:
    name: str            # the row's name in the table and the JSON
    protocol: str        # imap | pop3 | smtp: which proxy server and which fake backend
    mode: str            # mailwire-load --mode
    concurrency: int
    kind: str            # rate (sessions/s) | relay (MB/s) | idle (KiB per session)
    duration_s: float = 0.0  # rate: sessions back to back for this long
    sessions: int = 0        # relay: this many sessions; idle: sessions held
    bytes: int = 0           # relay: payload per session
    workers: int = 1         # the proxy's worker_processes (2: master + 2 workers, load on 2 threads)
    direct: bool = True      # also run straight at the fake backend (the ceiling)
    note: str = field(default="", compare=False)

    @property
    def threads(self):
        return 2 if self.workers > 1 else 1


def workloads(quick):
    """The workloads in run order. Quick: shorter runs and smaller transfers, 2,000 idle sessions only."""
    rate_s = 0.5 if quick else 2.0
    fetch = 50_000_000 if quick else 200_000_000
    upload = (4 if quick else 10) * MIB
    rows = [
        Workload("imap login+logout", "imap", "imap-login", 100, "rate", duration_s=rate_s,
                 note="100 concurrent, auth_http each"),
        Workload("pop3 user/pass/quit", "pop3", "pop3-login", 100, "rate", duration_s=rate_s,
                 note="100 concurrent, auth_http each"),
        Workload("smtp session", "smtp", "smtp-session", 50, "rate", duration_s=rate_s,
                 note="50 concurrent, smtp_auth none, XCLIENT, auth_http each"),
        Workload("smtp DATA upload, 4 streams", "smtp", "smtp-data", 4, "relay", sessions=8 if quick else 20,
                 bytes=upload, note=f"{8 if quick else 20} x {upload // MIB} MiB, 4 at a time (client -> backend)"),
        Workload("smtp DATA upload, 1 stream", "smtp", "smtp-data", 1, "relay", sessions=2 if quick else 5,
                 bytes=upload, note=f"{2 if quick else 5} x {upload // MIB} MiB, one at a time"),
        Workload("imap FETCH download, 1 stream", "imap", "imap-fetch", 1, "relay", sessions=1, bytes=fetch,
                 note=f"one {fetch // 1_000_000} MB literal (backend -> client)"),
        Workload("imap FETCH download, 4 streams", "imap", "imap-fetch", 4, "relay", sessions=4,
                 bytes=fetch // 4, note=f"4 x {fetch // 4_000_000} MB at once"),
        Workload("pop3 RETR download, 1 stream", "pop3", "pop3-retr", 1, "relay", sessions=1, bytes=fetch,
                 note=f"one {fetch // 1_000_000} MB message"),
        Workload("imap idle, 2000 sessions", "imap", "idle", 200, "idle", sessions=2000, direct=False,
                 note="authenticated, silent; proxy RSS per session"),
    ]
    if not quick:
        rows.append(Workload("imap idle, 10000 sessions", "imap", "idle", 200, "idle", sessions=10000,
                             direct=False, note="authenticated, silent; proxy RSS per session"))
    for row in list(rows):
        if row.kind == "rate":
            rows.append(Workload(row.name + ", 2 workers", row.protocol, row.mode, row.concurrency, "rate",
                                 duration_s=rate_s, workers=2,
                                 note="worker_processes 2, load (and the direct path) on 2 threads"))
    return rows
