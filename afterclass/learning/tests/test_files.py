"""Files in structured learning: a session's materials, an activity's files and the files of a
task's submission. Who may fetch them, how the actions take uploads, and what the pages and the
API show and refuse."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from afterclass.attachments.actions import do_prune_unattached_uploads
from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import make_upload, pdf_bytes, stored_files, upload_file
from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.learning.actions import (
    do_create_activity,
    do_create_session,
    do_delete_activity,
    do_delete_session,
    do_submit,
    do_update_activity,
    do_update_session,
)
from afterclass.learning.models import Activity, Session, Submission
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.learning.tests.test_api import bearer, call
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db
API = "/api/v1"
START = datetime(2026, 3, 10, 9)  # noqa: DTZ001 - read in the session's time zone
END = datetime(2026, 3, 10, 11)  # noqa: DTZ001


def pdf(person, name="reading.pdf"):
    return make_upload(person, name, pdf_bytes(name))


def file_url(attachment):
    return reverse("attachment-file", args=[attachment.pk, attachment.original_name])


def session_with(space, facilitator, *files):
    return do_create_session(
        space, actor=facilitator, title="Workshop 1", starts_at=START, ends_at=END,
        attachment_ids=[f.pk for f in files],
    )  # fmt: skip


@pytest.fixture
def hidden_unit(space, facilitator):
    return make_unit(space, facilitator, title="Later", release_at=timezone.now() + timedelta(2))


# --- Actions --------------------------------------------------------------------------------


def test_do_create_session_attaches_materials_in_order_and_audits(space, facilitator):
    first, second = pdf(facilitator, "a.pdf"), pdf(facilitator, "b.pdf")
    session = session_with(space, facilitator, second, first)
    assert list(session.attachments.order_by("position").values_list("pk", flat=True)) == [
        second.pk, first.pk,
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="session.create")
    assert entry.data["files_added"] == [second.pk, first.pk]


def test_do_update_session_keeps_removes_and_adds_materials(
    space, facilitator, django_capture_on_commit_callbacks
):
    kept, dropped = pdf(facilitator, "kept.pdf"), pdf(facilitator, "dropped.pdf")
    session = session_with(space, facilitator, kept, dropped)
    added = pdf(facilitator, "added.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        do_update_session(session, actor=facilitator, attachment_ids=[added.pk, kept.pk])
    assert list(session.attachments.order_by("position").values_list("original_name", flat=True)) \
        == ["added.pdf", "kept.pdf"]  # fmt: skip
    assert not Attachment.objects.filter(pk=dropped.pk).exists()
    assert sorted(path.name for path in stored_files()) == ["added.pdf", "kept.pdf"]
    # Without attachment_ids the files stay as they are.
    do_update_session(session, actor=facilitator, title="Workshop one")
    assert session.attachments.count() == 2


def test_do_create_activity_and_update_take_files(unit, facilitator):
    notes = pdf(facilitator, "notes.pdf")
    activity = make_activity(unit, facilitator, "reading", attachment_ids=[notes.pk])
    assert list(activity.attachments.all()) == [notes]
    do_update_activity(activity, actor=facilitator, attachment_ids=[])
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("case", ["someone_elses", "already_attached", "unknown", "twice"])
def test_learning_actions_refuse_bad_upload_ids_and_write_nothing(
    space, unit, facilitator, learner, case
):
    if case == "someone_elses":
        ids, message = [pdf(learner).pk], "no upload of yours"
    elif case == "already_attached":
        used = pdf(facilitator)
        make_activity(unit, facilitator, "reading", attachment_ids=[used.pk])
        ids, message = [used.pk], "already attached elsewhere"
    elif case == "unknown":
        ids, message = [10**9], f"no upload of yours waiting to be attached with id {10**9}"
    else:
        upload = pdf(facilitator)
        ids, message = [upload.pk, upload.pk], "attached twice"
    activities = Activity.objects.count()
    with pytest.raises(InvalidInput, match=message) as refused:
        do_create_session(space, actor=facilitator, title="W", starts_at=START, ends_at=END,
                          attachment_ids=ids)  # fmt: skip
    assert refused.value.field == "attachment_ids"
    with pytest.raises(InvalidInput, match=message):
        do_create_activity(unit, actor=facilitator, kind="reading", title="R", attachment_ids=ids)
    assert not Session.objects.exists()
    assert Activity.objects.count() == activities


def test_do_submit_task_takes_files_without_text(unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    work = pdf(learner, "my-plan.pdf")
    submission = do_submit(task, actor=learner, text="", attachment_ids=[work.pk])
    assert list(submission.attachments.all()) == [work]
    assert AuditEntry.objects.get(action="submission.submit").data["files_added"] == [work.pk]


def test_do_submit_again_keeps_files_unless_the_list_changes(unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    work = pdf(learner, "v1.pdf")
    do_submit(task, actor=learner, text="Draft", attachment_ids=[work.pk])
    submission = do_submit(task, actor=learner, text="Better draft")
    assert list(submission.attachments.all()) == [work]
    newer = pdf(learner, "v2.pdf")
    submission = do_submit(task, actor=learner, text="Final", attachment_ids=[newer.pk])
    assert list(submission.attachments.all()) == [newer]


def test_do_submit_refuses_files_on_a_reflection_and_nothing_at_all(unit, facilitator, learner):
    reflection = make_activity(unit, facilitator, "reflection")
    with pytest.raises(InvalidInput, match="only a task takes files"):
        do_submit(reflection, actor=learner, text="Thoughts", attachment_ids=[pdf(learner).pk])
    task = make_activity(unit, facilitator, "task")
    with pytest.raises(InvalidInput, match="Write an answer or attach a file"):
        do_submit(task, actor=learner, text="  ", attachment_ids=[])
    assert not Submission.objects.exists()
    assert not Attachment.objects.exclude(uploader=learner).exists()


def test_do_submit_refuses_an_upload_taken_by_another_submission(unit, facilitator, learner):
    first, second = (
        make_activity(unit, facilitator, "task"),
        make_activity(unit, facilitator, "task"),
    )
    work = pdf(learner)
    do_submit(first, actor=learner, text="One", attachment_ids=[work.pk])
    with pytest.raises(InvalidInput, match="already attached elsewhere"):
        do_submit(second, actor=learner, text="Two", attachment_ids=[work.pk])


def test_apply_files_conflict_when_taken_meanwhile_rolls_back(space, unit, facilitator):
    from afterclass.attachments.attach import apply_files, check_files

    upload = pdf(facilitator)
    change = check_files(facilitator, [upload.pk])
    make_activity(unit, facilitator, "reading", attachment_ids=[upload.pk])
    session = Session.objects.create(space=space, title="S", starts_at=timezone.now(),
                                     ends_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    with pytest.raises(Conflict):
        apply_files(change, "session", session, actor=facilitator)


def test_attachment_has_at_most_one_owner(space, unit, facilitator):
    upload = pdf(facilitator)
    session = session_with(space, facilitator, upload)
    activity = make_activity(unit, facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=upload.pk).update(activity=activity)
    assert Attachment.objects.get(pk=upload.pk).session == session


def test_prune_keeps_uploads_attached_to_learning(space, unit, facilitator, learner):
    session_file, activity_file, work, loose = (
        pdf(facilitator, "s.pdf"), pdf(facilitator, "a.pdf"), pdf(learner, "w.pdf"),
        pdf(learner, "loose.pdf"),
    )  # fmt: skip
    session_with(space, facilitator, session_file)
    task = make_activity(unit, facilitator, "task", attachment_ids=[activity_file.pk])
    do_submit(task, actor=learner, text="Done", attachment_ids=[work.pk])
    Attachment.objects.update(created_at=timezone.now() - timedelta(days=3))
    assert do_prune_unattached_uploads() == 1
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "a.pdf", "s.pdf", "w.pdf",
    ]  # fmt: skip
    assert loose.pk not in Attachment.objects.values_list("pk", flat=True)


def test_deleting_a_session_or_an_activity_removes_its_stored_files(
    space, unit, facilitator, learner, django_capture_on_commit_callbacks
):
    session = session_with(space, facilitator, pdf(facilitator, "s.pdf"))
    task = make_activity(unit, facilitator, "task", attachment_ids=[pdf(facilitator, "a.pdf").pk])
    do_submit(task, actor=learner, text="Mine", attachment_ids=[pdf(learner, "w.pdf").pk])
    with django_capture_on_commit_callbacks(execute=True):
        do_delete_session(session, actor=facilitator)
        do_delete_activity(task, actor=facilitator)
    assert not Attachment.objects.exists()
    assert stored_files() == []


# --- Who may fetch a file -------------------------------------------------------------------


def _status(client, person, attachment):
    client.force_login(person)
    return client.get(file_url(attachment)).status_code


@pytest.fixture
def stranger(owner):
    """A facilitator of another space."""
    return add_member(make_course(owner, name="Other cohort"), role=Role.MODERATOR).person


def test_session_file_is_served_to_members_only(
    client, space, facilitator, learner, outsider, stranger
):
    material = pdf(facilitator)
    session_with(space, facilitator, material)
    assert _status(client, learner, material) == 200
    assert _status(client, facilitator, material) == 200
    assert _status(client, outsider, material) == 404
    assert _status(client, stranger, material) == 404


def test_activity_file_of_an_unreleased_unit_is_served_to_facilitators_only(
    client, hidden_unit, unit, facilitator, learner, outsider
):
    early = pdf(facilitator, "early.pdf")
    make_activity(hidden_unit, facilitator, "reading", attachment_ids=[early.pk])
    released = pdf(facilitator, "released.pdf")
    make_activity(unit, facilitator, "reading", attachment_ids=[released.pk])
    assert _status(client, learner, early) == 404
    assert _status(client, facilitator, early) == 200
    assert _status(client, learner, released) == 200
    assert _status(client, outsider, released) == 404


def test_submission_file_is_served_to_its_author_and_facilitators_only(
    client, unit, facilitator, learner, other_learner, outsider, stranger
):
    task = make_activity(unit, facilitator, "task")
    work = pdf(learner, "my-work.pdf")
    do_submit(task, actor=learner, text="Mine", attachment_ids=[work.pk])
    assert _status(client, learner, work) == 200
    assert _status(client, facilitator, work) == 200
    assert _status(client, other_learner, work) == 404
    assert _status(client, outsider, work) == 404
    assert _status(client, stranger, work) == 404
    response = call(client, "get", f"/attachments/{work.pk}", other_learner)
    assert response.status_code == 404
    assert call(client, "get", f"/attachments/{work.pk}", facilitator).status_code == 200


def test_submission_file_is_not_served_to_a_learner_once_its_unit_is_hidden_again(
    client, unit, facilitator, learner
):
    from afterclass.learning.actions import do_update_unit

    task = make_activity(unit, facilitator, "task")
    work = pdf(learner)
    do_submit(task, actor=learner, text="Mine", attachment_ids=[work.pk])
    do_update_unit(unit, actor=facilitator, release_at=timezone.now() + timedelta(days=1))
    assert _status(client, learner, work) == 404
    assert _status(client, facilitator, work) == 200


# --- Pages ----------------------------------------------------------------------------------


def test_session_form_attaches_materials_listed_on_the_session_page(
    client, space, facilitator, learner
):
    client.force_login(facilitator)
    response = client.post(reverse("learning-session-create", args=[space.slug]), {
        "title": "Workshop 1", "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T11:00",
        "time_zone": "Europe/London", "files": [upload_file("slides.pdf", pdf_bytes())],
    })  # fmt: skip
    assert response.status_code == 302
    session = Session.objects.get()
    material = session.attachments.get()
    client.force_login(learner)
    body = client.get(reverse("learning-session", args=[session.pk])).content.decode()
    assert "Materials" in body
    assert f'href="{file_url(material)}"' in body


def test_activity_edit_form_removes_an_unticked_file_and_adds_new_ones(client, unit, facilitator):
    kept, dropped = pdf(facilitator, "kept.pdf"), pdf(facilitator, "dropped.pdf")
    activity = make_activity(unit, facilitator, "reading", attachment_ids=[kept.pk, dropped.pk])
    client.force_login(facilitator)
    url = reverse("learning-activity-edit", args=[activity.pk])
    form = client.get(url).content.decode()
    assert 'name="keep"' in form
    assert 'enctype="multipart/form-data"' in form
    response = client.post(url, {
        "title": activity.title, "instructions": "Read it.", "keep": [kept.pk],
        "files": [upload_file("extra.pdf", pdf_bytes("extra"))],
    })  # fmt: skip
    assert response.status_code == 302
    assert list(activity.attachments.order_by("position").values_list("original_name", flat=True)) \
        == ["kept.pdf", "extra.pdf"]  # fmt: skip
    page = client.get(reverse("learning-activity", args=[activity.pk])).content.decode()
    assert "extra.pdf" in page
    assert "dropped.pdf" not in page


def test_submit_form_with_a_file_shows_it_in_the_review_queue(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    client.force_login(learner)
    page = client.get(reverse("learning-activity", args=[task.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    plan = upload_file("plan.pdf", pdf_bytes())
    response = client.post(reverse("learning-submit", args=[task.pk]), {"files": [plan]})
    assert response.status_code == 302
    work = Submission.objects.get().attachments.get()
    client.force_login(facilitator)
    queue = client.get(reverse("learning-review", args=[unit.space.slug])).content.decode()
    assert f'href="{file_url(work)}"' in queue
    grid_page = client.get(reverse("learning-activity", args=[task.pk])).content.decode()
    assert "plan.pdf" in grid_page


def test_reflection_form_takes_no_files(client, unit, facilitator, learner):
    reflection = make_activity(unit, facilitator, "reflection")
    client.force_login(learner)
    page = client.get(reverse("learning-activity", args=[reflection.pk])).content.decode()
    assert 'type="file"' not in page


@override_settings(AFTERCLASS_MAX_UPLOAD_MB=1)
def test_submit_form_refuses_an_oversized_file_and_stores_nothing(
    client, unit, facilitator, learner
):
    task = make_activity(unit, facilitator, "task")
    client.force_login(learner)
    big = upload_file("big.pdf", pdf_bytes() + b"0" * 1024 * 1024)
    response = client.post(reverse("learning-submit", args=[task.pk]),
                           {"text": "See the file", "files": [big]})  # fmt: skip
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Submission.objects.exists()
    assert stored_files() == []


@override_settings(AFTERCLASS_MAX_UPLOAD_MB=1)
def test_api_upload_over_the_limit_is_refused_for_a_submission(client, unit, facilitator, learner):
    make_activity(unit, facilitator, "task")
    response = client.post(f"{API}/attachments",
                           {"file": upload_file("big.pdf", pdf_bytes() + b"0" * 1024 * 1024)},
                           **bearer(learner))  # fmt: skip
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.json()["detail"]
    assert stored_files() == []


def test_submit_form_refused_keeps_none_of_the_files_sent(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    do_update_activity(task, actor=facilitator, is_closed=True)
    client.force_login(learner)
    late = upload_file("late.pdf", pdf_bytes())
    response = client.post(reverse("learning-submit", args=[task.pk]),
                           {"text": "Late", "files": [late]})  # fmt: skip
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not Attachment.objects.exists()


def test_activity_form_with_someone_elses_upload_cannot_be_forged(client, unit, facilitator):
    # A `keep` naming a file the activity does not have is not one of the choices (files sent
    # ahead go in `uploads`, where the action checks whose they are).
    activity = make_activity(unit, facilitator, "reading", attachment_ids=[pdf(facilitator).pk])
    other = pdf(facilitator, "other.pdf")
    client.force_login(facilitator)
    response = client.post(reverse("learning-activity-edit", args=[activity.pk]),
                           {"title": "R", "keep": [other.pk]})  # fmt: skip
    assert response.status_code == 400
    assert other.pk not in activity.attachments.values_list("pk", flat=True)


def test_file_fields_offer_the_page_script_an_upload_url(client, space, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("learning-session-create", args=[space.slug])).content.decode()
    assert f'data-upload-url="{reverse("api:upload")}"' in page
    assert 'data-sent-field="uploads"' in page
    assert "multiple" in page


def test_session_form_attaches_files_sent_ahead_before_the_files_of_the_form(
    client, space, facilitator
):
    first, second = pdf(facilitator, "first.pdf"), pdf(facilitator, "second.pdf")
    client.force_login(facilitator)
    response = client.post(reverse("learning-session-create", args=[space.slug]), {
        "title": "Workshop 1", "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T11:00",
        "time_zone": "Europe/London", "uploads": [first.pk, second.pk],
        "files": [upload_file("third.pdf", pdf_bytes("third"))],
    })  # fmt: skip
    assert response.status_code == 302
    names = (
        Session.objects.get()
        .attachments.order_by("position")
        .values_list("original_name", flat=True)
    )
    assert list(names) == ["first.pdf", "second.pdf", "third.pdf"]


def test_activity_edit_form_adds_a_file_sent_ahead_to_the_kept_ones(client, unit, facilitator):
    kept = pdf(facilitator, "kept.pdf")
    activity = make_activity(unit, facilitator, "reading", attachment_ids=[kept.pk])
    ahead = pdf(facilitator, "ahead.pdf")
    client.force_login(facilitator)
    response = client.post(reverse("learning-activity-edit", args=[activity.pk]), {
        "title": activity.title, "instructions": "Read it.", "keep": [kept.pk],
        "uploads": [ahead.pk],
    })  # fmt: skip
    assert response.status_code == 302
    assert list(activity.attachments.order_by("position").values_list("pk", flat=True)) == [
        kept.pk,
        ahead.pk,
    ]


def test_a_file_sent_ahead_by_someone_else_is_refused_and_stays_theirs(
    client, unit, facilitator, learner
):
    task = make_activity(unit, facilitator, "task")
    theirs = pdf(facilitator, "theirs.pdf")
    client.force_login(learner)
    response = client.post(reverse("learning-submit", args=[task.pk]),
                           {"text": "Mine", "uploads": [theirs.pk]})  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert f"There is no upload of yours waiting to be attached with id {theirs.pk}." in body
    assert 'data-name="theirs.pdf"' not in body  # the page does not name someone else's file
    assert not Submission.objects.exists()
    theirs.refresh_from_db()
    assert not theirs.is_attached


def test_a_refused_form_keeps_the_files_sent_ahead_ready_to_go(client, space, facilitator):
    ahead = pdf(facilitator, "slides.pdf")
    client.force_login(facilitator)
    response = client.post(reverse("learning-session-create", args=[space.slug]), {
        "title": "Workshop 1", "starts_at": "2026-03-10T11:00", "ends_at": "2026-03-10T09:00",
        "time_zone": "Europe/London", "uploads": [ahead.pk],
    })  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="uploads" value="{ahead.pk}"' in body
    assert 'data-name="slides.pdf"' in body
    assert not Session.objects.exists()
    ahead.refresh_from_db()  # still waiting for the form to be sent again, not discarded
    assert not ahead.is_attached


@pytest.mark.parametrize("value", ["abc", "-3", "0"])
def test_a_malformed_file_sent_ahead_is_a_form_error(client, space, facilitator, value):
    client.force_login(facilitator)
    response = client.post(reverse("learning-session-create", args=[space.slug]), {
        "title": "Workshop 1", "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T11:00",
        "time_zone": "Europe/London", "uploads": [value],
    })  # fmt: skip
    assert response.status_code == 400
    assert "A file sent ahead was not recognised" in response.content.decode()
    assert not Session.objects.exists()


# --- API ------------------------------------------------------------------------------------


def test_api_session_with_attachment_ids_lists_its_files(client, space, facilitator, learner):
    material = pdf(facilitator, "slides.pdf")
    response = call(client, "post", f"/spaces/{space.slug}/sessions", facilitator, {
        "title": "Workshop", "starts_at": "2026-03-10T09:00:00", "ends_at": "2026-03-10T11:00:00",
        "time_zone": "Europe/London", "attachment_ids": [material.pk],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    assert files == [{"id": material.pk, "name": "slides.pdf", "size": material.size,
                      "url": file_url(material)}]  # fmt: skip
    listed = call(client, "get", f"/spaces/{space.slug}/sessions", learner).json()
    assert listed[0]["attachments"][0]["id"] == material.pk


def test_api_activity_update_replaces_its_files(client, unit, facilitator):
    activity = make_activity(unit, facilitator, "reading", attachment_ids=[pdf(facilitator).pk])
    newer = pdf(facilitator, "newer.pdf")
    response = call(client, "patch", f"/activities/{activity.pk}", facilitator,
                    {"attachment_ids": [newer.pk]})  # fmt: skip
    assert response.status_code == 200
    assert [f["name"] for f in response.json()["attachments"]] == ["newer.pdf"]
    response = call(client, "patch", f"/activities/{activity.pk}", facilitator, {"title": "New"})
    assert [f["name"] for f in response.json()["attachments"]] == ["newer.pdf"]


def test_api_activity_create_refuses_someone_elses_upload(client, unit, facilitator, learner):
    theirs = pdf(learner)
    response = call(client, "post", f"/units/{unit.pk}/activities", facilitator,
                    {"kind": "reading", "title": "R", "attachment_ids": [theirs.pk]})  # fmt: skip
    assert response.status_code == 400
    assert "no upload of yours" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_api_submit_with_files_and_the_queue_lists_them(client, unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    work = pdf(learner, "plan.pdf")
    response = call(client, "post", f"/activities/{task.pk}/submissions", learner,
                    {"attachment_ids": [work.pk]})  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["url"] == file_url(work)
    queue = call(client, "get", f"/spaces/{unit.space.slug}/submissions", facilitator).json()
    assert queue["items"][0]["attachments"][0]["name"] == "plan.pdf"


@pytest.mark.parametrize("ids", [[10**9], "used"])
def test_api_submit_refuses_bad_ids_and_writes_nothing(client, unit, facilitator, learner, ids):
    task = make_activity(unit, facilitator, "task")
    if ids == "used":
        used = pdf(learner)
        other = make_activity(unit, facilitator, "task")
        do_submit(other, actor=learner, text="x", attachment_ids=[used.pk])
        ids = [used.pk]
    response = call(client, "post", f"/activities/{task.pk}/submissions", learner,
                    {"text": "Mine", "attachment_ids": ids})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "attachment_ids"
    assert not Submission.objects.filter(activity=task).exists()


# --- Query counts ---------------------------------------------------------------------------


def _submissions(unit, facilitator, count):
    from afterclass.people.tests.factories import PersonFactory

    task = make_activity(unit, facilitator, "task")
    for _ in range(count):
        person = add_member(unit.space, PersonFactory()).person
        do_submit(task, actor=person, text="Work", attachment_ids=[pdf(person).pk])
    return task


@pytest.mark.parametrize("rows", [1, 50])
def test_review_queue_query_count_is_flat_with_files(
    client, django_assert_num_queries, unit, facilitator, rows
):
    _submissions(unit, facilitator, rows)
    client.force_login(facilitator)
    url = reverse("learning-review", args=[unit.space.slug])
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('class="files"') == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
def test_api_submissions_list_query_count_is_flat_with_files(
    client, django_assert_num_queries, unit, facilitator, rows
):
    task = _submissions(unit, facilitator, rows)
    auth = bearer(facilitator)
    url = f"{API}/activities/{task.pk}/submissions?limit=100"
    client.get(url, **auth)
    with django_assert_num_queries(5):
        response = client.get(url, **auth)
    assert sum(len(item["attachments"]) for item in response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_activity_page_query_count_is_flat_with_files(
    client, django_assert_num_queries, unit, facilitator, rows
):
    task = _submissions(unit, facilitator, rows)
    own = [pdf(facilitator, f"{n}.pdf").pk for n in range(min(rows, 10))]
    do_update_activity(task, actor=facilitator, attachment_ids=own)
    client.force_login(facilitator)
    url = reverse("learning-activity", args=[task.pk])
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count('class="files"') == 1 + min(rows, 25)


@pytest.mark.parametrize("rows", [1, 10])
def test_session_page_query_count_is_flat_with_files(
    client, django_assert_num_queries, space, facilitator, learner, rows
):
    session = session_with(space, facilitator, *[pdf(facilitator, f"{n}.pdf") for n in range(rows)])
    client.force_login(learner)
    url = reverse("learning-session", args=[session.pk])
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("download>") == rows


def test_do_copy_units_copies_activity_files_stored_anew(
    space, unit, facilitator, owner, django_capture_on_commit_callbacks
):
    from afterclass.learning.actions import do_copy_units

    original = pdf(facilitator, "guide.pdf")
    make_activity(unit, facilitator, "reading", attachment_ids=[original.pk])
    cohort = make_course(owner, name="Next cohort")
    add_member(cohort, facilitator, role=Role.MODERATOR)
    [copy] = do_copy_units(cohort, space, actor=facilitator)
    copied = Attachment.objects.get(activity__unit=copy)
    assert (copied.original_name, copied.size, copied.uploader) == ("guide.pdf", original.size,
                                                                    facilitator)  # fmt: skip
    assert copied.file.name != original.file.name
    with django_capture_on_commit_callbacks(execute=True):
        do_delete_activity(copy.activities.get(), actor=facilitator)
    assert [path.name for path in stored_files()] == ["guide.pdf"]
    assert Attachment.objects.get().pk == original.pk
    assert original.file.storage.exists(original.file.name)


def test_submitting_again_from_the_page_keeps_or_replaces_files(client, unit, facilitator, learner):
    from afterclass.learning.actions import do_give_feedback

    task = make_activity(unit, facilitator, "task")
    first = pdf(learner, "draft.pdf")
    submission = do_submit(task, actor=learner, text="Draft", attachment_ids=[first.pk])
    do_give_feedback(submission, actor=facilitator, feedback="Add a chart.", complete=False)
    client.force_login(learner)
    url = reverse("learning-activity", args=[task.pk])
    page = client.get(url).content.decode()
    assert f'href="{file_url(first)}"' in page
    assert 'name="keep"' in page
    response = client.post(reverse("learning-submit", args=[task.pk]),
                           {"text": "With the chart", "keep": [first.pk]})  # fmt: skip
    assert response.status_code == 302
    assert list(submission.attachments.all()) == [first]
    final = upload_file("final.pdf", pdf_bytes("final"))
    response = client.post(reverse("learning-submit", args=[task.pk]),
                           {"text": "Final", "files": [final]})  # fmt: skip
    assert response.status_code == 302
    assert list(submission.attachments.values_list("original_name", flat=True)) == ["final.pdf"]
