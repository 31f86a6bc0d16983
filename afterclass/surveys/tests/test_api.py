"""Surveys API: my list, a survey, answering, results as JSON and CSV, for allowed and refused
callers, and query counts."""

import json

import pytest

from afterclass.people.actions import do_create_access_token
from afterclass.people.tests.factories import PersonFactory
from afterclass.surveys.actions import do_answer_survey, do_close_survey
from afterclass.surveys.models import AudienceKind, Response, SurveyInvitation
from afterclass.surveys.tests.conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, person, data):
    return client.post(url, json.dumps(data), content_type="application/json", **bearer(person))


def get(client, url, person):
    return client.get(url, **bearer(person))


def test_list_shows_my_surveys_with_whether_i_answered(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    make_survey(org_admin, title="Draft")
    do_answer_survey(survey, full_answers(survey), actor=fay)
    body = get(client, "/api/v1/surveys", fay).json()
    assert [(item["id"], item["responded"]) for item in body["items"]] == [(survey.pk, True)]
    assert body["next"] is None
    assert len(get(client, "/api/v1/surveys", org_admin).json()["items"]) == 2


def test_detail_has_the_questions_and_404s_outside_the_audience(client, org_admin, fay, otto):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[fay.department])
    from afterclass.surveys.actions import do_open_survey

    do_open_survey(survey, actor=org_admin)
    body = get(client, f"/api/v1/surveys/{survey.pk}", fay).json()
    assert [q["kind"] for q in body["questions"]] == ["single", "multiple", "scale", "text"]
    assert body["accepting"] is True
    assert get(client, f"/api/v1/surveys/{survey.pk}", otto).status_code == 404
    assert (
        post_json(client, f"/api/v1/surveys/{survey.pk}/answers", otto, {"answers": {}}).status_code
        == 404
    )


def test_answer_through_the_api_once(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    url = f"/api/v1/surveys/{survey.pk}/answers"
    response = post_json(client, url, fay, {"answers": full_answers(survey)})
    assert response.status_code == 201
    assert response.json() == {"detail": "Thank you: your answers are in."}
    again = post_json(client, url, fay, {"answers": full_answers(survey)})
    assert again.status_code == 409
    assert "already answered" in again.json()["detail"]


def test_closed_survey_refuses_api_answers_with_a_clear_error(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_close_survey(survey, actor=org_admin)
    response = post_json(
        client, f"/api/v1/surveys/{survey.pk}/answers", fay, {"answers": full_answers(survey)}
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "This survey is closed and no longer takes answers."


def test_api_answer_bad_input(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    url = f"/api/v1/surveys/{survey.pk}/answers"
    missing = post_json(client, url, fay, {"answers": {}})
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Please answer question 1: Which tool?"
    assert post_json(client, url, fay, {"answers": {"1": {"x": 1}}}).status_code == 422
    assert post_json(client, url, fay, {"answer": {}}).status_code == 422
    assert not Response.objects.exists()


def test_results_for_managers_only(settings, client, org_admin, fay, otto):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 3
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey, note="canary-note"), actor=fay)
    do_answer_survey(survey, full_answers(survey, note="canary-note"), actor=otto)
    do_answer_survey(survey, full_answers(survey, note="canary-note"), actor=org_admin)
    body = get(client, f"/api/v1/surveys/{survey.pk}/results", org_admin).json()
    assert (body["invited"], body["responded"]) == (3, 3)
    assert body["questions"][3]["texts"] == ["canary-note"] * 3
    assert "Fay" not in json.dumps(body)
    assert get(client, f"/api/v1/surveys/{survey.pk}/results", fay).status_code == 403
    csv_response = get(client, f"/api/v1/surveys/{survey.pk}/results.csv", org_admin)
    assert csv_response.status_code == 200
    assert "canary-note" in csv_response.content.decode()
    assert "fay@example.org" not in csv_response.content.decode()
    assert get(client, f"/api/v1/surveys/{survey.pk}/results.csv", fay).status_code == 403
    assert get(client, "/api/v1/surveys/999999/results", org_admin).status_code == 404


@pytest.mark.parametrize("responses", [1, 50])
def test_results_query_count_is_flat(client, org_admin, django_assert_num_queries, responses):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    people = PersonFactory.create_batch(responses)
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, person=p) for p in people)
    for person in people:
        do_answer_survey(survey, full_answers(survey), actor=person)
    auth = bearer(org_admin)
    url = f"/api/v1/surveys/{survey.pk}/results"
    client.get(url, **auth)
    # token, survey, questions, responses
    with django_assert_num_queries(4):
        assert client.get(url, **auth).status_code == 200
    # the same, and the export's audit entry
    with django_assert_num_queries(5):
        assert client.get(f"{url}.csv", **auth).status_code == 200


@pytest.mark.parametrize("surveys", [1, 50])
def test_list_query_count_is_flat(client, org_admin, fay, django_assert_num_queries, surveys):
    for _ in range(surveys):
        make_survey(org_admin, open_it=True)
    auth = bearer(fay)
    client.get("/api/v1/surveys", **auth)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/surveys?limit=100", **auth).status_code == 200
