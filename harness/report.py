"""Reporting: side-by-side transcripts for failed legs, and the conformance table of the CLI."""

import textwrap

CELL_WIDTH = 64
ERROR_LOG_LINES = 30


def _wrap(cell, width):
    if cell is None:
        return [""]
    return textwrap.wrap(cell, width, drop_whitespace=False, replace_whitespace=False,
                         break_on_hyphens=False) or [""]


def render_leg(leg, width=CELL_WIDTH):
    """A table `expected | actual`; `>>` marks the first differing row, `!` any later one."""
    left = min(width, max([len("expected")] + [len(row.expected or "") for row in leg.rows]))
    lines = [f"--- {leg.name} ---", f"   {'expected'.ljust(left)} | actual"]
    first_seen = False
    for row in leg.rows:
        if row.ok is False and not first_seen:
            marker, first_seen = ">>", True
        elif row.ok is False:
            marker = " !"
        else:
            marker = "  "
        expected, actual = _wrap(row.expected, left), _wrap(row.actual, width)
        for index in range(max(len(expected), len(actual))):
            cell_left = expected[index] if index < len(expected) else ""
            cell_right = actual[index] if index < len(actual) else ""
            lines.append(f"{marker if index == 0 else '  '} {cell_left.ljust(left)} | {cell_right}".rstrip())
    lines += [f"   note: {note}" for note in leg.notes]
    return "\n".join(lines)


def tail(text, count=ERROR_LOG_LINES):
    lines = text.rstrip("\n").split("\n") if text else []
    return "\n".join(lines[-count:])


def render_failure(result):
    """The whole failure text of one run: each leg that differs, then the proxy's error.log tail (unless the
    error.log leg differs: it shows the whole log already)."""
    parts = [f"scenario {result.scenario_path} failed on {result.proxy_label}"]
    if result.setup_error:
        parts.append(f"setup error: {result.setup_error}")
    for leg in result.legs:
        if not leg.ok:
            parts.append(render_leg(leg))
    if result.error_log is not None and not any(leg.name == "error.log" and not leg.ok for leg in result.legs):
        parts.append(f"--- error.log (last {ERROR_LOG_LINES} lines) ---\n{tail(result.error_log) or '(empty)'}")
    if result.run_dir_kept:
        parts.append(f"run folder kept: {result.run_dir}")
    return "\n\n".join(parts)


def outcome_cell(outcomes, scenario, column):
    """(status, text) of one table cell: pass, FAIL, "skip (reason)", or "-" when it did not run."""
    status, reason = outcomes.get((scenario, column), ("-", ""))
    return status, (f"{status} ({reason})" if status == "skip" and reason else status)


def column_totals(scenarios, columns, outcomes):
    """Per column: "N pass, N FAIL, N skip" (the kinds that occur)."""
    totals = []
    for column in columns:
        counts = {}
        for scenario in scenarios:
            status = outcomes.get((scenario, column), ("-", ""))[0]
            counts[status] = counts.get(status, 0) + 1
        totals.append(", ".join(f"{counts[s]} {s}" for s in ("pass", "FAIL", "skip") if counts.get(s)))
    return totals


def render_conformance(scenarios, columns, outcomes):
    """`scenario | reference | nginx` with pass / FAIL / skip (reason), and totals per column.

    outcomes: {(scenario, column): (status, reason)} where status is pass, FAIL or skip.
    """
    totals = ["totals"] + column_totals(scenarios, columns, outcomes)
    rows = [["scenario"] + list(columns)]
    rows += [[scenario] + [outcome_cell(outcomes, scenario, column)[1] for column in columns]
             for scenario in scenarios]
    widths = [max(len(row[index]) for row in rows + [totals]) for index in range(len(totals))]

    def line(row):
        return " | ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule] + [line(row) for row in rows[1:]] + [rule, line(totals)])
