"""An anonymous survey's results (counts, averages, free text, the CSV and the pre-launch
panel) are withheld until AFTERCLASS_INSIGHTS_MIN_GROUP people answered, and say how many more
are needed; a question answered by too few people stays withheld after."""

import csv
import io
import json

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict
from afterclass.people.actions import do_create_access_token
from afterclass.people.tests.factories import PersonFactory
from afterclass.surveys.actions import do_answer_survey
from afterclass.surveys.models import SurveyInvitation
from afterclass.surveys.queries import results_csv, results_json, survey_results
from afterclass.surveys.tests.conftest import answers_for, full_answers, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def min_group_3(settings):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 3
    return 3


def invite_and_answer(survey, count, **kwargs):
    people = PersonFactory.create_batch(count)
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, person=p) for p in people)
    for person in people:
        do_answer_survey(survey, full_answers(survey, **kwargs), actor=person)
    survey.refresh_from_db()
    return people


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- the read side -----------------------------------------------------------------------------


def test_survey_results_withhold_an_anonymous_survey_below_the_minimum_group(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey, note="fay-canary"), actor=fay)
    results = survey_results(survey)
    assert results.withheld
    assert results.needed == 4  # the default minimum group is 5
    assert "4 more answers are needed" in results.withheld_message
    assert "1 person has answered" in results.withheld_message
    for item in results.questions:
        assert (item.rows, item.texts, item.average, item.answered) == ([], [], None, 0)
    assert "fay-canary" not in json.dumps(results_json(results))


def test_survey_results_say_one_more_answer_when_one_is_missing(org_admin, min_group_3):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, 2)
    assert survey_results(survey).withheld_message.endswith("1 more answer is needed.")


def test_survey_results_show_everything_from_the_minimum_group(org_admin, min_group_3):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, 3, note="more, please")
    results = survey_results(survey)
    assert not results.withheld
    assert results.withheld_message == ""
    tool, _where, useful, note = results.questions
    assert [(row.label, row.count) for row in tool.rows] == [("Excel", 3), ("R", 0)]
    assert useful.average == 4
    assert note.texts == ["more, please"] * 3


def test_survey_results_withhold_a_question_too_few_people_answered(org_admin, min_group_3):
    survey = make_survey(org_admin, open_it=True)
    people = PersonFactory.create_batch(3)
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, person=p) for p in people)
    do_answer_survey(survey, full_answers(survey, note="only-one-canary"), actor=people[0])
    for person in people[1:]:
        # "Where?" and "Anything else?" are optional: left out by two of the three.
        answers = answers_for(survey, **{"Which tool?": "R", "How useful?": 2})
        do_answer_survey(survey, answers, actor=person)
    survey.refresh_from_db()
    results = survey_results(survey)
    tool, where, _useful, note = results.questions
    assert not results.withheld
    assert not tool.withheld
    assert where.withheld
    assert where.rows == []
    assert note.withheld
    assert note.texts == []
    assert note.answered == 1
    export = results_csv(survey)
    assert "only-one-canary" not in export
    assert "Home" not in export
    header = next(csv.reader(io.StringIO(export)))
    assert header[3] == "Anything else? (withheld: fewer than 3 answers)"


def test_survey_results_of_a_named_survey_are_never_withheld(org_admin, fay):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    do_answer_survey(survey, full_answers(survey, note="named"), actor=fay)
    results = survey_results(survey)
    assert not results.withheld
    assert results.questions[3].texts == ["named"]
    assert "named" in results_csv(survey)


def test_results_csv_refuses_an_anonymous_survey_below_the_minimum_group(org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey), actor=fay)
    with pytest.raises(Conflict, match="4 more answers are needed"):
        results_csv(survey)


# --- the API -----------------------------------------------------------------------------------


def test_api_results_are_withheld_with_how_many_more_are_needed(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey, note="api-canary"), actor=fay)
    auth = bearer(org_admin)
    response = client.get(f"/api/v1/surveys/{survey.pk}/results", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["withheld"] is True
    assert body["answers_needed"] == 4
    assert "4 more answers are needed" in body["detail"]
    assert body["responded"] == 1
    assert all(q["counts"] == [] and q["texts"] == [] for q in body["questions"])
    assert "api-canary" not in response.content.decode()
    export = client.get(f"/api/v1/surveys/{survey.pk}/results.csv", **auth)
    assert export.status_code == 409
    assert "4 more answers are needed" in export.content.decode()
    assert "api-canary" not in export.content.decode()
    assert not AuditEntry.objects.filter(action="survey.export").exists()


def test_api_results_are_shown_from_the_minimum_group(client, org_admin, min_group_3):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, 3, note="api-shown")
    auth = bearer(org_admin)
    body = client.get(f"/api/v1/surveys/{survey.pk}/results", **auth).json()
    assert (body["withheld"], body["answers_needed"], body["detail"]) == (False, 0, "")
    assert body["questions"][3]["texts"] == ["api-shown"] * 3
    assert body["questions"][3]["withheld"] is False
    export = client.get(f"/api/v1/surveys/{survey.pk}/results.csv", **auth)
    assert export.status_code == 200
    exported = AuditEntry.objects.get(action="survey.export")
    assert (exported.actor_id, exported.target_id) == (org_admin.pk, survey.pk)
    assert "api-shown" in export.content.decode()


def test_api_withheld_results_query_count(client, org_admin, django_assert_num_queries):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, 1)
    auth = bearer(org_admin)
    url = f"/api/v1/surveys/{survey.pk}/results"
    client.get(url, **auth)
    # token, survey, questions: the responses are not even read
    with django_assert_num_queries(3):
        assert client.get(url, **auth).status_code == 200


# --- the pages ---------------------------------------------------------------------------------


def test_results_page_withholds_and_says_how_many_more_are_needed(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_answer_survey(survey, full_answers(survey, note="page-canary"), actor=fay)
    client.force_login(org_admin)
    response = client.get(reverse("survey-results", args=[survey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Results withheld: 4 more answers needed" in html
    assert "page-canary" not in html
    assert "<svg" not in html
    assert reverse("survey-results-csv", args=[survey.pk]) not in html
    export = client.get(reverse("survey-results-csv", args=[survey.pk]))
    assert export.status_code == 409
    assert "page-canary" not in export.content.decode()


def test_results_page_shows_results_from_the_minimum_group(client, org_admin, min_group_3):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, 3, note="page-shown")
    client.force_login(org_admin)
    html = client.get(reverse("survey-results", args=[survey.pk])).content.decode()
    assert "Results withheld" not in html
    assert html.count("page-shown") == 3
    assert html.count("<svg") == 3
    assert reverse("survey-results-csv", args=[survey.pk]) in html


@pytest.mark.parametrize("responses", [1, 4])
def test_withheld_results_page_query_count_is_flat(
    client, org_admin, django_assert_num_queries, responses
):
    survey = make_survey(org_admin, open_it=True)
    invite_and_answer(survey, responses)
    client.force_login(org_admin)
    url = reverse("survey-results", args=[survey.pk])
    client.get(url)
    # session, person, survey, questions, the organisation of the layout
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
