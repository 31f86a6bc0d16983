"""Reporting posts and comments, and moderators resolving the reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict
from afterclass.core.validation import clean_choice, clean_text
from afterclass.moderation.access import check_can_report, check_can_resolve
from afterclass.moderation.models import (
    NOTE_LENGTH,
    TEXT_LENGTH,
    Outcome,
    Report,
    ReportReason,
    ReportState,
)
from afterclass.notifications.actions import Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.posts.access import access_comment, access_post
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_remove_comment,
    do_remove_post,
)
from afterclass.posts.models import Comment, ContentState, Post

if TYPE_CHECKING:
    from afterclass.people.models import Person

ALREADY_REPORTED = "You have already reported this. The space's moderators will look at it."
ALREADY_HANDLED = "These reports have already been handled by a moderator."


def do_report(target: Post | Comment, *, actor: Person, reason: str, text: str = "") -> Report:
    """A member reports a post or comment they can see and did not write. One open report per
    person and target; "other" needs a few words of explanation."""
    # Seen again through the access rules: a secret space's post is "not found", as anywhere.
    post: Post | None = None
    comment: Comment | None = None
    shown: Post | Comment
    if isinstance(target, Post):
        shown = post = access_post(actor, target.pk)
        space, noun = post.space, "post"
    else:
        shown = comment = access_comment(actor, target.pk)
        space, noun = comment.post.space, "comment"
    check_can_report(actor, shown, space)
    reason = clean_choice(reason, ReportReason, "reason")
    text = clean_text(text, "text", max_length=TEXT_LENGTH, required=reason == ReportReason.OTHER)
    if shown.state != ContentState.VISIBLE:
        raise Conflict(f"This {noun} has already been hidden or removed.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=actor, space=space, post=post, comment=comment, reason=reason,
                    text=text,
                )  # fmt: skip
        except IntegrityError as error:
            raise Conflict(ALREADY_REPORTED) from error
        # Only moderators and admins read the audit log; the reporter is named there.
        record_audit("report.create", report, actor=actor, space_id=space.pk, reason=reason,
                     about=f"{noun}:{shown.pk}")  # fmt: skip
    return report


def _same_target(report: Report) -> Q:
    if report.post_id:
        return Q(post_id=report.post_id)
    return Q(comment_id=report.comment_id)


def _act_on_target(report: Report, outcome: str, note: str, *, actor: Person) -> None:
    """Hide or remove the reported post or comment through the posts actions (which check the
    moderator's permission and write their own audit entries). Already so: nothing to do."""
    if outcome == Outcome.DISMISSED:
        return
    if report.post is not None:
        post = report.post
        if outcome == Outcome.HIDDEN:
            if post.state == ContentState.HIDDEN:
                return
            if post.is_removed:
                raise Conflict("This post has already been removed: remove or dismiss instead.")
            do_hide_post(post, actor=actor, reason=note)
        elif not post.is_removed:
            do_remove_post(post, actor=actor)
        return
    comment = report.comment
    if comment is None:  # the database allows no such report: one of the two is set
        return
    if outcome == Outcome.HIDDEN:
        if comment.state == ContentState.HIDDEN:
            return
        if comment.is_removed:
            raise Conflict("This comment has already been removed: remove or dismiss instead.")
        do_hide_comment(comment, actor=actor, reason=note)
    elif not comment.is_removed:
        do_remove_comment(comment, actor=actor)


OUTCOME_WORDS = {
    Outcome.HIDDEN: "it is now hidden",
    Outcome.REMOVED: "it has been removed",
    Outcome.DISMISSED: "they decided to leave it as it is",
}


def _tell_reporters(report: Report, reporter_ids: list[int], outcome: str) -> None:
    """Each reporter hears the outcome, without the reported text (it may now be hidden)."""
    space = report.space
    notify(
        Notice(
            NotificationKind.REPORT_HANDLED,
            f"A moderator of {space.name} handled your report of a {report.target_kind}: "
            f"{OUTCOME_WORDS[Outcome(outcome)]}.",
            reverse("space-home", args=[space.slug]),
            space_id=space.pk,
        ),
        reporter_ids,
    )


def do_resolve_report(report: Report, *, actor: Person, outcome: str, note: str = "") -> Report:
    """A moderator handles a report: hide or remove what was reported, or dismiss the report.
    Every open report on the same post or comment is resolved with it, each with an audit entry,
    and each reporter is told the outcome."""
    check_can_resolve(actor, report)
    outcome = clean_choice(outcome, Outcome, "outcome")
    note = clean_text(note, "note", max_length=NOTE_LENGTH, required=outcome == Outcome.HIDDEN)
    if report.state != ReportState.OPEN:
        raise Conflict(ALREADY_HANDLED)
    state = ReportState.DISMISSED if outcome == Outcome.DISMISSED else ReportState.RESOLVED
    now = timezone.now()
    with transaction.atomic():
        group = list(
            Report.objects.select_for_update()
            .filter(_same_target(report), state=ReportState.OPEN)
            .order_by("pk")
        )
        if not any(item.pk == report.pk for item in group):
            raise Conflict(ALREADY_HANDLED)  # another moderator was quicker
        # Read again now: another moderator may have hidden or removed it since it was loaded.
        target = report.post if report.post is not None else report.comment
        if target is not None:
            target.refresh_from_db(fields=["state", "hidden_reason"])
        _act_on_target(report, outcome, note, actor=actor)
        Report.objects.filter(pk__in=[item.pk for item in group]).update(
            state=state, outcome=outcome, resolved_by=actor, resolved_at=now, resolution_note=note
        )
        for item in group:
            record_audit(
                "report.resolve", item, actor=actor, space_id=report.space_id, outcome=outcome,
                note=note, about=f"{report.target_kind}:{(report.post_id or report.comment_id)}",
            )  # fmt: skip
        _tell_reporters(report, [item.reporter_id for item in group], outcome)
    report.state, report.outcome, report.resolution_note = state, outcome, note
    report.resolved_by, report.resolved_at = actor, now
    return report
