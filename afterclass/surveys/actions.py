"""Every write on surveys: creating and editing drafts, opening (which invites the audience),
reminding, closing, answering, and the launch sign-ups of a space in planning."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.validation import clean_choice, clean_text
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.notifications.actions import Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.spaces.models import Space, Status
from afterclass.surveys.access import (
    check_can_answer,
    check_can_create_survey,
    check_can_manage_survey,
    check_can_sign_up,
    survey_audience,
)
from afterclass.surveys.models import (
    AudienceKind,
    Question,
    QuestionKind,
    Response,
    SpaceInterest,
    Survey,
    SurveyInvitation,
    SurveyState,
)
from afterclass.surveys.queries import results_csv

MAX_QUESTIONS = 30
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_OPTION_LENGTH = 120
MAX_TEXT_ANSWER = 2000
BATCH_SIZE = 1000
DEFAULT_DURATION = timedelta(days=14)


# --- validation ------------------------------------------------------------------------------


def clean_questions(questions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate question specs `{text, kind, options, required}`; raises InvalidInput."""
    if not questions:
        raise InvalidInput("Add at least one question.", field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(f"A survey has at most {MAX_QUESTIONS} questions.", field="questions")
    clean = []
    for number, spec in enumerate(questions, start=1):
        where = f"question {number}"
        text = clean_text(spec.get("text"), f"text of {where}", max_length=300, required=True)
        kind = clean_choice(spec.get("kind"), QuestionKind, "kind")
        options: list[str] = []
        if kind in {QuestionKind.SINGLE, QuestionKind.MULTIPLE}:
            raw = spec.get("options") or []
            if not isinstance(raw, list | tuple):
                raise InvalidInput(f"The options of {where} must be a list.", field="options")
            options = [
                clean_text(item, f"option of {where}", max_length=MAX_OPTION_LENGTH, required=False)
                for item in raw
            ]
            options = [option for option in options if option]
            if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
                raise InvalidInput(
                    f"A choice question needs {MIN_OPTIONS} to {MAX_OPTIONS} options; "
                    f"{where} has {len(options)}.",
                    field="options",
                )
            if len({option.casefold() for option in options}) != len(options):
                raise InvalidInput(f"The options of {where} must differ.", field="options")
        clean.append(
            {"text": text, "kind": kind, "options": options, "required": bool(spec.get("required"))}
        )
    return clean


def _aware(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(f"Give the {field} as a date and time.", field=field)
    if timezone.is_naive(value):
        raise InvalidInput(f"The {field} needs a time zone.", field=field)
    return value


def _clean_times(opens_at: Any, closes_at: Any) -> tuple[datetime, datetime]:
    opens = _aware(opens_at, "opening time")
    closes = _aware(closes_at, "closing time")
    if closes <= opens:
        raise InvalidInput("The survey must close after it opens.", field="closes_at")
    return opens, closes


def _clean_audience(
    audience: str,
    space: Space | None,
    departments: Sequence[Department],
    levels: Sequence[ManagementLevel],
) -> str:
    audience = clean_choice(audience, AudienceKind, "audience")
    if audience == AudienceKind.DEPARTMENTS and not departments:
        raise InvalidInput("Choose at least one department.", field="departments")
    if audience == AudienceKind.LEVELS and not levels:
        raise InvalidInput("Choose at least one level.", field="levels")
    if audience in {AudienceKind.SPACE_MEMBERS, AudienceKind.PLANNED_AUDIENCE} and space is None:
        raise InvalidInput("Choose the space this survey is for.", field="space")
    return audience


def _write_questions(survey: Survey, questions: list[dict[str, Any]]) -> None:
    Question.objects.bulk_create(
        Question(survey=survey, position=position, **spec)
        for position, spec in enumerate(questions, start=1)
    )


# --- creating and editing --------------------------------------------------------------------


def do_create_survey(
    *,
    actor: Person,
    title: str,
    audience: str,
    questions: Sequence[Mapping[str, Any]],
    opens_at: Any,
    closes_at: Any,
    intro: str = "",
    anonymous: bool = True,
    space: Space | None = None,
    departments: Sequence[Department] = (),
    levels: Sequence[ManagementLevel] = (),
    is_prelaunch: bool = False,
) -> Survey:
    """Create a draft survey. Admins address anyone; space owners their space's members or
    planned audience (see `check_can_create_survey`)."""
    audience = _clean_audience(audience, space, departments, levels)
    check_can_create_survey(actor, audience, space)
    if audience in {AudienceKind.EVERYONE, AudienceKind.DEPARTMENTS, AudienceKind.LEVELS}:
        # An admin's broad survey is about a space only when it is that space's pre-launch one
        # (a community's possible members are more than its few members so far).
        space = space if is_prelaunch else None
    opens, closes = _clean_times(opens_at, closes_at)
    clean = clean_questions(questions)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=clean_text(title, "title", max_length=120, required=True),
            intro=clean_text(intro, "introduction", max_length=1000, required=False),
            created_by=actor,
            audience=audience,
            space=space,
            anonymous=bool(anonymous),
            is_prelaunch=is_prelaunch,
            opens_at=opens,
            closes_at=closes,
        )
        if audience == AudienceKind.DEPARTMENTS:
            survey.departments.set(departments)
        if audience == AudienceKind.LEVELS:
            survey.levels.set(levels)
        _write_questions(survey, clean)
        record_audit(
            "survey.create",
            survey,
            actor=actor,
            space_id=space.pk if space else None,
            audience=audience,
            anonymous=survey.anonymous,
        )
    return survey


def do_update_survey(
    survey: Survey,
    *,
    actor: Person,
    title: str,
    questions: Sequence[Mapping[str, Any]],
    opens_at: Any,
    closes_at: Any,
    intro: str = "",
    anonymous: bool = True,
) -> Survey:
    """Edit a draft: its text, times, anonymity and questions (replaced as a whole). Once a
    survey is open its questions and anonymity are fixed: answers depend on them."""
    check_can_manage_survey(actor, survey)
    if survey.state != SurveyState.DRAFT:
        raise Conflict("Only a draft survey can be edited.")
    opens, closes = _clean_times(opens_at, closes_at)
    clean = clean_questions(questions)
    with transaction.atomic():
        survey.title = clean_text(title, "title", max_length=120, required=True)
        survey.intro = clean_text(intro, "introduction", max_length=1000, required=False)
        survey.opens_at, survey.closes_at = opens, closes
        survey.anonymous = bool(anonymous)
        survey.save(update_fields=["title", "intro", "opens_at", "closes_at", "anonymous"])
        survey.questions.all().delete()
        _write_questions(survey, clean)
        record_audit("survey.update", survey, actor=actor, space_id=survey.space_id)
    return survey


PRELAUNCH_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Would you use a space like this?",
        "kind": QuestionKind.SINGLE,
        "options": ["Yes, regularly", "Now and then", "Probably not"],
        "required": True,
    },
    {
        "text": "Do you already learn from social media?",
        "kind": QuestionKind.SINGLE,
        "options": ["Yes, often", "Sometimes", "No"],
        "required": True,
    },
    {
        "text": "Where do you learn on social media?",
        "kind": QuestionKind.MULTIPLE,
        "options": ["LinkedIn", "Facebook", "X (Twitter)", "Instagram", "YouTube", "Elsewhere"],
        "required": False,
    },
    {
        "text": "Would you like it informal or structured?",
        "kind": QuestionKind.SINGLE,
        "options": [
            "Informal: share ideas and ask questions",
            "Structured: discussions and activities that build on training",
            "A mix of both",
        ],
        "required": True,
    },
    {
        "text": "Which topics would you like it to cover?",
        "kind": QuestionKind.TEXT,
        "options": [],
        "required": False,
    },
]


