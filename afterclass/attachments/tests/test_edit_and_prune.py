"""Changing a post's files after it is written (author only, within the kind's limits), and
pruning uploads that no post took: rows at once, stored files once committed."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from afterclass.attachments.actions import do_prune_unattached_uploads
from afterclass.attachments.models import Attachment
from afterclass.attachments.tasks import prune_unattached_uploads
from afterclass.attachments.tests.factories import (
    make_upload,
    pdf_bytes,
    picture_bytes,
    stored_files,
    upload_file,
)
from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_edit_post
from afterclass.posts.models import Post, Revision
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


def image_post(board, author, count: int = 2) -> Post:
    uploads = [make_upload(author, f"p{n}.png").pk for n in range(count)]
    return make_post(board, author, kind="image", attachments=uploads,
                     alt_texts=[f"Picture {n}" for n in range(count)])  # fmt: skip


def files_of(post):
    return [
        (a.original_name, a.alt_text, a.position) for a in post.attachments.order_by("position")
    ]


def kept(post):
    return [(a.pk, a.alt_text) for a in post.attachments.order_by("position")]


def do_edit_post_attachments(post, wanted, *, actor, link_url=None) -> bool:
    """The post's files changed through do_edit_post (with the link, when given): whether it
    wrote anything (every write marks the post edited)."""
    before = post.edited_at
    do_edit_post(post, actor=actor, link_url=link_url, files=wanted)
    return post.edited_at != before


def paths_of(attachment) -> set[Path]:
    names = [attachment.file.name, attachment.thumbnail.name]
    return {Path(attachment.file.storage.path(name)) for name in names if name}


# --- Editing a post's files -----------------------------------------------------------------


def test_do_edit_post_attachments_removes_adds_and_describes(
    board, member, django_capture_on_commit_callbacks
):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    new = make_upload(member, "p9.png")
    with django_capture_on_commit_callbacks(execute=True):
        changed = do_edit_post_attachments(
            post, [(new.pk, "A new view"), (second.pk, "  The second,  described again ")],
            actor=member,
        )  # fmt: skip
    assert changed
    assert files_of(post) == [
        ("p9.jpg", "A new view", 0),
        ("p1.jpg", "The second, described again", 1),
    ]
    assert not Attachment.objects.filter(pk=first.pk).exists()
    assert not paths_of(first) & set(stored_files())
    assert paths_of(second) <= set(stored_files())
    post.refresh_from_db()
    assert post.edited_at is not None
    entry = AuditEntry.objects.get(action="post.attachments.edit")
    assert (entry.actor_id, entry.target_id) == (member.pk, post.pk)
    assert entry.data["added"] == [new.pk]
    assert entry.data["removed"] == [first.pk]


def test_do_edit_post_attachments_without_a_change_writes_nothing(board, member):
    post = image_post(board, member)
    assert not do_edit_post_attachments(post, kept(post), actor=member)
    post.refresh_from_db()
    assert post.edited_at is None
    assert not AuditEntry.objects.filter(action="post.attachments.edit").exists()


def test_do_edit_post_attachments_files_stay_when_the_change_is_refused(
    board, member, django_capture_on_commit_callbacks
):
    post = image_post(board, member)
    before = files_of(post)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        do_edit_post_attachments(post, [(kept(post)[0][0], "")], actor=member)
    assert files_of(post) == before
    assert len(stored_files()) == 4  # two pictures, two thumbnails


def test_do_edit_post_attachments_is_for_the_author_only(board, member, owner):
    post = image_post(board, member)
    with pytest.raises(NotAllowed, match="Only the author"):
        do_edit_post_attachments(post, kept(post)[:1], actor=owner)
    assert post.attachments.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("none", "needs at least one picture"),
        ("eleven", "at most 10 pictures"),
        ("no_alt", "Describe picture 2"),
        ("long_alt", "at most 300 characters"),
        ("theirs", "no upload of yours"),
        ("used", "no upload of yours"),
        ("twice", "attached twice"),
        ("document", "is not a picture"),
    ],
)
def test_do_edit_post_attachments_refusals(board, member, owner, change, message):
    post = image_post(board, member)
    current = kept(post)
    wanted = {
        "none": lambda: [],
        "eleven": lambda: (
            current + [(make_upload(member, f"n{n}.png").pk, f"New {n}") for n in range(9)]
        ),
        "no_alt": lambda: [current[0], (current[1][0], "   ")],
        "long_alt": lambda: [current[0], (current[1][0], "x" * 301)],
        "theirs": lambda: [*current, (make_upload(owner).pk, "Owner's picture")],
        "used": lambda: [*current, (kept(image_post(board, member, 1))[0][0], "Taken")],
        "twice": lambda: [current[0], current[0]],
        "document": lambda: [*current, (make_upload(member, "a.pdf", pdf_bytes()).pk, "")],
    }[change]()
    before = files_of(post)
    with pytest.raises(InvalidInput, match=message):
        do_edit_post_attachments(post, wanted, actor=member)
    assert files_of(post) == before
    post.refresh_from_db()
    assert post.edited_at is None


def test_do_edit_post_attachments_resource_keeps_a_file_or_a_link(course, member):
    first = make_upload(member, "a.pdf", pdf_bytes("A"))
    post = make_post(course, member, kind="resource", title="Reading", attachments=[first.pk])
    second = make_upload(member, "b.pdf", pdf_bytes("B"))
    with pytest.raises(InvalidInput, match="A resource has one file"):
        do_edit_post_attachments(post, [(first.pk, ""), (second.pk, "")], actor=member)
    with pytest.raises(InvalidInput, match="needs a link or a file"):
        do_edit_post_attachments(post, [], actor=member)
    assert do_edit_post_attachments(post, [(second.pk, "")], actor=member)
    assert [a.original_name for a in post.attachments.all()] == ["b.pdf"]
    # With the link it is given in the same edit, the file may go.
    assert do_edit_post_attachments(post, [], actor=member, link_url="https://example.org/r")
    assert not post.attachments.exists()


def test_do_edit_post_attachments_other_kinds_take_no_files(course, member):
    post = make_post(course, member, title="Plain")
    with pytest.raises(InvalidInput, match="Only image posts and resources"):
        do_edit_post_attachments(post, [(make_upload(member).pk, "x")], actor=member)
    assert not do_edit_post_attachments(post, [], actor=member)


# --- The edit page --------------------------------------------------------------------------


def edit_data(post, **extra):
    data = {"body": post.body, "slots": "3"}
    for attachment in post.attachments.all():
        data[f"current_alt_{attachment.pk}"] = attachment.alt_text
    return {**data, **extra}


def test_edit_page_shows_the_pictures_with_their_descriptions(client, board, member):
    post = image_post(board, member)
    client.force_login(member)
    body = client.get(reverse("post-edit", args=[post.pk])).content.decode()
    first, second = post.attachments.order_by("position")
    assert 'enctype="multipart/form-data"' in body
    assert f'name="current_alt_{first.pk}" value="Picture 0"' in body
    assert f'name="remove_{second.pk}"' in body
    assert reverse("attachment-thumbnail", args=[first.pk]) in body
    assert "data-drop-zone" in body
    assert 'name="upload_1"' in body
    assert '<label for="id_picture_1">Picture 3:</label>' in body


def test_edit_page_removes_adds_and_describes_pictures(client, board, member):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    ahead = make_upload(member, "ahead.png")
    client.force_login(member)
    data = edit_data(
        post,
        **{
            f"remove_{first.pk}": "on",
            f"current_alt_{second.pk}": "Better words",
            "upload_1": str(ahead.pk),
            "alt_1": "Sent ahead",
            "picture_2": upload_file("with-form.png", picture_bytes()),
            "alt_2": "Sent with the form",
        },
    )
    response = client.post(reverse("post-edit", args=[post.pk]), data)
    assert response.status_code == 302
    assert files_of(post) == [
        ("p1.jpg", "Better words", 0),
        ("ahead.jpg", "Sent ahead", 1),
        ("with-form.jpg", "Sent with the form", 2),
    ]


def test_edit_page_refusals_keep_the_files_and_store_nothing_new(client, board, member, owner):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    client.force_login(member)
    url = reverse("post-edit", args=[post.pk])
    everything_removed = edit_data(
        post, **{f"remove_{first.pk}": "on", f"remove_{second.pk}": "on"}
    )
    response = client.post(url, everything_removed)
    assert response.status_code == 400
    assert "needs at least one picture" in response.content.decode()
    theirs = make_upload(owner, "theirs.png")
    response = client.post(
        url,
        edit_data(
            post,
            upload_1=str(theirs.pk),
            alt_1="Not mine",
            picture_2=upload_file("mine.png", picture_bytes()),
            alt_2="Mine",
        ),
    )
    assert response.status_code == 400
    assert "no upload of yours" in response.content.decode()
    assert [a.pk for a in post.attachments.order_by("position")] == [first.pk, second.pk]
    # The picture sent with the refused form is not kept; the owner's upload is untouched.
    assert set(Attachment.objects.filter(post__isnull=True)) == {theirs}
    response = client.post(url, edit_data(post, picture_1=upload_file("x.png", picture_bytes())))
    assert response.status_code == 400
    assert "Describe picture 3" in response.content.decode()


def test_edit_page_of_someone_elses_post_is_refused(client, board, member, owner, outsider):
    post = image_post(board, member)
    first = post.attachments.first()
    url = reverse("post-edit", args=[post.pk])
    client.force_login(owner)
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(post, **{f"remove_{first.pk}": "on"})).status_code == 403
    client.force_login(outsider)
    assert client.post(url, edit_data(post, **{f"remove_{first.pk}": "on"})).status_code == 404
    assert post.attachments.count() == 2


def test_edit_page_resource_swaps_its_link_for_a_file(client, course, member):
    post = make_post(course, member, kind="resource", title="Reading", link_url="https://a.example")
    client.force_login(member)
    response = client.post(
        reverse("post-edit", args=[post.pk]),
        {"title": "Reading", "body": "", "link_url": "", "file": upload_file("r.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.link_url == ""
    assert post.attachments.get().original_name == "r.pdf"


# --- Pruning uploads no post took -----------------------------------------------------------


def age(attachment, hours: float) -> None:
    Attachment.objects.filter(pk=attachment.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_do_prune_unattached_uploads_deletes_only_old_unattached_ones(
    board, member, django_capture_on_commit_callbacks
):
    old = make_upload(member, "old.png")
    fresh = make_upload(member, "fresh.png")
    post = image_post(board, member, 1)
    used = post.attachments.get()
    age(old, 25)
    age(used, 48)
    age(fresh, 23)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_prune_unattached_uploads(timedelta(hours=24)) == 1
    assert set(Attachment.objects.all()) == {fresh, used}
    assert not paths_of(old) & set(stored_files())
    assert paths_of(fresh) | paths_of(used) == set(stored_files())
    entry = AuditEntry.objects.get(action="attachment.prune")
    assert (entry.actor_id, entry.target_id, entry.data["uploader_id"]) == (None, old.pk, member.pk)


def test_do_prune_unattached_uploads_keeps_the_files_until_committed(member):
    old = make_upload(member, "old.png")
    age(old, 30)
    assert do_prune_unattached_uploads() == 1  # the test's transaction is never committed
    assert not Attachment.objects.exists()
    assert paths_of(old) <= set(stored_files())


def test_do_prune_unattached_uploads_works_in_batches(member, monkeypatch):
    monkeypatch.setattr("afterclass.attachments.actions.PRUNE_BATCH", 2)
    for number in range(5):
        age(make_upload(member, f"u{number}.png"), 30)
    assert do_prune_unattached_uploads() == 5
    assert not Attachment.objects.exists()


def test_prune_task_uses_the_hours_given(member):
    old = make_upload(member, "old.png")
    age(old, 5)
    assert prune_unattached_uploads.enqueue().return_value == 0
    assert prune_unattached_uploads.enqueue(hours=4).return_value == 1
    assert not Attachment.objects.exists()


def test_prune_uploads_command(member, capsys):
    old = make_upload(member, "old.png")
    make_upload(member, "new.png")
    age(old, 3)
    call_command("prune_uploads", "--hours", "2")
    assert "Deleted 1 upload never attached" in capsys.readouterr().out
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["new.jpg"]
    with pytest.raises(CommandError, match="at least 1"):
        call_command("prune_uploads", "--hours", "0")


def test_a_new_members_upload_is_not_pruned_before_its_day(board):
    newcomer = add_member(board, PersonFactory()).person
    upload = make_upload(newcomer)
    age(upload, 23.9)
    assert do_prune_unattached_uploads() == 0


# --- Text and files in one action -----------------------------------------------------------


def test_do_edit_post_text_and_files_roll_back_together(
    board, member, django_capture_on_commit_callbacks
):
    post = image_post(board, member)
    before = files_of(post)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(InvalidInput, match="needs at least one picture"),
    ):
        do_edit_post(post, actor=member, body="A valid new text", files=[])
    post.refresh_from_db()
    assert post.body != "A valid new text"
    assert post.edited_at is None
    assert not Revision.objects.filter(post=post).exists()
    assert files_of(post) == before
    assert len(stored_files()) == 4  # two pictures, two thumbnails


def test_do_edit_post_refused_text_leaves_the_files(board, member):
    post = image_post(board, member)
    first = post.attachments.order_by("position").first()
    with pytest.raises(InvalidInput, match="at most 20000"):
        do_edit_post(post, actor=member, body="x" * 20001, files=[(first.pk, "Only one")])
    assert post.attachments.count() == 2
    assert not AuditEntry.objects.filter(action="post.attachments.edit").exists()


def test_do_edit_post_text_and_files_in_one_edit(board, member):
    post = image_post(board, member)
    first, _second = post.attachments.order_by("position")
    do_edit_post(post, actor=member, body="Fewer pictures", files=[(first.pk, "The first")])
    post.refresh_from_db()
    assert post.body == "Fewer pictures"
    assert files_of(post) == [("p0.jpg", "The first", 0)]
    assert Revision.objects.get(post=post).body != "Fewer pictures"
    assert AuditEntry.objects.filter(action="post.attachments.edit").count() == 1


def test_do_edit_post_resource_swaps_its_link_for_a_file(course, member):
    post = make_post(course, member, kind="resource", title="Reading",
                     link_url="https://example.org/r")  # fmt: skip
    pdf = make_upload(member, "a.pdf", pdf_bytes())
    do_edit_post(post, actor=member, link_url="", files=[(pdf.pk, "")])
    post.refresh_from_db()
    assert post.link_url == ""
    assert [a.original_name for a in post.attachments.all()] == ["a.pdf"]
    with pytest.raises(InvalidInput, match="needs a link or a file"):
        do_edit_post(post, actor=member, files=[])
    assert post.attachments.exists()


def test_edit_page_new_text_and_a_refused_file_change_save_neither(client, board, member):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    client.force_login(member)
    data = edit_data(
        post, body="A new text", **{f"remove_{first.pk}": "on", f"remove_{second.pk}": "on"}
    )
    response = client.post(reverse("post-edit", args=[post.pk]), data)
    assert response.status_code == 400
    assert "needs at least one picture" in response.content.decode()
    post.refresh_from_db()
    assert post.body != "A new text"
    assert [a.pk for a in post.attachments.order_by("position")] == [first.pk, second.pk]
    assert not Revision.objects.filter(post=post).exists()


def test_edit_page_saves_new_text_and_files_together(client, board, member):
    post = image_post(board, member)
    first, second = post.attachments.order_by("position")
    client.force_login(member)
    data = edit_data(post, body="Only the second now", **{f"remove_{first.pk}": "on"})
    response = client.post(reverse("post-edit", args=[post.pk]), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Only the second now"
    assert [a.pk for a in post.attachments.all()] == [second.pk]
    assert Revision.objects.filter(post=post).count() == 1
