"""Survey pages: who gets which page, forms with their errors, answering, results with their
charts and CSV, the planning space's panel, the launch sign-up, and query counts."""

import pytest
from django.urls import reverse

from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Status
from afterclass.surveys.actions import (
    do_answer_survey,
    do_close_survey,
    do_create_prelaunch_survey,
    do_open_survey,
)
from afterclass.surveys.models import (
    AudienceKind,
    Response,
    SpaceInterest,
    Survey,
    SurveyInvitation,
)
from afterclass.surveys.tests.conftest import full_answers, make_survey

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(client, person):
    client.force_login(person)
    return client


def test_list_shows_surveys_for_me_and_those_i_manage(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True, title="Tools we use")
    draft = make_survey(org_admin, title="Still a draft")
    page = signed_in(client, fay).get(reverse("survey-list")).content.decode()
    assert "Tools we use" in page
    assert "Still a draft" not in page
    admin_page = signed_in(client, org_admin).get(reverse("survey-list")).content.decode()
    assert draft.title in admin_page
    assert survey.title in admin_page
    assert reverse("survey-create") in admin_page


def test_create_page_makes_a_draft(client, org_admin):
    data = {
        "title": "Lunch and learn",
        "intro": "",
        "audience": "everyone",
        "anonymous": "on",
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-01-08T09:00",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-0-text": "Which day?",
        "q-0-kind": "single",
        "q-0-options": "Monday\nFriday",
        "q-0-required": "on",
        "q-1-text": "",
        "q-1-kind": "single",
    }
    response = signed_in(client, org_admin).post(reverse("survey-create"), data)
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("survey-detail", args=[survey.pk])
    assert [q.options for q in survey.questions.all()] == [["Monday", "Friday"]]
    assert survey.opens_at.tzinfo is not None


def test_create_page_shows_bad_input_next_to_the_form(client, org_admin):
    data = {
        "title": "Lunch",
        "audience": "everyone",
        "opens_at": "2030-01-08T09:00",
        "closes_at": "2030-01-01T09:00",
        "q-TOTAL_FORMS": "1",
        "q-INITIAL_FORMS": "0",
        "q-0-text": "Which day?",
        "q-0-kind": "single",
        "q-0-options": "Monday",
    }
    response = signed_in(client, org_admin).post(reverse("survey-create"), data)
    assert response.status_code == 400
    assert "must close after it opens" in response.content.decode()
    data["closes_at"] = "2030-01-09T09:00"
    response = client.post(reverse("survey-create"), data)
    assert response.status_code == 400
    assert "needs 2 to 10 options" in response.content.decode()
    assert not Survey.objects.exists()


def test_people_without_a_space_cannot_create(client, fay):
    assert signed_in(client, fay).get(reverse("survey-create")).status_code == 403


