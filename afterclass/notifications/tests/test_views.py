"""Notification pages: the centre, opening and marking read, the bell, the settings and the
space level control; who may do what, and how many queries each page costs."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from afterclass.notifications.models import (
    Channel,
    EmailSettings,
    Notification,
    NotificationKind,
    NotificationPreference,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.notifications.queries import by_day, unread_count
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import MembershipState, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def other(space):
    return add_member(space, PersonFactory(display_name="Oscar Other")).person


def tell(person, message="Olive replied to you", **fields):
    fields.setdefault("kind", NotificationKind.REPLY)
    fields.setdefault("url", "/feed/")
    return Notification.objects.create(recipient=person, message=message, **fields)


def signed_in(client, person):
    client.force_login(person)
    return client


# --- The centre -----------------------------------------------------------------------------


def test_centre_lists_my_notifications_grouped_by_day(client, member, other):
    today = tell(member, "News of today")
    yesterday = tell(
        member, "News of yesterday", created_at=timezone.now() - datetime.timedelta(days=1)
    )
    tell(other, "Not for Mina")
    response = signed_in(client, member).get(reverse("notifications"))
    assert response.status_code == 200
    days = response.context["days"]
    assert [day.label for day in days] == ["Today", "Yesterday"]
    assert [day.items for day in days] == [[today], [yesterday]]
    html = response.content.decode()
    assert "News of today" in html
    assert "Not for Mina" not in html
    assert f'id="notification-{today.pk}"' in html
    assert "unread" in html


def test_centre_needs_sign_in(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_by_day_labels_older_days_with_the_date_and_continues_a_page():
    day = datetime.date(2026, 3, 2)
    row = Notification(created_at=datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
    [group] = by_day([row], today=datetime.date(2026, 3, 10), continues=day)
    assert group.label == "Monday 2 March"
    assert group.continued


def test_centre_leaves_out_what_i_can_no_longer_see(client, owner, space, member):
    post = make_post(space, owner, title="Visible for now")
    hidden = tell(member, "About a post hidden later", space=space, post=post)
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    left = tell(member, "About a secret space I left", space=secret)
    kept = tell(member, "Still fine", space=space)
    do_hide_post(post, reason="Off topic", actor=owner)
    response = signed_in(client, member).get(reverse("notifications"))
    shown = [n.pk for day in response.context["days"] for n in day.items]
    assert shown == [kept.pk]
    assert hidden.pk not in shown
    assert left.pk not in shown
    assert unread_count(member) == 1


def test_centre_keeps_my_own_hidden_post_and_drops_a_space_i_left(client, owner, space, member):
    mine = make_post(space, member, title="My post")
    tell(member, "About my own post", space=space, post=mine)
    do_hide_post(mine, reason="Off topic", actor=owner)
    client = signed_in(client, member)
    assert len(client.get(reverse("notifications")).context["days"][0].items) == 1
    space.memberships.filter(person=member).update(state=MembershipState.LEFT)
    # the space is listed, so it stays known, but its posts are for members only
    assert client.get(reverse("notifications")).context["days"] == []


def test_centre_more_link_pages_without_repeating_the_day(client, member):
    for number in range(30):
        tell(member, f"Note {number}")
    client = signed_in(client, member)
    first = client.get(reverse("notifications"))
    more = first.context["more_url"]
    assert more
    second = client.get(more, headers=HTMX)
    assert second.status_code == 200
    assert [day.continued for day in second.context["days"]] == [True]
    assert len(second.context["days"][0].items) == 5
    assert "<h2>Today</h2>" not in second.content.decode()
    assert "<html" not in second.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_centre_query_count_does_not_grow_with_notifications(
    client, django_assert_num_queries, space, owner, member, rows
):
    for number in range(rows):
        tell(member, f"Note {number}", space=space, actor=owner)
    client = signed_in(client, member)
    # session, person, page of notifications (actor and space joined), organisation
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200


# --- Opening and marking read ---------------------------------------------------------------


def test_open_marks_read_and_goes_to_the_target(client, member):
    notification = tell(member, url="/posts/12/#comment-3")
    response = signed_in(client, member).get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/posts/12/#comment-3"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_open_never_leaves_the_site(client, member, url):
    notification = tell(member, url=url)
    response = signed_in(client, member).get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_open_someone_elses_notification_is_404(client, member, other):
    notification = tell(other)
    response = signed_in(client, member).get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_someone_elses_notification_is_404(client, member, other):
    notification = tell(other)
    response = signed_in(client, member).post(reverse("notification-read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_with_htmx_swaps_the_item_and_tells_the_bell(client, member):
    notification = tell(member, "Read me")
    response = signed_in(client, member).post(
        reverse("notification-read", args=[notification.pk]), headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="notification" id="notification-{notification.pk}"')
    assert "Mark read" not in html
    assert "bell-changed" in response["HX-Trigger"]
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_without_js_redirects_to_the_centre(client, member):
    notification = tell(member)
    response = signed_in(client, member).post(reverse("notification-read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


def test_mark_read_refuses_get(client, member):
    notification = tell(member)
    response = signed_in(client, member).get(reverse("notification-read", args=[notification.pk]))
    assert response.status_code == 405


def test_mark_all_read_marks_only_mine(client, member, other):
    mine = [tell(member), tell(member)]
    theirs = tell(other)
    response = signed_in(client, member).post(reverse("notifications-read-all"), headers=HTMX)
    assert response.status_code == 200
    assert "bell-changed" in response["HX-Trigger"]
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_without_js_redirects(client, member):
    tell(member)
    response = signed_in(client, member).post(reverse("notifications-read-all"))
    assert response.status_code == 302
    assert not Notification.objects.unread().filter(recipient=member).exists()


# --- The bell -------------------------------------------------------------------------------


def test_bell_shows_my_unread_count(client, member, other):
    tell(member)
    tell(member)
    tell(member, read_at=timezone.now())
    tell(other)
    response = signed_in(client, member).get(reverse("notification-bell"), headers=HTMX)
    html = response.content.decode()
    assert 'aria-label="Notifications, 2 unread"' in html
    assert 'id="bell-count"' in html
    assert 'hx-trigger="bell-changed from:body"' in html
    # A newer count replaces one still on its way (the default would drop the newer request).
    assert 'hx-sync="this:replace"' in html
    assert ">2</span>" in html


def test_bell_says_99_plus_beyond_99(client, member):
    Notification.objects.bulk_create(
        [Notification(recipient=member, kind="reply", message="x", url="/") for _ in range(120)]
    )
    html = signed_in(client, member).get(reverse("notification-bell")).content.decode()
    assert "Notifications, 99+ unread" in html


def test_bell_signed_out_is_empty(client):
    assert client.get(reverse("notification-bell")).status_code == 204


def test_bell_costs_one_query_after_sign_in(client, django_assert_num_queries, member):
    tell(member)
    client = signed_in(client, member)
    # session, person, the count
    with django_assert_num_queries(3):
        client.get(reverse("notification-bell"))


def test_pages_load_the_bell_lazily(client, member):
    html = signed_in(client, member).get(reverse("notifications")).content.decode()
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="load, bell-changed from:body"' in html
    assert 'hx-sync="this:replace"' in html


# --- Settings -------------------------------------------------------------------------------


def test_settings_page_shows_defaults_and_choices(client, member, space):
    NotificationPreference.objects.create(
        person=member, kind=NotificationKind.REPLY, channel=Channel.OFF
    )
    response = signed_in(client, member).get(reverse("notification-settings"))
    assert response.status_code == 200
    kinds = {row.kind: row for row in response.context["kinds"]}
    assert kinds["reply"].channel == Channel.OFF
    assert kinds["mention"].channel == Channel.EMAIL_NOW
    assert Channel.OFF not in [value for value, _ in kinds["anonymity_revealed"].choices]
    assert [row.space for row in response.context["spaces"]] == [space]
    assert response.context["spaces"][0].level == SpaceLevel.DIRECT
    assert response.context["email"].digest == "weekly"


def test_settings_page_query_count(client, django_assert_num_queries, member, space):
    client = signed_in(client, member)
    # session, person, preferences, my spaces with levels, e-mail settings, organisation
    with django_assert_num_queries(6):
        client.get(reverse("notification-settings"))


def test_set_kind_with_htmx_returns_the_saved_row(client, member):
    response = signed_in(client, member).post(
        reverse("notification-kind", args=["reply"]), {"channel": "email_now"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert NotificationPreference.objects.get(person=member, kind="reply").channel == "email_now"


def test_set_kind_without_js_redirects_back(client, member):
    response = signed_in(client, member).post(
        reverse("notification-kind", args=["mention"]), {"channel": "off"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#kind-mention")


def test_set_kind_refuses_switching_off_anonymity_revealed(client, member):
    url = reverse("notification-kind", args=["anonymity_revealed"])
    client = signed_in(client, member)
    assert client.post(url, {"channel": "off"}).status_code == 400
    response = client.post(url, {"channel": "off"}, headers=HTMX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not NotificationPreference.objects.filter(person=member).exists()


def test_set_kind_refuses_unknown_kind_and_channel(client, member):
    client = signed_in(client, member)
    assert (
        client.post(reverse("notification-kind", args=["nope"]), {"channel": "off"}).status_code
        == 400
    )
    bad = client.post(reverse("notification-kind", args=["reply"]), {"channel": "pigeon"})
    assert bad.status_code == 400
    assert "Choose how you want to hear" in bad.content.decode()


def test_set_space_level_and_its_template_tag(client, member, space):
    client = signed_in(client, member)
    response = client.post(
        reverse("notification-space", args=[space.slug]),
        {"level": "muted", "next": f"/spaces/{space.slug}/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/spaces/{space.slug}/"
    assert SpaceSubscription.objects.get(person=member, space=space).level == SpaceLevel.MUTED
    request = RequestFactory().get(f"/spaces/{space.slug}/")
    request.user = member
    html = Template("{% load notifications %}{% space_notification_level space %}").render(
        Context({"request": request, "space": space, "csrf_token": "t"})
    )
    assert 'value="muted" checked' in html
    assert f'action="/notifications/settings/spaces/{space.slug}/"' in html


def test_set_space_level_of_a_space_i_cannot_see_is_404(client, owner, member):
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    response = signed_in(client, member).post(
        reverse("notification-space", args=[secret.slug]), {"level": "all"}
    )
    assert response.status_code == 404
    assert not SpaceSubscription.objects.filter(person=member).exists()


def test_set_space_level_of_a_listed_space_i_am_not_in_is_refused(client, owner, space):
    outsider = PersonFactory()
    response = signed_in(client, outsider).post(
        reverse("notification-space", args=[space.slug]), {"level": "all"}
    )
    assert response.status_code == 403


def test_space_level_tag_renders_nothing_for_non_members(owner, space):
    request = RequestFactory().get("/")
    request.user = PersonFactory()
    html = Template("{% load notifications %}{% space_notification_level space %}").render(
        Context({"request": request, "space": space})
    )
    assert html.strip() == ""


def test_set_digest_and_no_email(client, member):
    client = signed_in(client, member)
    response = client.post(reverse("notification-digest"), {"digest": "daily"}, headers=HTMX)
    assert response.status_code == 200
    assert EmailSettings.objects.get(person=member).digest == "daily"
    client.post(reverse("notification-no-email"), {"no_email": "true"})
    assert EmailSettings.objects.get(person=member).no_email is True
    client.post(reverse("notification-no-email"), {"no_email": "false"})
    assert EmailSettings.objects.get(person=member).no_email is False
    assert client.post(reverse("notification-digest"), {"digest": "hourly"}).status_code == 400


def test_space_page_loads_the_level_control_lazily_and_it_saves(client, django_assert_num_queries):
    from afterclass.notifications.models import SpaceLevel, SpaceSubscription
    from afterclass.people.tests.factories import PersonFactory
    from afterclass.spaces.tests.factories import add_member, make_space

    space = make_space(slug="lazy-level")
    member, outsider = PersonFactory(), PersonFactory()
    add_member(space, member)
    client.force_login(member)
    home = client.get(f"/spaces/{space.slug}/").content.decode()
    url = f"/notifications/settings/spaces/{space.slug}/"
    assert f'hx-get="{url}?next=' in home
    control = client.get(url)
    assert control.status_code == 200
    assert 'name="level"' in control.content.decode()
    client.post(url, {"level": SpaceLevel.MUTED})
    assert SpaceSubscription.objects.get(person=member, space=space).level == SpaceLevel.MUTED
    client.force_login(outsider)
    assert client.get(url).status_code == 403
