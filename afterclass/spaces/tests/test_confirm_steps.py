"""Steps that are hard to take back ask first: a form sent with confirm=ask (the page's form
without JavaScript) gets a confirm page and nothing happens; confirmed=yes does it."""

import pytest
from django.urls import reverse

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import ContentState, Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Membership, MembershipState, Space, Status
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def member(db):
    return PersonFactory(display_name="Mina Member")


def _confirm_page(response, *, action, button, fields):
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{action}"' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'<button type="submit" class="danger">{button}</button>' in html
    for name, value in fields:
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert 'name="confirm"' not in html
    return html


def test_launch_asks_first_then_launches(client, owner):
    space = make_space(owner, status=Status.PLANNING, name="Data skills")
    client.force_login(owner)
    url = reverse("space-status", args=[space.slug])
    asked = client.post(url, {"status": "launched", "confirm": "ask"})
    html = _confirm_page(asked, action=url, button="Launch", fields=[("status", "launched")])
    assert "Launch “Data skills”?" in html
    assert f'href="{reverse("space-home", args=[space.slug])}">Cancel</a>' in html
    assert Space.objects.get(pk=space.pk).status == Status.PLANNING
    done = client.post(url, {"status": "launched", "confirm": "ask", "confirmed": "yes"})
    assert done.status_code == 302
    assert Space.objects.get(pk=space.pk).status == Status.LAUNCHED


def test_archive_asks_first(client, owner):
    space = make_space(owner)
    client.force_login(owner)
    url = reverse("space-status", args=[space.slug])
    asked = client.post(url, {"status": "archived", "confirm": "ask"})
    assert "Archive “Data skills”?" in _confirm_page(
        asked, action=url, button="Archive", fields=[("status", "archived")]
    )
    assert Space.objects.get(pk=space.pk).status == Status.LAUNCHED


def test_the_status_controls_on_the_page_ask(client, owner):
    space = make_space(owner, status=Status.PLANNING)
    client.force_login(owner)
    html = client.get(reverse("space-settings", args=[space.slug])).content.decode()
    # Launching goes through its own page (the pre-launch survey, the sign-ups, a warning).
    assert f'href="{reverse("space-launch", args=[space.slug])}"' in html
    space.status = Status.LAUNCHED
    space.save(update_fields=["status"])
    html = client.get(reverse("space-settings", args=[space.slug])).content.decode()
    assert 'data-confirm="Archive “Data skills”?"' in html
    assert '<input type="hidden" name="confirm" value="ask">' in html


def test_leave_asks_first(client, owner, member):
    space = make_space(owner)
    add_member(space, member)
    client.force_login(member)
    url = reverse("space-leave", args=[space.slug])
    asked = client.post(url, {"confirm": "ask"})
    assert "Leave “Data skills”?" in _confirm_page(asked, action=url, button="Leave", fields=[])
    assert Membership.objects.get(space=space, person=member).state == MembershipState.ACTIVE
    assert client.post(url, {"confirm": "ask", "confirmed": "yes"}).status_code == 302
    assert Membership.objects.get(space=space, person=member).state != MembershipState.ACTIVE


def test_ban_asks_first_but_remove_and_role_do_not(client, owner, member):
    space = make_space(owner)
    membership = add_member(space, member)
    client.force_login(owner)
    url = reverse("space-member", args=[space.slug, membership.pk])
    asked = client.post(url, {"action": "ban", "confirm": "ask"})
    _confirm_page(asked, action=url, button="Ban", fields=[("action", "ban")])
    assert Membership.objects.get(pk=membership.pk).state == MembershipState.ACTIVE
    done = client.post(url, {"action": "ban", "confirm": "ask", "confirmed": "yes"})
    assert done.status_code == 302
    assert Membership.objects.get(pk=membership.pk).state == MembershipState.BANNED


def test_remove_post_asks_first(client, owner):
    space = make_space(owner)
    post = make_post(space, owner, title="Pivot tables")
    client.force_login(owner)
    url = reverse("post-remove", args=[post.pk])
    asked = client.post(url, {"confirm": "ask"})
    assert "Remove this post?" in _confirm_page(asked, action=url, button="Remove", fields=[])
    assert Post.objects.get(pk=post.pk).state == ContentState.VISIBLE
    client.post(url, {"confirm": "ask", "confirmed": "yes"})
    assert Post.objects.get(pk=post.pk).state == ContentState.REMOVED_BY_AUTHOR


def test_a_form_without_confirm_ask_acts_at_once(client, owner):
    space = make_space(owner, status=Status.PLANNING)
    client.force_login(owner)
    client.post(reverse("space-status", args=[space.slug]), {"status": "launched"})
    assert Space.objects.get(pk=space.pk).status == Status.LAUNCHED
