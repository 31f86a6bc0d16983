"""Release and due reminders with a frozen clock, in aware time; and the cron command."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from afterclass.learning.access import units_visible_filter
from afterclass.learning.actions import do_create_unit, do_mark_done, send_learning_reminders
from afterclass.learning.models import Unit
from afterclass.learning.queries import my_learning
from afterclass.learning.tests.factories import make_activity
from afterclass.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

# 09:00 in Sydney on 1 March 2027 is 22:00 UTC on 28 February.
RELEASE = datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Australia/Sydney"))
DUE = datetime(2027, 3, 8, 9, tzinfo=ZoneInfo("Australia/Sydney"))


@pytest.fixture
def planned(space, facilitator):
    unit = do_create_unit(space, actor=facilitator, title="Week 1", release_at=RELEASE, due_at=DUE)
    make_activity(unit, facilitator, "reading", title="Read me")
    return unit


@pytest.fixture
def frozen(monkeypatch):
    """Freeze timezone.now at a moment the test sets."""
    clock = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


def test_unit_becomes_visible_at_release_in_any_time_zone(planned, space, learner, frozen):
    frozen["now"] = datetime(2027, 2, 28, 21, 59, tzinfo=UTC)
    assert not Unit.objects.filter(units_visible_filter(learner, space)).exists()
    frozen["now"] = datetime(2027, 2, 28, 22, 0, tzinfo=UTC)
    assert Unit.objects.filter(units_visible_filter(learner, space)).exists()


def test_release_notice_sent_once_when_release_passes(
    planned, learner, other_learner, django_capture_on_commit_callbacks
):
    before = RELEASE - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_learning_reminders(before).released == 0
        assert send_learning_reminders(RELEASE).released == 1
        assert send_learning_reminders(RELEASE + timedelta(hours=1)).released == 0
    told = Notification.objects.filter(kind=NotificationKind.ACTIVITY_RELEASED)
    assert set(told.values_list("recipient_id", flat=True)) >= {learner.pk, other_learner.pk}
    assert told.filter(recipient=learner).count() == 1


def test_due_notice_24_hours_before_to_unfinished_only(
    planned, learner, other_learner, django_capture_on_commit_callbacks, frozen
):
    frozen["now"] = RELEASE + timedelta(hours=1)
    do_mark_done(planned.activities.get(), actor=learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_learning_reminders(DUE - timedelta(hours=25)).due == 0
        assert send_learning_reminders(DUE - timedelta(hours=23)).due == 1
        assert send_learning_reminders(DUE - timedelta(hours=1)).due == 0
    told = Notification.objects.filter(kind=NotificationKind.ACTIVITY_DUE)
    assert list(told.values_list("recipient_id", flat=True)) == [other_learner.pk]


def test_my_learning_due_soon_then_overdue(planned, learner, frozen):
    frozen["now"] = DUE - timedelta(days=2)
    mine = my_learning(learner)
    assert [a.title for a in mine.due_soon] == ["Read me"]
    assert mine.overdue == []
    frozen["now"] = DUE + timedelta(minutes=1)
    mine = my_learning(learner)
    assert mine.due_soon == []
    assert [a.title for a in mine.overdue] == ["Read me"]


def test_my_learning_hides_unreleased(planned, learner, frozen):
    frozen["now"] = RELEASE - timedelta(hours=1)
    mine = my_learning(learner)
    assert (mine.due_soon, mine.overdue) == ([], [])


def test_command_runs_reminders(planned, capsys, frozen):
    frozen["now"] = RELEASE + timedelta(minutes=5)
    call_command("learning_reminders")
    assert "Released: 1 unit(s)" in capsys.readouterr().out
    planned.refresh_from_db()
    assert planned.released_notified_at is not None
