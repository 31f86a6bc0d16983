"""Changing retention rules and legal holds (organisation admins), and running the rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput
from afterclass.core.validation import clean_text
from afterclass.people.access import check_org_admin
from afterclass.people.models import Person
from afterclass.posts.deletion import delete_threads
from afterclass.posts.models import Post
from afterclass.retention.models import (
    MAX_MONTHS,
    TAKES_MONTHS,
    OrganisationRetention,
    RetentionAction,
    RetentionRun,
    SpaceRetention,
    SpaceRule,
)
from afterclass.retention.queries import Rule, due_threads, run_plan
from afterclass.spaces.models import Space

# Threads taken per transaction: a crash loses at most one batch's work, which the next run
# (or the retried task) takes again.
BATCH = 200


def _clean_months(action: str, months: int | None) -> int | None:
    if action not in TAKES_MONTHS:
        return None
    if months is None or not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(
            f"Say after how many months, from 1 to {MAX_MONTHS}, threads are "
            f"{'archived' if action == RetentionAction.ARCHIVE else 'deleted'}.",
            field="months",
        )
    return months


def do_set_organisation_retention(
    action: str, months: int | None, *, actor: Person
) -> OrganisationRetention:
    """The organisation's default rule, for every space that has none of its own. Organisation
    admins only: how long the organisation keeps what its staff wrote is its legal decision."""
    check_org_admin(actor)
    if action not in RetentionAction.values:
        raise InvalidInput("Choose keep, archive or delete.", field="action")
    months = _clean_months(action, months)
    with transaction.atomic():
        row, _ = OrganisationRetention.objects.select_for_update().get_or_create(singleton=True)
        before = {"action": row.action, "months": row.months}
        row.action, row.months = action, months
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save(update_fields=["action", "months", "updated_at", "updated_by"])
        record_audit(
            "retention.organisation_rule", row, actor=actor, before=before,
            after={"action": action, "months": months},
        )  # fmt: skip
    return row


def _space_row(space: Space) -> SpaceRetention:
    row, _ = SpaceRetention.objects.select_for_update().get_or_create(space=space)
    return row


def do_set_space_retention(
    space: Space, action: str, months: int | None, *, actor: Person
) -> SpaceRetention:
    """A space's own rule, or back to the organisation's default. Organisation admins only, as
    the default: a space owner could otherwise shorten what the organisation must keep."""
    check_org_admin(actor)
    if action not in SpaceRule.values:
        raise InvalidInput("Choose the default, keep, archive or delete.", field="action")
    months = _clean_months(action, months)
    with transaction.atomic():
        row = _space_row(space)
        before = {"action": row.action, "months": row.months}
        row.action, row.months = action, months
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save(update_fields=["action", "months", "updated_at", "updated_by"])
        record_audit(
            "retention.space_rule", row, actor=actor, space_id=space.pk, before=before,
            after={"action": action, "months": months},
        )  # fmt: skip
    return row


def do_set_legal_hold(space: Space, on: bool, *, reason: str = "", actor: Person) -> SpaceRetention:
    """Put a space under legal hold (nothing in it is deleted by retention while it lasts;
    archiving goes on, as it keeps everything) or lift it. Organisation admins only; a hold
    needs its reason (a matter, a request), which the audit log keeps."""
    check_org_admin(actor)
    reason = clean_text(reason, "reason", max_length=300, required=on)
    with transaction.atomic():
        row = _space_row(space)
        if row.legal_hold == on:
            return row
        row.legal_hold, row.hold_reason = on, reason if on else ""
        row.updated_at, row.updated_by = timezone.now(), actor
        row.save(update_fields=["legal_hold", "hold_reason", "updated_at", "updated_by"])
        record_audit(
            "retention.legal_hold" if on else "retention.legal_hold_lifted", row, actor=actor,
            space_id=space.pk, reason=reason,
        )  # fmt: skip
    return row


def _archive_threads(post_ids: Sequence[int]) -> None:
    """Archived threads are frozen, as in an archived space: locked against new comments and
    answers and no longer pinned; still readable and findable by everyone who could before."""
    Post.objects.filter(pk__in=post_ids).update(is_locked=True, is_pinned=False)


def do_run_retention(now: datetime | None = None) -> RetentionRun:
    """Apply every space's rule (its own, else the organisation's) at `now`: archive or delete
    the threads `queries.due_threads` names, in batches, none from a space under legal hold
    when the rule deletes. The system acts (no actor); each space's outcome is audited. Safe to
    run again: what was taken is no longer due."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now)
    totals = {"archived": 0, "deleted": 0, "held": 0}
    for planned in run_plan(now):
        space, rule = planned.space, planned.rule
        outcome: dict[str, Any] = {"rule": rule.action, "months": rule.months, "threads": 0}
        if planned.held:
            outcome["held"] = planned.threads
            totals["held"] += planned.threads
        elif planned.threads:
            outcome["threads"] = _take(space, planned.rule, now)
            totals["deleted" if rule.action == RetentionAction.DELETE else "archived"] += outcome[
                "threads"
            ]
        else:
            continue
        run.spaces[str(space.pk)] = outcome
        with transaction.atomic():
            record_audit("retention.apply", space, actor=None, space_id=space.pk, **outcome)
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.archived, run.deleted, run.held = totals["archived"], totals["deleted"], totals["held"]
        run.save(update_fields=["finished_at", "archived", "deleted", "held", "spaces"])
        record_audit("retention.run", run, actor=None, **totals)
    return run


def _held_now(space: Space) -> bool:
    # Locks the space's retention row: a hold being put on waits for this batch, or this batch
    # sees it.
    row = SpaceRetention.objects.select_for_update().filter(space=space).first()
    return row is not None and row.legal_hold


def _take(space: Space, rule: Rule, now: datetime) -> int:
    taken = 0
    while True:
        with transaction.atomic():
            if rule.action == RetentionAction.DELETE and _held_now(space):
                return taken  # a hold put on while the run went through the space
            ids = list(due_threads(space, rule, now).values_list("pk", flat=True)[:BATCH])
            if not ids:
                return taken
            if rule.action == RetentionAction.DELETE:
                delete_threads(ids)
            else:
                _archive_threads(ids)
        taken += len(ids)