def do_create_prelaunch_survey(space: Space, *, actor: Person) -> Survey:
    """The pre-launch survey of a space in planning, pre-filled with the product's questions and
    addressed to its planned audience; a draft the owner can still edit. One per space."""
    if space.status != Status.PLANNING:
        raise Conflict("Only a space in planning has a pre-launch survey.")
    if Survey.objects.filter(space=space, is_prelaunch=True).exists():
        raise Conflict("This space already has a pre-launch survey.")
    now = timezone.now()
    return do_create_survey(
        actor=actor,
        title=f"Would you use “{space.name}”?"[:120],
        intro=(
            f"We are planning {space.name}: {space.purpose[:600]}\n"
            "Tell us what would make it useful to you. Your answers are anonymous."
        ),
        audience=AudienceKind.PLANNED_AUDIENCE,
        space=space,
        questions=PRELAUNCH_QUESTIONS,
        opens_at=now,
        closes_at=now + DEFAULT_DURATION,
        anonymous=True,
        is_prelaunch=True,
    )


# --- opening, reminding, closing -------------------------------------------------------------


def _survey_url(survey: Survey) -> str:
    return reverse("survey-detail", args=[survey.pk])


def do_open_survey(survey: Survey, *, actor: Person) -> Survey:
    """Open a draft: its audience, resolved now, is invited (one bulk insert per batch) and
    told after commit. The closing time must still be ahead."""
    check_can_manage_survey(actor, survey)
    if survey.state != SurveyState.DRAFT:
        raise Conflict("This survey has already been opened.")
    now = timezone.now()
    if survey.closes_at <= now:
        raise InvalidInput(
            "The closing time has passed; move it later before opening.", field="closes_at"
        )
    if survey.audience == AudienceKind.PLANNED_AUDIENCE and (
        survey.space is None or survey.space.status != Status.PLANNING
    ):
        raise Conflict("The space has launched: survey its members instead.")
    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, state=SurveyState.DRAFT).update(
            state=SurveyState.OPEN, opened_at=now
        )
        if not updated:
            raise Conflict("This survey has already been opened.")
        people = list(survey_audience(survey).values_list("pk", flat=True))
        SurveyInvitation.objects.bulk_create(
            (SurveyInvitation(survey=survey, person_id=pk) for pk in people),
            batch_size=BATCH_SIZE,
        )
        Survey.objects.filter(pk=survey.pk).update(invited_count=len(people))
        survey.state, survey.opened_at, survey.invited_count = SurveyState.OPEN, now, len(people)
        record_audit(
            "survey.open", survey, actor=actor, space_id=survey.space_id, invited=len(people)
        )
        opens, closes = timezone.localtime(survey.opens_at), timezone.localtime(survey.closes_at)
        when = "" if survey.opens_at <= now else f" from {opens:%d %B}"
        notify(
            Notice(
                NotificationKind.SURVEY_INVITATION,
                f"Survey{when}: {survey.title} (open until {closes:%d %B})",
                _survey_url(survey),
                by_id=actor.pk,
                members_only=False,
            ),
            people,
        )
    return survey


