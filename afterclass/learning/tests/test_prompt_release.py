"""A discussion prompt in a unit not yet released: its thread waits for the release too — not
in the feed, the post page or the API for learners, and nobody is told about it early."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from afterclass.learning.actions import do_update_unit
from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.notifications.actions import do_set_space_level
from afterclass.notifications.models import Notification
from afterclass.posts.access import posts_visible_to
from afterclass.posts.models import Post


def _prompt(space, facilitator, *, released: bool):
    when = timezone.now() + (timedelta(hours=-2) if released else timedelta(days=3))
    unit = make_unit(space, facilitator, title="Later", release_at=when)
    return unit, make_activity(
        unit, facilitator, "discussion", title="Zebra prompt", instructions="Discuss zebras."
    )


def test_unreleased_prompt_thread_is_hidden_from_learners(client, space, facilitator, learner):
    _unit, activity = _prompt(space, facilitator, released=False)
    visible = Post.objects.filter(posts_visible_to(learner))
    assert not visible.filter(pk=activity.post_id).exists()
    assert Post.objects.filter(posts_visible_to(facilitator), pk=activity.post_id).exists()
    client.force_login(learner)
    assert client.get(reverse("post-detail", args=[activity.post_id])).status_code == 404
    home = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert "Zebra prompt" not in home
    assert client.get(f"/api/v1/posts/{activity.post_id}").status_code == 404


def test_unreleased_prompt_thread_appears_at_release(client, space, facilitator, learner):
    unit, activity = _prompt(space, facilitator, released=False)
    do_update_unit(unit, actor=facilitator, release_at=timezone.now() - timedelta(minutes=1))
    assert Post.objects.filter(posts_visible_to(learner), pk=activity.post_id).exists()
    client.force_login(learner)
    assert client.get(reverse("post-detail", args=[activity.post_id])).status_code == 200


def test_unreleased_prompt_tells_nobody(
    space, facilitator, learner, django_capture_on_commit_callbacks
):
    do_set_space_level(space, actor=learner, level="all")
    with django_capture_on_commit_callbacks(execute=True):
        _prompt(space, facilitator, released=False)
    assert not Notification.objects.filter(recipient=learner).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _prompt(space, facilitator, released=True)
    assert Notification.objects.filter(recipient=learner).exists()