def test_answer_page_takes_answers_once(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    url = reverse("survey-detail", args=[survey.pk])
    ids = {q.text: q.pk for q in survey.questions.all()}
    data = {f"q{ids['Which tool?']}": "R", f"q{ids['Where?']}": ["Home", "Train"]}
    data[f"q{ids['How useful?']}"] = "5"
    response = signed_in(client, fay).post(url, data)
    assert response.status_code == 302
    assert Response.objects.get().answers[str(ids["Where?"])] == ["Home", "Train"]
    page = client.get(url).content.decode()
    assert "You have answered this survey" in page


def test_answer_page_names_the_missing_required_answer(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    response = signed_in(client, fay).post(reverse("survey-detail", args=[survey.pk]), {})
    assert response.status_code == 400
    assert "Please answer question 1: Which tool?" in response.content.decode()


def test_closed_survey_page_refuses_answers_with_a_clear_error(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    do_close_survey(survey, actor=org_admin)
    url = reverse("survey-detail", args=[survey.pk])
    response = signed_in(client, fay).post(url, {"q1": "R"})
    assert response.status_code == 409
    assert "closed and no longer takes answers" in response.content.decode()


def test_people_outside_the_audience_get_404(client, org_admin, fay, otto):
    survey = make_survey(org_admin, audience=AudienceKind.DEPARTMENTS, departments=[fay.department])
    do_open_survey(survey, actor=org_admin)
    signed_in(client, otto)
    for name in ("survey-detail", "survey-results", "survey-results-csv", "survey-edit"):
        assert client.get(reverse(name, args=[survey.pk])).status_code == 404, name
    assert client.post(reverse("survey-remind", args=[survey.pk])).status_code == 404


def test_invited_people_who_do_not_manage_get_403_for_results(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True)
    signed_in(client, fay)
    assert client.get(reverse("survey-results", args=[survey.pk])).status_code == 403
    assert client.get(reverse("survey-results-csv", args=[survey.pk])).status_code == 403
    assert client.post(reverse("survey-close", args=[survey.pk])).status_code == 403


def test_results_page_draws_svg_charts_without_inline_styles(client, org_admin, fay):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    do_answer_survey(survey, full_answers(survey, note="Pair programming"), actor=fay)
    page = signed_in(client, org_admin).get(reverse("survey-results", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") == 3
    assert "style=" not in html
    assert "<script>" not in html
    assert "Pair programming" in html
    assert "<table>" in html


def test_results_csv_download(settings, client, org_admin, fay, abe):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 3
    survey = make_survey(org_admin, open_it=True)
    for person in (fay, abe, org_admin):
        do_answer_survey(survey, full_answers(survey), actor=person)
    response = signed_in(client, org_admin).get(reverse("survey-results-csv", args=[survey.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "Fay" not in response.content.decode()


def test_open_remind_close_buttons(client, org_admin):
    survey = make_survey(org_admin)
    signed_in(client, org_admin)
    client.post(reverse("survey-open", args=[survey.pk]))
    client.post(reverse("survey-remind", args=[survey.pk]))
    client.post(reverse("survey-close", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state == "closed"
    assert survey.last_reminded_at is not None
    response = client.post(reverse("survey-close", args=[survey.pk]), follow=True)
    assert "Only an open survey can be closed." in response.content.decode()


@pytest.mark.parametrize("responses", [1, 50])
def test_results_page_query_count_is_flat(client, org_admin, django_assert_num_queries, responses):
    survey = make_survey(org_admin, open_it=True, anonymous=False)
    people = PersonFactory.create_batch(responses)
    # Opened above, before these people existed: invite them directly.
    SurveyInvitation.objects.bulk_create(SurveyInvitation(survey=survey, person=p) for p in people)
    for person in people:
        do_answer_survey(survey, full_answers(survey), actor=person)
    signed_in(client, org_admin)
    url = reverse("survey-results", args=[survey.pk])
    client.get(url)
    # session, person, survey, questions, responses, the organisation of the layout
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


# --- a space in planning -----------------------------------------------------------------------


def test_planning_space_home_shows_survey_results_and_sign_ups_to_owners(
    client, owner, planned, fay, abe
):
    survey = do_create_prelaunch_survey(planned, actor=owner)
    do_open_survey(survey, actor=owner)
    questions = list(survey.questions.all())
    do_answer_survey(survey, {str(questions[0].pk): "Yes, regularly",
                              str(questions[1].pk): "Sometimes",
                              str(questions[3].pk): "A mix of both"}, actor=fay)  # fmt: skip
    SpaceInterest.objects.create(space=planned, person=abe)
    html = signed_in(client, owner).get(reverse("space-home", args=[planned.slug])).content.decode()
    assert "Before the launch" in html
    assert "<strong>1</strong> person is interested" in html
    assert "1 of 2 answered (50%)" in html
    # One answer of an anonymous survey: nothing that could tell what Fay said.
    assert "Yes, regularly" not in html
    assert "4 more answers are needed" in html


def test_planning_space_home_shows_prelaunch_results_once_enough_answered(
    settings, client, owner, planned, finance, fay, abe
):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 3
    cy = PersonFactory(department=finance)
    survey = do_create_prelaunch_survey(planned, actor=owner)
    do_open_survey(survey, actor=owner)
    questions = list(survey.questions.all())
    for person in (fay, abe, cy):
        do_answer_survey(survey, {str(questions[0].pk): "Yes, regularly",
                                  str(questions[1].pk): "Sometimes",
                                  str(questions[3].pk): "A mix of both"}, actor=person)  # fmt: skip
    html = signed_in(client, owner).get(reverse("space-home", args=[planned.slug])).content.decode()
    assert "3 of 3 answered (100%)" in html
    assert "Yes, regularly" in html
    assert "more answers are needed" not in html


def test_planning_space_home_offers_the_prelaunch_survey(client, owner, planned):
    html = signed_in(client, owner).get(reverse("space-home", args=[planned.slug])).content.decode()
    assert reverse("survey-prelaunch", args=[planned.slug]) in html
    response = client.post(reverse("survey-prelaunch", args=[planned.slug]))
    survey = Survey.objects.get(is_prelaunch=True)
    assert response["Location"] == reverse("survey-detail", args=[survey.pk])


def test_launched_space_home_has_no_plan_panel(client, owner):
    from afterclass.spaces.tests.factories import make_space

    space = make_space(owner, name="Live", slug="live", status=Status.LAUNCHED)
    html = signed_in(client, owner).get(reverse("space-home", args=[space.slug])).content.decode()
    assert "Before the launch" not in html


def test_survey_page_offers_the_launch_sign_up_with_htmx(client, owner, planned, fay, otto):
    survey = do_create_prelaunch_survey(planned, actor=owner)
    do_open_survey(survey, actor=owner)
    signed_in(client, fay)
    html = client.get(reverse("survey-detail", args=[survey.pk])).content.decode()
    assert "tell me at launch" in html
    url = reverse("launch-sign-up", args=[planned.pk])
    response = client.post(url, {"survey": survey.pk}, headers=HTMX)
    assert "You will be told as soon as" in response.content.decode()
    assert SpaceInterest.objects.filter(person=fay).exists()
    client.post(url, {"withdraw": "1", "survey": survey.pk})
    assert not SpaceInterest.objects.exists()
    assert signed_in(client, otto).post(url).status_code == 404


@pytest.mark.parametrize("surveys", [1, 50])
def test_list_page_query_count_is_flat(client, org_admin, fay, django_assert_num_queries, surveys):
    for number in range(surveys):
        make_survey(org_admin, open_it=True, title=f"Survey {number}")
    signed_in(client, org_admin)
    client.get(reverse("survey-list"))
    # session, person, managed page, surveys for me, the organisation of the layout (an admin
    # may always create: no query for that)
    with django_assert_num_queries(5):
        assert client.get(reverse("survey-list")).status_code == 200


def test_list_page_loads_more_with_htmx(client, org_admin):
    for number in range(26):
        make_survey(org_admin, title=f"Survey {number:02}")
    page = signed_in(client, org_admin).get(reverse("survey-list"))
    assert page.context["next_url"]
    more = client.get(reverse("survey-list") + page.context["next_url"], headers=HTMX)
    html = more.content.decode()
    assert "<html" not in html
    assert "Survey 00" in html
    assert "Survey 25" not in html
