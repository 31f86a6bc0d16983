"""Learning API: the same rules as the pages, with schemas; 404 for what the caller may not see."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.learning.actions import do_mark_done, do_submit
from afterclass.learning.models import Progress, Submission, Unit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.people.actions import do_create_access_token
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(client, method, url, person, data=None):
    auth = bearer(person) if person is not None else {}
    if method == "get":
        return client.get(f"{API}{url}", **auth)
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(f"{API}{url}", body, content_type="application/json", **auth)


@pytest.fixture
def later(space, facilitator):
    unit = make_unit(space, facilitator, title="Later",
                     release_at=timezone.now() + timedelta(days=2))  # fmt: skip
    make_activity(unit, facilitator, "task", title="Later task")
    return unit


def test_units_list_hides_unreleased_from_learner(client, space, unit, later, facilitator, learner):
    make_activity(unit, facilitator, "quick_check", title="Check")
    body = call(client, "get", f"/spaces/{space.slug}/units", learner).json()
    assert [u["title"] for u in body["items"]] == ["After workshop 1"]
    check = body["items"][0]["activities"][0]
    assert check["my_state"] == "not_started"
    assert "correct" not in check["questions"][0]
    body = call(client, "get", f"/spaces/{space.slug}/units", facilitator).json()
    assert [u["title"] for u in body["items"]] == ["After workshop 1", "Later"]


def test_units_list_is_paginated(client, space, facilitator, learner):
    for index in range(3):
        make_unit(space, facilitator, title=f"U{index}")
    first = call(client, "get", f"/spaces/{space.slug}/units?limit=2", learner).json()
    assert len(first["items"]) == 2
    second = call(client, "get", f"/spaces/{space.slug}/units?limit=2&cursor={first['next']}",
                  learner).json()  # fmt: skip
    assert [u["title"] for u in second["items"]] == ["U2"]
    assert second["next"] is None


def test_unreleased_unit_and_activity_are_404_for_learner(client, later, learner):
    activity = later.activities.get()
    assert call(client, "get", f"/units/{later.pk}", learner).status_code == 404
    assert call(client, "get", f"/activities/{activity.pk}", learner).status_code == 404
    response = call(client, "post", f"/activities/{activity.pk}/submissions", learner,
                    {"text": "early"})  # fmt: skip
    assert response.status_code == 404
    assert not Submission.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "stranger_facilitator"])
def test_non_members_get_404_everywhere(client, space, unit, facilitator, owner, who):
    activity = make_activity(unit, facilitator, "task")
    if who == "outsider":
        person = PersonFactory()
    else:
        elsewhere = make_course(owner, name="Another cohort")
        person = add_member(elsewhere, role=Role.MODERATOR).person
    for url in (f"/spaces/{space.slug}/units", f"/units/{unit.pk}",
                f"/activities/{activity.pk}", f"/spaces/{space.slug}/progress",
                f"/spaces/{space.slug}/sessions"):  # fmt: skip
        assert call(client, "get", url, person).status_code == 404, url
    response = call(client, "post", f"/units/{unit.pk}/activities", person,
                    {"kind": "reading", "title": "x"})  # fmt: skip
    assert response.status_code == 404


def test_other_learners_submission_is_404(client, unit, facilitator, learner, other_learner):
    reflection = make_activity(unit, facilitator, "reflection")
    submission = do_submit(reflection, actor=learner, text="Private")
    assert call(client, "get", f"/submissions/{submission.pk}", other_learner).status_code == 404
    listed = call(client, "get", f"/activities/{reflection.pk}/submissions", other_learner).json()
    assert listed["items"] == []
    assert call(client, "get", f"/submissions/{submission.pk}", facilitator).status_code == 200
    assert call(client, "get", f"/submissions/{submission.pk}", learner).status_code == 200


def test_build_unit_with_activities_via_api(client, space, facilitator):
    release = timezone.now()
    response = call(client, "post", f"/spaces/{space.slug}/units", facilitator,
                    {"title": "Week 1", "release_at": release.isoformat(),
                     "due_at": (release - timedelta(days=1)).isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "due_at"
    response = call(client, "post", f"/spaces/{space.slug}/units", facilitator,
                    {"title": "Week 1", "release_at": release.isoformat()})  # fmt: skip
    assert response.status_code == 201
    unit_id = response.json()["id"]
    response = call(client, "post", f"/units/{unit_id}/activities", facilitator,
                    {"kind": "quick_check", "title": "Check", "questions": []})  # fmt: skip
    assert response.status_code == 400
    response = call(client, "post", f"/units/{unit_id}/activities", facilitator,
                    {"kind": "quick_check", "title": "Check", "questions": [
                        {"text": "Q?", "options": ["a", "b"], "correct": []}]})  # fmt: skip
    assert response.status_code == 400
    assert "no correct answer" in response.json()["detail"]
    response = call(client, "post", f"/units/{unit_id}/activities", facilitator,
                    {"kind": "quick_check", "title": "Check", "questions": [
                        {"text": "Q?", "options": ["a", "b"], "correct": [1],
                         "explanation": "b it is"}]})  # fmt: skip
    assert response.status_code == 201
    assert response.json()["questions"][0]["options"] == ["a", "b"]


def test_learner_cannot_build(client, space, unit, learner):
    response = call(client, "post", f"/spaces/{space.slug}/units", learner, {"title": "Mine"})
    assert response.status_code == 403
    assert Unit.objects.count() == 1


def test_take_part_via_api(client, unit, facilitator, learner):
    reading = make_activity(unit, facilitator, "reading")
    response = call(client, "post", f"/activities/{reading.pk}/completion", learner, {})
    assert response.json()["state"] == "done"
    check = make_activity(unit, facilitator, "quick_check")
    q1, q2 = check.questions.order_by("position")
    response = call(client, "post", f"/activities/{check.pk}/attempts", learner,
                    {"answers": {str(q1.pk): [0], str(q2.pk): [1]}})  # fmt: skip
    result = response.json()
    assert (result["score"], result["total"], result["best_score"]) == (1, 2, 1)
    assert result["questions"][1]["explanation"] == "Tables are not charts."
    task = make_activity(unit, facilitator, "task")
    response = call(client, "post", f"/activities/{task.pk}/submissions", learner,
                    {"text": "x" * 20001})  # fmt: skip
    assert response.status_code == 422
    response = call(client, "post", f"/activities/{task.pk}/submissions", learner,
                    {"text": "My plan"})  # fmt: skip
    assert response.status_code == 201
    submission_id = response.json()["id"]
    response = call(client, "post", f"/submissions/{submission_id}/feedback", learner,
                    {"complete": True})  # fmt: skip
    assert response.status_code == 403
    queue = call(client, "get", f"/spaces/{unit.space.slug}/submissions", facilitator).json()
    assert [s["id"] for s in queue["items"]] == [submission_id]
    response = call(client, "post", f"/submissions/{submission_id}/feedback", facilitator,
                    {"feedback": "Again please", "complete": False})  # fmt: skip
    assert response.json()["state"] == "needs_work"
    progress = call(client, "get", f"/activities/{task.pk}/progress", learner).json()
    assert progress["state"] == "needs_work"


def test_closed_activity_refuses_submission(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    call(client, "patch", f"/activities/{task.pk}", facilitator, {"is_closed": True})
    response = call(client, "post", f"/activities/{task.pk}/submissions", learner, {"text": "x"})
    assert response.status_code == 403
    assert "closed" in response.json()["detail"]


def test_grid_nudge_and_my_learning(client, space, unit, facilitator, learner, other_learner):
    reading = make_activity(unit, facilitator, "reading", title="R")
    do_mark_done(reading, actor=learner)
    grid = call(client, "get", f"/spaces/{space.slug}/progress?sort=-completion",
                facilitator).json()  # fmt: skip
    assert [r["name"] for r in grid["rows"]] == ["Lee Learner", "Ola Other"]
    assert grid["columns"][0]["completion_rate"] == 50
    assert call(client, "get", f"/spaces/{space.slug}/progress", learner).status_code == 403
    response = call(client, "post", f"/activities/{reading.pk}/nudge", facilitator)
    assert response.json() == {"reminded": 1}
    mine = call(client, "get", "/me/learning", learner).json()
    assert [a["title"] for a in mine["done_recently"]] == ["R"]


def test_move_and_copy_via_api(client, space, owner, facilitator):
    one = make_unit(space, facilitator, title="One")
    make_unit(space, facilitator, title="Two")
    response = call(client, "post", f"/units/{one.pk}/move", facilitator, {"position": 2})
    assert response.json()["position"] == 2
    target = make_course(owner, name="Next cohort")
    response = call(client, "post", f"/spaces/{target.slug}/units/copy", owner,
                    {"source": space.slug})  # fmt: skip
    assert response.status_code == 201
    assert [u["title"] for u in response.json()] == ["Two", "One"]
    response = call(client, "post", f"/spaces/{target.slug}/units/copy", facilitator,
                    {"source": space.slug})  # fmt: skip
    assert response.status_code == 404  # not a member of the target


def test_sessions_via_api(client, space, facilitator, learner):
    response = call(client, "post", f"/spaces/{space.slug}/sessions", facilitator,
                    {"title": "Workshop 1", "starts_at": "2026-05-01T09:00:00",
                     "ends_at": "2026-05-01T12:00:00", "time_zone": "Europe/Berlin",
                     "facilitators": [facilitator.pk]})  # fmt: skip
    assert response.status_code == 201
    assert response.json()["starts_at"].startswith("2026-05-01T09:00:00+02:00")
    listed = call(client, "get", f"/spaces/{space.slug}/sessions", learner).json()
    assert [s["title"] for s in listed] == ["Workshop 1"]
    response = call(client, "post", f"/spaces/{space.slug}/sessions", facilitator,
                    {"title": "W", "starts_at": "2026-05-01T09:00:00",
                     "ends_at": "2026-05-01T08:00:00"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "ends_at"
    assert Progress.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 50])
def test_units_list_query_count_is_flat(
    client, django_assert_num_queries, space, facilitator, learner, rows
):
    for index in range(rows):
        unit = make_unit(space, facilitator, title=f"U{index}")
        make_activity(unit, facilitator, "quick_check")
    auth = bearer(learner)
    url = f"{API}/spaces/{space.slug}/units?limit=100"
    client.get(url, **auth)
    # The units, their activities with my state, the questions and the files: one query each.
    with django_assert_num_queries(6):
        response = client.get(url, **auth)
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_my_learning_api_query_count_is_flat(
    client, django_assert_num_queries, space, facilitator, learner, rows
):
    unit = make_unit(space, facilitator, due_at=timezone.now() + timedelta(days=1))
    for index in range(rows):
        make_activity(unit, facilitator, "reading", title=f"R{index}")
    auth = bearer(learner)
    client.get(f"{API}/me/learning", **auth)
    with django_assert_num_queries(4):
        response = client.get(f"{API}/me/learning", **auth)
    assert len(response.json()["due_soon"]) == rows
