"""The actions keep the index right as they commit: posts, edits, hiding, comments removed,
reactions, people moving department, spaces renamed, learning activities and units written,
edited, deleted and copied, with the threads of their discussion prompts and their files, and
learning sessions' files — no rebuild needed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.learning.actions import (
    do_copy_units,
    do_create_session,
    do_delete_activity,
    do_delete_session,
    do_delete_unit,
    do_submit,
    do_update_activity,
    do_update_session,
    do_update_unit,
)
from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.people.actions import do_create_department, do_update_profile
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import (
    do_edit_post,
    do_hide_post,
    do_react,
    do_remove_comment,
    do_restore_post,
)
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search import index
from afterclass.search.engine import SearchFilters, search, search_people
from afterclass.search.models import SearchDocument
from afterclass.search.tests.files import upload_pdf, upload_text
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def found(viewer, q: str) -> list[str]:
    return [hit.document.source for hit in search(viewer, SearchFilters(q=q)).hits]


def test_posts_and_edits_are_found_as_they_commit(committed, space, owner, member):
    post = committed(make_post, space, owner, title="Pivot tables", body="Use slicers.")
    assert found(member, "slicers") == ["post"]
    committed(do_edit_post, post, actor=owner, body="Use timelines instead.")
    assert found(member, "slicers") == []
    assert found(member, "timelines") == ["post"]


def test_hiding_and_restoring_take_a_post_out_and_back(committed, space, owner, member):
    post = committed(make_post, space, owner, title="Macros", body="Record one first.")
    committed(do_hide_post, post, actor=owner, reason="Off topic")
    assert found(member, "macros") == []
    committed(do_restore_post, post, actor=owner)
    assert found(member, "macros") == ["post"]


def test_removed_comments_leave_the_index(committed, space, owner, member):
    post = committed(make_post, space, owner, title="Charts", body="Which one?")
    comment = committed(make_comment, post, member, "A waterfall chart.")
    assert found(member, "waterfall") == ["comment"]
    committed(do_remove_comment, comment, actor=member)
    assert found(member, "waterfall") == []


def test_helped_reactions_reach_the_index(committed, space, owner, member):
    post = committed(make_post, space, owner, title="Shortcuts", body="Ctrl+T makes a table.")
    committed(do_react, actor=member, kind="helped", post=post)
    hit = search(member, SearchFilters(q="shortcuts")).hits[0]
    assert hit.document.helped_count == 1


def test_people_moving_department_are_found_by_the_new_one(committed, member):
    admin = AdminFactory()
    finance = committed(do_create_department, "Finance", actor=admin)
    assert search_people(member, "finance").items == []
    committed(do_update_profile, member, actor=admin, department=finance)
    assert [person.pk for person in search_people(member, "finance").items] == [member.pk]


def test_renamed_spaces_are_found_by_their_new_name(committed, space, owner, member):
    committed(do_update_space, space, actor=owner, name="Spreadsheet clinic")
    assert "space" in found(member, "clinic")


# --- learning activities --------------------------------------------------------------------


def test_learning_activities_are_found_as_they_are_written_edited_and_deleted(
    committed, space, owner, member
):
    unit = committed(make_unit, space, owner, title="Pivot basics")
    activity = committed(
        make_activity, unit, owner, "task", title="Build a pivot", instructions="Use slicers."
    )
    hits = search(member, SearchFilters(q="slicers")).hits
    assert [(hit.document.source, hit.url) for hit in hits] == [
        ("activity", reverse("learning-activity", args=[activity.pk]))
    ]
    assert found(member, "pivot basics") == ["activity"]  # the unit's title finds it too
    committed(do_update_activity, activity, actor=owner, instructions="Use timelines instead.")
    assert found(member, "slicers") == []
    assert found(member, "timelines") == ["activity"]
    committed(do_delete_activity, activity, actor=owner)
    assert found(member, "timelines") == []


def test_unit_edits_reach_its_activities_in_the_index(committed, space, owner, member):
    unit = committed(make_unit, space, owner, title="Week one")
    committed(make_activity, unit, owner, "reading", title="Read", instructions="Okapis.")
    committed(do_update_unit, unit, actor=owner, title="Savanna week")
    assert found(member, "savanna") == ["activity"]
    # Moving the release date later hides the unit's activities from learners again.
    committed(do_update_unit, unit, actor=owner, release_at=timezone.now() + timedelta(days=2))
    assert found(member, "okapis") == []
    assert found(owner, "okapis") == ["activity"]
    committed(do_delete_unit, unit, actor=owner)
    assert found(owner, "okapis") == []
    assert not SearchDocument.objects.filter(source="activity").exists()


def test_copied_units_are_found_in_the_new_space(committed, space, owner):
    unit = committed(make_unit, space, owner, title="Programme")
    committed(make_activity, unit, owner, "reading", title="Read", instructions="Tapirs.")
    cohort = committed(make_space, owner, name="Cohort two", slug="cohort-two")
    learner = add_member(cohort, PersonFactory()).person
    committed(do_copy_units, cohort, space, actor=owner)
    hits = search(learner, SearchFilters(q="tapirs")).hits
    assert [hit.document.space_id for hit in hits] == [cohort.pk]


def test_a_discussion_prompts_thread_follows_its_units_release(committed, space, owner, member):
    unit = committed(
        make_unit, space, owner, title="Later", release_at=timezone.now() + timedelta(days=2)
    )
    prompt = committed(
        make_activity, unit, owner, "discussion", title="Talk", instructions="Discuss lemurs."
    )
    committed(make_comment, prompt.post, owner, "Lemurs first.")
    assert found(member, "lemurs") == []
    assert sorted(found(owner, "lemurs")) == ["activity", "comment", "post"]
    committed(do_update_unit, unit, actor=owner, release_at=timezone.now() - timedelta(hours=1))
    assert sorted(found(member, "lemurs")) == ["activity", "comment", "post"]
    committed(do_update_unit, unit, actor=owner, release_at=timezone.now() + timedelta(days=1))
    assert found(member, "lemurs") == []


def test_a_thread_is_an_ordinary_post_once_its_activity_is_gone(committed, space, owner, member):
    later = timezone.now() + timedelta(days=2)
    unit = committed(make_unit, space, owner, title="Later", release_at=later)
    prompt = committed(
        make_activity, unit, owner, "discussion", title="Talk", instructions="Discuss lemurs."
    )
    committed(do_delete_activity, prompt, actor=owner)
    assert found(member, "lemurs") == ["post"]  # the thread stays in the space, as a post
    other = committed(make_unit, space, owner, title="Other", release_at=later)
    second = committed(
        make_activity, other, owner, "discussion", title="Talk", instructions="Discuss okapis."
    )
    assert found(member, "okapis") == []
    committed(do_delete_unit, other, actor=owner)
    assert found(member, "okapis") == ["post"]
    assert second.post_id is not None


# --- files of learning sessions and activities ----------------------------------------------


def make_session(space, owner, **fields):
    start = timezone.now() + timedelta(days=1)
    return do_create_session(
        space, actor=owner, title="Workshop", starts_at=start,
        ends_at=start + timedelta(hours=2), **fields,
    )  # fmt: skip


def hits_of(viewer, q):
    return [(hit.document.source, hit.url) for hit in search(viewer, SearchFilters(q=q)).hits]


def test_session_files_are_found_as_they_are_attached_replaced_and_removed(
    committed, space, owner, member
):
    first = upload_pdf(owner, "Agenda with quokkas", name="agenda.pdf")
    session = committed(make_session, space, owner, attachment_ids=[first.pk])
    page = reverse("learning-session", args=[session.pk])
    assert hits_of(member, "quokkas") == [("file", page)]
    assert hits_of(member, "agenda") == [("file", page)]  # by its name too
    second = upload_text(owner, "Slides about wallabies", name="slides.txt")
    committed(do_update_session, session, actor=owner, attachment_ids=[first.pk, second.pk])
    assert hits_of(member, "wallabies") == [("file", page)]
    assert hits_of(member, "quokkas") == [("file", page)]
    committed(do_update_session, session, actor=owner, attachment_ids=[second.pk])
    assert found(member, "quokkas") == []
    assert found(member, "wallabies") == ["file"]
    committed(do_delete_session, session, actor=owner)
    assert found(owner, "wallabies") == []
    assert not SearchDocument.objects.filter(source="file").exists()


def test_session_files_are_found_only_by_the_spaces_members(committed, space, owner, member):
    upload = upload_text(owner, "Numbats everywhere")
    committed(make_session, space, owner, attachment_ids=[upload.pk])
    outsider = PersonFactory()
    assert found(member, "numbats") == ["file"]
    assert found(outsider, "numbats") == []
    assert found(AdminFactory(), "numbats") == ["file"]


def test_activity_files_are_found_as_they_are_attached_replaced_and_deleted(
    committed, space, owner, member
):
    unit = committed(make_unit, space, owner, title="Week one")
    first = upload_pdf(owner, "Reading on axolotls", name="reading.pdf")
    activity = committed(
        make_activity, unit, owner, "reading", title="Read", attachment_ids=[first.pk]
    )
    page = reverse("learning-activity", args=[activity.pk])
    assert hits_of(member, "axolotls") == [("file", page)]
    second = upload_text(owner, "Extra notes on olms")
    committed(do_update_activity, activity, actor=owner, attachment_ids=[second.pk])
    assert found(member, "axolotls") == []
    assert hits_of(member, "olms") == [("file", page)]
    committed(do_delete_activity, activity, actor=owner)
    assert found(owner, "olms") == []
    assert not SearchDocument.objects.filter(source="file").exists()


def test_activity_files_follow_their_units_release_and_deletion(committed, space, owner, member):
    unit = committed(make_unit, space, owner, title="Week one")
    upload = upload_text(owner, "Guide to kakapos")
    committed(make_activity, unit, owner, "reading", title="Read", attachment_ids=[upload.pk])
    assert found(member, "kakapos") == ["file"]
    committed(do_update_unit, unit, actor=owner, release_at=timezone.now() + timedelta(days=2))
    assert found(member, "kakapos") == []
    assert found(owner, "kakapos") == ["file"]
    committed(do_update_unit, unit, actor=owner, release_at=timezone.now() - timedelta(hours=1))
    assert found(member, "kakapos") == ["file"]
    committed(do_delete_unit, unit, actor=owner)
    assert found(owner, "kakapos") == []
    assert not SearchDocument.objects.filter(source="file").exists()


def test_copied_activity_files_are_found_in_the_new_space(committed, space, owner):
    unit = committed(make_unit, space, owner, title="Programme")
    upload = upload_text(owner, "Pangolin field guide")
    committed(make_activity, unit, owner, "reading", title="Read", attachment_ids=[upload.pk])
    cohort = committed(make_space, owner, name="Cohort two", slug="cohort-two")
    learner = add_member(cohort, PersonFactory()).person
    committed(do_copy_units, cohort, space, actor=owner)
    hits = search(learner, SearchFilters(q="pangolin")).hits
    assert [(hit.document.source, hit.document.space_id) for hit in hits] == [("file", cohort.pk)]


def test_submission_files_are_never_indexed(committed, space, owner, member):
    unit = committed(make_unit, space, owner, title="Week one")
    task = committed(make_activity, unit, owner, "task", title="Hand in")
    upload = upload_text(member, "My secret wombat essay")
    committed(do_submit, task, actor=member, text="", attachment_ids=[upload.pk])
    index.reindex_attachment(upload.pk)  # even when asked for it directly
    index.rebuild()
    for viewer in (member, owner, AdminFactory()):
        assert found(viewer, "wombat") == []
    assert not SearchDocument.objects.filter(source="file").exists()
