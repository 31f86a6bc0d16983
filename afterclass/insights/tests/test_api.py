"""Insights API: the same figures as the pages, the same access rules, clear errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from afterclass.insights.actions import do_change_insight_settings
from afterclass.insights.models import InsightSettings, PulseAnswer
from afterclass.insights.periods import Period
from afterclass.insights.rollups import compute_rollups
from afterclass.insights.tasks import rollup_insights
from afterclass.insights.tests.pulse import make_due_for_pulse
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_comment
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space


def get(client, person, url):
    client.force_login(person)
    return client.get(url)


def test_api_space_insights_returns_the_figures(client, space, owner):
    member = add_member(space).person
    question = make_post(space, member, kind="question")
    make_comment(question, owner)
    rollup_insights.call()  # pages and the API read today's figures as the job left them
    response = get(client, owner, f"/api/v1/insights/spaces/{space.slug}?period=7")
    assert response.status_code == 200
    data = response.json()
    assert data["space"] == space.slug
    assert data["period"]["days"] == 7
    assert data["adoption"]["members"] == 2
    assert data["adoption"]["active_7"] == 2
    assert data["value"]["questions"]["asked"] == 1
    assert data["value"]["questions"]["answer_rate"] == 100.0
    assert data["recommendation"]["verdict"] in {"keep", "improve", "scale_down", "too_early"}
    assert len(data["rules"]) >= 5
    assert data["connection"]["go_to"] == []  # the owner may see names; nobody crossed
    assert {row["person_id"] for row in data["most_active"]} == {member.pk, owner.pk}


def test_api_space_insights_hide_individuals_from_moderators_and_admins(client, space):
    moderator = add_member(space, role=Role.MODERATOR).person
    for viewer in (moderator, PersonFactory(is_org_admin=True)):
        data = get(client, viewer, f"/api/v1/insights/spaces/{space.slug}").json()
        assert data["connection"]["go_to"] is None
        assert data["most_active"] is None


def test_api_space_insights_404_for_members_and_outsiders(client, space):
    member = add_member(space).person
    for viewer in (member, PersonFactory()):
        response = get(client, viewer, f"/api/v1/insights/spaces/{space.slug}")
        assert response.status_code == 404
        assert "go_to" not in response.content.decode()


def test_api_health_for_members_only_when_shared(client, space, owner):
    member = add_member(space).person
    url = f"/api/v1/insights/spaces/{space.slug}/health"
    assert get(client, member, url).status_code == 404
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=False, health_visible_to_members=True
    )
    response = get(client, member, url)
    assert response.status_code == 200
    assert set(response.json()) == {
        "space", "period", "members", "weekly_active_pct", "posts", "posts_previous", "answer_rate"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [("period=3", "period"), ("from=2026-01-01", "from"), ("from=junk&to=2026-01-01", "from"),
     ("from=2026-03-01&to=2026-01-01", "to")],
)  # fmt: skip
def test_api_space_insights_bad_period_is_400(client, space, owner, query, field):
    response = get(client, owner, f"/api/v1/insights/spaces/{space.slug}?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_api_organisation_for_admins(client, space, owner):
    assert get(client, owner, "/api/v1/insights/organisation").status_code == 404
    admin = PersonFactory(is_org_admin=True)
    make_space(admin, name="Another", slug="another")
    data = get(client, admin, "/api/v1/insights/organisation?sort=-members").json()
    assert {row["space"] for row in data["spaces"]} == {"data-skills", "another"}
    assert data["people"] >= 2
    assert len(data["daily_active"]) == 28


def test_api_settings_owner_only(client, space, owner):
    moderator = add_member(space, role=Role.MODERATOR).person
    url = f"/api/v1/insights/spaces/{space.slug}/settings"
    body = {"pulse_enabled": True, "health_visible_to_members": False}
    client.force_login(moderator)
    assert client.put(url, body, content_type="application/json").status_code == 403
    assert not InsightSettings.objects.exists()
    client.force_login(owner)
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == body
    bad = client.put(url, {"pulse_enabled": True}, content_type="application/json")
    assert bad.status_code == 422


def test_api_pulse_answer(client, space, owner):
    member = add_member(space).person
    url = f"/api/v1/spaces/{space.slug}/pulse"
    client.force_login(member)
    off = client.post(url, {"score": 3}, content_type="application/json")
    assert off.status_code == 403
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    make_due_for_pulse(space, member)
    assert client.post(url, {"score": 0}, content_type="application/json").status_code == 400
    assert client.post(url, {"score": "x"}, content_type="application/json").status_code == 422
    assert client.post(url, {"score": 5}, content_type="application/json").status_code == 200
    assert client.post(url, {"score": 2}, content_type="application/json").status_code == 200
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [2]
    client.force_login(PersonFactory())
    assert client.post(url, {"score": 2}, content_type="application/json").status_code == 403


def _counted(client, person, url) -> int:
    client.force_login(person)
    client.get(url)  # warms the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_api_and_csv_queries_do_not_grow_with_posts_comments_and_hidden_ones(client, space, owner):
    admin = PersonFactory(is_org_admin=True)
    urls = [
        (owner, f"/api/v1/insights/spaces/{space.slug}"),
        (owner, f"/api/v1/insights/spaces/{space.slug}/health"),
        (owner, f"/spaces/{space.slug}/insights/daily-active.csv"),
        (admin, "/api/v1/insights/organisation"),
        (admin, "/insights/spaces.csv"),
    ]

    def counts() -> list[int]:
        compute_rollups(Period.last_days(120))  # every day the figures read, today included
        return [_counted(client, person, url) for person, url in urls]

    member = add_member(space).person
    make_comment(make_post(space, member, kind="question"), owner)
    few = counts()
    for _ in range(20):
        answer = make_comment(make_post(space, member, kind="question"), owner)
        do_hide_comment(answer, actor=owner, reason="Off topic")
    assert counts() == few
