"""The soak report: sessions by outcome, bytes verified, crashes, sanitizer reports, fd/RSS growth, the
error log by kind; and the verdict (a list of failures, empty when the run passed)."""

import json
import statistics

# Growth tolerated between the first and the last quarter of the steady window (medians of the samples).
RSS_GROWTH = (0.10, 8 * 1024)   # 10 % or 8 MiB, whichever is larger
FD_GROWTH = (0.15, 32)          # 15 % or 32 descriptors
# The driver's event loop may fall behind (a loaded machine): past these, its clocks and keep-alives are late
# enough to provoke timeouts that are not the proxy's doing, so the run cannot be judged. The worst delay must
# stay well inside the 5 s login timers and the 8 s between a keep-alive and proxy_timeout; the 99th
# percentile catches a driver starved all along rather than once.
LOOP_LAG_LIMIT_S = 3.0
LOOP_LAG_P99_LIMIT_S = 0.5
FD_END_SLACK = 2                # fds once every session is over, beyond the idle baseline
# Spare splice pipes a reference worker may keep for the next bulk transfer (reference/backend/SplicePipes.cpp:
# kMaxSpare pipes of two descriptors); they are not sessions' descriptors.
SPARE_PIPE_FDS = 2 * 64
WARMUP_FRACTION = 0.4           # of the start window; at least two mean holds


def windows(result, hold_s):
    first, last = result.timeline["first_start"], result.timeline["last_start"]
    warmup_end = first + max(WARMUP_FRACTION * (last - first), 2 * hold_s)
    return warmup_end, last


def _growth(values_early, values_late, tolerance):
    early, late = statistics.median(values_early), statistics.median(values_late)
    allowed = max(early * tolerance[0], tolerance[1])
    return early, late, late - early, allowed


