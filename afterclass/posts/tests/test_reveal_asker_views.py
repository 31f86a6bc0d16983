"""Revealing who asked an anonymous question from the post page (issue 12, item 9): the control
is there for organisation admins on anonymous questions only; the reason is asked for (in a
<dialog>, or on a page without JavaScript), the reveal is audited, the asker told, and the name
shown to that admin only."""

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

REASON = "A harassment complaint names this question."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(db):
    return AdminFactory(display_name="Ada Admin")


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner, admin):
    found = make_space(owner, name="Wellbeing", slug="wellbeing")
    do_update_space(found, actor=admin, anonymous_questions=AnonymousQuestions.EVERYONE)
    return found


@pytest.fixture
def asker(space):
    return add_member(space, PersonFactory(display_name="Dana Whitfield")).person


@pytest.fixture
def question(space, asker):
    return make_post(space, asker, kind="question", title="Is this normal?", anonymous=True)


def reveal_url(post):
    return reverse("post-reveal-asker", args=[post.pk])


def reveals():
    return AuditEntry.objects.filter(action="post.reveal_asker")


def test_post_page_offers_the_reveal_dialog_to_org_admins_on_anonymous_questions(
    client, question, admin
):
    client.force_login(admin)
    body = client.get(reverse("post-detail", args=[question.pk])).content.decode()

    assert 'data-opens-dialog="reveal-asker-dialog"' in body
    assert '<dialog id="reveal-asker-dialog"' in body
    assert f'action="{reveal_url(question)}"' in body
    assert 'for="reveal-reason"' in body
    assert "Dana Whitfield" not in body  # nothing revealed by opening the page


def test_post_page_has_no_reveal_control_for_others_or_named_questions(
    client, space, question, owner, asker, admin
):
    moderator = add_member(space, role=Role.MODERATOR).person
    for person in (owner, moderator, asker):
        client.force_login(person)
        body = client.get(reverse("post-detail", args=[question.pk])).content.decode()
        assert "reveal-asker" not in body, person
    named = make_post(space, asker, kind="question", title="Named?")
    client.force_login(admin)
    body = client.get(reverse("post-detail", args=[named.pk])).content.decode()
    assert "reveal-asker" not in body


def test_reveal_page_without_javascript_asks_for_the_reason(client, question, admin):
    client.force_login(admin)

    response = client.get(reveal_url(question))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Reveal who asked this question?" in body
    assert '<textarea id="reveal-reason" name="reason"' in body
    assert "Dana Whitfield" not in body
    assert not reveals().exists()


def test_admin_reveals_the_asker_audited_and_told(
    client, question, admin, asker, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reveal_url(question), {"reason": REASON})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="revealed-asker"' in body
    assert "Asked by <strong>Dana Whitfield</strong>" in body
    assert asker.email in body
    entry = reveals().get()
    assert (entry.actor_id, entry.target_id, entry.data["reason"]) == (
        admin.pk,
        question.pk,
        REASON,
    )
    told = Notification.objects.get(recipient=asker)
    assert told.kind == NotificationKind.ANONYMITY_REVEALED
    assert REASON in told.message


def test_admin_reveals_in_place_with_htmx_and_focus_on_the_name(client, question, admin):
    client.force_login(admin)

    response = client.post(reveal_url(question), {"reason": REASON}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#revealed-asker"
    assert response["HX-Reswap"] == "outerHTML"
    assert "afterclass-dialog-done" in response["HX-Trigger-After-Swap"]
    assert '"focus": "#revealed-asker"' in response["HX-Trigger-After-Settle"]
    assert "Asked by Dana Whitfield." in response["HX-Trigger-After-Settle"]
    body = response.content.decode()
    assert body.strip().startswith('<p id="revealed-asker"')
    assert "Dana Whitfield" in body
    assert reveals().count() == 1


def test_nobody_elses_post_page_shows_the_name_after_a_reveal(
    client, space, question, admin, owner
):
    client.force_login(admin)
    client.post(reveal_url(question), {"reason": REASON})
    # Not the admin's own page on a later visit either: the name was in that answer only.
    for person in (admin, owner, add_member(space).person):
        client.force_login(person)
        body = client.get(reverse("post-detail", args=[question.pk])).content.decode()
        assert "Dana Whitfield" not in body, person


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Write the reason: it is kept in the audit log"),
        ("   ", "Write the reason: it is kept in the audit log"),
        ("too short", "at least 10 characters"),
    ],
)
def test_reveal_requires_a_reason(client, question, admin, asker, reason, message):
    client.force_login(admin)

    page = client.post(reveal_url(question), {"reason": reason})

    assert page.status_code == 400
    body = page.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert asker.display_name not in body
    # In the dialog (htmx): the form again in its place, the error said, focus on the field.
    in_place = client.post(reveal_url(question), {"reason": reason}, headers=HTMX)
    assert in_place.status_code == 200
    assert in_place["HX-Retarget"] == "#reveal-asker-form"
    assert '"focus": "#reveal-reason"' in in_place["HX-Trigger-After-Settle"]
    assert message in in_place.content.decode()
    assert asker.display_name not in in_place.content.decode()
    assert not reveals().exists()
    assert not Notification.objects.exists()


def test_reveal_is_refused_to_members_owners_and_moderators(client, space, question, owner):
    moderator = add_member(space, role=Role.MODERATOR).person
    for person in (owner, moderator, add_member(space).person):
        client.force_login(person)
        assert client.get(reveal_url(question)).status_code == 403
        refused = client.post(reveal_url(question), {"reason": REASON})
        assert refused.status_code == 403
        assert "Only organisation admins" in refused.content.decode()
        assert "Dana Whitfield" not in refused.content.decode()
    assert not reveals().exists()


def test_reveal_is_404_for_a_post_you_cannot_see(client, question):
    client.force_login(PersonFactory())  # not a member of the space... which may be public
    secret = make_space(PersonFactory(), name="Secret", slug="secret", visibility="secret")
    hidden = make_post(secret, secret.memberships.get().person, kind="question", title="Q?")
    assert client.post(reveal_url(hidden), {"reason": REASON}).status_code == 404
    assert client.get(reveal_url(hidden)).status_code == 404
    assert not reveals().exists()


def test_reveal_refuses_a_question_that_is_not_anonymous(client, space, asker, admin):
    named = make_post(space, asker, kind="question", title="Named?")
    client.force_login(admin)

    response = client.post(reveal_url(named), {"reason": REASON})

    assert response.status_code == 400
    assert "not anonymous" in response.content.decode()
    assert not reveals().exists()


def test_reveal_needs_signing_in_and_get_or_post(client, question, admin):
    assert client.post(reveal_url(question), {"reason": REASON}).status_code == 302
    client.force_login(admin)
    assert client.put(reveal_url(question)).status_code == 405
    assert not reveals().exists()
