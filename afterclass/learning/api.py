"""Learning API: sessions, units, activities, completions, submissions and feedback, the progress
grid and "my learning". Everything is loaded through `learning.access` (404 for unknown and
for what the caller may not see, such as an unreleased unit) and changed through the actions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router, Status

from afterclass.attachments.models import Attachment
from afterclass.attachments.queries import files_by
from afterclass.attachments.views import file_url
from afterclass.core.api import Id, PageParams, current_person, errors
from afterclass.core.errors import InvalidInput, NotFound
from afterclass.core.pagination import paginate
from afterclass.learning import actions
from afterclass.learning.access import (
    access_activity,
    access_session,
    access_submission,
    access_unit,
    check_can_see_learning,
    check_is_facilitator,
)
from afterclass.learning.actions import QuestionIn
from afterclass.learning.models import (
    Activity,
    ActivityKind,
    Progress,
    Session,
    Submission,
    Unit,
)
from afterclass.learning.queries import (
    activity_submissions,
    my_learning,
    progress_grid,
    review_queue,
    state_of,
    with_my_state,
)
from afterclass.learning.schemas import (
    ActivityIn,
    ActivityOrderIn,
    ActivityOut,
    ActivityUpdateIn,
    AnswerIn,
    CompletionIn,
    CopyIn,
    FeedbackIn,
    FileOut,
    GridColumnOut,
    GridOut,
    GridRowOut,
    MoveIn,
    MyActivityOut,
    MyLearningOut,
    NudgeOut,
    OrderOut,
    ProgressOut,
    QuestionSchema,
    QuickCheckAnswerOut,
    QuickCheckQuestionOut,
    QuickCheckResultOut,
    SessionIn,
    SessionOut,
    SessionUpdateIn,
    SubmissionIn,
    SubmissionOut,
    SubmissionPage,
    UnitIn,
    UnitOrderIn,
    UnitOut,
    UnitPage,
    UnitUpdateIn,
)
from afterclass.people.models import Person
from afterclass.spaces.access import SPACE_NOT_FOUND, access_space
from afterclass.spaces.models import Space

router = Router(tags=["learning"])

WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 404, 422)
FACILITATOR_ERRORS = errors(400, 401, 403, 404, 422)  # reads for the space's facilitators only


def _space(viewer: Person, slug: str) -> Space:
    if "\x00" in slug:
        raise NotFound(SPACE_NOT_FOUND)
    space = access_space(viewer, slug)
    check_can_see_learning(viewer, space)
    return space


def _questions(items: list[QuestionSchema] | None) -> list[QuestionIn] | None:
    if items is None:
        return None
    return [QuestionIn(q.text, list(q.options), list(q.correct), q.explanation) for q in items]


def _files_out(files: list[Attachment]) -> list[FileOut]:
    return [FileOut(id=a.pk, name=a.original_name, size=a.size, url=file_url(a)) for a in files]


def _files() -> Prefetch[Any]:
    return Prefetch("attachments", queryset=Attachment.objects.order_by("position", "id"))


def _session_out(session: Session, slug: str, files: list[Attachment] | None = None) -> SessionOut:
    if files is None:
        files = list(session.attachments.order_by("position", "id"))
    return SessionOut(
        id=session.pk, space=slug, title=session.title, description=session.description,
        starts_at=session.starts_at, ends_at=session.ends_at, time_zone=session.time_zone,
        place=session.place, link=session.link,
        calendar_url=reverse("learning-session-ics", args=[session.pk]),
        attachments=_files_out(files),
    )  # fmt: skip


def _activity_out(activity: Activity) -> ActivityOut:
    questions = []
    if activity.kind == ActivityKind.QUICK_CHECK:
        questions = [QuickCheckQuestionOut(id=q.pk, text=q.text, options=list(q.options))
                     for q in activity.questions.all()]  # fmt: skip
    return ActivityOut(
        id=activity.pk, unit=activity.unit_id, kind=activity.kind, title=activity.title,
        instructions=activity.instructions, instructions_html=activity.instructions_html,
        position=activity.position, shared_with_group=activity.shared_with_group,
        is_closed=activity.is_closed, post=activity.post_id, my_state=state_of(activity),
        my_best_score=getattr(activity, "my_best", None), questions=questions,
        attachments=_files_out(list(activity.attachments.all())),
    )  # fmt: skip


def _activities(viewer: Person) -> Prefetch[Any]:
    rows = with_my_state(Activity.objects.order_by("position"), viewer).prefetch_related(
        "questions", _files()
    )
    return Prefetch("activities", queryset=rows)


def _unit_out(unit: Unit, slug: str) -> UnitOut:
    return UnitOut(
        id=unit.pk, space=slug, title=unit.title, description=unit.description,
        position=unit.position, release_at=unit.release_at, due_at=unit.due_at,
        session=unit.session_id, released=unit.release_at <= timezone.now(),
        activities=[_activity_out(a) for a in unit.activities.all()],
    )  # fmt: skip


def _reload_unit(viewer: Person, unit: Unit) -> UnitOut:
    fresh = Unit.objects.prefetch_related(_activities(viewer)).get(pk=unit.pk)
    return _unit_out(fresh, unit.space.slug)


def _reload_activity(viewer: Person, activity: Activity) -> ActivityOut:
    fresh = with_my_state(Activity.objects.filter(pk=activity.pk), viewer)
    return _activity_out(fresh.prefetch_related("questions", _files()).get())


def _submission_out(submission: Submission, files: list[Attachment] | None = None) -> SubmissionOut:
    if files is None:
        files = list(submission.attachments.order_by("position", "id"))
    return SubmissionOut(
        id=submission.pk, activity=submission.activity_id, person=submission.person_id,
        person_name=submission.person.display_name, text=submission.text,
        state=submission.state, feedback=submission.feedback,
        feedback_at=submission.feedback_at, submitted_at=submission.submitted_at,
        attachments=_files_out(files),
    )  # fmt: skip


def _submission_page(items: list[Submission], next_cursor: str | None) -> SubmissionPage:
    files = files_by("submission", [s.pk for s in items])
    return SubmissionPage(items=[_submission_out(s, files.get(s.pk, [])) for s in items],
                          next=next_cursor)  # fmt: skip


# --- Sessions -------------------------------------------------------------------------------


@router.get("/spaces/{slug}/sessions", response={200: list[SessionOut], **READ_ERRORS},
            summary="A space's sessions")  # fmt: skip
def sessions_list(request: HttpRequest, slug: str) -> list[SessionOut]:
    viewer = current_person(request)
    space = _space(viewer, slug)
    sessions = list(Session.objects.filter(space=space)[:200])
    files = files_by("session", [s.pk for s in sessions])
    return [_session_out(s, slug, files.get(s.pk, [])) for s in sessions]


@router.post("/spaces/{slug}/sessions", response={201: SessionOut, **WRITE_ERRORS},
             summary="Add a session")  # fmt: skip
def session_create(request: HttpRequest, slug: str, payload: SessionIn) -> Status[SessionOut]:
    viewer = current_person(request)
    space = _space(viewer, slug)
    data = payload.model_dump()
    session = actions.do_create_session(
        space, actor=viewer, facilitator_ids=data.pop("facilitators"),
        attachment_ids=data.pop("attachment_ids"), **data,
    )  # fmt: skip
    return Status(201, _session_out(session, slug))


@router.get("/sessions/{session_id}", response={200: SessionOut, **READ_ERRORS},
            summary="A session")  # fmt: skip
def session_detail(request: HttpRequest, session_id: Path[Id]) -> SessionOut:
    session = access_session(current_person(request), session_id)
    return _session_out(session, session.space.slug)


@router.patch("/sessions/{session_id}", response={200: SessionOut, **WRITE_ERRORS},
              summary="Change a session")  # fmt: skip
def session_update(request: HttpRequest, session_id: Path[Id],
                   payload: SessionUpdateIn) -> SessionOut:  # fmt: skip
    viewer = current_person(request)
    session = access_session(viewer, session_id)
    data = payload.model_dump(exclude_unset=True)
    actions.do_update_session(
        session, actor=viewer, facilitator_ids=data.pop("facilitators", None),
        attachment_ids=data.pop("attachment_ids", None), **data,
    )  # fmt: skip
    return _session_out(session, session.space.slug)


@router.delete("/sessions/{session_id}", response={204: None, **WRITE_ERRORS},
               summary="Delete a session")  # fmt: skip
def session_delete(request: HttpRequest, session_id: Path[Id]) -> Status[None]:
    viewer = current_person(request)
    actions.do_delete_session(access_session(viewer, session_id), actor=viewer)
    return Status(204, None)


# --- Units ----------------------------------------------------------------------------------


@router.get("/spaces/{slug}/units", response={200: UnitPage, **READ_ERRORS},
            summary="A space's units")  # fmt: skip
def units_list(request: HttpRequest, slug: str, params: Query[PageParams]) -> UnitPage:
    """In order, each with its activities and my state on them. Learners see released units
    only; facilitators see all."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    rows = Unit.objects.visible_to(viewer, space).prefetch_related(_activities(viewer))
    page = paginate(rows, order=["position", "pk"], cursor=params.cursor, limit=params.limit)
    return UnitPage(items=[_unit_out(u, slug) for u in page.items], next=page.next)


