"""The read side of the audit log: the filtered list, newest first, a page or the whole as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.pagination import DEFAULT_LIMIT, Page, paginate
from afterclass.people.models import Person
from afterclass.spaces.models import Space

# Newest first; the id breaks ties between entries written in the same microsecond. The
# indexes audit_newest, audit_actor_newest, audit_action_newest and audit_space_newest
# follow this order, alone and after each filter.
ORDER = ("-time", "-pk")

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What an admin asked to see; empty fields mean "any"."""

    actor_id: int | None = None
    who: str = ""
    action: str = ""
    space_id: int | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_entries(wanted: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries that match `wanted`, with their actor, not yet ordered."""
    entries = AuditEntry.objects.select_related("actor")
    if wanted.actor_id is not None:
        entries = entries.filter(actor_id=wanted.actor_id)
    if wanted.who:
        people = Person.objects.filter(
            Q(display_name__icontains=wanted.who) | Q(email__icontains=wanted.who)
        )
        entries = entries.filter(actor__in=people.values("pk"))
    if wanted.action:
        entries = entries.filter(action=wanted.action)
    if wanted.space_id is not None:
        entries = entries.filter(space_id=wanted.space_id)
    if wanted.since is not None:
        entries = entries.filter(time__gte=_start_of(wanted.since))
    if wanted.until is not None:
        # The whole of the last day, in the organisation's time zone.
        entries = entries.filter(time__lt=_start_of(wanted.until + timedelta(days=1)))
    return entries


def audit_page(
    wanted: AuditFilter, cursor: str | None = None, *, limit: int = DEFAULT_LIMIT
) -> Page[AuditEntry]:
    return paginate(filtered_entries(wanted), order=ORDER, cursor=cursor, limit=limit)


def audit_actions() -> list[str]:
    """The actions that appear in the log, for the filter's choices (audit_action_newest)."""
    found = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return list(found)


def space_names(ids: set[int] | None = None) -> dict[int, str]:
    """Space names by id: all of them, or those in `ids`."""
    spaces = Space.objects.order_by("name")
    if ids is not None:
        spaces = spaces.filter(pk__in=ids)
    return dict(spaces.values_list("pk", "name"))


CSV_HEADERS = [
    "time",
    "actor_id",
    "actor_name",
    "actor_email",
    "action",
    "target_type",
    "target_id",
    "space_id",
    "space_name",
    "data",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str | int:
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_csv_rows(wanted: AuditFilter) -> Iterator[str]:
    """The filtered entries as CSV lines, newest first, read from the database in chunks."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADERS)
    names = space_names()
    entries = filtered_entries(wanted).order_by(*ORDER).iterator(chunk_size=2000)
    for entry in entries:
        actor = entry.actor
        row: list[object] = [
            entry.time.isoformat(),
            entry.actor_id,
            actor.display_name if actor else "",
            actor.email if actor else "",
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.space_id,
            names.get(entry.space_id, "") if entry.space_id else "",
            json.dumps(entry.data, sort_keys=True, default=str),
        ]
        yield writer.writerow([_cell(value) for value in row])
