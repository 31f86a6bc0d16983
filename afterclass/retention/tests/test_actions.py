"""Retention's actions: rules, legal holds and runs, straight through the actions."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from afterclass.attachments.models import Attachment
from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.posts.models import Comment, Post
from afterclass.retention.actions import (
    do_run_retention,
    do_set_legal_hold,
    do_set_organisation_retention,
    do_set_space_retention,
)
from afterclass.retention.queries import Rule, preview_organisation_rule, preview_space_rule
from afterclass.retention.tests.conftest import age
from afterclass.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_run_deletes_old_threads_with_comments_files_and_search_documents(
    world, django_capture_on_commit_callbacks
):
    files_before = media_files()
    old_files = list(Attachment.objects.filter(post__in=world.old))
    assert old_files
    assert SearchDocument.objects.filter(post_id__in=[p.pk for p in world.old]).exists()
    do_set_organisation_retention("delete", 12, actor=world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        run = do_run_retention()

    old_ids = [post.pk for post in world.old]
    assert run.deleted == 4
    assert not Post.objects.filter(pk__in=old_ids).exists()
    assert not Comment.objects.filter(post_id__in=old_ids).exists()
    assert not Attachment.objects.filter(pk__in=[a.pk for a in old_files]).exists()
    assert not SearchDocument.objects.filter(post_id__in=old_ids).exists()
    gone = {name for a in old_files for name in (a.file.name, a.thumbnail.name) if name}
    assert gone
    assert gone <= files_before
    assert not gone & media_files()
    assert set(Post.objects.values_list("pk", flat=True)) == {p.pk for p in world.recent}


def test_run_keeps_counters_equal_to_rows(world, django_capture_on_commit_callbacks):
    do_set_organisation_retention("delete", 12, actor=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        do_run_retention()
    for post in Post.objects.all():
        assert post.comment_count == Comment.objects.filter(post=post).count()


def test_preview_equals_what_the_run_deletes(world, django_capture_on_commit_callbacks):
    now = timezone.now()
    preview = preview_organisation_rule(Rule("delete", 12), now=now)
    assert {p.space.pk: p.threads for p in preview} == {world.first.pk: 2, world.second.pk: 2}
    threads_before = {
        s: Post.objects.filter(space_id=s).count() for s in (world.first.pk, world.second.pk)
    }
    do_set_organisation_retention("delete", 12, actor=world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        run = do_run_retention(now)

    for item in preview:
        assert run.spaces[str(item.space.pk)]["threads"] == item.threads
        left = Post.objects.filter(space=item.space).count()
        assert threads_before[item.space.pk] - left == item.threads
    assert run.deleted == sum(item.threads for item in preview)


def test_space_preview_equals_what_the_run_archives(world):
    now = timezone.now()
    preview = preview_space_rule(world.first, Rule("archive", 6), now=now)
    do_set_space_retention(world.first, "archive", 6, actor=world.admin)

    run = do_run_retention(now)

    assert preview.threads == run.archived == 2
    archived = Post.objects.filter(space=world.first, is_locked=True)
    assert set(archived.values_list("pk", flat=True)) == {p.pk for p in world.old[:2]}
    assert Post.objects.filter(space=world.second, is_locked=False).count() == 3


def test_archived_threads_stay_and_a_second_run_takes_nothing(world):
    do_set_organisation_retention("archive", 12, actor=world.admin)
    first = do_run_retention()
    second = do_run_retention()
    assert (first.archived, second.archived) == (4, 0)
    assert Post.objects.count() == 6


def test_legal_hold_suspends_deletion(world, django_capture_on_commit_callbacks):
    do_set_organisation_retention("delete", 12, actor=world.admin)
    do_set_legal_hold(world.first, True, reason="Matter 2026-14", actor=world.admin)
    assert preview_space_rule(world.first, Rule("delete", 12), now=timezone.now()).held

    with django_capture_on_commit_callbacks(execute=True):
        run = do_run_retention()

    assert Post.objects.filter(space=world.first).count() == 3
    assert Post.objects.filter(space=world.second).count() == 1
    assert (run.deleted, run.held) == (2, 2)
    assert run.spaces[str(world.first.pk)] == {
        "rule": "delete",
        "months": 12,
        "threads": 0,
        "held": 2,
    }


def test_lifting_the_hold_lets_the_next_run_delete(world, django_capture_on_commit_callbacks):
    do_set_space_retention(world.first, "delete", 12, actor=world.admin)
    do_set_legal_hold(world.first, True, reason="Matter", actor=world.admin)
    do_run_retention()
    do_set_legal_hold(world.first, False, actor=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        run = do_run_retention()
    assert run.deleted == 2


def test_legal_hold_does_not_stop_archiving(world):
    do_set_space_retention(world.first, "archive", 12, actor=world.admin)
    do_set_legal_hold(world.first, True, reason="Matter", actor=world.admin)
    assert do_run_retention().archived == 2


def test_space_rule_overrides_the_default(world, django_capture_on_commit_callbacks):
    do_set_organisation_retention("delete", 12, actor=world.admin)
    do_set_space_retention(world.first, "keep", None, actor=world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        run = do_run_retention()
    assert run.deleted == 2
    assert Post.objects.filter(space=world.first).count() == 3


def test_rule_changes_holds_and_runs_are_audited(world):
    do_set_organisation_retention("delete", 24, actor=world.admin)
    do_set_space_retention(world.first, "archive", 6, actor=world.admin)
    do_set_legal_hold(world.second, True, reason="Matter 7", actor=world.admin)
    do_set_legal_hold(world.second, False, actor=world.admin)
    do_run_retention()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    # The default (24 months) takes nothing yet; the first space's own rule archives 2.
    assert actions[-6:] == [
        "retention.organisation_rule",
        "retention.space_rule",
        "retention.legal_hold",
        "retention.legal_hold_lifted",
        "retention.apply",
        "retention.run",
    ]
    applied = AuditEntry.objects.get(action="retention.apply")
    assert (applied.actor_id, applied.space_id) == (None, world.first.pk)
    assert applied.data == {"rule": "archive", "months": 6, "threads": 2}
    hold = AuditEntry.objects.get(action="retention.legal_hold")
    assert (hold.actor_id, hold.space_id, hold.data["reason"]) == (
        world.admin.pk,
        world.second.pk,
        "Matter 7",
    )
    rule = AuditEntry.objects.get(action="retention.organisation_rule")
    assert rule.data == {
        "before": {"action": "keep", "months": None},
        "after": {"action": "delete", "months": 24},
    }


def test_only_organisation_admins_change_rules_and_holds(world):
    with pytest.raises(NotAllowed):
        do_set_organisation_retention("delete", 12, actor=world.member)
    with pytest.raises(NotAllowed):
        do_set_space_retention(world.first, "delete", 12, actor=world.member)
    with pytest.raises(NotAllowed):
        do_set_legal_hold(world.first, True, reason="x", actor=world.member)


@pytest.mark.parametrize(
    ("action", "months"), [("delete", None), ("delete", 0), ("archive", 121), ("purge", 3)]
)
def test_rules_refuse_bad_values(world, action, months):
    with pytest.raises(InvalidInput):
        do_set_organisation_retention(action, months, actor=world.admin)


def test_legal_hold_needs_a_reason(world):
    with pytest.raises(InvalidInput):
        do_set_legal_hold(world.first, True, reason=" ", actor=world.admin)


def test_discussion_prompts_of_learning_activities_are_never_taken(world):
    course = make_course(world.admin, slug="course")
    activity = make_activity(make_unit(course, world.admin), world.admin, kind="discussion")
    assert activity.post_id
    age(activity.post, 400)
    do_set_organisation_retention("delete", 12, actor=world.admin)
    do_run_retention()
    assert Post.objects.filter(pk=activity.post_id).exists()
