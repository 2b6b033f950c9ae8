"""Pure functions: the ABBA order of the samples, and medians and per-round ratios of what they measured."""

import statistics


def abba_order(round_index, proxies):
    """The proxies' order in round `round_index` (0-based): as given in even rounds, reversed in odd ones, so
    consecutive rounds form A B B A and neither proxy always runs first (or on a machine warmed by the other)."""
    return list(proxies) if round_index % 2 == 0 else list(reversed(proxies))


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def per_round_ratios(samples_by_round, first, second):
    """[first / second per round] for the rounds where both have a positive value; `samples_by_round` is
    [{proxy label: value}] in round order."""
    ratios = []
    for values in samples_by_round:
        a, b = values.get(first), values.get(second)
        if a is not None and b:
            ratios.append(a / b)
    return ratios


def summarise(values_by_round, labels, ratio_pair=None):
    """{"median": {label: median}, "samples": {label: [...]}, "ratio": {"median", "min", "max"} or None}.

    `values_by_round`: [{label: value}] in round order (a label may be missing from a round that failed).
    The ratio is ratio_pair[0] / ratio_pair[1]: the quotient of the medians, and the range of the per-round
    quotients (the spread that tells a real difference from noise)."""
    samples = {label: [values[label] for values in values_by_round if values.get(label) is not None]
               for label in labels}
    medians = {label: median(samples[label]) for label in labels}
    ratio = None
    if ratio_pair and all(label in labels for label in ratio_pair):
        first, second = ratio_pair
        rounds = per_round_ratios(values_by_round, first, second)
        if rounds and medians[first] is not None and medians[second]:
            ratio = {"median": medians[first] / medians[second], "min": min(rounds), "max": max(rounds)}
    return {"median": medians, "samples": samples, "ratio": ratio}