def do_remind_survey(survey: Survey, *, actor: Person) -> int:
    """Remind invited people who have not answered; returns how many."""
    check_can_manage_survey(actor, survey)
    if survey.state != SurveyState.OPEN or survey.is_over:
        raise Conflict("Only an open survey can send reminders.")
    if survey.is_prelaunch and survey.space is not None and survey.space.launched_at is not None:
        raise Conflict(
            "The space is launched: its pre-launch survey sends no more reminders. Close it, "
            "or ask the members in a survey of their own."
        )
    with transaction.atomic():
        people = list(
            SurveyInvitation.objects.filter(survey=survey, responded=False).values_list(
                "person_id", flat=True
            )
        )
        survey.last_reminded_at = timezone.now()
        survey.save(update_fields=["last_reminded_at"])
        closes = timezone.localtime(survey.closes_at)
        record_audit(
            "survey.remind", survey, actor=actor, space_id=survey.space_id, reminded=len(people)
        )
        notify(
            Notice(
                NotificationKind.SURVEY_REMINDER,
                f"A reminder: {survey.title} closes on {closes:%d %B}",
                _survey_url(survey),
                by_id=actor.pk,
                members_only=False,
            ),
            people,
        )
    return len(people)


def do_close_survey(survey: Survey, *, actor: Person) -> Survey:
    """Stop taking answers now."""
    check_can_manage_survey(actor, survey)
    if survey.state != SurveyState.OPEN:
        raise Conflict("Only an open survey can be closed.")
    now = timezone.now()
    with transaction.atomic():
        survey.state, survey.closed_at = SurveyState.CLOSED, now
        fields = ["state", "closed_at"]
        if survey.closes_at > now:
            survey.closes_at = now
            fields.append("closes_at")
            if survey.opens_at >= now:
                survey.opens_at = now - timedelta(seconds=1)
                fields.append("opens_at")
        survey.save(update_fields=fields)
        record_audit("survey.close", survey, actor=actor, space_id=survey.space_id)
    return survey


# --- answering -------------------------------------------------------------------------------


