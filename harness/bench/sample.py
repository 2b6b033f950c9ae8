"""One sample: one workload run once, straight at a fake backend (direct) or through a fresh proxy.

Besides the workload's figure, a sample records the proxy's CPU (master + workers, from /proc), the fakes' and
the client's CPU, and the background: the machine's busy CPU during the sample minus all of those, in cores,
so a sample disturbed by other work on the machine can be seen.
"""

import time

from . import procstat
from .load import IdleSessions, LoadError, run_load
from .stack import ProxyRun

SETTLE_S = 0.3  # lets a proxy finish accepting (or freeing) before its memory is read
CLIENT_SATURATED = 0.9  # the client's busy fraction of its threads above which it may be the limit


class Limits:
    """File-descriptor sizing shared by every proxy run."""

    def __init__(self, connections, nofile):
        self.connections = connections
        self.nofile = nofile


def _figures(workload, result, proxy_cpu):
    elapsed = result["elapsed_s"]
    figures = {"elapsed_s": elapsed, "sessions": result["sessions"], "bytes": result["bytes"],
               "latency_ms": result["latency_ms"], "client_cpu_s": result["cpu_s"],
               "client_busy": result["cpu_s"] / elapsed / workload.threads if elapsed > 0 else 0.0}
    figures["client_saturated"] = figures["client_busy"] >= CLIENT_SATURATED
    if workload.kind == "rate":
        figures["value"] = result["sessions"] / elapsed if elapsed > 0 else 0.0
        if proxy_cpu is not None and result["sessions"]:
            figures["cpu_per_unit"] = proxy_cpu / result["sessions"] * 1e6  # us per session
    else:
        figures["value"] = result["bytes"] / elapsed / 1e6 if elapsed > 0 else 0.0  # MB/s
        if proxy_cpu is not None and result["bytes"]:
            figures["cpu_per_unit"] = proxy_cpu / (result["bytes"] / 1e9)  # CPU s per GB
    return figures


def _budget(workload, result, proxy_cpu, proxy_kernel, fakes_cpu):
    """Where the machine's CPU went, per session (us) or per GB (s): the client's, the fakes' and the proxy's
    share, and how much of the proxy's was spent in the kernel (a proxy cannot go below the kernel's part)."""
    units = (result["sessions"] / 1e6 if workload.kind == "rate" else result["bytes"] / 1e9)
    if not units:
        return {}
    budget = {"client_per_unit": result["cpu_s"] / units, "fakes_per_unit": fakes_cpu / units}
    if proxy_cpu:
        budget["proxy_kernel_share"] = (proxy_kernel or 0.0) / proxy_cpu
    return budget


def _timed_run(workload, load_binary, port, fake_pids, proxy_pid=None):
    fakes_before = {pid: procstat.cpu_seconds(pid) for pid in fake_pids}
    proxy_before = procstat.tree_cpu_seconds(proxy_pid) if proxy_pid else None
    kernel_before = procstat.tree_system_seconds(proxy_pid) if proxy_pid else None
    busy_before = procstat.machine_busy_seconds()
    started = time.monotonic()
    result = run_load(load_binary, workload, port)
    wall = time.monotonic() - started
    busy = procstat.machine_busy_seconds() - busy_before
    proxy_cpu = procstat.cpu_delta(proxy_before, procstat.tree_cpu_seconds(proxy_pid)) if proxy_pid else None
    proxy_kernel = procstat.cpu_delta(kernel_before, procstat.tree_system_seconds(proxy_pid)) if proxy_pid else None
    fakes_cpu = sum(procstat.cpu_seconds(pid) - before for pid, before in fakes_before.items())
    figures = _figures(workload, result, proxy_cpu)
    figures["proxy_cpu_s"] = proxy_cpu
    figures["fakes_cpu_s"] = fakes_cpu
    figures.update(_budget(workload, result, proxy_cpu, proxy_kernel, fakes_cpu))
    ours = (proxy_cpu or 0.0) + fakes_cpu + result["cpu_s"]
    figures["background_cores"] = max(0.0, busy - ours) / wall if wall > 0 else 0.0
    figures["machine_cores"] = busy / wall if wall > 0 else 0.0
    figures["loadavg"] = procstat.loadavg_1min()
    return figures


def sample_direct(workload, load_binary, fakes):
    """The workload straight at its fake backend: the ceiling of this machine, client and fakes."""
    return _timed_run(workload, load_binary, fakes.backend_ports[workload.protocol], fakes.pids.values())


def sample_proxy(workload, proxy, load_binary, fakes, limits, keep_dir=False):
    with ProxyRun(proxy, fakes, workload.workers, limits.connections, limits.nofile, keep_dir) as run:
        if workload.kind == "idle":
            return _idle(workload, load_binary, run)
        return _timed_run(workload, load_binary, run.ports[workload.protocol], fakes.pids.values(), run.pid)


def _idle(workload, load_binary, run):
    """Proxy memory (all its processes) before and after N authenticated silent sessions, per session."""
    time.sleep(SETTLE_S)
    before = procstat.tree_memory_kib(run.pid)
    busy_before = procstat.machine_busy_seconds()
    started = time.monotonic()
    with IdleSessions(load_binary, workload, run.ports[workload.protocol]) as idle:
        time.sleep(SETTLE_S)
        after = procstat.tree_memory_kib(run.pid)
        settled = idle.ready["settled"]
    if not idle.result or idle.result["errors"] or idle.result["held"] != workload.sessions:
        reasons = idle.result["error_reasons"] if idle.result else "no result"
        raise LoadError(f"{workload.name}: {idle.result['held'] if idle.result else 0} of {workload.sessions} "
                        f"sessions held to the end: {reasons}")
    held = idle.result["held"]
    errors = idle.result["errors"]
    wall = time.monotonic() - started
    figures = {"sessions": held, "errors": errors, "settled": settled, "before_kib": before, "after_kib": after,
               "value": (after["rss"] - before["rss"]) / held if held else None,
               "background_cores": max(0.0, procstat.machine_busy_seconds() - busy_before) / wall,
               "loadavg": procstat.loadavg_1min()}
    if held and before["pss"] is not None and after["pss"] is not None:
        figures["pss_kib_per_session"] = (after["pss"] - before["pss"]) / held
    if idle.result:
        figures["latency_ms"] = idle.result["latency_ms"]
    return figures
