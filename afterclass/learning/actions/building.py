"""Facilitators build the programme: units, activities and quick-check questions."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from afterclass.attachments.actions import remove_files_on_commit
from afterclass.attachments.attach import (
    NO_CHANGE,
    apply_files,
    check_files,
    copy_files,
    remove_stored,
)
from afterclass.attachments.models import Attachment
from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.core.indexing import reindex_activity_on_commit, reindex_unit_on_commit
from afterclass.core.markdown import render_markdown
from afterclass.core.validation import clean_choice, clean_text
from afterclass.learning.access import check_is_facilitator, is_facilitator
from afterclass.learning.actions.common import (
    check_due_after_release,
    clean_moment,
    moved_order,
    renumber,
    required_moment,
)
from afterclass.learning.models import (
    Activity,
    ActivityKind,
    QuickCheckQuestion,
    Session,
    Unit,
)
from afterclass.notifications.actions import silenced
from afterclass.posts.actions import do_create_post

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

MAX_QUESTIONS = 20
MAX_OPTIONS = 8


@dataclass(frozen=True)
class QuestionIn:
    text: str
    options: list[str]
    correct: list[int]
    explanation: str = ""


def _next_position(rows: Any) -> int:
    return int(rows.aggregate(top=Max("position"))["top"] or 0) + 1


def _unit_dates(
    release_at: Any, due_at: Any, *, default_release: datetime | None
) -> tuple[datetime, datetime | None]:
    if default_release is not None and release_at in (None, ""):
        release = default_release
    else:
        release = required_moment(release_at, "release_at")
    due = clean_moment(due_at, "due_at", required=False)
    check_due_after_release(release, due)
    return release, due


def _check_session(space: Space, session: Session | None) -> None:
    if session is not None and session.space_id != space.pk:
        raise InvalidInput("That session belongs to another space.", field="session")


def do_create_unit(
    space: Space, *, actor: Person, title: str, description: str = "",
    release_at: Any = None, due_at: Any = None, session: Session | None = None,
) -> Unit:  # fmt: skip
    """A facilitator adds a unit at the end; it is hidden from learners until `release_at`
    (now when not given). The due date, if any, must come after the release."""
    check_is_facilitator(actor, space)
    title = clean_text(title, "title", max_length=200, required=True)
    description = clean_text(description, "description", max_length=5000, required=False)
    release, due = _unit_dates(release_at, due_at, default_release=timezone.now())
    _check_session(space, session)
    with transaction.atomic():
        unit = Unit.objects.create(
            space=space, session=session, title=title, description=description,
            position=_next_position(Unit.objects.filter(space=space)),
            release_at=release, due_at=due,
        )  # fmt: skip
        record_audit("unit.create", unit, actor=actor, space_id=space.pk)
    return unit


UNSET: Any = object()


def do_update_unit(
    unit: Unit, *, actor: Person, title: Any = UNSET, description: Any = UNSET,
    release_at: Any = UNSET, due_at: Any = UNSET, session: Any = UNSET,
) -> Unit:  # fmt: skip
    """A facilitator changes the fields given. Moving the release date later hides the unit
    again; a new release date sends the "released" notice again when it passes."""
    check_is_facilitator(actor, unit.space)
    changed: list[str] = []
    if title is not UNSET:
        unit.title = clean_text(title, "title", max_length=200, required=True)
        changed.append("title")
    if description is not UNSET:
        unit.description = clean_text(description, "description", max_length=5000,
                                      required=False)  # fmt: skip
        changed.append("description")
    if release_at is not UNSET:
        release = required_moment(release_at, "release_at")
        if release != unit.release_at:
            unit.release_at = release
            unit.released_notified_at = None
            changed += ["release_at", "released_notified_at"]
    if due_at is not UNSET:
        unit.due_at = clean_moment(due_at, "due_at", required=False)
        unit.due_notified_at = None
        changed += ["due_at", "due_notified_at"]
    if session is not UNSET:
        _check_session(unit.space, session)
        unit.session = session
        changed.append("session")
    check_due_after_release(unit.release_at, unit.due_at)
    if not changed:
        return unit
    with transaction.atomic():
        unit.save(update_fields=changed)
        record_audit("unit.update", unit, actor=actor, space_id=unit.space_id, fields=changed)
        reindex_unit_on_commit(unit.pk)
    return unit


def do_delete_unit(unit: Unit, *, actor: Person) -> None:
    """A facilitator deletes a unit with its activities, their files and everyone's progress
    and submissions on them."""
    check_is_facilitator(actor, unit.space)
    with transaction.atomic():
        remove_files_on_commit(list(Attachment.objects.filter(
            Q(activity__unit=unit) | Q(submission__activity__unit=unit))))  # fmt: skip
        record_audit("unit.delete", unit, actor=actor, space_id=unit.space_id, title=unit.title)
        reindex_unit_on_commit(unit.pk)
        space_id = unit.space_id
        unit.delete()
        rest = Unit.objects.filter(space_id=space_id)
        renumber(rest, list(rest.order_by("position").values_list("pk", flat=True)))


def do_move_unit(
    unit: Unit, *, actor: Person, direction: str | None = None, to: int | None = None
) -> Unit:
    """Move a unit one step up or down, or to a 1-based position among the space's units."""
    check_is_facilitator(actor, unit.space)
    rows = Unit.objects.filter(space_id=unit.space_id)
    ids = list(rows.order_by("position").values_list("pk", flat=True))
    order = moved_order(ids, unit.pk, direction=direction, to=to)
    if order == ids:
        return unit
    with transaction.atomic():
        renumber(rows, order)
        unit.position = order.index(unit.pk) + 1
        record_audit("unit.move", unit, actor=actor, space_id=unit.space_id,
                     position=unit.position)  # fmt: skip
    return unit