def clean_answers(questions: Sequence[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check answers `{question id: value}` against the questions; raises InvalidInput naming
    the question. Choices are given as option texts; a scale as 1-5."""
    known = {str(question.pk) for question in questions}
    unknown = set(raw) - known
    if unknown:
        raise InvalidInput("An answer is for a question this survey does not ask.", field="answers")
    clean: dict[str, Any] = {}
    for number, question in enumerate(questions, start=1):
        key = str(question.pk)
        value = raw.get(key)
        empty = value is None or value == "" or value == []
        if empty:
            if question.required:
                raise InvalidInput(f"Please answer question {number}: {question.text}", field=key)
            continue
        where = f"question {number}"
        match question.kind:
            case QuestionKind.SINGLE:
                if not isinstance(value, str) or value not in question.options:
                    raise InvalidInput(f"Choose one of the options of {where}.", field=key)
                clean[key] = value
            case QuestionKind.MULTIPLE:
                values = [value] if isinstance(value, str) else value
                if not isinstance(values, list) or not all(v in question.options for v in values):
                    raise InvalidInput(f"Choose among the options of {where}.", field=key)
                clean[key] = [option for option in question.options if option in values]
            case QuestionKind.SCALE:
                try:
                    number_value = int(str(value))
                except ValueError:
                    number_value = 0
                if isinstance(value, bool) or not 1 <= number_value <= 5:
                    raise InvalidInput(f"Answer {where} with a number from 1 to 5.", field=key)
                clean[key] = number_value
            case _:
                clean[key] = clean_text(
                    value, f"answer to {where}", max_length=MAX_TEXT_ANSWER, required=False
                )
    return clean


def do_answer_survey(survey: Survey, answers: Mapping[str, Any], *, actor: Person) -> Response:
    """Answer once, while the survey is open. For an anonymous survey the response keeps no
    person and only the day, and the audit entry names nobody; the invitation's `responded`
    flag is set in the same transaction."""
    invitation = SurveyInvitation.objects.filter(survey=survey, person=actor).first()
    invitation = check_can_answer(survey, invitation)
    clean = clean_answers(list(survey.questions.all()), answers)
    now = timezone.now()
    try:
        with transaction.atomic():
            # The conditional update is the once-only guard, also between two parallel requests.
            claimed = SurveyInvitation.objects.filter(pk=invitation.pk, responded=False).update(
                responded=True
            )
            if not claimed:
                raise Conflict("You have already answered this survey; each person answers once.")
            response = Response.objects.create(
                survey=survey,
                person=None if survey.anonymous else actor,
                answers=clean,
                submitted_on=now.date(),
                submitted_at=None if survey.anonymous else now,
            )
            Survey.objects.filter(pk=survey.pk).update(responded_count=F("responded_count") + 1)
            survey.responded_count += 1
            if survey.anonymous:
                # Nobody named, and no response id: the entry says only that the survey got one.
                record_audit("survey.answer", survey, actor=None, space_id=survey.space_id)
            else:
                record_audit("survey.answer", survey, actor=actor, space_id=survey.space_id)
                # Named surveys only: an anonymous survey's answer leaves no trace of who.
                record_event(EventKind.SURVEY_ANSWERED, person=actor, space=survey.space)
    except IntegrityError as error:
        raise Conflict(
            "You have already answered this survey; each person answers once."
        ) from error
    return response


def withdraw_member_invitations(space: Space, person_id: int) -> int:
    """Part of removing, banning or leaving (called inside those actions' transaction): the
    person's unanswered invitations to the open surveys of the space's members are withdrawn,
    so they cannot answer and the response rate counts only the space's audience. An answer
    already given stays. Returns how many invitations were withdrawn."""
    invitations = SurveyInvitation.objects.filter(
        survey__space=space,
        survey__audience=AudienceKind.SPACE_MEMBERS,
        survey__state=SurveyState.OPEN,
        person_id=person_id,
        responded=False,
    )
    survey_ids = list(invitations.values_list("survey_id", flat=True))
    if not survey_ids:
        return 0
    invitations.delete()
    Survey.objects.filter(pk__in=survey_ids, invited_count__gt=0).update(
        invited_count=F("invited_count") - 1
    )
    return len(survey_ids)


# --- "tell me at launch" ---------------------------------------------------------------------


def do_sign_up_for_launch(space: Space, *, actor: Person) -> SpaceInterest:
    """Someone in a planned space's audience asks to be told first when it launches."""
    check_can_sign_up(actor, space)
    with transaction.atomic():
        interest, created = SpaceInterest.objects.get_or_create(space=space, person=actor)
        if created:
            record_audit("space.interest", space, actor=actor, space_id=space.pk)
    return interest


def do_withdraw_launch_sign_up(space: Space, *, actor: Person) -> None:
    """Take back a sign-up: nothing is told at launch beyond what the audience hears."""
    with transaction.atomic():
        deleted, _ = SpaceInterest.objects.filter(space=space, person=actor).delete()
        if deleted:
            record_audit("space.interest_withdrawn", space, actor=actor, space_id=space.pk)


def do_export_survey_results(survey: Survey, *, actor: Person) -> str:
    """A survey's managers download its results as CSV (an anonymous survey only once enough
    people answered: `results_csv` refuses before); each download is audited."""
    check_can_manage_survey(actor, survey)
    export = results_csv(survey)
    # One INSERT: atomic on its own, no savepoint needed.
    record_audit("survey.export", survey, actor=actor, space_id=survey.space_id)
    return export
