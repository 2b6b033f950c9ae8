"""The PNG chart of a bench (matplotlib from Debian's python3-matplotlib, Agg backend: no display needed)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

PANELS = [("rate", "sessions/s"), ("relay", "MB/s"), ("idle", "KiB RSS per idle session")]
COLOURS = {"direct": "#999999", "reference": "#1f77b4", "nginx": "#2ca02c"}


def draw(document, path):
    """Grouped bars per workload (direct, then each proxy; whiskers span the samples), one panel per kind."""
    columns = ["direct", *document["proxies"]]
    panels = [(kind, unit, [w for w in document["workloads"] if w["kind"] == kind]) for kind, unit in PANELS]
    panels = [panel for panel in panels if panel[2]]
    figure, axes = plt.subplots(len(panels), 1, figsize=(11, 4 * len(panels)), squeeze=False)
    width = 0.8 / len(columns)
    for axis, (kind, unit, rows) in zip(axes[:, 0], panels):
        for index, column in enumerate(columns):
            heights, low, high, positions = [], [], [], []
            for position, workload in enumerate(rows):
                samples = workload["summary"]["value"]["samples"].get(column) or []
                median = workload["summary"]["value"]["median"].get(column)
                if median is None:
                    continue
                positions.append(position + (index - (len(columns) - 1) / 2) * width)
                heights.append(median)
                low.append(median - min(samples))
                high.append(max(samples) - median)
            if heights:
                axis.bar(positions, heights, width, yerr=[low, high], capsize=2, label=column,
                         color=COLOURS.get(column))
        axis.set_xticks(range(len(rows)))
        axis.set_xticklabels([workload["name"] for workload in rows], rotation=20, ha="right", fontsize=8)
        axis.set_ylabel(unit)
        axis.legend(fontsize=8)
        axis.grid(axis="y", alpha=0.3)
    machine = document["machine"]
    figure.suptitle(f"mailwire-proxy vs nginx, {machine['cpus']} CPUs, {machine['date']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
