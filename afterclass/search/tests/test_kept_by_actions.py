"""The actions keep the index right as they commit: posts, edits, hiding, comments removed,
reactions, people moving department and spaces renamed — no rebuild needed."""

import pytest

from afterclass.people.actions import do_create_department, do_update_profile
from afterclass.people.tests.factories import AdminFactory
from afterclass.posts.actions import (
    do_edit_post,
    do_hide_post,
    do_react,
    do_remove_comment,
    do_restore_post,
)
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.engine import SearchFilters, search, search_people
from afterclass.spaces.actions import do_update_space


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