def growth_checks(result, hold_s):
    """[(name, text, ok)] for the fd and RSS checks."""
    samples = result.samples
    checks = []
    if not samples:
        return [("samples", "no samples of the proxy were taken", False)]
    # Pipes are counted apart: a pool of spare splice pipes may outlive the sessions, within its bound.
    pipes = [sample[4] if len(sample) > 4 else 0 for sample in (samples[0], samples[-1])]
    baseline_fds, final_fds = samples[0][1] - pipes[0], samples[-1][1] - pipes[1]
    checks.append(("fds at the end", f"{final_fds} open once every session ended, {baseline_fds} idle before "
                   f"the first (slack {FD_END_SLACK}; pipes apart)", final_fds <= baseline_fds + FD_END_SLACK))
    checks.append(("spare pipes at the end", f"{pipes[1]} pipe descriptors, {pipes[0]} idle before the first "
                   f"(at most {SPARE_PIPE_FDS} more: the worker's spare splice pipes)",
                   pipes[1] <= pipes[0] + SPARE_PIPE_FDS))
    start, end = windows(result, hold_s)
    steady = [sample for sample in samples if start <= sample[0] <= end]
    if len(steady) < 8:
        checks.append(("steady window", f"only {len(steady)} samples between {start:.0f} s and {end:.0f} s: "
                       "growth not judged (run longer)", True))
        return checks
    quarter = max(2, len(steady) // 4)
    for name, index, tolerance, unit in (("fds", 1, FD_GROWTH, ""), ("RSS", 2, RSS_GROWTH, " KiB")):
        early, late, grown, allowed = _growth([s[index] for s in steady[:quarter]],
                                              [s[index] for s in steady[-quarter:]], tolerance)
        checks.append((f"{name} growth", f"median {early:.0f}{unit} in the first quarter of the steady window "
                       f"({start:.0f}-{end:.0f} s), {late:.0f}{unit} in the last: {grown:+.0f}{unit} "
                       f"(allowed {allowed:.0f}{unit})", grown <= allowed))
    return checks


def summarize(result, log_kinds, unclassified, hold_s):
    outcomes = {"verified": 0, "expected": 0, "unexpected": 0}
    by_fault = {}
    up = down = 0
    for plan, outcome in result.outcomes:
        outcomes[outcome.kind] += 1
        row = by_fault.setdefault(plan.fault, {"verified": 0, "expected": 0, "unexpected": 0})
        row[outcome.kind] += 1
        up += outcome.up
        down += outcome.down
    rss = [sample[2] for sample in result.samples] or [0]
    fds = [sample[1] for sample in result.samples] or [0]
    return {
        "sessions": len(result.outcomes), "outcomes": outcomes, "by_fault": by_fault,
        "bytes_up_verified": up, "bytes_down_verified": down, "peak_open_sessions": result.peak_sessions,
        "crash": result.crashed, "sanitizer_reports": len(result.sanitizer_lines),
        "fds": {"idle": fds[0], "peak": max(fds), "end": fds[-1]},
        "rss_kib": {"idle": rss[0], "peak": max(rss), "end": rss[-1]},
        "growth": [{"check": name, "text": text, "ok": ok} for name, text, ok in growth_checks(result, hold_s)],
        "error_log": log_kinds, "unclassified_log_lines": len(unclassified),
        "server_errors": [f"{sid}: {text}" for sid, text in result.server_errors],
        "unexpected": [f"s{plan.sid} {plan.protocol} {plan.fault}: {outcome.detail}"
                       for plan, outcome in sorted(result.outcomes, key=lambda item: item[0].sid)
                       if outcome.kind == "unexpected"],
        "wall_s": round(result.wall_s, 1), "driver_lag_s": round(result.loop_lag_s, 2),
        "driver_lag_p99_s": round(_percentile(result.loop_lags, 0.99), 3),
    }


def failures(summary):
    found = []
    if summary["driver_lag_s"] > LOOP_LAG_LIMIT_S or summary["driver_lag_p99_s"] > LOOP_LAG_P99_LIMIT_S:
        found.append(f"the driver's event loop fell behind by {summary['driver_lag_s']:.1f} s at worst, "
                     f"{summary['driver_lag_p99_s']:.2f} s at the 99th percentile (limits {LOOP_LAG_LIMIT_S}, "
                     f"{LOOP_LAG_P99_LIMIT_S} s): the machine is too loaded for this run to be judged; "
                     "fewer --sessions or a longer --minutes")
    if summary["outcomes"]["unexpected"]:
        found.append(f"{summary['outcomes']['unexpected']} unexpected session outcomes")
    if summary["crash"]:
        found.append(summary["crash"])
    if summary["sanitizer_reports"]:
        found.append(f"{summary['sanitizer_reports']} sanitizer report lines")
    found += [f"{row['check']}: {row['text']}" for row in summary["growth"] if not row["ok"]]
    if summary["unclassified_log_lines"]:
        found.append(f"{summary['unclassified_log_lines']} unclassified error-log lines")
    if summary["server_errors"]:
        found.append(f"{len(summary['server_errors'])} errors in the soak's own servers")
    return found


def _percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _mib(kib):
    return f"{kib / 1024:.1f} MiB"


def render(summary, result, unclassified, label, png_path):
    lines = [f"soak on {label}: {summary['sessions']} sessions in {summary['wall_s']:.0f} s "
             f"(peak {summary['peak_open_sessions']} open at once)", ""]
    lines.append(f"{'fault':28} | verified | expected | unexpected")
    lines.append("-" * 29 + "+" + "-" * 10 + "+" + "-" * 10 + "+" + "-" * 11)
    for fault in sorted(summary["by_fault"]):
        row = summary["by_fault"][fault]
        lines.append(f"{fault:28} | {row['verified']:8} | {row['expected']:8} | {row['unexpected']:10}")
    totals = summary["outcomes"]
    lines.append(f"{'total':28} | {totals['verified']:8} | {totals['expected']:8} | {totals['unexpected']:10}")
    lines.append("")
    lines.append(f"bytes relayed and verified: {summary['bytes_up_verified']:,} up (client to backend), "
                 f"{summary['bytes_down_verified']:,} down")
    lines.append(f"crashes: 1 ({summary['crash']})" if summary["crash"] else "crashes: 0")
    lines.append(f"sanitizer reports: {summary['sanitizer_reports']}")
    lines.append(f"driver event-loop lag: {summary['driver_lag_s']:.2f} s at worst, "
                 f"{summary['driver_lag_p99_s']:.3f} s at the 99th percentile "
                 f"(limits {LOOP_LAG_LIMIT_S}, {LOOP_LAG_P99_LIMIT_S} s)")
    lines.append(f"proxy fds: {summary['fds']['idle']} idle, {summary['fds']['peak']} peak, "
                 f"{summary['fds']['end']} at the end")
    lines.append(f"proxy RSS: {_mib(summary['rss_kib']['idle'])} idle, {_mib(summary['rss_kib']['peak'])} peak, "
                 f"{_mib(summary['rss_kib']['end'])} at the end")
    for row in summary["growth"]:
        lines.append(f"  {'ok  ' if row['ok'] else 'FAIL'} {row['check']}: {row['text']}")
    if png_path:
        lines.append(f"chart: {png_path}")
    lines.append("")
    lines.append("error log by kind:")
    for kind, count in sorted(summary["error_log"].items(), key=lambda item: -item[1]):
        lines.append(f"  {count:8}  {kind}")
    lines.append(f"  {summary['unclassified_log_lines']:8}  unclassified")
    for line in unclassified[:20]:
        lines.append(f"    {line}")
    unexpected = [(plan, outcome) for plan, outcome in result.outcomes if outcome.kind == "unexpected"]
    if unexpected:
        lines.append("")
        lines.append("unexpected sessions (first 30):")
        for plan, outcome in sorted(unexpected, key=lambda item: item[0].sid)[:30]:
            lines.append(f"  s{plan.sid} {plan.protocol} {plan.fault}: {outcome.detail}")
    for text in summary["server_errors"][:20]:
        lines.append(f"  server error: {text}")
    for line in result.sanitizer_lines[:20]:
        lines.append(f"  sanitizer: {line.rstrip()}")
    return "\n".join(lines)


def write_json(summary, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
