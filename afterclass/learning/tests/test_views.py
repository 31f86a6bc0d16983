"""Learning pages: who may see and do what, htmx partials, .ics files and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.learning.actions import do_mark_done, do_submit
from afterclass.learning.models import Progress, Submission, Unit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(space, facilitator):
    unit = make_unit(space, facilitator, title="Secret plans",
                     release_at=timezone.now() + timedelta(days=3))  # fmt: skip
    make_activity(unit, facilitator, "reading", title="Hidden reading")
    return unit


def _as(client, person):
    client.force_login(person)
    return client


def test_learning_page_shows_released_units_to_learner_and_hides_unreleased(
    client, space, unit, later, facilitator, learner
):
    make_activity(unit, facilitator, "reading", title="Chapter 2")
    response = _as(client, learner).get(reverse("learning-space", args=[space.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chapter 2" in body
    assert "Secret plans" not in body
    assert "Hidden reading" not in body


def test_learning_page_shows_unreleased_units_to_facilitator(client, space, later, facilitator):
    response = _as(client, facilitator).get(reverse("learning-space", args=[space.slug]))
    assert "Secret plans" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "stranger_facilitator"])
def test_learning_pages_are_404_for_non_members(client, space, unit, facilitator, owner, who):
    activity = make_activity(unit, facilitator, "task")
    if who == "outsider":
        person = PersonFactory()
    else:
        elsewhere = make_course(owner, name="Another cohort")
        person = add_member(elsewhere, role=Role.MODERATOR).person
    _as(client, person)
    for url in (
        reverse("learning-space", args=[space.slug]),
        reverse("learning-activity", args=[activity.pk]),
        reverse("learning-progress", args=[space.slug]),
        reverse("learning-calendar", args=[space.slug]),
        reverse("learning-unit-edit", args=[unit.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("learning-submit", args=[activity.pk]),
                       {"text": "hi"}).status_code == 404  # fmt: skip
    assert not Submission.objects.exists()


def test_unreleased_activity_is_404_for_learner(client, later, learner):
    activity = later.activities.get()
    response = _as(client, learner).get(reverse("learning-activity", args=[activity.pk]))
    assert response.status_code == 404
    response = client.post(reverse("learning-done", args=[activity.pk]), {"done": "1"})
    assert response.status_code == 404
    assert not Progress.objects.exists()


def test_learner_cannot_open_facilitator_pages(client, space, unit, learner):
    _as(client, learner)
    assert client.get(reverse("learning-progress", args=[space.slug])).status_code == 403
    assert client.get(reverse("learning-review", args=[space.slug])).status_code == 403
    assert client.get(reverse("learning-unit-create", args=[space.slug])).status_code == 403
    response = client.post(reverse("learning-unit-create", args=[space.slug]), {"title": "x"})
    assert response.status_code == 403
    assert Unit.objects.count() == 1


def test_mark_done_with_htmx_returns_updated_units(client, space, unit, facilitator, learner):
    reading = make_activity(unit, facilitator, "reading", title="Chapter 2")
    response = _as(client, learner).post(
        reverse("learning-done", args=[reading.pk]), {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="units">')
    assert "1 of 1 done" in body
    assert "<html" not in body
    assert Progress.objects.get(activity=reading, person=learner).state == "done"


def test_other_learners_private_reflection_is_not_shown(
    client, unit, facilitator, learner, other_learner
):
    reflection = make_activity(unit, facilitator, "reflection")
    do_submit(reflection, actor=learner, text="My private thought")
    response = _as(client, other_learner).get(reverse("learning-activity", args=[reflection.pk]))
    assert "My private thought" not in response.content.decode()
    client.force_login(facilitator)
    response = client.get(reverse("learning-activity", args=[reflection.pk]))
    assert "My private thought" in response.content.decode()


def test_shared_reflection_is_shown_to_the_group(client, unit, facilitator, learner, other_learner):
    reflection = make_activity(unit, facilitator, "reflection", shared_with_group=True)
    do_submit(reflection, actor=learner, text="Shared thought")
    response = _as(client, other_learner).get(reverse("learning-activity", args=[reflection.pk]))
    assert "Shared thought" in response.content.decode()


def test_quick_check_page_shows_explanations_after_answering(client, unit, facilitator, learner):
    check = make_activity(unit, facilitator, "quick_check")
    q1, q2 = check.questions.order_by("position")
    response = _as(client, learner).post(
        reverse("learning-check", args=[check.pk]),
        {f"q{q1.pk}": "0", f"q{q2.pk}": ["0", "2"]},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "You scored 2 of 2" in body
    assert "Tables are not charts." in body


def test_quick_check_empty_answer_is_400_with_message(client, unit, facilitator, learner):
    check = make_activity(unit, facilitator, "quick_check")
    response = _as(client, learner).post(reverse("learning-check", args=[check.pk]), {})
    assert response.status_code == 400
    assert "Choose an answer" in response.content.decode()


def test_submit_task_and_feedback_in_place(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    response = _as(client, learner).post(reverse("learning-submit", args=[task.pk]),
                                         {"text": "My plan"})  # fmt: skip
    assert response.status_code == 302
    submission = Submission.objects.get()
    client.force_login(facilitator)
    queue = client.get(reverse("learning-review", args=[unit.space.slug]))
    assert "My plan" in queue.content.decode()
    response = client.post(
        reverse("learning-feedback", args=[submission.pk]),
        {"feedback": "Great", "verdict": "complete"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Complete" in response.content.decode()
    assert Progress.objects.get(activity=task, person=learner).state == "complete"


def test_submit_oversized_text_is_400(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    response = _as(client, learner).post(reverse("learning-submit", args=[task.pk]),
                                         {"text": "x" * 20001})  # fmt: skip
    assert response.status_code == 400
    assert "at most 20000" in response.content.decode()


def test_facilitator_builds_unit_and_quick_check_through_forms(client, space, facilitator):
    _as(client, facilitator)
    response = client.post(reverse("learning-unit-create", args=[space.slug]),
                           {"title": "Week 1", "release_at": "2026-01-01T09:00",
                            "due_at": "2025-12-31T09:00"})  # fmt: skip
    assert response.status_code == 400
    assert "due date must be after" in response.content.decode()
    response = client.post(reverse("learning-unit-create", args=[space.slug]),
                           {"title": "Week 1", "release_at": "2026-01-01T09:00"})  # fmt: skip
    assert response.status_code == 302
    unit = Unit.objects.get()
    questions = "? Two plus two?\n* Four\n- Five\n> Count them."
    response = client.post(
        reverse("learning-activity-create", args=[unit.pk]),
        {"kind": "quick_check", "title": "Check", "questions_text": questions},
    )
    assert response.status_code == 302
    question = unit.activities.get().questions.get()
    assert (question.options, question.correct) == (["Four", "Five"], [0])
    response = client.post(
        reverse("learning-activity-create", args=[unit.pk]),
        {"kind": "quick_check", "title": "Check", "questions_text": ""},
    )
    assert response.status_code == 400
    assert "at least one question" in response.content.decode()


def test_move_buttons_reorder_units(client, space, facilitator):
    first = make_unit(space, facilitator, title="First")
    second = make_unit(space, facilitator, title="Second")
    _as(client, facilitator).post(reverse("learning-unit-move", args=[second.pk]),
                                  {"direction": "up"})  # fmt: skip
    first.refresh_from_db()
    assert first.position == 2


def test_grid_sorts_and_exports_csv(client, space, unit, facilitator, learner, other_learner):
    reading = make_activity(unit, facilitator, "reading", title="Chapter 2")
    do_mark_done(reading, actor=other_learner)
    _as(client, facilitator)
    response = client.get(reverse("learning-progress", args=[space.slug]), {"sort": "-completion"})
    body = response.content.decode()
    assert body.index("Ola Other") < body.index("Lee Learner")
    response = client.get(reverse("learning-progress", args=[space.slug]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "Member,Chapter 2,Completion %"
    assert "Lee Learner,Not started,0" in lines
    assert "Ola Other,Done,100" in lines
    assert lines[-1] == "Completion %,50,"
    exported = AuditEntry.objects.get(action="progress.export")
    assert (exported.actor_id, exported.space_id) == (facilitator.pk, space.pk)


def test_session_ics_and_calendar_feed(client, space, facilitator, learner):
    from datetime import datetime

    from afterclass.learning.actions import do_create_session

    session = do_create_session(
        space, actor=facilitator, title="Workshop, part 1", time_zone="America/New_York",
        starts_at=datetime(2026, 3, 10, 9), ends_at=datetime(2026, 3, 10, 11),  # noqa: DTZ001
        place="Room 4",
    )  # fmt: skip
    _as(client, learner)
    response = client.get(reverse("learning-session-ics", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "DTSTART:20260310T130000Z" in text
    assert "SUMMARY:Workshop\\, part 1" in text
    feed = client.get(reverse("learning-calendar", args=[space.slug])).content.decode()
    assert feed.count("BEGIN:VEVENT") == 1
    assert client.get(reverse("learning-session", args=[session.pk])).status_code == 200


def test_my_learning_lists_due_overdue_done(client, space, facilitator, learner):
    now = timezone.now()
    soon = make_unit(space, facilitator, title="Soon", release_at=now - timedelta(days=1),
                     due_at=now + timedelta(days=2))  # fmt: skip
    past = make_unit(space, facilitator, title="Past", release_at=now - timedelta(days=9),
                     due_at=now - timedelta(days=1))  # fmt: skip
    make_activity(soon, facilitator, "reading", title="Due soon reading")
    make_activity(past, facilitator, "task", title="Overdue task")
    done = make_activity(past, facilitator, "reading", title="Finished reading")
    do_mark_done(done, actor=learner)
    body = _as(client, learner).get(reverse("my-learning")).content.decode()
    assert (
        body.index("Overdue task") < body.index("Due soon reading") < body.index("Finished reading")
    )


def test_space_home_shows_units_block_only_for_structured_spaces(client, space, unit, learner):
    body = _as(client, learner).get(reverse("space-home", args=[space.slug])).content.decode()
    assert 'id="units-heading"' in body


# --- Query counts ---------------------------------------------------------------------------


def _learning_page_rows(space, facilitator, learner, count):
    unit = Unit.objects.filter(space=space).first() or make_unit(space, facilitator)
    for index in range(count):
        activity = make_activity(unit, facilitator, "reading", title=f"Reading {index}")
        do_mark_done(activity, actor=learner)


@pytest.mark.parametrize("rows", [1, 50])
def test_learning_page_query_count_is_flat(
    client, django_assert_num_queries, space, facilitator, learner, rows
):
    _learning_page_rows(space, facilitator, learner, rows)
    _as(client, learner)
    url = reverse("learning-space", args=[space.slug])
    client.get(url)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_my_learning_query_count_is_flat(
    client, django_assert_num_queries, space, facilitator, learner, rows
):
    now = timezone.now()
    unit = make_unit(space, facilitator, release_at=now - timedelta(days=1),
                     due_at=now + timedelta(days=1))  # fmt: skip
    for index in range(rows):
        make_activity(unit, facilitator, "reading", title=f"Reading {index}")
    _as(client, learner)
    client.get(reverse("my-learning"))
    with django_assert_num_queries(6):
        assert client.get(reverse("my-learning")).status_code == 200


def _grid(space, facilitator, members, activities):
    from afterclass.learning.models import Activity, Progress

    unit = make_unit(space, facilitator)
    made = [
        Activity(unit=unit, kind="reading", title=f"A{i}", position=i + 1)
        for i in range(activities - 1)
    ]
    Activity.objects.bulk_create(made)
    make_activity(unit, facilitator, "discussion", title="Talk")
    people = PersonFactory.create_batch(members)
    for person in people:
        add_member(space, person)
    Progress.objects.bulk_create(
        Progress(activity=activity, person=person, state="done")
        for person in people[::2] for activity in made
    )  # fmt: skip


@pytest.mark.parametrize("members", [5, 200])
def test_progress_grid_query_count_is_flat(
    client, django_assert_num_queries, space, facilitator, members
):
    _grid(space, facilitator, members, 20)
    _as(client, facilitator)
    url = reverse("learning-progress", args=[space.slug])
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == members + 2