@router.post("/spaces/{slug}/units", response={201: UnitOut, **WRITE_ERRORS},
             summary="Add a unit")  # fmt: skip
def unit_create(request: HttpRequest, slug: str, payload: UnitIn) -> Status[UnitOut]:
    viewer = current_person(request)
    space = _space(viewer, slug)
    data = payload.model_dump()
    session = None
    session_id = data.pop("session")
    if session_id is not None:
        session = Session.objects.filter(space=space, pk=session_id).first()
        if session is None:
            raise InvalidInput("There is no such session in this space.", field="session")
    if data["release_at"] is None:
        data.pop("release_at")
    unit = actions.do_create_unit(space, actor=viewer, session=session, **data)
    unit.space = space
    return Status(201, _reload_unit(viewer, unit))


@router.post("/spaces/{slug}/units/copy", response={201: list[UnitOut], **WRITE_ERRORS},
             summary="Copy units from another space")  # fmt: skip
def units_copy(request: HttpRequest, slug: str, payload: CopyIn) -> Status[list[UnitOut]]:
    viewer = current_person(request)
    space = _space(viewer, slug)
    check_is_facilitator(viewer, space)
    try:
        source = _space(viewer, payload.source)
    except NotFound as error:
        raise InvalidInput("There is no such space to copy from.", field="source") from error
    copies = actions.do_copy_units(space, source, actor=viewer, unit_ids=payload.units,
                                   first_release_at=payload.first_release_at)  # fmt: skip
    for unit in copies:
        unit.space = space
    return Status(201, [_reload_unit(viewer, unit) for unit in copies])


