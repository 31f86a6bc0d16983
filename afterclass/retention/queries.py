"""The read side of retention: which rule applies to a space, which threads it would take, and
the preview of a rule (counts per space) that is also exactly what a run does."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from afterclass.attachments.models import Attachment
from afterclass.learning.models import Activity
from afterclass.posts.models import Comment, Post
from afterclass.retention.models import (
    OrganisationRetention,
    RetentionAction,
    RetentionRun,
    SpaceRetention,
    SpaceRule,
)
from afterclass.spaces.models import Space


@dataclass(frozen=True)
class Rule:
    """What happens to threads with no activity for `months` (None for "keep")."""

    action: str
    months: int | None

    @property
    def takes_content(self) -> bool:
        return self.action != RetentionAction.KEEP and self.months is not None


KEEP = Rule(RetentionAction.KEEP, None)


@dataclass(frozen=True)
class SpacePreview:
    """What a rule takes from one space: threads (posts with their comments), comments and
    files; `held` when a legal hold keeps them (a delete rule on a held space deletes nothing)."""

    space: Space
    rule: Rule
    threads: int
    comments: int
    files: int
    held: bool

    @property
    def deletes(self) -> bool:
        return self.rule.action == RetentionAction.DELETE and not self.held


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when it is
    shorter: 31 March less one month is 28 or 29 February)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def organisation_rule() -> Rule:
    row = OrganisationRetention.objects.first()
    return Rule(row.action, row.months) if row is not None else KEEP


def space_retention(space: Space) -> SpaceRetention:
    """The space's retention row as stored, or an unsaved one (follow the default, no hold)."""
    return SpaceRetention.objects.filter(space=space).first() or SpaceRetention(space=space)


def effective_rule(row: SpaceRetention, default: Rule) -> Rule:
    if row.action == SpaceRule.DEFAULT:
        return default
    return Rule(row.action, row.months)


def _due(rule: Rule, now: datetime) -> QuerySet[Post]:
    """Every space's threads `rule` takes at `now` (see `due_threads`), unordered."""
    if not rule.takes_content or rule.months is None:
        return Post.objects.none()
    threads = Post.objects.filter(last_activity_at__lt=months_before(now, rule.months)).exclude(
        pk__in=Activity.objects.filter(post__isnull=False).values("post_id")
    )
    if rule.action == RetentionAction.ARCHIVE:
        threads = threads.filter(Q(is_locked=False) | Q(is_pinned=True))
    return threads.order_by()


def due_threads(space: Space, rule: Rule, now: datetime) -> QuerySet[Post]:
    """The posts `rule` takes from `space` at `now`: threads whose last activity (the post, a
    comment, an answer) is older than the rule's months. A learning activity's discussion prompt
    is course material and is never taken. Archiving takes only threads not archived yet. The
    run takes these; the previews count them."""
    return _due(rule, now).filter(space=space).order_by("pk")


def _count_by_space(rows: QuerySet[Any], space_field: str) -> dict[int, int]:
    counted = rows.order_by().values(space_field).annotate(n=Count("pk"))
    return {row[space_field]: row["n"] for row in counted}


def _previews(planned: list[tuple[Space, Rule, bool]], now: datetime) -> list[SpacePreview]:
    """What each space's rule takes at `now`, in three queries per distinct rule (threads,
    comments, files counted per space), however many spaces: the same threads as
    `due_threads`. `planned` holds (space, rule, under legal hold)."""
    by_rule: dict[Rule, list[int]] = {}
    for space, rule, _ in planned:
        by_rule.setdefault(rule, []).append(space.pk)
    threads: dict[int, int] = {}
    comments: dict[int, int] = {}
    files: dict[int, int] = {}
    for rule, space_ids in by_rule.items():
        due = _due(rule, now).filter(space_id__in=space_ids)
        threads |= _count_by_space(due, "space_id")
        ids = due.values("pk")
        comments |= _count_by_space(Comment.objects.filter(post__in=ids), "post__space_id")
        files |= _count_by_space(Attachment.objects.filter(post__in=ids), "post__space_id")
    return [
        SpacePreview(
            space=space,
            rule=rule,
            threads=threads.get(space.pk, 0),
            comments=comments.get(space.pk, 0),
            files=files.get(space.pk, 0),
            held=held and rule.action == RetentionAction.DELETE,
        )
        for space, rule, held in planned
    ]


def preview_space_rule(space: Space, rule: Rule, *, now: datetime) -> SpacePreview:
    """What `rule`, set on `space`, would take at `now` (the organisation's default when the
    rule is "follow the default" is resolved by the caller)."""
    return _previews([(space, rule, space_retention(space).legal_hold)], now)[0]


def preview_organisation_rule(rule: Rule, *, now: datetime) -> list[SpacePreview]:
    """What `rule` as the organisation's default would take from each space that follows the
    default, at `now`; spaces it takes nothing from are left out."""
    own = {row.space_id: row for row in SpaceRetention.objects.all()}
    following = [
        (space, rule, space.pk in own and own[space.pk].legal_hold)
        for space in Space.objects.order_by("name", "pk")
        if space.pk not in own or own[space.pk].action == SpaceRule.DEFAULT
    ]
    return [preview for preview in _previews(following, now) if preview.threads]


def run_plan(now: datetime) -> list[SpacePreview]:
    """Every space's current rule and what it takes at `now`: what a run does, space by space."""
    default = organisation_rule()
    own = {row.space_id: row for row in SpaceRetention.objects.all()}
    planned = []
    for space in Space.objects.order_by("pk"):
        row = own.get(space.pk) or SpaceRetention(space=space)
        rule = effective_rule(row, default)
        if rule.takes_content:
            planned.append((space, rule, row.legal_hold))
    return _previews(planned, now)


def latest_runs(limit: int = 5) -> list[RetentionRun]:
    return list(RetentionRun.objects.all()[:limit])


def held_spaces() -> QuerySet[SpaceRetention]:
    return SpaceRetention.objects.filter(legal_hold=True).select_related("space", "updated_by")


def spaces_with_own_rules() -> QuerySet[SpaceRetention]:
    return (
        SpaceRetention.objects.exclude(action=SpaceRule.DEFAULT)
        .select_related("space")
        .order_by("space__name")
    )
