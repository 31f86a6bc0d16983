"""A quick check after answering: explanations rendered from Markdown, the choices kept ticked,
and (htmx) the score said in the live region with focus on it."""

import json
import re

import pytest
from django.urls import reverse

from afterclass.learning.actions.building import QuestionIn
from afterclass.learning.tests.factories import make_activity

pytestmark = pytest.mark.django_db

QUESTIONS = [
    QuestionIn("Which sums rows?", ["SUM", "AVG"], [0], "Use **SUM**, see `=SUM(A1:A9)`."),
    QuestionIn("Which are charts?", ["Bar", "Table", "Line"], [0, 2], "<script>x()</script>No"),
]


@pytest.fixture
def check(unit, facilitator):
    return make_activity(unit, facilitator, "quick_check", questions=QUESTIONS)


def _answer(client, learner, check, data, **headers):
    client.force_login(learner)
    return client.post(reverse("learning-check", args=[check.pk]), data, headers=headers)


def _checked(body):
    return sorted(re.findall(r'name="(q\d+)" value="(\d+)" checked', body))


@pytest.mark.parametrize("htmx", [True, False])
def test_quick_check_explanation_is_rendered_markdown(client, check, learner, htmx):
    q1, q2 = check.questions.order_by("position")
    headers = {"HX-Request": "true"} if htmx else {}
    response = _answer(client, learner, check, {f"q{q1.pk}": "0", f"q{q2.pk}": "0"}, **headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>SUM</strong>" in body
    assert "<code>=SUM(A1:A9)</code>" in body
    assert "**SUM**" not in body
    assert "<script>x()" not in body  # sanitised, as every rendered text


@pytest.mark.parametrize("htmx", [True, False])
def test_quick_check_keeps_the_learners_choices_ticked(client, check, learner, htmx):
    q1, q2 = check.questions.order_by("position")
    headers = {"HX-Request": "true"} if htmx else {}
    data = {f"q{q1.pk}": "1", f"q{q2.pk}": ["0", "1"]}
    body = _answer(client, learner, check, data, **headers).content.decode()
    assert "You scored 0 of 2" in body
    assert _checked(body) == sorted([(f"q{q1.pk}", "1"), (f"q{q2.pk}", "0"), (f"q{q2.pk}", "1")])


def test_quick_check_page_before_answering_ticks_nothing(client, check, learner):
    client.force_login(learner)
    body = client.get(reverse("learning-activity", args=[check.pk])).content.decode()
    assert _checked(body) == []


def test_quick_check_in_place_says_the_score_and_focuses_it(client, check, learner):
    q1, q2 = check.questions.order_by("position")
    data = {f"q{q1.pk}": "0", f"q{q2.pk}": ["0", "2"]}
    response = _answer(client, learner, check, data, **{"HX-Request": "true"})
    event = json.loads(response["HX-Trigger-After-Settle"])["afterclass-updated"]
    assert event == {
        "message": "You scored 2 of 2. The explanations are shown.",
        "focus": "#quick-check-result",
    }
    assert 'id="quick-check-result"' in response.content.decode()


def test_quick_check_refusal_says_nothing_in_place(client, check, learner):
    response = _answer(client, learner, check, {}, **{"HX-Request": "true"})
    assert response.status_code == 400
    assert "HX-Trigger-After-Settle" not in response
