"""Opening a post or a survey marks read the notifications about it (and only those, only mine)."""

import pytest
from django.urls import reverse

from afterclass.notifications.actions import do_mark_read_about
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.tests.conftest import make_survey

pytestmark = pytest.mark.django_db


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


def tell(person, *, url="/feed/", **fields):
    fields.setdefault("kind", NotificationKind.REPLY)
    return Notification.objects.create(recipient=person, message="News", url=url, **fields)


def unread(*notifications):
    return [Notification.objects.get(pk=found.pk).read_at is None for found in notifications]


def test_do_mark_read_about_marks_only_my_notifications_about_that_post(space, owner, member):
    post = make_post(space, owner, title="Pivot tables")
    other_post = make_post(space, owner, title="Charts")
    about = tell(member, post=post, url=f"/posts/{post.pk}/#comment-1")
    elsewhere = tell(member, post=other_post)
    theirs = tell(owner, post=post)
    assert do_mark_read_about(actor=member, post_id=post.pk) == 1
    assert unread(about, elsewhere, theirs) == [False, True, True]
    assert do_mark_read_about(actor=member, post_id=post.pk) == 0


def test_do_mark_read_about_a_page_matches_its_address_and_anchors_only(member):
    exact = tell(member, url="/surveys/7/")
    anchored = tell(member, url="/surveys/7/#questions")
    longer = tell(member, url="/surveys/70/")
    assert do_mark_read_about(actor=member, url="/surveys/7/") == 2
    assert unread(exact, anchored, longer) == [False, False, True]


def test_do_mark_read_about_nothing_marks_nothing(member):
    found = tell(member)
    assert do_mark_read_about(actor=member) == 0
    assert unread(found) == [True]


def test_opening_a_post_marks_its_notifications_read(client, space, owner, member):
    post = make_post(space, owner, title="Pivot tables")
    about = tell(member, post=post)
    other = tell(member)
    client.force_login(member)
    assert client.get(reverse("post-detail", args=[post.pk])).status_code == 200
    assert unread(about, other) == [False, True]


def test_opening_a_survey_marks_its_invitation_read(client, member):
    survey = make_survey(AdminFactory(), open_it=True)
    url = reverse("survey-detail", args=[survey.pk])
    invitation = tell(member, url=url, kind=NotificationKind.SURVEY_INVITATION)
    other = tell(member, url=reverse("survey-detail", args=[survey.pk + 1]))
    client.force_login(member)
    assert client.get(url).status_code == 200
    assert unread(invitation, other) == [False, True]


def test_a_survey_i_cannot_see_marks_nothing(client, member):
    survey = make_survey(AdminFactory())  # a draft: only its managers see it
    url = reverse("survey-detail", args=[survey.pk])
    found = tell(member, url=url)
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert unread(found) == [True]
