"""Surveys API for the people who run them: creating, opening, closing and reminding, with the
same rules as the pages — allowed and refused callers, every bad input, the one error shape."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from afterclass.people.actions import do_create_access_token
from afterclass.people.tests.factories import LevelFactory, PersonFactory
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import do_answer_survey
from afterclass.surveys.models import AudienceKind, Survey, SurveyInvitation, SurveyState
from afterclass.surveys.tests.conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"text": "Which tool?", "kind": "single", "options": ["Excel", "R"], "required": True},
    {"text": "How useful?", "kind": "scale"},
]


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, person, data=None):
    body = json.dumps(data if data is not None else {})
    return client.post(url, body, content_type="application/json", **bearer(person))


def survey_in(**fields):
    return {"title": "Tools we use", "audience": "everyone", "questions": QUESTIONS, **fields}


ANY = object()


def assert_error(response, status, *, field=ANY, says=""):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "field", "errors"}
    if field is not ANY:
        assert body["field"] == field
    assert says in body["detail"]
    return body


# --- creating --------------------------------------------------------------------------------


def test_admin_creates_a_draft_for_everyone(client, org_admin):
    response = post_json(client, "/api/v1/surveys", org_admin, survey_in(anonymous=False))

    assert response.status_code == 201
    body = response.json()
    survey = Survey.objects.get()
    assert body["id"] == survey.pk
    assert (body["state"], body["anonymous"], body["responded"]) == ("draft", False, None)
    assert [q["kind"] for q in body["questions"]] == ["single", "scale"]
    assert survey.created_by == org_admin
    # Opens now and closes two weeks later when the times are left out.
    assert timezone.now() - survey.opens_at < timedelta(minutes=1)
    assert survey.closes_at - survey.opens_at == timedelta(days=14)


def test_admin_creates_one_for_departments_and_levels(client, org_admin, finance):
    level = LevelFactory()
    by_department = post_json(
        client,
        "/api/v1/surveys",
        org_admin,
        survey_in(audience="departments", departments=[finance.pk]),
    )
    by_level = post_json(
        client, "/api/v1/surveys", org_admin, survey_in(audience="levels", levels=[level.pk])
    )

    assert (by_department.status_code, by_level.status_code) == (201, 201)
    assert list(Survey.objects.get(pk=by_department.json()["id"]).departments.all()) == [finance]
    assert list(Survey.objects.get(pk=by_level.json()["id"]).levels.all()) == [level]


def test_space_owner_surveys_their_members_and_planned_audience(client, owner, planned):
    live = make_space(owner, name="Live space", slug="live")
    members = post_json(
        client, "/api/v1/surveys", owner, survey_in(audience="space_members", space=live.slug)
    )
    audience = post_json(
        client,
        "/api/v1/surveys",
        owner,
        survey_in(audience="planned_audience", space=planned.slug),
    )

    assert (members.status_code, audience.status_code) == (201, 201)
    assert Survey.objects.get(pk=members.json()["id"]).space == live


def test_create_is_refused_to_people_who_create_no_surveys(client, fay):
    response = post_json(client, "/api/v1/surveys", fay, survey_in())

    assert_error(response, 403, says="Organisation admins and space owners create surveys.")
    assert not Survey.objects.exists()


def test_space_owner_may_not_survey_everyone_or_another_space(client, owner, otto):
    make_space(owner, name="My space", slug="my-space")
    others = make_space(otto, name="Not mine", slug="not-mine")
    add_member(others, owner)

    everyone = post_json(client, "/api/v1/surveys", owner, survey_in())
    other_space = post_json(
        client, "/api/v1/surveys", owner, survey_in(audience="space_members", space="not-mine")
    )

    assert_error(everyone, 403, says="Only organisation admins can survey everyone")
    assert_error(other_space, 403, says="Only the space's owners")
    assert not Survey.objects.exists()


def test_create_for_a_space_i_cannot_see_is_not_found(client, org_admin, owner):
    response = post_json(
        client, "/api/v1/surveys", owner, survey_in(audience="space_members", space="nowhere")
    )
    assert_error(response, 403)  # owner of no space: refused before the space is looked up
    make_space(owner, name="My space", slug="my-space")
    response = post_json(
        client, "/api/v1/surveys", owner, survey_in(audience="space_members", space="nowhere")
    )
    assert_error(response, 404)


def test_create_needs_a_token_or_session(client):
    response = client.post("/api/v1/surveys", json.dumps(survey_in()), "application/json")
    assert_error(response, 401)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"title": ""}, 400, "title"),
        ({"title": "x" * 121}, 422, "title"),
        ({"title": "a\x00b"}, 422, "title"),
        ({"intro": "x" * 1001}, 422, "intro"),
        ({"audience": "friends"}, 422, "audience"),
        ({"audience": "departments"}, 400, "departments"),
        ({"audience": "levels"}, 400, "levels"),
        ({"audience": "departments", "departments": [999999]}, 400, "departments"),
        ({"audience": "levels", "levels": [999999]}, 400, "levels"),
        ({"departments": [0]}, 422, "departments.0"),
        ({"audience": "space_members"}, 400, "space"),
        ({"questions": []}, 422, "questions"),
        ({"questions": [{"text": "Why?", "kind": "essay"}]}, 422, "questions.0.kind"),
        ({"questions": [{"text": "", "kind": "text"}]}, 400, "text of question 1"),
        ({"questions": [{"text": "Pick", "kind": "single", "options": ["One"]}]}, 400, "options"),
        (
            {"questions": [{"text": "Pick", "kind": "single", "options": ["A", "a"]}]},
            400,
            "options",
        ),
        ({"questions": [{"text": "Why?", "kind": "text", "colour": "red"}]}, 422, None),
        ({"opens_at": "2030-01-01T09:00:00"}, 422, "opens_at"),
        ({"closes_at": "yesterday"}, 422, "closes_at"),
        (
            {"opens_at": "2030-01-02T09:00:00Z", "closes_at": "2030-01-01T09:00:00Z"},
            400,
            "closes_at",
        ),
        ({"anonymous": "perhaps"}, 422, "anonymous"),
        ({"surprise": True}, 422, "surprise"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(client, org_admin, change, status, field):
    response = post_json(client, "/api/v1/surveys", org_admin, survey_in(**change))

    body = assert_error(response, status)
    if field is not None:
        assert field in {error["field"] for error in body["errors"]} | {body["field"]}
    assert not Survey.objects.exists()


def test_create_refuses_a_body_that_is_not_json(client, org_admin):
    response = client.post(
        "/api/v1/surveys", "{not json", content_type="application/json", **bearer(org_admin)
    )
    assert_error(response, 400, says="not valid JSON")


# --- opening, closing, reminding -------------------------------------------------------------


def test_open_invites_the_audience_and_close_stops_answers(client, org_admin, fay, otto):
    survey = make_survey(org_admin)

    opened = post_json(client, f"/api/v1/surveys/{survey.pk}/open", org_admin)

    assert opened.status_code == 200
    assert (opened.json()["state"], opened.json()["accepting"]) == ("open", True)
    assert set(SurveyInvitation.objects.values_list("person_id", flat=True)) >= {fay.pk, otto.pk}
    closed = post_json(client, f"/api/v1/surveys/{survey.pk}/close", org_admin)
    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["accepting"]) == ("closed", False)
    survey.refresh_from_db()
    assert survey.state == SurveyState.CLOSED


def test_remind_tells_only_those_who_have_not_answered(client, org_admin, fay, otto):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey), actor=fay)
    waiting = SurveyInvitation.objects.filter(survey=survey, responded=False).count()

    response = post_json(client, f"/api/v1/surveys/{survey.pk}/remind", org_admin)

    assert response.status_code == 200
    assert response.json() == {"reminded": waiting}
    survey.refresh_from_db()
    assert survey.last_reminded_at is not None


def test_space_owner_manages_their_space_survey(client, owner, fay):
    space = make_space(owner, name="Live space", slug="live")
    add_member(space, fay)
    survey = make_survey(owner, audience=AudienceKind.SPACE_MEMBERS, space=space)
    co_owner = add_member(space, PersonFactory(), role=Role.OWNER).person

    assert post_json(client, f"/api/v1/surveys/{survey.pk}/open", co_owner).status_code == 200
    assert post_json(client, f"/api/v1/surveys/{survey.pk}/remind", owner).status_code == 200
    assert post_json(client, f"/api/v1/surveys/{survey.pk}/close", owner).status_code == 200


@pytest.mark.parametrize("what", ["open", "close", "remind"])
def test_managing_is_refused_to_the_invited_and_hidden_from_others(
    client, org_admin, fay, otto, finance, what
):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[finance])
    if what != "open":
        post_json(client, f"/api/v1/surveys/{survey.pk}/open", org_admin)
    url = f"/api/v1/surveys/{survey.pk}/{what}"

    # Invited once it is open (and refused); a draft is unknown to her.
    refused = 404 if what == "open" else 403
    assert_error(post_json(client, url, fay), refused)
    assert_error(post_json(client, url, otto), 404, says="There is no such survey")
    assert_error(post_json(client, f"/api/v1/surveys/999999/{what}", org_admin), 404)
    assert_error(post_json(client, f"/api/v1/surveys/0/{what}", org_admin), 422)
    assert_error(client.post(url), 401)
    survey.refresh_from_db()
    assert survey.state == (SurveyState.DRAFT if what == "open" else SurveyState.OPEN)


def test_a_draft_cannot_be_closed_or_reminded_and_an_open_one_not_reopened(client, org_admin):
    draft = make_survey(org_admin)
    opened = make_survey(org_admin, open_it=True)

    assert_error(post_json(client, f"/api/v1/surveys/{draft.pk}/close", org_admin), 409)
    assert_error(post_json(client, f"/api/v1/surveys/{draft.pk}/remind", org_admin), 409)
    assert_error(
        post_json(client, f"/api/v1/surveys/{opened.pk}/open", org_admin),
        409,
        says="already been opened",
    )


def test_opening_after_the_closing_time_is_refused_naming_the_field(client, org_admin):
    start = timezone.now() - timedelta(days=3)
    survey = make_survey(org_admin, opens_at=start, closes_at=start + timedelta(days=1))

    response = post_json(client, f"/api/v1/surveys/{survey.pk}/open", org_admin)

    body = assert_error(response, 400, field="closes_at", says="closing time has passed")
    assert body["errors"] == [{"field": "closes_at", "message": body["detail"], "type": "invalid"}]


# --- query counts ----------------------------------------------------------------------------


def count_queries(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in {200, 201}, response.content
    return len(queries)


def warmed_up(client, person):
    """A token whose first use (it records when it was last used) is behind it."""
    headers = bearer(person)
    assert client.get("/api/v1/people/me", **headers).status_code == 200
    return headers


def test_create_costs_the_same_for_1_and_30_questions(client, org_admin):
    headers = warmed_up(client, org_admin)

    def create(count):
        questions = [{"text": f"Question {n}?", "kind": "text"} for n in range(count)]
        body = json.dumps(survey_in(questions=questions))
        return lambda: client.post(
            "/api/v1/surveys", body, content_type="application/json", **headers
        )

    assert count_queries(create(1)) == count_queries(create(30)) == 7


def test_open_costs_the_same_for_an_audience_of_2_and_of_40(client, org_admin, finance):
    headers = warmed_up(client, org_admin)

    def opener(people):
        PersonFactory.create_batch(people, department=finance)
        survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[finance])
        return lambda: client.post(f"/api/v1/surveys/{survey.pk}/open", **headers)

    small = count_queries(opener(2))
    assert count_queries(opener(38)) == small == 10
