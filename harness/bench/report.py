"""The results as a Markdown table, and the performance page around it (pure functions of the document)."""

import json
from pathlib import Path

UNITS = {"rate": ("sessions/s", "us/session"), "relay": ("MB/s", "CPU s/GB"), "idle": ("KiB RSS/session", None)}
NOISY_CORES = 0.5  # background CPU (cores) above which a sample is marked as disturbed


def _number(value, digits=None):
    if value is None:
        return "-"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f}"


def _ratio(ratio):
    if not ratio:
        return "-"
    return f"{ratio['median']:.2f} ({ratio['min']:.2f}..{ratio['max']:.2f})"


def table_rows(document):
    """[[cells]]: one row per workload (and the login latency rows), the header first."""
    proxies = document["proxies"]
    pair = len(proxies) == 2
    header = ["workload", "unit", "direct", *proxies]
    if pair:
        header.append(f"{proxies[0]}/{proxies[1]} (rounds)")
    header += [f"CPU {label}" for label in proxies] + ["CPU unit", "background cores"]
    rows = [header]
    for workload in document["workloads"]:
        unit, cpu_unit = UNITS[workload["kind"]]
        summary = workload["summary"]
        values = summary["value"]["median"]
        direct = values.get("direct")
        cells = [workload["name"], unit, _number(direct)]
        for label in proxies:
            cell = _number(values.get(label))
            if direct and values.get(label) is not None and workload["kind"] != "idle":
                cell += f" ({values[label] / direct:.0%})"
            cells.append(cell)
        if pair:
            cells.append(_ratio(summary["value"]["ratio"]))
        cpu = summary.get("cpu_per_unit", {}).get("median", {})
        cells += [_number(cpu.get(label)) for label in proxies]
        cells.append(cpu_unit or "-")
        background = summary.get("background_cores")
        noisy = background is not None and background["max"] > NOISY_CORES
        cells.append("-" if background is None else
                     f"{background['median']:.2f} (max {background['max']:.2f}){' noisy' if noisy else ''}")
        rows.append(cells)
        for key, title in (("latency_p50", "p50"), ("latency_p99", "p99")):
            if key in summary and workload["kind"] == "rate" and workload.get("workers", 1) == 1:
                latency = summary[key]
                row = [f"{workload['name']}: session latency {title}", "ms",
                       _number(latency["median"].get("direct"))]
                row += [_number(latency["median"].get(label)) for label in proxies]
                if pair:
                    row.append(_ratio(latency["ratio"]))
                row += ["-"] * (len(proxies) + 2)
                rows.append(row)
    return rows


def budget_rows(document):
    """[[cells]]: per rate and relay workload, the CPU each party spent per unit (client, fakes, proxy: their
    sum is what one session or one GB costs the machine), the proxy's kernel share, and the cores busy."""
    proxies = document["proxies"]
    columns = ["direct", *proxies]
    header = ["workload", "unit", *(f"{label}: client + fakes + proxy" for label in columns),
              *(f"{label} in kernel" for label in proxies), f"cores busy ({' / '.join(columns)})"]
    rows = [header]
    for workload in document["workloads"]:
        if workload["kind"] == "idle":
            continue
        summary = workload["summary"]
        if "client_per_unit" not in summary:
            continue

        def medians(key):
            return summary.get(key, {}).get("median", {})

        client, fakes, proxy = medians("client_per_unit"), medians("fakes_per_unit"), medians("cpu_per_unit")
        unit = "us/session" if workload["kind"] == "rate" else "CPU s/GB"
        cells = [workload["name"], unit]
        for label in columns:
            parts = [client.get(label), fakes.get(label)] + ([proxy.get(label)] if label != "direct" else [])
            if any(part is None for part in parts):
                cells.append("-")
                continue
            cells.append(" + ".join(_number(part) for part in parts) + f" = {_number(sum(parts))}")
        kernel = medians("proxy_kernel_share")
        cells += ["-" if kernel.get(label) is None else f"{kernel[label]:.0%}" for label in proxies]
        cores = medians("machine_cores")
        cells.append(" / ".join(_number(cores.get(label), 2) for label in columns))
        rows.append(cells)
    return rows if len(rows) > 1 else []


