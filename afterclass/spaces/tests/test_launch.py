"""Launching a planned space: the launch page shows what the pre-launch survey and the sign-ups
say, warns about an open or unanswered survey, and closes it as it launches when asked."""

import re

import pytest
from django.core import mail

from afterclass.core.errors import Conflict
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.actions import do_set_space_status
from afterclass.spaces.models import Status
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.actions import (
    do_create_prelaunch_survey,
    do_open_survey,
    do_remind_survey,
    do_sign_up_for_launch,
)
from afterclass.surveys.models import SurveyState

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def planned(owner):
    return make_space(
        owner,
        status=Status.PLANNING,
        name="Data skills",
        purpose="A very long purpose " * 20,
    )


@pytest.fixture
def open_survey(planned, owner):
    survey = do_create_prelaunch_survey(planned, actor=owner)
    return do_open_survey(survey, actor=owner)


def test_launch_closes_the_open_prelaunch_survey_when_asked(planned, owner, open_survey):
    do_set_space_status(planned, Status.LAUNCHED, actor=owner, close_survey=True)
    open_survey.refresh_from_db()
    assert open_survey.state == SurveyState.CLOSED


def test_launch_leaves_the_survey_open_unless_asked(planned, owner, open_survey):
    do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    open_survey.refresh_from_db()
    assert open_survey.state == SurveyState.OPEN


def test_launched_space_sends_no_prelaunch_reminders(planned, owner, open_survey):
    do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    open_survey.refresh_from_db()
    with pytest.raises(Conflict, match="pre-launch survey sends no more reminders"):
        do_remind_survey(open_survey, actor=owner)


def test_launch_notification_is_titled_by_the_space_name(
    planned, owner, django_capture_on_commit_callbacks
):
    fan = PersonFactory()
    do_sign_up_for_launch(planned, actor=fan)
    with django_capture_on_commit_callbacks(execute=True):
        do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    told = Notification.objects.get(recipient=fan, kind=NotificationKind.SPACE_LAUNCHED)
    assert told.message == "“Data skills” is launched: read its ground rules and join."
    assert "A very long purpose" not in " ".join(m.subject for m in mail.outbox)


def test_launch_page_shows_answers_sign_ups_and_warnings(client, planned, owner, open_survey):
    do_sign_up_for_launch(planned, actor=PersonFactory())
    client.force_login(owner)
    response = client.get(f"/spaces/{planned.slug}/launch/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nobody has answered the pre-launch survey yet." in page
    assert "The pre-launch survey is still open" in page
    assert "1 person asked to be told at launch." in page
    assert "Close the pre-launch survey now" in page
    assert re.search(r'<input type="checkbox" name="close_survey"[^>]* checked>', page)


def test_launch_page_warns_when_there_is_no_survey(client, planned, owner):
    client.force_login(owner)
    page = client.get(f"/spaces/{planned.slug}/launch/").content.decode()
    assert "This space has no pre-launch survey" in page
    assert "Close the pre-launch survey now" not in page


def test_launch_page_posts_launch_and_closes_the_survey(client, planned, owner, open_survey):
    client.force_login(owner)
    response = client.post(f"/spaces/{planned.slug}/launch/", {"close_survey": "on"})
    assert response.status_code == 302
    planned.refresh_from_db()
    open_survey.refresh_from_db()
    assert planned.status == Status.LAUNCHED
    assert open_survey.state == SurveyState.CLOSED


def test_launch_page_without_the_box_keeps_the_survey_open(client, planned, owner, open_survey):
    client.force_login(owner)
    client.post(f"/spaces/{planned.slug}/launch/", {})
    open_survey.refresh_from_db()
    assert open_survey.state == SurveyState.OPEN


def test_launch_page_refuses_members_and_launched_spaces(client, planned, owner):
    member = add_member(planned, PersonFactory()).person
    client.force_login(member)
    assert client.get(f"/spaces/{planned.slug}/launch/").status_code == 403
    assert client.post(f"/spaces/{planned.slug}/launch/").status_code == 403
    planned.refresh_from_db()
    assert planned.status == Status.PLANNING
    launched = make_space(owner, name="Already there")
    client.force_login(owner)
    response = client.get(f"/spaces/{launched.slug}/launch/", follow=True)
    assert "Only a space in planning can be launched." in response.content.decode()


@pytest.mark.parametrize("sign_ups", [1, 30])
def test_launch_page_query_count_does_not_grow(
    client, planned, owner, open_survey, sign_ups, django_assert_num_queries
):
    for _ in range(sign_ups):
        do_sign_up_for_launch(planned, actor=PersonFactory())
    client.force_login(owner)
    client.get(f"/spaces/{planned.slug}/launch/")
    # six queries, whatever the number of sign-ups (counted, never listed)
    with django_assert_num_queries(6):
        assert client.get(f"/spaces/{planned.slug}/launch/").status_code == 200
