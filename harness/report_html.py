"""The HTML report (`python3 -m harness run --html FILE`): one self-contained file, no network.

It holds the conformance table (scenario by proxy, skips with their reasons) and, per scenario and proxy, a
sequence diagram drawn from the recorded trace (harness/trace.py) in inline SVG: one lifeline per lane (client,
proxy, auth, each backend, DNS), one arrow per wire line labelled with its exact bytes (CR and LF visible), and
a marked gap wherever nothing happened for a while. A failed run shows each differing leg's expected | actual
rows beside its diagram. Only inline CSS; no script is needed to read it.
"""

import html
import re

from .report import column_totals, outcome_cell
from .trace import shown

LANE_WIDTH = 210
ROW_HEIGHT = 22
HEADER_HEIGHT = 34
TIME_COLUMN = 78  # left margin holding each arrow's time
GAP_MS = 50  # a pause at least this long gets a row of its own ("+1003 ms")
LABEL_CHARS = 110  # longer labels are cut in the diagram; the whole line is in the arrow's tooltip
LANE_COLOURS = {"client": "#1f5fbf", "proxy": "#222222", "auth": "#8a3ab9", "dns": "#c25e00"}
BACKEND_COLOUR = "#1b7f3b"

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #111; }
table.conformance { border-collapse: collapse; font-size: 13px; }
table.conformance td, table.conformance th { border: 1px solid #bbb; padding: 2px 8px; text-align: left; }
td.pass { background: #e3f6e3; } td.FAIL { background: #fbd8d8; font-weight: bold; } td.skip { background: #eee; }
section.scenario { border-top: 2px solid #ccc; margin-top: 1.5em; }
p.about { white-space: pre-wrap; max-width: 60em; color: #333; }
div.run { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; margin: 0.5em 0 1em 0; }
svg.sequence { background: #fcfcfc; border: 1px solid #ddd; }
svg.sequence text { font-family: monospace; font-size: 11px; }
svg.sequence text.lane { font-family: sans-serif; font-size: 13px; font-weight: bold; }
svg.sequence text.label { paint-order: stroke; stroke: #fcfcfc; stroke-width: 3px; }
svg.sequence text.gap { fill: #b00; font-weight: bold; }
table.legs { border-collapse: collapse; font-family: monospace; font-size: 12px; }
table.legs td, table.legs th { border: 1px solid #ccc; padding: 1px 6px; vertical-align: top; white-space: pre-wrap; }
table.legs tr.mismatch td { background: #fbd8d8; } table.legs tr.context td { color: #777; }
pre.setup { background: #fbd8d8; padding: 0.5em; white-space: pre-wrap; }
summary { cursor: pointer; font-weight: bold; }
"""


def _e(text):
    return html.escape(str(text), quote=True)


def anchor(scenario):
    """The id of a scenario's section."""
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "-", scenario)


def lane_colour(lane):
    return LANE_COLOURS.get(lane, BACKEND_COLOUR)


def _label(arrow):
    text = shown(arrow)
    if arrow.conn > 1:
        text += f" [conn {arrow.conn}]"
    return text


def sequence_svg(trace):
    """The trace as an SVG sequence diagram."""
    lanes = trace.lanes
    x_of = {lane: TIME_COLUMN + LANE_WIDTH * index + LANE_WIDTH // 2 for index, lane in enumerate(lanes)}
    rows, previous = [], None  # ("gap", ms) or ("arrow", arrow)
    for arrow in trace.arrows:
        if previous is not None and (arrow.at - previous) * 1000 >= GAP_MS:
            rows.append(("gap", round((arrow.at - previous) * 1000)))
        rows.append(("arrow", arrow))
        previous = arrow.at
    width = TIME_COLUMN + LANE_WIDTH * len(lanes)
    height = HEADER_HEIGHT + ROW_HEIGHT * (len(rows) + 1)
    parts = [f'<svg class="sequence" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="sequence diagram of {_e(trace.scenario_path)} '
             f'on {_e(trace.proxy_label)}">',
]
    parts.append('<text class="lane" x="4" y="20">time</text>')
    for lane in lanes:
        x = x_of[lane]
        parts.append(f'<text class="lane" x="{x}" y="20" text-anchor="middle" fill="{lane_colour(lane)}">'
                     f'{_e(lane)}</text>')
        parts.append(f'<line x1="{x}" y1="{HEADER_HEIGHT - 8}" x2="{x}" y2="{height - 4}" stroke="#bbb" '
                     'stroke-dasharray="4 3"/>')
    for index, (kind, value) in enumerate(rows):
        y = HEADER_HEIGHT + ROW_HEIGHT * index + 14
        if kind == "gap":
            parts.append(f'<line x1="0" y1="{y - 4}" x2="{width}" y2="{y - 4}" stroke="#e0a0a0" '
                         'stroke-dasharray="2 4"/>')
            parts.append(f'<text class="gap label" x="4" y="{y}">+{value} ms</text>')
            continue
        parts.append(_arrow_svg(value, x_of, y))
    parts.append("</svg>")
    return "\n".join(parts)


def arrow_heads_svg():
    """One arrow head marker per lane colour, in an SVG of no size at the top of the page: every diagram refers to
    these (a marker inside a collapsed <details> would not render for the others)."""
    colours = sorted(set(LANE_COLOURS.values()) | {BACKEND_COLOUR})
    return ('<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
            + "".join(_arrow_head(colour) for colour in colours) + "</defs></svg>")


def _head_id(colour):
    return "head-" + colour.lstrip("#")


def _arrow_head(colour):
    """An arrow head marker in one lane's colour (one per lane: markers do not inherit the line's colour)."""
    return (f'<marker id="{_head_id(colour)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="{colour}"/></marker>')


def _arrow_svg(arrow, x_of, y):
    colour = lane_colour(arrow.sender)
    label = _label(arrow)
    short = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
    dashed = ' stroke-dasharray="5 3"' if arrow.data is None else ""
    time_text = f'<text x="4" y="{y + 4}" fill="#777">{arrow.at * 1000:.1f} ms</text>'
    x1, x2 = x_of.get(arrow.sender), x_of.get(arrow.receiver)
    if x1 is None or x2 is None:
        return ""
    if x1 == x2:  # a note on one lane (a fake's error)
        return (f'<g class="arrow"><title>{_e(label)}</title>{time_text}'
                f'<text class="label" x="{x1 + 6}" y="{y + 4}" fill="{colour}">{_e(short)}</text></g>')
    left, right = min(x1, x2), max(x1, x2)
    # The label sits above the line, starting near the sender so that it reads in the arrow's direction.
    if x1 < x2:
        label_svg = f'<text class="label" x="{left + 8}" y="{y}" fill="{colour}">{_e(short)}</text>'
    else:
        label_svg = f'<text class="label" x="{right - 8}" y="{y}" text-anchor="end" fill="{colour}">{_e(short)}</text>'
    return (f'<g class="arrow" data-from="{_e(arrow.sender)}" data-to="{_e(arrow.receiver)}">'
            f'<title>{_e(label)}</title>{time_text}'
            f'<line x1="{x1}" y1="{y + 4}" x2="{x2}" y2="{y + 4}" stroke="{colour}" stroke-width="1.3"{dashed} '
            f'marker-end="url(#{_head_id(colour)})"/>{label_svg}</g>')


def legs_table(run):
    """expected | actual for each leg that differs (and the setup error), as the text report shows them."""
    parts = []
    if run.setup_error:
        parts.append(f'<pre class="setup">setup error: {_e(run.setup_error)}</pre>')
    for leg in run.legs:
        if leg["ok"]:
            continue
        parts.append(f'<table class="legs"><caption>leg: {_e(leg["name"])}</caption>'
                     '<tr><th>expected</th><th>actual</th></tr>')
        for expected, actual, ok in leg["rows"]:
            row_class = "mismatch" if ok is False else ("context" if ok is None else "match")
            parts.append(f'<tr class="{row_class}"><td>{_e(expected or "")}</td><td>{_e(actual or "")}</td></tr>')
        parts += [f'<tr><td colspan="2">note: {_e(note)}</td></tr>' for note in leg["notes"]]
        parts.append("</table>")
    return "\n".join(parts)


def conformance_table(scenarios, columns, outcomes):
    """scenario | column... with pass / FAIL / skip (reason), each scenario linking to its section."""
    rows = ['<table class="conformance" id="conformance"><tr><th>scenario</th>'
            + "".join(f"<th>{_e(column)}</th>" for column in columns) + "</tr>"]
    for scenario in scenarios:
        cells = []
        for column in columns:
            status, text = outcome_cell(outcomes, scenario, column)
            cells.append(f'<td class="{_e(status)}">{_e(text)}</td>')
        rows.append(f'<tr><td><a href="#{anchor(scenario)}">{_e(scenario)}</a></td>{"".join(cells)}</tr>')
    totals = column_totals(scenarios, columns, outcomes)
    rows.append("<tr><th>totals</th>" + "".join(f"<th>{_e(total)}</th>" for total in totals) + "</tr></table>")
    return "\n".join(rows)


def render_report(scenarios, columns, outcomes, runs, scenario_paths=None):
    """The whole report as one HTML text.

    scenarios: table names in order; outcomes: {(name, column): (status, reason)}; runs: {column: {scenario path:
    RecordedRun}}; scenario_paths: {name: scenario path} (default: "scenarios/" + name)."""
    scenario_paths = scenario_paths or {}
    body = [arrow_heads_svg(), "<h1>mailwire conformance report</h1>", conformance_table(scenarios, columns, outcomes)]
    for scenario in scenarios:
        path = scenario_paths.get(scenario, "scenarios/" + scenario)
        recorded = [(column, runs.get(column, {}).get(path)) for column in columns]
        traces = [run.trace for _, run in recorded if run is not None and run.trace is not None]
        title = traces[0].title if traces else ""
        about = traces[0].about if traces else ""
        body.append(f'<section class="scenario" id="{anchor(scenario)}"><h2>{_e(scenario)}'
                    + (f": {_e(title)}" if title else "") + "</h2>")
        if about:
            body.append(f'<p class="about">{_e(about.strip())}</p>')
        for column, run in recorded:
            status, reason = outcomes.get((scenario, column), ("-", ""))
            if run is None:
                body.append(f'<p class="norun">{_e(column)}: {_e(status)}'
                            + (f" ({_e(reason)})" if reason else "") + "</p>")
                continue
            failed = not run.ok
            body.append(f'<details class="run-{_e(status)}"{" open" if failed else ""}>'
                        f"<summary>{_e(column)}: {_e(status)}</summary>")
            body.append('<div class="run">')
            body.append(f'<div class="actual"><h3>actual ({_e(column)})</h3>'
                        + (sequence_svg(run.trace) if run.trace is not None and run.trace.arrows else
                           "<p>(nothing was recorded)</p>") + "</div>")
            if failed:
                body.append(f'<div class="expected"><h3>expected | actual</h3>{legs_table(run)}</div>')
            body.append("</div></details>")
        body.append("</section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>mailwire conformance report</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_report(path, scenarios, columns, outcomes, runs, scenario_paths=None):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render_report(scenarios, columns, outcomes, runs, scenario_paths))


def write_run_report(path, nodes, columns, node_outcomes, trace_root):
    """The report of a `harness run`: `nodes` the pytest node ids (scenario paths) in order, `node_outcomes`
    {(node, column): (status, reason)}, `trace_root` the folder holding one --trace-dir per column."""
    from pathlib import Path
    from .trace import load_runs
    names = {node: node.removeprefix("scenarios/") for node in nodes}
    runs = {column: {run.scenario_path: run for run in load_runs(Path(trace_root) / column).values()}
            for column in columns if (Path(trace_root) / column).is_dir()}
    outcomes = {(names.get(node, node), column): value for (node, column), value in node_outcomes.items()}
    write_report(path, [names[node] for node in nodes], columns, outcomes, runs,
                 {name: node for node, name in names.items()})