def format_table(document, rows=None):
    rows = table_rows(document) if rows is None else rows
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells):
        return "| " + " | ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                 for i, cell in enumerate(cells)) + " |"

    separator = "|" + "|".join(("-" * (width + 1)) + (":" if i else "-") for i, width in enumerate(widths)) + "|"
    return "\n".join([line(rows[0]), separator, *(line(row) for row in rows[1:])])


def scaling_lines(document):
    """"<workload>: reference x1.62, nginx x1.80": each proxy's rate with 2 workers over its rate with 1."""
    by_name = {workload["name"]: workload for workload in document["workloads"]}
    lines = []
    for workload in document["workloads"]:
        one = by_name.get(workload["name"].replace(", 2 workers", ""))
        if workload.get("workers", 1) < 2 or one is None or one is workload:
            continue
        parts = []
        for label in document["proxies"]:
            two_rate = workload["summary"]["value"]["median"].get(label)
            one_rate = one["summary"]["value"]["median"].get(label)
            parts.append(f"{label} x{two_rate / one_rate:.2f}" if two_rate and one_rate else f"{label} -")
        lines.append(f"* {one['name']}: {', '.join(parts)}")
    return lines


def format_page(document, chart_name):
    """docs/performance.md: how it was made, the machine and versions, the table and the chart."""
    machine = document["machine"]
    options = document["options"]
    lines = [
        "# Performance: mailwire-proxy next to nginx",
        "",
        f"Generated by `./mailwire bench{' --quick' if options['quick'] else ''}` on {machine['date']}; "
        "do not edit by hand (docs/benchmarks.md says what each figure means).",
        "",
        f"* Machine: {machine['cpu_model'] or 'unknown CPU'}, {machine['cpus']} CPUs, {machine['memory']} RAM, "
        f"Linux {machine['kernel']}",
        *(f"* {label}: {version or 'unknown'}" for label, version in document["versions"].items()),
        f"* {options['rounds']} rounds, the proxies alternated A B / B A (ABBA); every proxy sample on a fresh "
        "instance; medians, with the range of the per-round ratios in brackets",
        "* Higher is better for sessions/s and MB/s, lower for KiB, ms and CPU; percentages: share of the direct "
        "path (the client straight at the fake backend, no proxy)",
        "* CPU: the proxy's own (master + workers, utime + stime from /proc) per session or per GB relayed",
        f"* Background: CPU cores busy with other work during the sample (median and max); above "
        f"{NOISY_CORES} cores the row is marked noisy",
        "",
        format_table(document),
        "",
        *((["`worker_processes 2` scaling (rate with 2 workers / rate with 1, medians):", "",
            *scaling_lines(document), ""]) if scaling_lines(document) else []),
        f"![rates, throughput and idle memory]({chart_name})",
        "",
    ]
    budget = budget_rows(document)
    if budget:
        lines += [
            "## Where the machine's CPU went",
            "",
            "Per session (us) or per GB relayed (CPU s), medians: the load client's CPU, the fakes' (backend and "
            "auth server) and the proxy's; their sum is what one unit costs this machine. \"in kernel\": the "
            "share of the proxy's CPU spent in system calls and the network stack (stime over utime + stime), "
            "a floor no user-space work removes. Cores busy: the whole machine during the sample (it has "
            f"{machine['cpus']}). A rate or throughput is bounded by cores / cost per unit.",
            "",
            format_table(document, budget),
            "",
        ]
    saturated = [workload["name"] for workload in document["workloads"] if workload.get("client_saturated")]
    if saturated:
        lines += [f"Note: the client used over 90 % of its threads in: {', '.join(saturated)}.", ""]
    return "\n".join(lines)


def write_json(path, document):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
