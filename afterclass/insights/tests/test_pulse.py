"""The pulse question is answered only when it is asked (issue 12, item 4): a member who is not
due yet (14 days in the space, active on 3) is refused with when they will be asked, and
nothing changes; a member who answered before may replace their answer. Action, page and API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from afterclass.core.errors import NotAllowed
from afterclass.insights.access import check_due_for_pulse, pulse_progress
from afterclass.insights.actions import do_answer_pulse
from afterclass.insights.models import Event, EventKind, PulseAnswer
from afterclass.insights.tests.pulse import make_due_for_pulse
from afterclass.spaces.models import Membership

pytestmark = pytest.mark.django_db

PULSE_API = "/api/v1/spaces/{}/pulse"


def snapshot():
    return {
        "answers": list(PulseAnswer.objects.values("space", "person", "score", "answered_at")),
        "events": Event.objects.filter(kind=EventKind.PULSE_ANSWERED).count(),
    }


def joined_on(space, person):
    membership = Membership.objects.get(space=space, person=person)
    return membership.joined_at or membership.created_at


def asked_from(space, person) -> str:
    day = timezone.localtime(joined_on(space, person) + timedelta(days=14))
    return date_format(day, "j F Y")


# --- the action --------------------------------------------------------------------------------


def test_do_answer_pulse_refuses_a_new_member_and_says_when_they_will_be_asked(pulse_on, member):
    before = snapshot()

    with pytest.raises(NotAllowed) as refused:
        do_answer_pulse(pulse_on, actor=member, score=4)

    assert refused.value.message == (
        "The pulse question is asked after 14 days in the space and activity on 3 different "
        f"days: you will be asked from {asked_from(pulse_on, member)} (14 days after you "
        "joined), once you have also been active in it on 3 more days."
    )
    assert snapshot() == before


def test_do_answer_pulse_refuses_14_days_in_but_active_on_too_few_days(pulse_on, member):
    make_due_for_pulse(pulse_on, member, days_in=20, active_days=(2, 2, 5))
    before = snapshot()

    with pytest.raises(NotAllowed, match=r"once you have been active in the space on 1 more day\."):
        do_answer_pulse(pulse_on, actor=member, score=4)

    assert snapshot() == before


def test_do_answer_pulse_refuses_active_enough_but_not_14_days_in(pulse_on, member):
    make_due_for_pulse(pulse_on, member, days_in=10, active_days=(1, 2, 3))
    before = snapshot()

    with pytest.raises(NotAllowed) as refused:
        do_answer_pulse(pulse_on, actor=member, score=4)

    assert refused.value.message.endswith(
        f"you will be asked from {asked_from(pulse_on, member)} (14 days after you joined)."
    )
    assert snapshot() == before


def test_do_answer_pulse_accepts_a_member_who_is_due(pulse_on, member):
    make_due_for_pulse(pulse_on, member, days_in=14, active_days=(1, 5, 9))

    assert do_answer_pulse(pulse_on, actor=member, score=4).score == 4


def test_do_answer_pulse_lets_a_member_who_answered_before_replace_it(pulse_on, member):
    # Answered before the rule was kept (or while due): not due now, still allowed to change it.
    PulseAnswer.objects.create(
        space=pulse_on, person=member, score=2, answered_at=timezone.now() - timedelta(days=3)
    )
    with pytest.raises(NotAllowed):
        check_due_for_pulse(member, pulse_on)

    do_answer_pulse(pulse_on, actor=member, score=5)

    assert list(PulseAnswer.objects.values_list("person", "score")) == [(member.pk, 5)]


def test_pulse_progress_is_none_for_non_members_and_two_queries(
    pulse_on, member, django_assert_num_queries
):
    assert pulse_progress(None, pulse_on) is None
    make_due_for_pulse(pulse_on, member)
    with django_assert_num_queries(2):
        progress = pulse_progress(member, pulse_on)
    assert progress is not None
    assert progress.is_due(timezone.now())


# --- the page ----------------------------------------------------------------------------------


def test_pulse_page_refuses_a_member_not_due_in_place_with_when(client, pulse_on, member):
    client.force_login(member)
    url = reverse("insights-pulse", args=[pulse_on.slug])

    response = client.post(url, {"score": "4"}, headers={"HX-Request": "true"})

    assert response.status_code == 403
    body = response.content.decode()
    assert f"you will be asked from {asked_from(pulse_on, member)}" in body
    assert 'role="alert"' in body
    assert not PulseAnswer.objects.exists()
    # Without htmx the same refusal, as the error page.
    plain = client.post(url, {"score": "4"})
    assert plain.status_code == 403
    assert "you will be asked from" in plain.content.decode()
    assert not PulseAnswer.objects.exists()


def test_pulse_page_lets_a_member_who_answered_before_answer_again(client, pulse_on, member):
    PulseAnswer.objects.create(space=pulse_on, person=member, score=2, answered_at=timezone.now())
    client.force_login(member)

    response = client.post(
        reverse("insights-pulse", args=[pulse_on.slug]),
        {"score": "3"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert PulseAnswer.objects.get().score == 3


# --- the API -----------------------------------------------------------------------------------


def test_api_pulse_refuses_a_member_not_due_and_changes_nothing(client, pulse_on, member):
    client.force_login(member)
    url = PULSE_API.format(pulse_on.slug)

    response = client.post(url, {"score": 4}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "The pulse question is asked after 14 days in the space"
    )
    assert f"from {asked_from(pulse_on, member)}" in response.json()["detail"]
    assert not PulseAnswer.objects.exists()
    assert not Event.objects.filter(kind=EventKind.PULSE_ANSWERED).exists()


def test_api_pulse_accepts_when_due_and_a_replacement_afterwards(client, pulse_on, member):
    client.force_login(member)
    url = PULSE_API.format(pulse_on.slug)
    make_due_for_pulse(pulse_on, member)
    assert client.post(url, {"score": 4}, content_type="application/json").status_code == 200
    # Later not due by the rule any more (left and joined again): the answer can still change.
    Membership.objects.filter(space=pulse_on, person=member).update(joined_at=timezone.now())

    assert client.post(url, {"score": 1}, content_type="application/json").status_code == 200
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [1]
