"""The index stays right: through edits, removal, hiding and restoring, moving a person
between departments, leaving a space, deactivation, and `afterclass search rebuild`. Each
change is followed by the reindex call its action makes after commit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from afterclass.core import indexing
from afterclass.core.backup.derived import registered_rebuilds
from afterclass.learning.actions import do_create_session, do_submit, do_update_unit
from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.people.actions import do_set_active, do_update_profile
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.posts.actions import (
    do_edit_comment,
    do_edit_post,
    do_hide_comment,
    do_hide_post,
    do_remove_post,
    do_restore_post,
)
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search import index
from afterclass.search.engine import SearchFilters, search, search_people
from afterclass.search.models import FileText, ReadOutcome, SearchDocument
from afterclass.search.tests.files import upload_pdf, upload_text
from afterclass.spaces.actions import do_leave_space, do_update_space

pytestmark = pytest.mark.django_db


def found(viewer, q, **filters):
    return [hit.document.source for hit in search(viewer, SearchFilters(q=q, **filters)).hits]


def entry_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_fts")
        return cursor.fetchone()[0]


def test_reindex_post_on_commit_runs_after_commit(
    space, member, django_capture_on_commit_callbacks
):
    post = make_post(space, member, title="Onboarding checklist", body="First week.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        indexing.reindex_post_on_commit(post.pk)
    assert found(member, "onboarding") == []
    for callback in callbacks:
        callback()
    assert found(member, "onboarding") == ["post"]


@pytest.mark.parametrize(
    ("function", "reindexes"),
    [
        (indexing.reindex_post_document_on_commit, "reindex_post_document"),
        (indexing.reindex_comment_on_commit, "reindex_comment"),
        (indexing.reindex_attachment_on_commit, "reindex_attachment"),
        (indexing.reindex_person_on_commit, "reindex_person"),
        (indexing.reindex_department_on_commit, "reindex_department"),
        (indexing.reindex_space_on_commit, "reindex_space"),
        (indexing.reindex_session_on_commit, "reindex_session"),
        (indexing.reindex_activity_on_commit, "reindex_activity"),
        (indexing.reindex_unit_on_commit, "reindex_unit"),
    ],
)
def test_reindex_on_commit_functions_wait_for_the_commit(
    monkeypatch, django_capture_on_commit_callbacks, function, reindexes
):
    calls = []
    monkeypatch.setattr(index, reindexes, calls.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        function(42)
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [42]


def test_index_follows_an_edit(space, member):
    post = make_post(space, member, title="Old heading", body="Mentions giraffes.")
    index.reindex_post(post.pk)
    do_edit_post(post, actor=member, title="New heading", body="Mentions penguins.")
    index.reindex_post(post.pk)
    assert found(member, "giraffes") == []
    assert found(member, "penguins") == ["post"]
    assert found(member, "heading") == ["post"]


def test_index_follows_a_comment_edit_and_hiding(space, owner, member):
    post = make_post(space, owner, title="Thread", body="Body.")
    comment = make_comment(post, member, body="Try kanban boards.")
    index.reindex_comment(comment.pk)
    assert found(member, "kanban") == ["comment"]
    do_edit_comment(comment, actor=member, body="Try scrum boards.")
    index.reindex_comment(comment.pk)
    assert found(member, "kanban") == []
    assert found(member, "scrum") == ["comment"]
    do_hide_comment(comment, actor=owner, reason="Spam")
    index.reindex_comment(comment.pk)
    assert found(member, "scrum") == []


def test_index_drops_a_removed_post_with_its_comments_and_files(space, owner, member):
    upload = upload_pdf(owner, "Walrus handbook")
    post = make_post(space, owner, kind="resource", title="Handbook", attachments=[upload.pk])
    comment = make_comment(post, member, body="Walrus thanks!")
    index.reindex_post(post.pk)
    assert sorted(found(member, "walrus")) == ["comment", "file"]
    do_remove_post(post, actor=owner)
    index.reindex_post(post.pk)
    assert found(member, "walrus") == []
    assert found(member, "handbook") == []
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()
    assert comment.pk  # the comment still exists in the thread, just not in the index


def test_index_drops_a_hidden_post_and_restores_it(space, owner, member):
    post = make_post(space, member, title="Tangent", body="About ocelots.")
    make_comment(post, owner, body="More ocelots.")
    index.reindex_post(post.pk)
    assert sorted(found(member, "ocelots")) == ["comment", "post"]
    do_hide_post(post, actor=owner, reason="Off topic")
    index.reindex_post(post.pk)
    assert found(member, "ocelots") == []
    assert found(owner, "ocelots") == []
    do_restore_post(post, actor=owner)
    index.reindex_post(post.pk)
    assert sorted(found(member, "ocelots")) == ["comment", "post"]


def test_index_drops_the_full_text_entries_of_deleted_documents(space, member):
    post = make_post(space, member, title="Entries", body="Counted.")
    index.reindex_post(post.pk)
    before = entry_count()
    do_remove_post(post, actor=member)
    index.reindex_post(post.pk)
    assert entry_count() == before - 1


def test_index_follows_a_person_moving_department(member):
    admin = AdminFactory()
    finance = DepartmentFactory(name="Finance")
    logistics = DepartmentFactory(name="Logistics")
    mover = PersonFactory(display_name="Dora Mover", department=finance)
    index.reindex_person(mover.pk)
    assert [person.pk for person in search_people(member, "finance").items] == [mover.pk]
    do_update_profile(mover, actor=admin, department=logistics)
    index.reindex_person(mover.pk)
    assert search_people(member, "finance").items == []
    assert [person.pk for person in search_people(member, "logistics").items] == [mover.pk]


def test_index_follows_a_department_rename(member):
    from afterclass.people.actions import do_rename_department

    admin = AdminFactory()
    team = DepartmentFactory(name="Payroll")
    person = PersonFactory(display_name="Pat Payroll", department=team)
    index.reindex_person(person.pk)
    do_rename_department(team, "Salaries", actor=admin)
    index.reindex_department(team.pk)
    assert [found.pk for found in search_people(member, "salaries").items] == [person.pk]


def test_index_drops_a_deactivated_person(member):
    admin = AdminFactory()
    person = PersonFactory(display_name="Gone Person", job_title="Archivist")
    index.reindex_person(person.pk)
    assert len(search_people(member, "archivist").items) == 1
    do_set_active(person, False, actor=admin)
    index.reindex_person(person.pk)
    assert search_people(member, "archivist").items == []


def test_search_people_matches_name_job_title_and_interests(member):
    person = PersonFactory(
        display_name="Ana Lytics", job_title="Data analyst", interests=["Cycling"]
    )
    index.reindex_person(person.pk)
    for q in ["Ana", "analyst", "cycling", "lyt*"]:
        assert [found.pk for found in search_people(member, q).items] == [person.pk], q


def test_search_stops_finding_a_space_content_after_leaving_it(space, owner, member):
    """Membership is read at query time: leaving needs no reindex."""
    post = make_post(space, owner, title="Members only", body="About armadillos.")
    index.reindex_post(post.pk)
    assert found(member, "armadillos") == ["post"]
    do_leave_space(space, actor=member)
    assert found(member, "armadillos") == []


def test_index_follows_a_space_rename(space, owner, member):
    index.reindex_space(space.pk)
    assert found(member, "data skills", kinds=("space",)) == ["space"]
    do_update_space(space, actor=owner, name="Numbers club")
    index.reindex_space(space.pk)
    assert found(member, "numbers", kinds=("space",)) == ["space"]
    hits = search(member, SearchFilters(q="skills", kinds=("space",))).hits
    assert [str(hit.title) for hit in hits] == ["Numbers club"]  # "skills" is in its purpose


def test_secret_space_is_found_only_by_its_members(secret_space, owner, member):
    index.reindex_space(secret_space.pk)
    assert found(member, "board coaching") == []
    assert found(owner, "board coaching") == ["space"]


def test_rebuild_restores_a_lost_index(space, owner, member):
    make_post(space, owner, title="Rebuild me", body="Pangolins.")
    index.rebuild()
    assert found(member, "pangolins") == ["post"]
    SearchDocument.objects.all().delete()
    assert found(member, "pangolins") == []
    assert entry_count() == 0
    counts = index.rebuild()
    assert found(member, "pangolins") == ["post"]
    assert counts["posts"] == 1
    assert entry_count() == SearchDocument.objects.count()


def test_rebuild_indexes_learning_activities_but_not_learners_answers(space, owner, member):
    unit = make_unit(space, owner, title="Week one")
    reflection = make_activity(unit, owner, "reflection", title="Think back",
                               instructions="Describe a wombat moment.")  # fmt: skip
    do_submit(reflection, actor=member, text="My quietest wombat story.")
    counts = index.rebuild()
    assert counts["activities"] == 1
    hits = search(member, SearchFilters(q="wombat")).hits
    assert [(hit.document.source, hit.document.object_id) for hit in hits] == [
        ("activity", reflection.pk)
    ]
    assert found(owner, "quietest") == []


def test_rebuild_leaves_out_hidden_content(space, owner, member):
    post = make_post(space, owner, title="Hidden away", body="Narwhals.")
    do_hide_post(post, actor=owner, reason="Later")
    index.rebuild()
    assert found(owner, "narwhals") == []


def test_search_rebuild_command_shows_progress(space, owner):
    make_post(space, owner, title="Command", body="Via the command.")
    out, err = io.StringIO(), io.StringIO()
    call_command("search", "rebuild", stdout=out, stderr=err)
    assert "Search index rebuilt" in out.getvalue()
    assert "1 posts" in out.getvalue()
    progress = err.getvalue()
    assert "posts      [" in progress
    assert "activities [" in progress
    assert "materials  [" in progress
    assert "1/1 (100%)" in progress
    assert "#" * 30 in progress


def test_search_command_without_a_subcommand_says_what_to_do():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="search rebuild"):
        call_command("search")


def test_reindex_post_reads_a_file_once(space, owner, member):
    upload = upload_pdf(owner, "Capybara manual")
    post = make_post(space, owner, kind="resource", title="Manual", attachments=[upload.pk])
    index.reindex_post(post.pk)
    first = FileText.objects.get(attachment_id=upload.pk)
    assert (first.outcome, first.text) == (ReadOutcome.READ, "Capybara manual")
    do_edit_post(post, actor=owner, title="Manual, second edition")
    index.reindex_post(post.pk)
    assert FileText.objects.get(attachment_id=upload.pk).read_at == first.read_at
    assert found(member, "capybara") == ["file"]


def test_reindex_post_document_refreshes_the_counts_only(space, owner, member):
    from afterclass.posts.actions import do_react

    post = make_post(space, owner, title="Reacted", body="Tapirs.")
    make_comment(post, member, body="Tapirs too.")
    index.reindex_post(post.pk)
    do_react(post=post, actor=member, kind="helped")
    index.reindex_post_document(post.pk)
    document = SearchDocument.objects.get(source="post", object_id=post.pk)
    assert document.helped_count == 1
    assert sorted(found(member, "tapirs")) == ["comment", "post"]


def test_rebuild_indexes_session_and_activity_files_but_not_submissions(space, owner, member):
    start = timezone.now() + timedelta(days=1)
    material = upload_pdf(owner, "Session dugong handout")
    session = do_create_session(
        space, actor=owner, title="Workshop", starts_at=start,
        ends_at=start + timedelta(hours=1), attachment_ids=[material.pk],
    )  # fmt: skip
    unit = make_unit(space, owner, title="Week one")
    sheet = upload_text(owner, "Activity dugong worksheet")
    reading = make_activity(unit, owner, "reading", title="Read", attachment_ids=[sheet.pk])
    task = make_activity(unit, owner, "task", title="Hand in")
    essay = upload_text(member, "Submitted dugong essay")
    do_submit(task, actor=member, text="", attachment_ids=[essay.pk])
    SearchDocument.objects.all().delete()
    counts = index.rebuild()
    assert counts["materials"] == 2
    hits = search(owner, SearchFilters(q="dugong")).hits
    assert sorted((hit.document.object_id, hit.url) for hit in hits) == sorted([
        (material.pk, reverse("learning-session", args=[session.pk])),
        (sheet.pk, reverse("learning-activity", args=[reading.pk])),
    ])  # fmt: skip
    assert found(owner, "essay") == []


def test_reindex_unit_reads_its_activity_files_once(space, owner, member):
    unit = make_unit(space, owner, title="Week one")
    upload = upload_pdf(owner, "Manatee manual")
    make_activity(unit, owner, "reading", title="Read", attachment_ids=[upload.pk])
    index.reindex_unit(unit.pk)
    read_at = FileText.objects.get(attachment_id=upload.pk).read_at
    do_update_unit(unit, actor=owner, title="Week one, again")
    index.reindex_unit(unit.pk)
    assert FileText.objects.get(attachment_id=upload.pk).read_at == read_at
    assert found(member, "manatee") == ["file"]


def test_a_restore_rebuilds_the_search_index():
    # core's restore runs what the apps registered (core imports no app): the index is ours.
    assert registered_rebuilds()["Search index"] is index.rebuild
