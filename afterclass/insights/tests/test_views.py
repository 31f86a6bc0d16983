"""Insight pages: who sees what, periods, CSV, settings, the pulse question, reads recorded,
and query counts that do not grow with spaces or events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.insights.access import is_due_for_pulse
from afterclass.insights.actions import do_change_insight_settings
from afterclass.insights.models import Event, EventKind, PulseAnswer
from afterclass.insights.periods import Period
from afterclass.insights.rollups import ensure_rollups
from afterclass.insights.tasks import rollup_insights
from afterclass.insights.tests.pulse import make_due_for_pulse
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

# The pages' queries with rollups up to date: session, viewer, space and membership, then the
# figures (see insights.vitals and insights.metrics), whatever the numbers of events and spaces.
SPACE_PAGE_QUERIES = 28
ORGANISATION_PAGE_QUERIES = 12


@pytest.fixture
def member(space):
    return add_member(space).person


@pytest.fixture
def moderator(space):
    return add_member(space, role=Role.MODERATOR).person


def page(client, person, name, *args, query=""):
    client.force_login(person)
    return client.get(reverse(name, args=args) + query)


def test_space_insights_page_shows_the_four_questions_and_the_recommendation(client, space, owner):
    question = make_post(space, owner, kind="question", title="Where is the style guide?")
    make_comment(question, add_member(space).person)
    response = page(client, owner, "insights-space", space.slug)
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ("Adoption", "Purpose", "Value", "Connection", "Recommendation:", "Privacy"):
        assert heading in body
    assert "How this is decided" in body
    assert 'role="img"' in body  # the charts
    assert "Download CSV" in body
    assert "insights/charts.css" in body


@pytest.mark.parametrize("who", ["owner", "moderator", "admin"])
def test_space_insights_page_is_for_owners_moderators_and_admins(
    client, space, owner, moderator, who
):
    viewer = {"owner": owner, "moderator": moderator, "admin": PersonFactory(is_org_admin=True)}
    assert page(client, viewer[who], "insights-space", space.slug).status_code == 200
    assert page(client, viewer[who], "insights-report", space.slug).status_code == 200


def test_space_insights_page_is_404_for_members_and_outsiders(client, space, member):
    assert page(client, member, "insights-space", space.slug).status_code == 404
    assert page(client, member, "insights-report", space.slug).status_code == 404
    assert page(client, member, "insights-space-csv", space.slug, "ladder").status_code == 404
    outsider = PersonFactory()
    assert page(client, outsider, "insights-space", space.slug).status_code == 404


def test_secret_space_insights_are_404_for_an_owner_of_another_space(client, owner):
    secret = make_space(PersonFactory(), name="Secret", slug="secret", visibility=Visibility.SECRET)
    assert page(client, owner, "insights-space", secret.slug).status_code == 404


def test_members_see_the_health_summary_only_when_the_owner_shares_it(client, space, owner, member):
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=False, health_visible_to_members=True
    )
    response = page(client, member, "insights-space", space.slug)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Space health" in body
    assert "Recommendation" not in body
    assert "Go-to colleagues" not in body


def test_go_to_colleagues_are_named_to_owners_only(client, space, owner, moderator, sales, it):
    asker = PersonFactory(department=sales, display_name="Sam Sales")
    helper = PersonFactory(department=it, display_name="Ivy Helper")
    add_member(space, asker)
    add_member(space, helper)
    question = make_post(space, asker, kind="question")
    make_comment(question, helper)
    rollup_insights.call()  # the page reads today's figures as the job left them
    assert "Ivy Helper" in page(client, owner, "insights-space", space.slug).content.decode()
    body = page(client, moderator, "insights-space", space.slug).content.decode()
    assert "Go-to colleagues" not in body
    assert "Ivy Helper" not in body
    admin = PersonFactory(is_org_admin=True)
    assert "Ivy Helper" not in page(client, admin, "insights-space", space.slug).content.decode()


def test_anonymous_asker_is_never_named_or_counted_as_creator(client, space, owner):
    from afterclass.spaces.actions import do_update_space

    do_update_space(space, actor=owner, anonymous_questions="members")
    shy = PersonFactory(display_name="Shy Asker")
    add_member(space, shy)
    make_post(space, shy, kind="question", anonymous=True)
    event = Event.objects.get(kind=EventKind.POSTED, space=space)
    assert event.person_id is None
    assert event.department_id is None
    body = page(client, owner, "insights-space", space.slug).content.decode()
    assert "Shy Asker" not in body


@pytest.mark.parametrize(
    "query",
    ["?period=5", "?period=x", "?from=2026-13-01&to=2026-01-01", "?from=2026-02-01&to=2026-01-01",
     "?from=2026-01-01", "?from=2020-01-01&to=2026-01-01"],
)  # fmt: skip
def test_space_insights_refuse_a_bad_period_with_a_message(client, space, owner, query):
    response = page(client, owner, "insights-space", space.slug, query=query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_space_insights_accept_a_chosen_range(client, space, owner):
    today = timezone.localdate()
    query = f"?from={today - timedelta(days=40)}&to={today - timedelta(days=10)}"
    response = page(client, owner, "insights-space", space.slug, query=query)
    assert response.status_code == 200
    assert "compared with the 31 days before" in response.content.decode()


def test_space_chart_csv_downloads_the_chart_numbers(client, space, owner):
    make_post(space, owner, kind="question")
    rollup_insights.call()  # the page reads today's figures as the job left them
    response = page(client, owner, "insights-space-csv", space.slug, "activity-by-kind")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "Questions,1" in text
    assert page(client, owner, "insights-space-csv", space.slug, "nonsense").status_code == 404


def test_printable_report_has_the_period_and_purpose(client, space, owner):
    response = page(client, owner, "insights-report", space.slug, query="?period=90")
    body = response.content.decode()
    assert response.status_code == 200
    assert "insights report" in body
    assert space.purpose in body
    assert "the last 90 days" in body


def test_insight_settings_are_changed_by_owners_only(client, space, owner, moderator):
    client.force_login(moderator)
    url = reverse("insights-settings", args=[space.slug])
    assert client.post(url, {"pulse_enabled": "on"}).status_code == 403
    client.force_login(owner)
    response = client.post(url, {"pulse_enabled": "on"})
    assert response.status_code == 302
    space.insight_settings.refresh_from_db()
    assert space.insight_settings.pulse_enabled
    assert not space.insight_settings.health_visible_to_members


@pytest.mark.parametrize(
    ("days_in", "active_days", "asked"),
    [(15, (1, 2, 3), True), (13, (1, 2, 3), False), (15, (1,), False), (30, (1, 1), False)],
)
def test_seen_asks_the_pulse_after_14_days_in_the_space_active_on_3(
    client, space, owner, member, days_in, active_days, asked
):
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    make_due_for_pulse(space, member, days_in=days_in, active_days=active_days)
    assert is_due_for_pulse(member, space) is asked
    client.force_login(member)
    body = client.post(reverse("insights-seen", args=[space.slug])).content.decode()
    assert ("Has this space helped you" in body) is asked


def test_is_due_for_pulse_query_count(space, member, django_assert_num_queries):
    make_due_for_pulse(space, member)
    with django_assert_num_queries(2):
        assert is_due_for_pulse(member, space)


def test_seen_records_one_read_a_day_and_brings_the_pulse_card(client, space, owner, member):
    client.force_login(member)
    url = reverse("insights-seen", args=[space.slug])
    assert client.post(url).content == b""  # no pulse asked: nothing to show
    client.post(url)
    assert Event.objects.filter(kind=EventKind.VIEWED, person=member).count() == 1
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    assert client.post(url).content == b""  # a new member is not asked yet
    make_due_for_pulse(space, member)
    body = client.post(url).content.decode()
    assert "Has this space helped you learn something you use at work?" in body
    assert client.get(url).status_code == 405


def test_seen_is_404_for_a_space_you_cannot_know(client):
    secret = make_space(PersonFactory(), name="Secret", slug="secret", visibility=Visibility.SECRET)
    client.force_login(PersonFactory())
    assert client.post(reverse("insights-seen", args=[secret.slug])).status_code == 404
    assert not Event.objects.filter(kind=EventKind.VIEWED).exists()


def test_pulse_answer_in_place_and_bad_scores(client, space, owner, member):
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    make_due_for_pulse(space, member)
    client.force_login(member)
    url = reverse("insights-pulse", args=[space.slug])
    response = client.post(url, {"score": "9"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "from 1 (not at all) to 5" in response.content.decode()
    assert not PulseAnswer.objects.exists()
    response = client.post(url, {"score": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert PulseAnswer.objects.get().score == 4
    # Answered lately: the card is not shown again.
    assert client.post(reverse("insights-seen", args=[space.slug])).content == b""


def test_organisation_view_is_for_admins_only(client, space, owner):
    assert page(client, owner, "insights-organisation").status_code == 404
    assert page(client, owner, "insights-organisation-csv", "spaces").status_code == 404
    admin = PersonFactory(is_org_admin=True)
    response = page(client, admin, "insights-organisation")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Spaces to look at first" in body
    assert space.name in body


def test_organisation_csv_lists_every_space_with_its_recommendation(client, space):
    make_space(PersonFactory(), name="Second space", slug="second")
    admin = PersonFactory(is_org_admin=True)
    response = page(client, admin, "insights-organisation-csv", "spaces", query="?period=7")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Space,Status,Members")
    assert len(lines) == 3
    assert page(client, admin, "insights-organisation-csv", "nothing").status_code == 404


def _history(spaces, events_per_space):
    people = [PersonFactory() for _ in range(3)]
    now = timezone.now()
    rows = [
        Event(kind=EventKind.VIEWED, person=people[i % 3], space=space,
              time=now - timedelta(hours=i % 500))
        for space in spaces for i in range(events_per_space)
    ]  # fmt: skip
    Event.objects.bulk_create(rows)


def _org_queries(client, spaces: int, events: int) -> int:
    made = [make_space(PersonFactory(), name=f"S{n}", slug=f"s-{n}") for n in range(spaces)]
    _history(made, events)
    ensure_rollups(Period.last_days(120))
    admin = PersonFactory(is_org_admin=True)
    client.force_login(admin)
    client.get(reverse("insights-organisation"))  # warms the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("insights-organisation")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_organisation_view_queries_do_not_grow_with_spaces_or_events(
    client, django_assert_num_queries
):
    few = _org_queries(client, 1, 5)
    from afterclass.insights.models import DailyActivity, DailyCount, RolledUpDay
    from afterclass.spaces.models import Space

    Space.objects.all().delete()
    for model in (Event, DailyActivity, DailyCount, RolledUpDay):
        model.objects.all().delete()
    many = _org_queries(client, 50, 200)
    assert few == many == ORGANISATION_PAGE_QUERIES


def test_space_insights_queries_do_not_grow_with_events(
    client, space, owner, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        ensure_rollups(Period.last_days(120))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("insights-space", args=[space.slug])).status_code == 200
        return len(captured.captured_queries)

    _history([space], 5)
    few = count()
    _history([space], 2000)
    from afterclass.insights.rollups import compute_rollups

    compute_rollups(Period.last_days(120))
    assert count() == few == SPACE_PAGE_QUERIES


def test_who_is_active_is_shown_to_owners_only(client, space, owner, moderator):
    regular = PersonFactory(display_name="Rita Regular")
    add_member(space, regular)
    make_post(space, regular)
    rollup_insights.call()  # the page reads today's figures as the job left them
    body = page(client, owner, "insights-space", space.slug).content.decode()
    assert "Who is active" in body
    assert "Rita Regular" in body
    body = page(client, moderator, "insights-space", space.slug).content.decode()
    assert "Who is active" not in body
    assert "Rita Regular" not in body


def test_space_header_has_an_insights_tab_for_moderators_only(client, space, owner, member):
    url = reverse("insights-space", args=[space.slug])
    assert url in page(client, owner, "space-home", space.slug).content.decode()
    assert url not in page(client, member, "space-home", space.slug).content.decode()


def test_members_are_pointed_to_a_shared_health_summary(client, space, owner, member):
    client.force_login(member)
    seen = reverse("insights-seen", args=[space.slug])
    assert client.post(seen).content == b""
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=False, health_visible_to_members=True
    )
    body = client.post(seen).content.decode()
    assert "How this space is doing" in body
    assert reverse("insights-space", args=[space.slug]) in body


def test_outsiders_are_not_pointed_to_a_health_summary_they_cannot_open(client, space, owner):
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=True
    )
    client.force_login(PersonFactory())  # the space is listed: known, but not theirs
    assert client.post(reverse("insights-seen", args=[space.slug])).content == b""


def test_insight_pages_never_compute_rollups_and_say_when_they_were(client, space, owner):
    from afterclass.insights.models import DailyActivity, RolledUpDay

    make_post(space, owner, kind="question")
    admin = PersonFactory(is_org_admin=True)
    for viewer, name, args in (
        (owner, "insights-space", [space.slug]),
        (owner, "insights-report", [space.slug]),
        (admin, "insights-organisation", []),
    ):
        body = page(client, viewer, name, *args).content.decode()
        assert "not rolled up yet" in body, name
    assert not RolledUpDay.objects.exists()
    assert not DailyActivity.objects.exists()

    rollup_insights.call()
    computed_at = timezone.localtime(RolledUpDay.objects.get(day=timezone.localdate()).computed_at)
    as_of = f"{computed_at:%-d %b %Y, %H:%M}"
    body = page(client, admin, "insights-organisation").content.decode()
    assert f"Figures as of {as_of}" in body
    assert "Figures as of" in page(client, owner, "insights-space", space.slug).content.decode()
    assert (
        f"figures as of {as_of}"
        in page(client, owner, "insights-report", space.slug).content.decode()
    )


def test_organisation_table_shows_the_first_rows_then_all_on_asking(client):
    from afterclass.insights.views import TABLE_ROWS

    for n in range(TABLE_ROWS + 2):
        make_space(PersonFactory(), name=f"Space {n:02}", slug=f"space-{n}")
    admin = PersonFactory(is_org_admin=True)
    body = page(client, admin, "insights-organisation", query="?sort=name").content.decode()
    assert body.count('<tr class="verdict-') == TABLE_ROWS
    assert f"Space {TABLE_ROWS - 1:02}" in body
    assert f"Space {TABLE_ROWS:02}<" not in body
    assert f"Show all {TABLE_ROWS + 2} spaces" in body
    assert "sort=name&amp;all=1" in body  # the link keeps the order
    body = page(client, admin, "insights-organisation", query="?sort=name&all=1").content.decode()
    assert body.count('<tr class="verdict-') == TABLE_ROWS + 2
    assert "Show all" not in body
    assert "sort=-name&amp;all=1" in body  # sorting keeps every row shown
