"""Memory and CPU of one process, read from /proc (Linux only)."""

import os

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """VmRSS in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def smaps_rollup_kib(pid):
    """{"pss": KiB, "private": KiB (Private_Clean + Private_Dirty)} from smaps_rollup, or Nones when the
    kernel or permissions do not allow it. PSS shares pages with other processes mapping the same files (other
    nginx processes on the machine move it); private pages are this process's alone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in ("Pss", "Private_Clean", "Private_Dirty"):
                    fields[name] = int(rest.split()[0])
    except OSError:
        pass
    private = None
    if "Private_Clean" in fields and "Private_Dirty" in fields:
        private = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"pss": fields.get("Pss"), "private": private}


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        text = handle.read()
    # The command name (field 2) may hold spaces; the fields we want come after its closing parenthesis.
    fields = text[text.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _TICKS_PER_S


def memory_kib(pid):
    """{"rss": KiB, "pss": KiB or None, "private": KiB or None}."""
    return {"rss": rss_kib(pid), **smaps_rollup_kib(pid)}
