"""The results as a table (metric | reference | nginx | ratio) and as JSON."""

import json

# (label, path into one proxy's results, format); ratio is first column / second column.
ROWS = [
    ("idle: RSS KiB per session (lower is better)", ("idle", "rss_kib_per_session"), "{:.2f}"),
    ("idle: PSS KiB per session (lower is better)", ("idle", "pss_kib_per_session"), "{:.2f}"),
    ("idle: private KiB per session (lower is better)", ("idle", "private_kib_per_session"), "{:.2f}"),
    ("idle: RSS KiB before the sessions", ("idle", "before_kib", "rss"), "{:.0f}"),
    ("sessions/s (higher is better)", ("sessions", "sessions_per_s"), "{:.0f}"),
    ("session latency p50 ms", ("sessions", "latency_ms", "p50"), "{:.2f}"),
    ("session latency p99 ms", ("sessions", "latency_ms", "p99"), "{:.2f}"),
    ("proxy CPU us per session", ("sessions", "cpu_us_per_session", "proxy"), "{:.0f}"),
    ("fakes CPU us per session (auth+backend)", ("sessions", "fakes_cpu_us_per_session"), "{:.0f}"),
    ("client CPU, fraction of one core", ("sessions", "client_cpu_fraction"), "{:.2f}"),
    ("failed sessions", ("sessions", "failed"), "{:.0f}"),
    ("upload MiB/s through the proxy (higher is better)", ("relay", "proxied", "mib_per_s"), "{:.0f}"),
    ("upload MiB/s direct to the fake", ("relay", "direct", "mib_per_s"), "{:.0f}"),
    ("upload through proxy / direct", ("relay", "proxied_over_direct"), "{:.2f}"),
    ("proxy CPU ms per MiB relayed", ("relay", "proxied", "cpu_ms_per_mib"), "{:.2f}"),
]


def lookup(results, path):
    value = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def format_table(by_proxy):
    """`by_proxy`: {label: results}, in column order; a ratio column when there are exactly two proxies."""
    labels = list(by_proxy)
    header = ["metric", *labels] + (["ratio"] if len(labels) == 2 else [])
    rows = []
    for title, path, fmt in ROWS:
        values = [lookup(by_proxy[label], path) for label in labels]
        if all(value is None for value in values):
            continue
        cells = [title] + ["-" if value is None else fmt.format(value) for value in values]
        if len(labels) == 2:
            first, second = values
            cells.append(f"{first / second:.2f}" if first is not None and second else "-")
        rows.append(cells)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                 for i, cell in enumerate(cells)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), separator, *(line(row) for row in rows)])


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")
