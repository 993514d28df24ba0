"""Percentiles as docs/reports.md defines them: nearest rank, whole seconds."""

import math


def nearest_rank(values, fraction):
    """The value at rank ⌈fraction·n⌉ of `values` in ascending order (PostgreSQL's
    percentile_disc), or None for no values: the median is fraction 0.5, so of 4 values the
    2nd; p90 of 10 values is the 9th."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def median_and_p90(values):
    return nearest_rank(values, 0.5), nearest_rank(values, 0.9)
