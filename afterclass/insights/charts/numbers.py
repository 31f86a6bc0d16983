"""Numbers as charts write them, and the round scales and shares they are drawn on."""

from __future__ import annotations

import math
from collections.abc import Sequence

NO_FIGURE = "\u2013"  # an en dash where there is no figure
# Heat-map intensity classes `heat-0` (nothing) .. `heat-5` (the most).
HEAT_BUCKETS = 5


def format_number(value: float | None) -> str:
    """A number as people read it: 1,234 and 12.5 (one decimal at most), a dash for none."""
    if value is None:
        return NO_FIGURE
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.1f}"
    return text.removesuffix(".0")


def format_value(value: float | None, suffix: str = "") -> str:
    """A number with its unit: '12 %' for suffix '%', '3 h' for 'h'; a dash for none."""
    if value is None:
        return NO_FIGURE
    if not suffix:
        return format_number(value)
    return f"{format_number(value)} {suffix}"


def rounded_percentages(values: Sequence[float]) -> list[int]:
    """Whole percentages of the total that add up to exactly 100 (largest remainders win)."""
    total = sum(values)
    if total <= 0:
        return [0 for _value in values]
    exact = [value / total * 100 for value in values]
    floors = [math.floor(share) for share in exact]
    short = 100 - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in by_remainder[:short]:
        floors[index] += 1
    return floors


def nice_scale(max_value: float, *, integer: bool = False, ticks: int = 4) -> tuple[float, float]:
    """The top of a value axis and the step between its gridlines, both round numbers."""
    if max_value <= 0:
        return (float(ticks), 1.0) if integer else (1.0, 0.25)
    raw = max_value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw:
            step = multiple * magnitude
            break
    if integer and not float(step).is_integer():
        step = float(math.ceil(step))
    top = math.ceil(max_value / step - 1e-9) * step
    return float(top), float(step)


def heat_bucket(value: float, max_value: float, buckets: int = HEAT_BUCKETS) -> int:
    """The intensity class of a heat-map cell: 0 for nothing, 1..buckets relative to the most."""
    if value <= 0 or max_value <= 0:
        return 0
    return min(buckets, max(1, math.ceil(value / max_value * buckets)))


def truncate(text: str, length: int) -> str:
    """A label shortened to `length` characters, ending in an ellipsis when cut."""
    return text if len(text) <= length else text[: max(1, length - 1)].rstrip() + "…"