def _check_order(ordered_ids: Sequence[Any], current: list[int], what: str) -> list[int]:
    """The new order must name each of the current ids exactly once."""
    try:
        order = [int(pk) for pk in ordered_ids]
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"The new order must list {what} ids.", field="order") from error
    if len(order) != len(current) or set(order) != set(current):
        raise InvalidInput(
            f"The new order must list each of the {len(current)} {what} exactly once: "
            "reload the page and try again.",
            field="order",
        )
    return order


def do_reorder_units(space: Space, ordered_ids: Sequence[int], *, actor: Person) -> list[int]:
    """A facilitator puts the space's units in a new order (dragged and dropped): the list must
    hold every unit of the space once. Returns the order."""
    check_is_facilitator(actor, space)
    rows = Unit.objects.filter(space=space)
    with transaction.atomic():
        current = list(rows.select_for_update().order_by("position").values_list("pk", flat=True))
        order = _check_order(ordered_ids, current, "units")
        if order != current:
            renumber(rows, order)
            record_audit("unit.reorder", space, actor=actor, space_id=space.pk, order=order)
    return order


def do_reorder_activities(unit: Unit, ordered_ids: Sequence[int], *, actor: Person) -> list[int]:
    """A facilitator puts a unit's activities in a new order (dragged and dropped): the list
    must hold every activity of the unit once. Returns the order."""
    check_is_facilitator(actor, unit.space)
    rows = Activity.objects.filter(unit=unit)
    with transaction.atomic():
        current = list(rows.select_for_update().order_by("position").values_list("pk", flat=True))
        order = _check_order(ordered_ids, current, "activities")
        if order != current:
            renumber(rows, order)
            record_audit("activity.reorder", unit, actor=actor, space_id=unit.space_id,
                         order=order)  # fmt: skip
    return order


