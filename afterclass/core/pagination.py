"""Keyset pagination: a page is "the rows after this key", never an OFFSET."""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from afterclass.core.errors import InvalidInput

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page[M: Model]:
    items: list[M]
    next: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput("This page link is not valid.", field="cursor") from error
    if not isinstance(values, list) or len(values) != size:
        raise InvalidInput("This page link is not valid.", field="cursor")
    return values


def paginate[M: Model](
    queryset: QuerySet[M],
    *,
    order: Sequence[str],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[M]:
    """One page of `queryset` ordered by `order` (the last field must be unique, e.g. "pk").

    A field name starting with "-" sorts descending. The cursor holds the key of the last row.
    """
    check_limit(limit)
    queryset = after_cursor(queryset, order=order, cursor=cursor).order_by(*order)
    return page_of(list(queryset[: limit + 1]), order=order, limit=limit)


def check_limit(limit: int) -> None:
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")


def after_cursor[M: Model](
    queryset: QuerySet[M], *, order: Sequence[str], cursor: str | None
) -> QuerySet[M]:
    """The rows of `queryset` that come after the cursor's key in `order` (all without one)."""
    if not cursor:
        return queryset
    fields = [name.lstrip("-") for name in order]
    values = decode_cursor(cursor, len(order))
    after = Q()
    # (a, b, c) > (x, y, z)  ==  a > x  OR  (a = x AND b > y)  OR  ...
    for index, name in enumerate(order):
        field = fields[index]
        lookup = "lt" if name.startswith("-") else "gt"
        step = Q(**{f"{field}__{lookup}": values[index]})
        for previous in range(index):
            step &= Q(**{fields[previous]: values[previous]})
        after |= step
    return queryset.filter(after)


def page_of[M: Model](rows: list[M], *, order: Sequence[str], limit: int) -> Page[M]:
    """A page from up to `limit + 1` rows in `order`: the extra row says there is a next page."""
    if len(rows) <= limit:
        return Page(items=rows, next=None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(items=rows, next=encode_cursor([_key(last, name.lstrip("-")) for name in order]))


def _key(row: Model, field: str) -> Any:
    """The value of `field` ("author" or "person__display_name") on `row`: a model by its pk."""
    value: Any = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value.pk if isinstance(value, Model) else value
