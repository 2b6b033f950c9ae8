"""CPU and memory of a process tree, and the machine's CPU use, read from /proc (Linux only)."""

import os

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def children(pid):
    """The pids of `pid`'s children (a master's workers), or [] when it has none or has gone."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(word) for word in handle.read().split()]
    except OSError:
        return []


def tree(pid):
    """`pid` and its children: what a master + workers proxy is made of."""
    return [pid, *children(pid)]


def cpu_split(pid):
    """(user, system) CPU seconds the process has used so far ((0, 0) if it has gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            text = handle.read()
    except OSError:
        return 0.0, 0.0
    # The command name (field 2) may hold spaces; the fields we want come after its closing parenthesis.
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[11]) / _TICKS_PER_S, int(fields[12]) / _TICKS_PER_S


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far (0 if it has gone)."""
    return sum(cpu_split(pid))


def tree_system_seconds(pid):
    """{pid: system (kernel) CPU seconds} for `pid` and its current children."""
    return {member: cpu_split(member)[1] for member in tree(pid)}


def tree_cpu_seconds(pid):
    """{pid: CPU seconds} for `pid` and its current children (read them before the workers exit)."""
    return {member: cpu_seconds(member) for member in tree(pid)}


def cpu_delta(before, after):
    """CPU seconds used between two tree_cpu_seconds() readings (a worker born in between counts whole)."""
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def memory_kib(pid):
    """{"rss": VmRSS, "pss": Pss or None} in KiB; zeros for a process that has gone."""
    rss = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        return {"rss": 0, "pss": None}
    pss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return {"rss": rss, "pss": pss}


def tree_memory_kib(pid):
    """RSS and PSS summed over `pid` and its children."""
    total = {"rss": 0, "pss": 0}
    for member in tree(pid):
        memory = memory_kib(member)
        total["rss"] += memory["rss"]
        total["pss"] = None if total["pss"] is None or memory["pss"] is None else total["pss"] + memory["pss"]
    return total


def machine_busy_seconds():
    """CPU seconds the whole machine has spent busy (every CPU: all but idle and iowait) since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(word) for word in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice: guest time is already inside user and
    # nice, steal is another machine's.
    busy = sum(fields[0:3]) + sum(fields[5:7])
    return busy / _TICKS_PER_S


def loadavg_1min():
    with open("/proc/loadavg", encoding="ascii") as handle:
        return float(handle.read().split()[0])