def clean_questions(questions: list[QuestionIn]) -> list[QuestionIn]:
    """A quick check needs 1-20 questions, each with text, 2-8 options and a correct answer."""
    if not questions:
        raise InvalidInput("A quick check needs at least one question.", field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(f"A quick check has at most {MAX_QUESTIONS} questions.",
                           field="questions")  # fmt: skip
    cleaned = []
    for number, question in enumerate(questions, start=1):
        where = f"questions.{number - 1}"
        text = clean_text(question.text, f"question {number}", max_length=500, required=True)
        options = [clean_text(o, f"option of question {number}", max_length=300, required=False)
                   for o in question.options]  # fmt: skip
        options = [option for option in options if option]
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise InvalidInput(
                f"Question {number} needs between 2 and {MAX_OPTIONS} options.", field=where
            )
        correct = sorted(set(question.correct))
        if not correct:
            raise InvalidInput(f"Question {number} has no correct answer: mark at least one.",
                               field=where)  # fmt: skip
        if any(not 0 <= index < len(options) for index in correct):
            raise InvalidInput(f"A correct answer of question {number} is not one of its options.",
                               field=where)  # fmt: skip
        explanation = clean_text(question.explanation, f"explanation of question {number}",
                                 max_length=2000, required=False)  # fmt: skip
        cleaned.append(QuestionIn(text, options, correct, explanation))
    return cleaned


def _save_questions(activity: Activity, questions: list[QuestionIn]) -> None:
    activity.questions.all().delete()
    QuickCheckQuestion.objects.bulk_create(
        QuickCheckQuestion(
            activity=activity,
            position=index,
            text=q.text,
            options=q.options,
            correct=q.correct,
            explanation=q.explanation,
        )
        for index, q in enumerate(questions, start=1)
    )


def do_create_activity(
    unit: Unit, *, actor: Person, kind: str, title: str, instructions: str = "",
    shared_with_group: bool = False, questions: list[QuestionIn] | None = None,
    attachment_ids: Sequence[int] = (),
) -> Activity:  # fmt: skip
    """A facilitator adds an activity at the end of a unit. A discussion prompt opens its thread
    in the space; a quick check needs its questions; only a reflection may be shared. Its files
    are the facilitator's own uploads that nothing has taken yet."""
    space = unit.space
    check_is_facilitator(actor, space)
    kind = clean_choice(kind, ActivityKind, "kind")
    title = clean_text(title, "title", max_length=200, required=True)
    instructions = clean_text(instructions, "instructions", max_length=20000,
                              required=kind == ActivityKind.DISCUSSION)  # fmt: skip
    cleaned = clean_questions(questions or []) if kind == ActivityKind.QUICK_CHECK else []
    if shared_with_group and kind != ActivityKind.REFLECTION:
        raise InvalidInput("Only a reflection can be shared with the group.",
                           field="shared_with_group")  # fmt: skip
    files = check_files(actor, attachment_ids)
    with transaction.atomic():
        post = None
        if kind == ActivityKind.DISCUSSION:
            # Before its unit's release the thread is the facilitators' alone (posts.access
            # hides it from members): nobody is told about it yet; the release is the news.
            with nullcontext() if unit.is_released() else silenced():
                post = do_create_post(space, actor=actor, kind="discussion", title=title,
                                      body=instructions)  # fmt: skip
        activity = Activity.objects.create(
            unit=unit, kind=kind, title=title, instructions=instructions,
            instructions_html=render_markdown(instructions), post=post,
            position=_next_position(Activity.objects.filter(unit=unit)),
            shared_with_group=shared_with_group,
        )  # fmt: skip
        _save_questions(activity, cleaned)
        apply_files(files, "activity", activity, actor=actor)
        record_audit("activity.create", activity, actor=actor, space_id=space.pk, kind=kind,
                     **files.audit())  # fmt: skip
        reindex_activity_on_commit(activity.pk)
    return activity


def do_update_activity(
    activity: Activity, *, actor: Person, title: Any = UNSET, instructions: Any = UNSET,
    shared_with_group: Any = UNSET, is_closed: Any = UNSET,
    questions: list[QuestionIn] | None = None, attachment_ids: Sequence[int] | None = None,
) -> Activity:  # fmt: skip
    """A facilitator changes an activity; closing it stops new answers (what is in stays).
    `attachment_ids`, when given, is the whole new list of its files: files it has now and the
    facilitator's own new uploads; those left out are deleted."""
    check_is_facilitator(actor, activity.unit.space)
    changed: list[str] = []
    if title is not UNSET:
        activity.title = clean_text(title, "title", max_length=200, required=True)
        changed.append("title")
    if instructions is not UNSET:
        activity.instructions = clean_text(
            instructions,
            "instructions",
            max_length=20000,
            required=activity.kind == ActivityKind.DISCUSSION,
        )
        activity.instructions_html = render_markdown(activity.instructions)
        changed += ["instructions", "instructions_html"]
    if shared_with_group is not UNSET:
        if shared_with_group and activity.kind != ActivityKind.REFLECTION:
            raise InvalidInput("Only a reflection can be shared with the group.",
                               field="shared_with_group")  # fmt: skip
        activity.shared_with_group = bool(shared_with_group)
        changed.append("shared_with_group")
    if is_closed is not UNSET:
        activity.is_closed = bool(is_closed)
        changed.append("is_closed")
    cleaned = None
    if questions is not None:
        if activity.kind != ActivityKind.QUICK_CHECK:
            raise InvalidInput("Only a quick check has questions.", field="questions")
        cleaned = clean_questions(questions)
    files = NO_CHANGE
    if attachment_ids is not None:
        files = check_files(actor, attachment_ids, current=list(activity.attachments.all()))
    with transaction.atomic():
        if changed:
            activity.save(update_fields=changed)
        if cleaned is not None:
            _save_questions(activity, cleaned)
        apply_files(files, "activity", activity, actor=actor)
        record_audit(
            "activity.update",
            activity,
            actor=actor,
            space_id=activity.unit.space_id,
            fields=changed + (["questions"] if cleaned is not None else []),
            **files.audit(),
        )
        reindex_activity_on_commit(activity.pk)
    return activity


def do_delete_activity(activity: Activity, *, actor: Person) -> None:
    """A facilitator deletes an activity with its files and everyone's progress and submissions
    on it (its thread stays)."""
    check_is_facilitator(actor, activity.unit.space)
    with transaction.atomic():
        remove_files_on_commit(list(Attachment.objects.filter(
            Q(activity=activity) | Q(submission__activity=activity))))  # fmt: skip
        record_audit("activity.delete", activity, actor=actor, space_id=activity.unit.space_id,
                     title=activity.title)  # fmt: skip
        reindex_activity_on_commit(activity.pk)
        unit_id = activity.unit_id
        activity.delete()
        rest = Activity.objects.filter(unit_id=unit_id)
        renumber(rest, list(rest.order_by("position").values_list("pk", flat=True)))


def do_move_activity(
    activity: Activity, *, actor: Person, direction: str | None = None, to: int | None = None
) -> Activity:
    check_is_facilitator(actor, activity.unit.space)
    rows = Activity.objects.filter(unit_id=activity.unit_id)
    ids = list(rows.order_by("position").values_list("pk", flat=True))
    order = moved_order(ids, activity.pk, direction=direction, to=to)
    if order == ids:
        return activity
    with transaction.atomic():
        renumber(rows, order)
        activity.position = order.index(activity.pk) + 1
        record_audit("activity.move", activity, actor=actor, space_id=activity.unit.space_id,
                     position=activity.position)  # fmt: skip
    return activity


def do_copy_units(
    space: Space, source: Space, *, actor: Person, unit_ids: list[int] | None = None,
    first_release_at: Any = None,
) -> list[Unit]:  # fmt: skip
    """Copy units with their activities and questions from another space the actor facilitates
    (a programme running again for a new cohort). Dates keep their spacing, shifted so that the
    first copied unit is released at `first_release_at` (now when not given). Activities' files
    are copied too (stored anew). Nothing learners did is copied; discussion prompts open new
    threads here."""
    check_is_facilitator(actor, space)
    if not is_facilitator(actor, source):
        raise NotAllowed("You can copy only from a space you facilitate.")
    if source.pk == space.pk:
        raise InvalidInput("Choose another space to copy from.", field="source")
    units = Unit.objects.filter(space=source).order_by("position")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    chosen = list(units.prefetch_related("activities__questions", "activities__attachments"))
    if not chosen:
        raise InvalidInput("There are no units to copy.", field="units")
    start = clean_moment(first_release_at, "release_at", required=False) or timezone.now()
    shift: timedelta = start - chosen[0].release_at
    copies = []
    copied_files: list[Attachment] = []
    try:
        with transaction.atomic():
            for unit in chosen:
                copy = do_create_unit(
                    space, actor=actor, title=unit.title, description=unit.description,
                    release_at=unit.release_at + shift,
                    due_at=unit.due_at + shift if unit.due_at else None,
                )  # fmt: skip
                for activity in unit.activities.all():
                    new = do_create_activity(
                        copy, actor=actor, kind=activity.kind, title=activity.title,
                        instructions=activity.instructions,
                        shared_with_group=activity.shared_with_group,
                        questions=[QuestionIn(q.text, list(q.options), list(q.correct),
                                              q.explanation) for q in activity.questions.all()],
                    )  # fmt: skip
                    originals = list(activity.attachments.all())
                    if originals:
                        copied_files += copy_files(originals, "activity", new, actor=actor)
                copies.append(copy)
            record_audit("unit.copy", space, actor=actor, space_id=space.pk, source=source.pk,
                         units=[u.pk for u in chosen], files=len(copied_files))  # fmt: skip
    except BaseException:
        remove_stored(copied_files)  # the rows were rolled back: their stored copies go too
        raise
    return copies
