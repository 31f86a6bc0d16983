"""The read side of reports: a space's queue grouped by what was reported, the API's list, and
the open count that the space navigation shows moderators.

Every report shown passes through `present_reports`, which gives it as a `SeenReport`: what it
is about as the viewer sees it (`target`, `target_post`: posts.presentation's SeenPost or
SeenComment), `excerpt` and `shown_author`, by posts.queries' rules: an anonymous asker is
"a colleague" here too, moderators or not, as on the post's own page. A SeenReport holds no
model that leads to the reported post's real author.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import Truncator

from afterclass.core.pagination import paginate
from afterclass.moderation.access import reports_visible_to
from afterclass.moderation.models import Report, ReportState
from afterclass.posts.models import Comment, Post
from afterclass.posts.presentation import SeenComment, SeenPost
from afterclass.posts.queries import present, present_comment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

QUEUE_ORDER = ["created_at", "id"]
EXCERPT_LENGTH = 240
COUNT_CAP = 100

TARGETS = (
    "post",
    "post__space",
    "post__author",
    "comment",
    "comment__author",
    "comment__post",
    "comment__post__space",
    "comment__post__author",
)


@dataclass(frozen=True, slots=True)
class SeenReports:
    """A keyset page of reports as the viewer is shown them."""

    items: list[SeenReport]
    next: str | None


def _reports(space: Space, viewer: Person | AnonymousUser | None) -> QuerySet[Report]:
    return Report.objects.filter(reports_visible_to(viewer), space=space)


def _first_open_on_its_target() -> Q:
    """One row per reported post or comment: its oldest open report leads the group."""
    earlier = Report.objects.filter(state=ReportState.OPEN, pk__lt=OuterRef("pk"))
    return (Q(post__isnull=False) & ~Exists(earlier.filter(post_id=OuterRef("post_id")))) | (
        Q(comment__isnull=False) & ~Exists(earlier.filter(comment_id=OuterRef("comment_id")))
    )


def excerpt_of(target: Post | Comment) -> str:
    if target.is_removed:
        return ""
    text = (target.title or target.body) if isinstance(target, Post) else target.body
    return Truncator(" ".join(text.split())).chars(EXCERPT_LENGTH)


def _target_of(report: Report) -> Post | Comment:
    """What a report is about: exactly one of post or comment (a database constraint)."""
    if report.comment is not None:
        return report.comment
    if report.post is None:
        raise ValueError(f"Report {report.pk} is about nothing")
    return report.post


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One report of a group in the queue: why, and who reported it (moderators only)."""

    reason_label: str
    text: str
    reporter: Person
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SeenReport:
    """A report as the viewer is shown it; `group` and `open_count` in the queue only."""

    pk: int
    space: Space
    post_id: int | None
    comment_id: int | None
    reason: str
    text: str
    state: str
    outcome: str
    resolution_note: str
    reporter: Person | None
    resolved_by: Person | None
    created_at: datetime
    resolved_at: datetime | None
    target: SeenPost | SeenComment
    target_post: SeenPost  # the post, or the post the comment is on
    excerpt: str
    shown_author: Person | None
    group: tuple[ReportLine, ...] = ()
    open_count: int = 0


def _line(report: Report) -> ReportLine:
    return ReportLine(
        reason_label=report.get_reason_display(),
        text=report.text,
        reporter=report.reporter,
        created_at=report.created_at,
    )


def present_reports(
    reports: Sequence[Report],
    viewer: Person | AnonymousUser | None,
    groups: dict[tuple[str, int], list[Report]] | None = None,
) -> list[SeenReport]:
    """Decide once, for a page of reports, what the viewer is shown of what each is about (the
    queries of `present`); `groups` are the open reports on each target, for the queue."""
    targets = [_target_of(report) for report in reports]
    posts = [target.post if isinstance(target, Comment) else target for target in targets]
    seen_posts = present(posts, viewer)
    shown: list[SeenReport] = []
    for report, target, post, seen_post in zip(reports, targets, posts, seen_posts, strict=True):
        seen_target: SeenPost | SeenComment = seen_post
        if isinstance(target, Comment):
            seen_target = present_comment(post, seen_post, target, viewer)
        group = (groups or {}).get(_group_key(report), [])
        shown.append(
            SeenReport(
                pk=report.pk,
                space=report.space,
                post_id=report.post_id,
                comment_id=report.comment_id,
                reason=report.reason,
                text=report.text,
                state=report.state,
                outcome=report.outcome,
                resolution_note=report.resolution_note,
                reporter=report.reporter,
                resolved_by=report.resolved_by,
                created_at=report.created_at,
                resolved_at=report.resolved_at,
                target=seen_target,
                target_post=seen_post,
                excerpt=excerpt_of(target),
                shown_author=seen_target.shown_author,
                group=tuple(_line(member) for member in group),
                open_count=len(group),
            )
        )
    return shown


def _group_key(report: Report) -> tuple[str, int]:
    return (report.target_kind, report.post_id or report.comment_id or 0)


def report_queue(
    space: Space,
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
) -> SeenReports:
    """Open reports grouped by what they are about, oldest first. Each item is the group's first
    report, with `group` (every open report on that target, with its reporter) and `open_count`.
    Four queries, however many reports: groups, their reports, and two for `present`."""
    leads = (
        _reports(space, viewer)
        .filter(_first_open_on_its_target(), state=ReportState.OPEN)
        .select_related("space", "reporter", *TARGETS)
    )
    page = paginate(leads, order=QUEUE_ORDER, cursor=cursor, limit=limit)
    post_ids = [lead.post_id for lead in page.items if lead.post_id]
    comment_ids = [lead.comment_id for lead in page.items if lead.comment_id]
    groups: dict[tuple[str, int], list[Report]] = defaultdict(list)
    if page.items:
        members = (
            _reports(space, viewer)
            .filter(Q(post_id__in=post_ids) | Q(comment_id__in=comment_ids), state=ReportState.OPEN)
            .select_related("reporter")
            .order_by(*QUEUE_ORDER)
        )
        for report in members:
            groups[_group_key(report)].append(report)
    return SeenReports(items=present_reports(page.items, viewer, groups), next=page.next)


def space_reports(
    space: Space,
    viewer: Person | AnonymousUser | None,
    *,
    state: str = ReportState.OPEN,
    cursor: str | None = None,
    limit: int = 25,
) -> SeenReports:
    """A space's reports in one state, one row each, oldest first (the API's list)."""
    reports = (
        _reports(space, viewer)
        .filter(state=state)
        .select_related("space", "reporter", "resolved_by", *TARGETS)
    )
    page = paginate(reports, order=QUEUE_ORDER, cursor=cursor, limit=limit)
    return SeenReports(items=present_reports(page.items, viewer), next=page.next)


def open_report_count(space: Space, viewer: Person | AnonymousUser | None) -> int:
    """How many reports wait in the viewer's queue, counted up to COUNT_CAP (one query)."""
    return _reports(space, viewer).filter(state=ReportState.OPEN)[:COUNT_CAP].count()
