"""The read side of reports: a space's queue grouped by what was reported, the API's list, and
the open count that the space navigation shows moderators.

Every report shown passes through `present_reports`, which sets `target` (the post or comment),
`target_post`, `excerpt` and `shown_author` from posts.queries' rules: an anonymous asker is
"a colleague" here too, moderators or not, as on the post's own page.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import Truncator

from afterclass.core.pagination import Page, paginate
from afterclass.moderation.access import reports_visible_to
from afterclass.moderation.models import Report, ReportState
from afterclass.posts.models import Comment, Post
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


def present_reports(reports: list[Report], viewer: Person | AnonymousUser | None) -> list[Report]:
    """Decide once, for a page of reports, what the viewer is shown of what each is about."""
    targets = [_target_of(report) for report in reports]
    posts = [target.post if isinstance(target, Comment) else target for target in targets]
    present(posts, viewer)
    for report, target, post in zip(reports, targets, posts, strict=True):
        if isinstance(target, Comment):
            target = present_comment(post, target)
        report.target_post = post  # type: ignore[attr-defined]
        report.target = target  # type: ignore[attr-defined]
        report.shown_author = getattr(target, "shown_author", None)  # type: ignore[attr-defined]
        report.excerpt = excerpt_of(target)  # type: ignore[attr-defined]
    return reports


def report_queue(
    space: Space,
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Report]:
    """Open reports grouped by what they are about, oldest first. Each item is the group's first
    report, with `group` (every open report on that target, with its reporter) and `open_count`.
    Four queries, however many reports: groups, their reports, and two for `present`."""
    leads = (
        _reports(space, viewer)
        .filter(_first_open_on_its_target(), state=ReportState.OPEN)
        .select_related(*TARGETS)
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
            groups[(report.target_kind, report.post_id or report.comment_id or 0)].append(report)
    for lead in page.items:
        lead.group = groups[(lead.target_kind, lead.post_id or lead.comment_id or 0)]  # type: ignore[attr-defined]
        lead.open_count = len(lead.group)  # type: ignore[attr-defined]
    present_reports(page.items, viewer)
    return page


def space_reports(
    space: Space,
    viewer: Person | AnonymousUser | None,
    *,
    state: str = ReportState.OPEN,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Report]:
    """A space's reports in one state, one row each, oldest first (the API's list)."""
    reports = (
        _reports(space, viewer)
        .filter(state=state)
        .select_related("space", "reporter", "resolved_by", *TARGETS)
    )
    page = paginate(reports, order=QUEUE_ORDER, cursor=cursor, limit=limit)
    present_reports(page.items, viewer)
    return page


def open_report_count(space: Space, viewer: Person | AnonymousUser | None) -> int:
    """How many reports wait in the viewer's queue, counted up to COUNT_CAP (one query)."""
    return _reports(space, viewer).filter(state=ReportState.OPEN)[:COUNT_CAP].count()
