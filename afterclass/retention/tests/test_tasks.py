"""The daily retention job: scheduled once a day by the workers, and what it runs."""

from datetime import UTC, datetime

import pytest

from afterclass.posts.models import Post
from afterclass.retention.actions import do_set_organisation_retention
from afterclass.retention.models import RetentionRun
from afterclass.retention.tasks import apply_retention
from afterclass.worker.models import QueuedTask
from afterclass.worker.schedule import enqueue_due

pytestmark = pytest.mark.django_db

PATH = "afterclass.retention.tasks.apply_retention"


def test_apply_retention_is_enqueued_once_a_day_however_often_workers_look():
    morning = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    enqueue_due(morning)
    enqueue_due(morning.replace(hour=9))
    assert QueuedTask.objects.filter(task_path=PATH).count() == 1
    enqueue_due(datetime(2026, 12, 9, 3, 0, tzinfo=UTC))
    assert QueuedTask.objects.filter(task_path=PATH).count() == 2


def test_apply_retention_runs_the_rules_and_again_takes_nothing(
    world, django_capture_on_commit_callbacks
):
    do_set_organisation_retention("delete", 12, actor=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        apply_retention.enqueue()
        apply_retention.enqueue()
    runs = list(RetentionRun.objects.order_by("pk").values_list("deleted", flat=True))
    assert runs == [4, 0]
    assert Post.objects.count() == 2
