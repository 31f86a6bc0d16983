"""Survey actions: validation, audiences, invitations, reminders, answering once while open,
anonymity, the pre-launch survey, launch sign-ups and the launch announcement."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.insights.models import Event
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.tests.factories import LevelFactory
from afterclass.spaces.actions import do_set_space_status
from afterclass.spaces.models import Audience, Status, Visibility
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import (
    PRELAUNCH_QUESTIONS,
    do_answer_survey,
    do_close_survey,
    do_create_prelaunch_survey,
    do_open_survey,
    do_remind_survey,
    do_sign_up_for_launch,
    do_update_survey,
    do_withdraw_launch_sign_up,
)
from afterclass.surveys.models import (
    AudienceKind,
    QuestionKind,
    Response,
    SpaceInterest,
    SurveyInvitation,
    SurveyState,
)
from afterclass.surveys.queries import results_csv, results_json, survey_results
from afterclass.surveys.tests.conftest import QUESTIONS, answers_for, full_answers, make_survey

pytestmark = pytest.mark.django_db

K = NotificationKind


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


# --- bad input -------------------------------------------------------------------------------


def test_create_survey_refuses_no_questions(org_admin):
    with pytest.raises(InvalidInput, match="at least one question") as error:
        make_survey(org_admin, questions=[])
    assert error.value.field == "questions"


@pytest.mark.parametrize("options", [["Only one"], [f"O{n}" for n in range(11)], ["A", "a"]])
def test_create_survey_refuses_choice_questions_without_2_to_10_distinct_options(
    org_admin, options
):
    question = {"text": "Pick", "kind": QuestionKind.SINGLE, "options": options}
    with pytest.raises(InvalidInput) as error:
        make_survey(org_admin, questions=[question])
    assert error.value.field == "options"
    assert "question 1" in error.value.message


def test_create_survey_refuses_closing_before_opening(org_admin):
    start = timezone.now()
    with pytest.raises(InvalidInput, match="close after it opens"):
        make_survey(org_admin, opens_at=start, closes_at=start - timedelta(hours=1))


def test_create_survey_refuses_times_without_a_time_zone(org_admin):
    with pytest.raises(InvalidInput, match="time zone"):
        make_survey(org_admin, opens_at=datetime(2030, 1, 1), closes_at=datetime(2030, 1, 2))  # noqa: DTZ001


def test_create_survey_refuses_unknown_kinds_and_empty_text(org_admin):
    with pytest.raises(InvalidInput):
        make_survey(org_admin, questions=[{"text": "Q", "kind": "essay"}])
    with pytest.raises(InvalidInput, match="cannot be empty"):
        make_survey(org_admin, questions=[{"text": "  ", "kind": "text"}])


def test_create_survey_needs_departments_for_a_department_audience(org_admin):
    with pytest.raises(InvalidInput, match="department"):
        make_survey(org_admin, audience=AudienceKind.DEPARTMENTS)


# --- who may create ---------------------------------------------------------------------------


def test_space_owner_cannot_survey_everyone(owner, planned):
    with pytest.raises(NotAllowed, match="organisation admins"):
        make_survey(owner, audience=AudienceKind.EVERYONE)


def test_member_cannot_survey_their_space(planned, otto):
    add_member(planned, otto)
    with pytest.raises(NotAllowed):
        make_survey(otto, audience=AudienceKind.SPACE_MEMBERS, space=planned)


def test_planned_audience_only_for_a_space_in_planning(owner):
    launched = make_space(owner, name="Live", slug="live")
    with pytest.raises(NotAllowed, match="planning"):
        make_survey(owner, audience=AudienceKind.PLANNED_AUDIENCE, space=launched)
    assert make_survey(owner, audience=AudienceKind.SPACE_MEMBERS, space=launched).pk


# --- audiences and invitations ---------------------------------------------------------------


def test_open_invites_a_department_with_its_teams_and_tells_them(now, org_admin, fay, abe, otto):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[fay.department])
    now(do_open_survey, survey, actor=org_admin)
    invited = set(SurveyInvitation.objects.values_list("person__email", flat=True))
    assert invited == {"fay@example.org", "abe@example.org"}
    survey.refresh_from_db()
    assert (survey.state, survey.invited_count) == (SurveyState.OPEN, 2)
    assert told(K.SURVEY_INVITATION) == ["abe@example.org", "fay@example.org"]


def test_open_invites_levels(now, org_admin, fay, otto):
    level = LevelFactory(name="Manager", rank=3)
    otto.level = level
    otto.save(update_fields=["level"])
    survey = make_survey(org_admin, audience=AudienceKind.LEVELS, levels=[level])
    now(do_open_survey, survey, actor=org_admin)
    assert told(K.SURVEY_INVITATION) == ["otto@example.org"]


def test_planned_audience_of_a_department_space(now, owner, planned, fay, abe, otto):
    survey = make_survey(owner, audience=AudienceKind.PLANNED_AUDIENCE, space=planned)
    now(do_open_survey, survey, actor=owner)
    assert told(K.SURVEY_INVITATION) == ["abe@example.org", "fay@example.org"]


def test_open_twice_is_refused(org_admin):
    survey = make_survey(org_admin, open_it=True)
    with pytest.raises(Conflict):
        do_open_survey(survey, actor=org_admin)


def test_reminders_go_only_to_invited_people_who_have_not_answered(now, org_admin, fay, abe, otto):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[fay.department])
    now(do_open_survey, survey, actor=org_admin)
    do_answer_survey(survey, full_answers(survey), actor=fay)
    assert now(do_remind_survey, survey, actor=org_admin) == 1
    assert told(K.SURVEY_REMINDER) == ["abe@example.org"]


def test_only_managers_open_remind_and_close(org_admin, fay):
    survey = make_survey(org_admin)
    for action in (do_open_survey, do_remind_survey, do_close_survey):
        with pytest.raises(NotAllowed):
            action(survey, actor=fay)


def test_a_draft_can_be_edited_and_an_open_survey_cannot(org_admin):
    survey = make_survey(org_admin)
    do_update_survey(
        survey,
        actor=org_admin,
        title="Renamed",
        questions=QUESTIONS[:1],
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
    )
    assert survey.questions.count() == 1
    do_open_survey(survey, actor=org_admin)
    with pytest.raises(Conflict, match="draft"):
        do_update_survey(
            survey,
            actor=org_admin,
            title="Again",
            questions=QUESTIONS,
            opens_at=survey.opens_at,
            closes_at=survey.closes_at,
        )


# --- answering ---------------------------------------------------------------------------------


def test_answer_once_only(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey), actor=fay)
    with pytest.raises(Conflict, match="already answered"):
        do_answer_survey(survey, full_answers(survey), actor=fay)
    assert Response.objects.count() == 1


def test_closed_survey_refuses_answers_with_a_clear_error(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_close_survey(survey, actor=org_admin)
    with pytest.raises(Conflict, match="closed and no longer takes answers") as error:
        do_answer_survey(survey, full_answers(survey), actor=fay)
    assert error.value.status == 409
    assert not Response.objects.exists()


def test_survey_past_its_closing_time_refuses_answers(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    survey.closes_at = timezone.now() - timedelta(seconds=1)
    survey.save(update_fields=["closes_at"])
    with pytest.raises(Conflict, match="closed"):
        do_answer_survey(survey, full_answers(survey), actor=fay)


def test_draft_and_future_surveys_refuse_answers(org_admin, fay):
    later = timezone.now() + timedelta(days=1)
    survey = make_survey(org_admin, opens_at=later, closes_at=later + timedelta(days=1))
    with pytest.raises(NotAllowed):
        do_answer_survey(survey, full_answers(survey), actor=fay)  # nobody invited yet
    do_open_survey(survey, actor=org_admin)
    with pytest.raises(Conflict, match="opens on"):
        do_answer_survey(survey, full_answers(survey), actor=fay)


def test_people_outside_the_audience_cannot_answer(org_admin, fay, otto):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[fay.department])
    do_open_survey(survey, actor=org_admin)
    with pytest.raises(NotAllowed, match="not addressed to you"):
        do_answer_survey(survey, full_answers(survey), actor=otto)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Which tool?": ""}, "Please answer question 1: Which tool?"),
        ({"Which tool?": "Python"}, "Choose one of the options of question 1"),
        ({"Where?": ["Moon"]}, "Choose among the options of question 2"),
        ({"How useful?": 6}, "number from 1 to 5"),
        ({"How useful?": "lots"}, "number from 1 to 5"),
    ],
)
def test_answers_are_checked_with_messages(org_admin, fay, change, message):
    survey = make_survey(org_admin, open_it=True)
    answers = full_answers(survey)
    answers.update(answers_for(survey, **change))
    with pytest.raises(InvalidInput, match=message):
        do_answer_survey(survey, answers, actor=fay)
    assert not SurveyInvitation.objects.filter(responded=True).exists()


def test_answers_to_unknown_questions_are_refused(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    with pytest.raises(InvalidInput, match="does not ask"):
        do_answer_survey(survey, {**full_answers(survey), "999999": "x"}, actor=fay)


# --- anonymity ---------------------------------------------------------------------------------


def test_anonymous_answers_cannot_be_traced_to_a_person(settings, org_admin, fay, abe, otto):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 3
    survey = make_survey(org_admin, open_it=True, anonymous=True)
    events_before = Event.objects.count()
    do_answer_survey(survey, full_answers(survey, note="fay-canary"), actor=fay)
    do_answer_survey(survey, full_answers(survey, tool="R", note="abe-canary"), actor=abe)
    do_answer_survey(survey, full_answers(survey, note="otto-canary"), actor=otto)

    # The response table: no person, no time, a random key.
    for response in Response.objects.all():
        assert response.person_id is None
        assert response.submitted_at is None
    assert not any(field.name == "response" for field in SurveyInvitation._meta.get_fields())
    assert {field.name for field in SurveyInvitation._meta.concrete_fields} == {
        "id",
        "survey",
        "person",
        "responded",
    }
    # The logs: the audit entries name nobody and point at the survey, not a response.
    entries = AuditEntry.objects.filter(action="survey.answer")
    assert entries.count() == 3
    for entry in entries:
        assert entry.actor_id is None
        assert entry.target_type == "surveys.survey"
        assert entry.data == {}
    assert Event.objects.count() == events_before
    # The export and the results: no names, no e-mails, not in the order of answering.
    export = results_csv(survey)
    for secret in ("Fay", "Abe", "Otto", "fay@example.org", "abe@example.org", str(fay.pk)):
        assert secret not in export
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0] == [question["text"] for question in QUESTIONS]
    assert rows[1:] == sorted(rows[1:])
    assert "Fay" not in str(results_json(survey_results(survey)))


def test_named_survey_export_names_people(org_admin, fay):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    do_answer_survey(survey, full_answers(survey), actor=fay)
    response = Response.objects.get()
    assert response.person == fay
    rows = list(csv.reader(io.StringIO(results_csv(survey))))
    assert rows[0][:2] == ["name", "email"]
    assert rows[1][:2] == ["Fay Finance", "fay@example.org"]
    assert AuditEntry.objects.get(action="survey.answer").actor_id == fay.pk


def test_export_neutralises_spreadsheet_formulas(org_admin, fay):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    do_answer_survey(survey, full_answers(survey, note="=HYPERLINK(1)"), actor=fay)
    assert "'=HYPERLINK(1)" in results_csv(survey)


# --- results -----------------------------------------------------------------------------------


def test_response_rate_and_counts(org_admin, fay, abe, otto):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    invited = survey.invited_count
    assert invited == 4  # the admin, fay, abe, otto
    do_answer_survey(survey, full_answers(survey, tool="R", useful=2), actor=fay)
    do_answer_survey(survey, full_answers(survey, tool="R", useful=5, note=""), actor=abe)
    survey.refresh_from_db()
    assert survey.response_rate == pytest.approx(0.5)
    assert survey.response_rate_pct == 50
    results = survey_results(survey)
    tool, where, useful, note = results.questions
    assert [(row.label, row.count, row.pct) for row in tool.rows] == [
        ("Excel", 0, 0),
        ("R", 2, 100),
    ]
    assert [row.count for row in where.rows] == [2, 0, 0]
    assert useful.average == 3.5
    assert note.texts == ["More training, please"]


# --- the pre-launch survey, sign-ups and the launch --------------------------------------------


def test_prelaunch_survey_is_prefilled_for_the_planned_audience(owner, planned):
    survey = do_create_prelaunch_survey(planned, actor=owner)
    assert survey.audience == AudienceKind.PLANNED_AUDIENCE
    assert survey.space == planned
    assert survey.is_prelaunch
    assert survey.anonymous
    assert [q.text for q in survey.questions.all()] == [q["text"] for q in PRELAUNCH_QUESTIONS]
    with pytest.raises(Conflict, match="already has"):
        do_create_prelaunch_survey(planned, actor=owner)


def test_prelaunch_survey_only_by_owners_of_a_space_in_planning(owner, planned, fay):
    with pytest.raises(NotAllowed):
        do_create_prelaunch_survey(planned, actor=fay)
    launched = make_space(owner, name="Live", slug="live")
    with pytest.raises(Conflict, match="planning"):
        do_create_prelaunch_survey(launched, actor=owner)


def test_sign_up_for_launch_and_withdraw(planned, fay, otto):
    do_sign_up_for_launch(planned, actor=fay)
    do_sign_up_for_launch(planned, actor=fay)  # twice is once
    assert SpaceInterest.objects.filter(space=planned).count() == 1
    do_withdraw_launch_sign_up(planned, actor=fay)
    assert not SpaceInterest.objects.exists()
    with pytest.raises(NotFound):
        do_sign_up_for_launch(planned, actor=otto)


def test_launch_tells_sign_ups_first_then_the_audience_once_each(now, owner, planned, fay, abe):
    do_sign_up_for_launch(planned, actor=abe)
    now(do_set_space_status, planned, Status.LAUNCHED, actor=owner)
    rows = list(Notification.objects.filter(kind=K.SPACE_LAUNCHED).order_by("pk"))
    assert [row.recipient.email for row in rows] == ["abe@example.org", "fay@example.org"]
    # Titled by the space's name; its purpose is on the page the notification opens.
    assert rows[0].message == f"“{planned.name}” is launched: read its ground rules and join."
    assert "Share what we learn about budgeting" not in rows[0].message
    assert rows[0].url == f"/spaces/{planned.slug}/"
    # the owner (a member, and the one who launched it) hears nothing
    assert not Notification.objects.filter(recipient=owner, kind=K.SPACE_LAUNCHED).exists()


def test_launching_a_secret_space_tells_only_sign_ups(now, owner, finance, fay, abe):
    secret = make_space(
        owner,
        name="Quiet",
        slug="quiet",
        status=Status.PLANNING,
        visibility=Visibility.SECRET,
        audience=Audience.DEPARTMENTS,
        audience_departments=[finance],
    )
    do_sign_up_for_launch(secret, actor=fay)
    now(do_set_space_status, secret, Status.LAUNCHED, actor=owner)
    assert told(K.SPACE_LAUNCHED) == ["fay@example.org"]


def test_reopening_an_archived_space_announces_nothing(now, owner, fay):
    space = make_space(owner, name="Old", slug="old", status=Status.ARCHIVED)
    now(do_set_space_status, space, Status.LAUNCHED, actor=owner)
    assert told(K.SPACE_LAUNCHED) == []


def test_sign_up_after_launch_is_refused(owner, planned, fay):
    do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    with pytest.raises(Conflict, match="already launched"):
        do_sign_up_for_launch(planned, actor=fay)


def test_member_survey_reaches_members_only(now, owner, fay, otto):
    space = make_space(owner, name="Live", slug="live")
    add_member(space, fay)
    survey = make_survey(owner, audience=AudienceKind.SPACE_MEMBERS, space=space)
    now(do_open_survey, survey, actor=owner)
    assert set(SurveyInvitation.objects.values_list("person__email", flat=True)) == {
        "olive@example.org",
        "fay@example.org",
    }
    # the owner opening it is not told about their own survey
    assert told(K.SURVEY_INVITATION) == ["fay@example.org"]