@router.get("/units/{unit_id}", response={200: UnitOut, **READ_ERRORS}, summary="A unit")
def unit_detail(request: HttpRequest, unit_id: Path[Id]) -> UnitOut:
    viewer = current_person(request)
    return _reload_unit(viewer, access_unit(viewer, unit_id))


@router.patch("/units/{unit_id}", response={200: UnitOut, **WRITE_ERRORS},
              summary="Change a unit")  # fmt: skip
def unit_update(request: HttpRequest, unit_id: Path[Id], payload: UnitUpdateIn) -> UnitOut:
    viewer = current_person(request)
    unit = access_unit(viewer, unit_id)
    data = payload.model_dump(exclude_unset=True)
    if "session" in data:
        session_id = data.pop("session")
        session = Session.objects.filter(space=unit.space, pk=session_id).first()
        if session_id is not None and session is None:
            raise InvalidInput("There is no such session in this space.", field="session")
        data["session"] = session
    if "release_at" in data and data["release_at"] is None:
        raise InvalidInput("A unit needs a release date.", field="release_at")
    actions.do_update_unit(unit, actor=viewer, **data)
    return _reload_unit(viewer, unit)


@router.delete("/units/{unit_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a unit")
def unit_delete(request: HttpRequest, unit_id: Path[Id]) -> Status[None]:
    viewer = current_person(request)
    actions.do_delete_unit(access_unit(viewer, unit_id), actor=viewer)
    return Status(204, None)


@router.post("/units/{unit_id}/move", response={200: UnitOut, **WRITE_ERRORS},
             summary="Move a unit")  # fmt: skip
def unit_move(request: HttpRequest, unit_id: Path[Id], payload: MoveIn) -> UnitOut:
    viewer = current_person(request)
    unit = access_unit(viewer, unit_id)
    actions.do_move_unit(unit, actor=viewer, direction=payload.direction, to=payload.position)
    return _reload_unit(viewer, unit)


@router.post("/spaces/{slug}/units/order", response={200: OrderOut, **WRITE_ERRORS},
             summary="Put the units in a new order")  # fmt: skip
