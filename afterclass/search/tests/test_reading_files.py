"""Reading files' text for the index: in the background after commit, outside any transaction,
within a time and size budget, capped; a hostile PDF is cut off and the post is still found."""

import io
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from afterclass.attachments.tests.factories import make_upload, pdf_bytes
from afterclass.posts.actions import do_comment
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_post
from afterclass.search import index
from afterclass.search.engine import SearchFilters, search
from afterclass.search.extract import MAX_TEXT_CHARS, clean_text, read_text
from afterclass.search.models import FileText, ReadOutcome, SearchDocument, Source
from afterclass.search.tests.files import hostile_pdf, upload_pdf, upload_text

CUT_OFF_NOTE = "Cut off reading the text of attachment"


def found(viewer, q):
    return sorted(hit.document.source for hit in search(viewer, SearchFilters(q=q)).hits)


def wait_for(condition, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.01)
    return value


@pytest.mark.django_db(transaction=True)
def test_a_hostile_pdf_is_cut_off_and_never_blocks_another_writer(
    settings, space, owner, member, caplog
):
    # pypdf needs several seconds for this file on a fast machine (44 s were measured on a
    # small server): a budget well below that cuts it off wherever the test runs.
    settings.AFTERCLASS_SEARCH_READ_SECONDS = 1.5
    upload = make_upload(owner, "hostile.pdf", hostile_pdf())
    assert upload.size < 50_000
    attached: dict[str, Any] = {}

    def attach() -> None:
        # The action commits, then its reindex task runs (the tests' tasks run at once, in
        # this thread, after commit, as a worker would run them).
        try:
            attached["post"] = make_post(
                space, owner, kind="resource", title="Quarterly handbook",
                body="The budget spreadsheet.", attachments=[upload.pk],
            )  # fmt: skip
        except BaseException as error:
            attached["error"] = error
        finally:
            connection.close()

    attaching = threading.Thread(target=attach)
    attaching.start()
    # The post is committed and found by its title before its file is read.
    document = wait_for(
        lambda: SearchDocument.objects.filter(
            source=Source.POST, title="Quarterly handbook"
        ).first()
    )
    post = Post.objects.get(pk=document.object_id)
    comment = do_comment(post, actor=member, body="Meanwhile: which quarter?")
    # The file was still being read when someone else's comment was saved.
    still_reading = (
        attaching.is_alive() and not FileText.objects.filter(attachment_id=upload.pk).exists()
    )
    attaching.join(timeout=60)

    assert still_reading
    assert "error" not in attached
    assert Comment.objects.filter(pk=comment.pk).exists()
    text = FileText.objects.get(attachment_id=upload.pk)
    assert (text.outcome, text.text) == (ReadOutcome.CUT_OFF, "")
    assert CUT_OFF_NOTE in caplog.text
    assert "hostile.pdf" in caplog.text
    assert found(member, "quarterly handbook") == ["post"]
    assert found(member, "budget spreadsheet") == ["post"]
    assert found(member, "hostile") == ["file"]
    assert found(member, "which quarter") == ["comment"]


def test_rebuild_reads_files_never_read_within_the_same_budget(
    db, settings, space, owner, member, caplog
):
    # The handout must be read within the budget even on a loaded machine (a new Python process
    # that imports pypdf: 0.5 s was not always enough); the hostile file takes ~44 s.
    settings.AFTERCLASS_SEARCH_READ_SECONDS = 3
    hostile = make_upload(owner, "hostile.pdf", hostile_pdf())
    handout = upload_pdf(owner, "Okapi handout")
    make_post(space, owner, kind="resource", title="Reading pack", attachments=[hostile.pk])
    make_post(space, owner, kind="resource", title="Handout", attachments=[handout.pk])
    assert not FileText.objects.exists()  # the task never ran: the test's transaction is open

    out = io.StringIO()
    call_command("search", "rebuild", stdout=out, stderr=io.StringIO())

    assert "2 files read" in out.getvalue()
    outcomes = dict(FileText.objects.values_list("attachment_id", "outcome"))
    assert outcomes == {hostile.pk: ReadOutcome.CUT_OFF, handout.pk: ReadOutcome.READ}
    assert CUT_OFF_NOTE in caplog.text
    assert found(member, "okapi") == ["file"]
    assert found(member, "reading pack") == ["post"]


def test_rebuild_keeps_the_text_of_files_already_read(db, space, owner, member):
    upload = upload_pdf(owner, "Okapi handout")
    post = make_post(space, owner, kind="resource", title="Pack", attachments=[upload.pk])
    index.reindex_post(post.pk)
    read_at = FileText.objects.get(attachment_id=upload.pk).read_at
    assert index.rebuild()["files read"] == 0
    assert FileText.objects.get(attachment_id=upload.pk).read_at == read_at
    assert found(member, "okapi") == ["file"]


def test_read_text_of_a_pdf_over_its_size_budget_is_not_read(db, settings, owner, caplog):
    settings.AFTERCLASS_SEARCH_READ_MB = 0
    reading = read_text(upload_pdf(owner, "Too big to read"))
    assert (reading.text, reading.outcome) == ("", ReadOutcome.TOO_LARGE)
    assert "over the size budget" in caplog.text


def test_read_text_of_a_broken_pdf_is_empty_and_noted(db, owner, caplog):
    reading = read_text(make_upload(owner, "broken.pdf", pdf_bytes()))
    assert (reading.text, reading.outcome) == ("", ReadOutcome.UNREADABLE)
    assert "Could not read the text of attachment" in caplog.text


def test_read_text_is_capped(db, owner):
    reading = read_text(upload_text(owner, "abc " * MAX_TEXT_CHARS))
    assert reading.outcome == ReadOutcome.READ
    assert len(reading.text) == MAX_TEXT_CHARS


def test_clean_text_drops_nul_characters_postgresql_refuses():
    assert clean_text("a\x00b") == "ab"


def test_read_text_of_a_picture_is_empty(db, owner):
    reading = read_text(make_upload(owner, "photo.png"))
    assert (reading.text, reading.outcome) == ("", ReadOutcome.NO_TEXT)


def test_reindexing_twice_gives_the_same_index(db, space, owner, member):
    upload = upload_text(owner, "Notes on wombats")
    post = make_post(space, owner, kind="resource", title="Wombats", attachments=[upload.pk])
    do_comment(post, actor=member, body="More wombats")
    index.reindex_post(post.pk)
    before = list(SearchDocument.objects.order_by("pk").values_list("pk", "source", "body"))
    index.reindex_post(post.pk)
    for comment in post.comments.all():
        index.reindex_comment(comment.pk)
        index.reindex_comment(comment.pk)
    after = list(SearchDocument.objects.order_by("pk").values_list("pk", "source", "body"))
    assert after == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_fts")
        assert cursor.fetchone()[0] == len(after) == 3
    assert found(member, "wombats") == ["comment", "file", "post"]


def test_a_comment_on_a_hidden_post_is_not_indexed(db, space, owner, member):
    from afterclass.posts.actions import do_hide_post

    post = make_post(space, owner, title="Sloths", body="About sloths.")
    comment = do_comment(post, actor=member, body="Sloths again")
    index.reindex_post(post.pk)
    do_hide_post(post, actor=owner, reason="Off topic")
    index.reindex_comment(comment.pk)
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()
