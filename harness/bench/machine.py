"""The machine and the versions a bench ran on, for the record on the performance page."""

import datetime
import os
import platform
import subprocess


def _first_line_with(path, prefix):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _output(argv, cwd=None):
    """stdout + stderr of a short command, stripped ("" when it cannot run)."""
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=10, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (completed.stdout + completed.stderr).strip()


def machine():
    memory = _first_line_with("/proc/meminfo", "MemTotal")  # "24683748 kB"
    if memory and memory.split()[0].isdigit():
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB"
    return {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "cpu_model": _first_line_with("/proc/cpuinfo", "model name"), "cpus": os.cpu_count(),
            "kernel": platform.release(), "memory": memory, "python": platform.python_version()}


def git_head(repo_root):
    head = _output(["git", "rev-parse", "--short", "HEAD"], cwd=repo_root)
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo_root)
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else None


def versions(proxies, repo_root):
    """{label: version line} for each proxy (its `-v`), plus the git HEAD of the repository."""
    found = {}
    for proxy in proxies:
        binary = getattr(proxy, "binary", None)
        found[proxy.label] = _output([str(binary), "-v"]) if binary else None
    found["git HEAD"] = git_head(repo_root)
    return found
