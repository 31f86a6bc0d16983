"""Periods of days in the organisation's time zone: the insights' unit of time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from afterclass.core.errors import InvalidInput

PRESETS = (7, 28, 90)
LONGEST = 366


def today() -> date:
    """Today in the organisation's time zone (settings.TIME_ZONE)."""
    # The organisation's zone even when a request activated another (a person's own).
    return timezone.localdate(timezone=timezone.get_default_timezone())


def day_start(day: date) -> datetime:
    """The instant a day begins in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def day_end(day: date) -> datetime:
    """The instant a day ends (the next day's start): ranges are [start, end)."""
    return day_start(day + timedelta(days=1))


@dataclass(frozen=True)
class Period:
    """The days `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def last_days(cls, days: int, *, until: date | None = None) -> Period:
        end = until or today()
        return cls(end - timedelta(days=days - 1), end)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_end(self.last)

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)

    @property
    def label(self) -> str:
        if self.last == today() and self.days in PRESETS:
            return f"the last {self.days} days"
        return f"{self.first:%-d %b %Y} to {self.last:%-d %b %Y}"

    @property
    def query(self) -> str:
        """The query string that selects this period on the insight pages."""
        if self.last == today() and self.days in PRESETS:
            return f"period={self.days}"
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def parse_period(period: str | None, first: str | None, last: str | None) -> Period:
    """A period from the page's or the API's parameters: `period` = 7, 28 or 90 (the last so
    many days, 28 when nothing is given), or `from` and `to` as YYYY-MM-DD."""
    if first or last:
        if not (first and last):
            raise InvalidInput("Give both the first and the last day of the range.", field="from")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise InvalidInput(
                "Write the days as YYYY-MM-DD, e.g. 2026-09-01.", field="from"
            ) from None
        if end < start:
            raise InvalidInput("The last day comes before the first.", field="to")
        if end > today():
            raise InvalidInput("The range cannot end in the future.", field="to")
        if (end - start).days + 1 > LONGEST:
            raise InvalidInput(f"Choose a range of at most {LONGEST} days.", field="from")
        return Period(start, end)
    if not period:
        return Period.last_days(28)
    if period not in {str(days) for days in PRESETS}:
        raise InvalidInput("Choose a period of 7, 28 or 90 days, or a range.", field="period")
    return Period.last_days(int(period))