def units_order(request: HttpRequest, slug: str, payload: UnitOrderIn) -> OrderOut:
    """Every unit id of the space, each once, in the new order (what dragging and dropping
    sends); any other list is refused with 400."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    return OrderOut(ids=actions.do_reorder_units(space, payload.units, actor=viewer))


# --- Activities -----------------------------------------------------------------------------


@router.post("/units/{unit_id}/activities", response={201: ActivityOut, **WRITE_ERRORS},
             summary="Add an activity")  # fmt: skip
def activity_create(request: HttpRequest, unit_id: Path[Id],
                    payload: ActivityIn) -> Status[ActivityOut]:  # fmt: skip
    viewer = current_person(request)
    unit = access_unit(viewer, unit_id)
    activity = actions.do_create_activity(
        unit, actor=viewer, kind=payload.kind, title=payload.title,
        instructions=payload.instructions, shared_with_group=payload.shared_with_group,
        questions=_questions(payload.questions), attachment_ids=payload.attachment_ids,
    )  # fmt: skip
    return Status(201, _reload_activity(viewer, activity))


@router.get("/activities/{activity_id}", response={200: ActivityOut, **READ_ERRORS},
            summary="An activity")  # fmt: skip
def activity_detail(request: HttpRequest, activity_id: Path[Id]) -> ActivityOut:
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    actions.do_view_activity(activity, actor=viewer)
    return _reload_activity(viewer, activity)


@router.patch("/activities/{activity_id}", response={200: ActivityOut, **WRITE_ERRORS},
              summary="Change an activity")  # fmt: skip
def activity_update(request: HttpRequest, activity_id: Path[Id],
                    payload: ActivityUpdateIn) -> ActivityOut:  # fmt: skip
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    data = payload.model_dump(exclude_unset=True)
    data.pop("questions", None)
    actions.do_update_activity(activity, actor=viewer, questions=_questions(payload.questions),
                               **data)  # fmt: skip
    return _reload_activity(viewer, activity)


@router.delete("/activities/{activity_id}", response={204: None, **WRITE_ERRORS},
               summary="Delete an activity")  # fmt: skip
def activity_delete(request: HttpRequest, activity_id: Path[Id]) -> Status[None]:
    viewer = current_person(request)
    actions.do_delete_activity(access_activity(viewer, activity_id), actor=viewer)
    return Status(204, None)


@router.post("/activities/{activity_id}/move", response={200: ActivityOut, **WRITE_ERRORS},
             summary="Move an activity")  # fmt: skip
def activity_move(request: HttpRequest, activity_id: Path[Id], payload: MoveIn) -> ActivityOut:
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    actions.do_move_activity(activity, actor=viewer, direction=payload.direction,
                             to=payload.position)  # fmt: skip
    return _reload_activity(viewer, activity)


@router.post("/units/{unit_id}/activities/order", response={200: OrderOut, **WRITE_ERRORS},
             summary="Put a unit's activities in a new order")  # fmt: skip
def activities_order(request: HttpRequest, unit_id: Path[Id], payload: ActivityOrderIn) -> OrderOut:
    """Every activity id of the unit, each once, in the new order; any other list is refused
    with 400."""
    viewer = current_person(request)
    unit = access_unit(viewer, unit_id)
    return OrderOut(ids=actions.do_reorder_activities(unit, payload.activities, actor=viewer))


# --- Taking part ----------------------------------------------------------------------------


@router.post("/activities/{activity_id}/completion", response={200: ProgressOut, **WRITE_ERRORS},
             summary="Mark a reading done (or not)")  # fmt: skip
def completion(request: HttpRequest, activity_id: Path[Id], payload: CompletionIn) -> ProgressOut:
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    progress = actions.do_mark_done(activity, actor=viewer, done=payload.done)
    return ProgressOut(activity=activity.pk, state=progress.state)


@router.get("/activities/{activity_id}/progress", response={200: ProgressOut, **READ_ERRORS},
            summary="My progress on an activity")  # fmt: skip
def my_progress(request: HttpRequest, activity_id: Path[Id]) -> ProgressOut:
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    fresh = with_my_state(Activity.objects.filter(pk=activity.pk), viewer).get()
    row = Progress.objects.filter(activity=activity, person=viewer).first()
    return ProgressOut(activity=activity.pk, state=state_of(fresh),
                       best_score=row.best_score if row else None,
                       attempts=row.attempts if row else 0)  # fmt: skip


@router.post("/activities/{activity_id}/submissions",
             response={201: SubmissionOut, **WRITE_ERRORS},
             summary="Submit a task or a reflection")  # fmt: skip
def submit(request: HttpRequest, activity_id: Path[Id],
           payload: SubmissionIn) -> Status[SubmissionOut]:  # fmt: skip
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    submission = actions.do_submit(activity, actor=viewer, text=payload.text,
                                   attachment_ids=payload.attachment_ids)  # fmt: skip
    submission.person = viewer
    return Status(201, _submission_out(submission))


@router.get("/activities/{activity_id}/submissions", response={200: SubmissionPage, **READ_ERRORS},
            summary="An activity's submissions")  # fmt: skip
def submissions_list(request: HttpRequest, activity_id: Path[Id],
                     params: Query[PageParams]) -> SubmissionPage:  # fmt: skip
    """Facilitators see all; a learner their own, and others' on a reflection shared with the
    group."""
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    page = activity_submissions(activity, viewer, cursor=params.cursor, limit=params.limit)
    return _submission_page(page.items, page.next)


@router.get("/submissions/{submission_id}", response={200: SubmissionOut, **READ_ERRORS},
            summary="A submission")  # fmt: skip
def submission_detail(request: HttpRequest, submission_id: Path[Id]) -> SubmissionOut:
    return _submission_out(access_submission(current_person(request), submission_id))


@router.post("/submissions/{submission_id}/feedback",
             response={200: SubmissionOut, **WRITE_ERRORS}, summary="Give feedback")  # fmt: skip
def feedback(request: HttpRequest, submission_id: Path[Id], payload: FeedbackIn) -> SubmissionOut:
    viewer = current_person(request)
    submission = access_submission(viewer, submission_id)
    actions.do_give_feedback(submission, actor=viewer, feedback=payload.feedback,
                             complete=payload.complete)  # fmt: skip
    return _submission_out(submission)


@router.get("/spaces/{slug}/submissions", response={200: SubmissionPage, **FACILITATOR_ERRORS},
            summary="Task submissions waiting for feedback")  # fmt: skip
def queue(request: HttpRequest, slug: str, params: Query[PageParams]) -> SubmissionPage:
    viewer = current_person(request)
    space = _space(viewer, slug)
    check_is_facilitator(viewer, space)
    page = review_queue(space, viewer, cursor=params.cursor, limit=params.limit)
    return _submission_page(page.items, page.next)


@router.post("/activities/{activity_id}/attempts", response={200: QuickCheckResultOut,
             **WRITE_ERRORS}, summary="Answer a quick check")  # fmt: skip
def attempt(request: HttpRequest, activity_id: Path[Id], payload: AnswerIn) -> QuickCheckResultOut:
    """Retries are allowed; the best attempt counts. Explanations come back every time."""
    viewer = current_person(request)
    activity = access_activity(viewer, activity_id)
    try:
        answers = {int(k): v for k, v in payload.answers.items()}
    except ValueError as error:
        raise InvalidInput("Question ids are numbers.", field="answers") from error
    result = actions.do_answer_quick_check(activity, actor=viewer, answers=answers)
    return QuickCheckResultOut(
        score=result.score, total=result.total, best_score=result.best_score,
        attempts=result.attempts,
        questions=[QuickCheckAnswerOut(question=q.question_id, correct=q.correct, chosen=q.chosen,
                                     correct_options=q.correct_options,
                                     explanation=q.explanation) for q in result.questions],
    )  # fmt: skip


@router.post("/activities/{activity_id}/nudge", response={200: NudgeOut, **WRITE_ERRORS},
             summary="Remind who has not finished")  # fmt: skip
def nudge(request: HttpRequest, activity_id: Path[Id]) -> NudgeOut:
    viewer = current_person(request)
    return NudgeOut(reminded=actions.do_nudge(access_activity(viewer, activity_id), actor=viewer))


# --- Overviews ------------------------------------------------------------------------------


@router.get("/spaces/{slug}/progress", response={200: GridOut, **WRITE_ERRORS},
            summary="The progress grid")  # fmt: skip
def grid(request: HttpRequest, slug: str, sort: str = "name") -> GridOut:
    """Learners by activities with states and completion rates; sort: name, -name, completion,
    -completion. Facilitators only."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    check_is_facilitator(viewer, space)
    table = progress_grid(space, sort=sort)
    return GridOut(
        sort=table.sort,
        columns=[GridColumnOut(activity=c.activity.pk, title=c.activity.title,
                               kind=c.activity.kind, completion_rate=c.rate)
                 for c in table.columns],
        rows=[GridRowOut(person=r.person.pk, name=r.person.display_name, states=r.states,
                         completion_rate=r.rate) for r in table.rows],
    )  # fmt: skip


def _mine(activity: Activity) -> MyActivityOut:
    return MyActivityOut(id=activity.pk, title=activity.title, kind=activity.kind,
                         space=activity.unit.space.slug, unit=activity.unit.title,
                         due_at=activity.unit.due_at, state=state_of(activity))  # fmt: skip


@router.get("/me/learning", response={200: MyLearningOut, **READ_ERRORS}, summary="My learning")
def mine(request: HttpRequest) -> MyLearningOut:
    """Across my spaces: due within a week, overdue, and done in the last two weeks."""
    found = my_learning(current_person(request))
    return MyLearningOut(due_soon=[_mine(a) for a in found.due_soon],
                         overdue=[_mine(a) for a in found.overdue],
                         done_recently=[_mine(a) for a in found.done_recently])  # fmt: skip
