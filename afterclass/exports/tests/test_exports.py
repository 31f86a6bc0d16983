"""Download my data: what the zip holds (and never holds), who may get it, the task, expiry."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from afterclass.attachments.models import Attachment
from afterclass.audit.models import AuditEntry
from afterclass.exports.actions import delete_expired_exports, do_build_export
from afterclass.exports.models import DataExport, ExportState
from afterclass.exports.request import do_request_export
from afterclass.learning.models import Submission
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.notifications.models import Notification
from afterclass.outbox.models import OutgoingEmail
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.polls.actions import do_vote_in_poll
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.actions import do_react
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.surveys.models import Response
from afterclass.surveys.tests.conftest import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


def upload(person, name, content: bytes) -> Attachment:
    stored = default_storage.save(f"attachments/test/{name}", ContentFile(content))
    return Attachment.objects.create(
        uploader=person,
        kind="file",
        original_name=name,
        file=stored,
        content_type="text/plain",
        size=len(content),
    )


def everything_of(person, space, *, mark: str) -> None:
    """One of every kind of activity for `person`, each carrying `mark`."""
    post = make_post(space, person, title=f"{mark} post title", body=f"{mark} post body")
    Post.objects.create(
        space=space,
        author=person,
        kind="question",
        is_anonymous=True,
        title=f"{mark} anonymous question",
        body="who asked?",
    )
    comment = make_comment(post, person, body=f"{mark} comment body")
    do_react(actor=person, kind="like", comment=comment)
    poll = make_poll(space, person, question=f"{mark} poll?")
    do_vote_in_poll(poll, actor=person, option_ids=option_ids(poll)[:1])
    Notification.objects.create(
        recipient=person, kind="reply", message=f"{mark} notification", url="/x/"
    )
    upload(person, f"{mark}-notes.txt", f"{mark} file content".encode())


@pytest.fixture
def built(django_capture_on_commit_callbacks):
    """Run a call and then what it left for after commit (the export's task), as in the app."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def space(admin):
    return make_space(admin, name="Data skills")


def read_zip(export: DataExport) -> zipfile.ZipFile:
    with default_storage.open(export.file, "rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def test_export_holds_all_of_the_persons_data_and_nothing_of_anyone_elses(admin, space, built):
    me = PersonFactory(display_name="Mia Mine", email="mia@example.org", bio="mine-bio")
    other = PersonFactory(display_name="Otto Other", email="otto@example.org")
    add_member(space, me)
    add_member(space, other)
    everything_of(me, space, mark="MINE")
    everything_of(other, space, mark="THEIRS")
    # The other person answers my post, reacts to it: their words are theirs, not mine.
    make_comment(Post.objects.get(title="MINE post title"), other, body="THEIRS reply to me")
    course = make_course(admin, slug="course")
    add_member(course, me)
    activity = make_activity(make_unit(course, admin), admin, kind="reflection")
    Submission.objects.create(activity=activity, person=me, text="MINE reflection")
    Submission.objects.create(activity=activity, person=other, text="THEIRS reflection")
    named = make_survey(admin, open_it=True, anonymous=False, title="Named survey")
    anonymous = make_survey(admin, open_it=True, title="Anonymous survey")
    question = named.questions.first()
    today = timezone.localdate()
    Response.objects.create(
        survey=named, person=me, answers={str(question.pk): "MINE named answer"},
        submitted_on=today, submitted_at=timezone.now(),
    )  # fmt: skip
    Response.objects.create(
        survey=anonymous, person=None, submitted_on=today,
        answers={str(anonymous.questions.first().pk): "ANON answer"},
    )  # fmt: skip

    export = built(do_request_export, me, actor=me)
    export.refresh_from_db()
    assert export.state == ExportState.READY
    archive = read_zip(export)
    names = set(archive.namelist())
    assert {"index.html", "profile.json", "posts.json", "comments_and_answers.json",
            "reactions.json", "poll_votes.json", "learning_submissions.json",
            "survey_answers.json", "notifications.json", "files.json"} <= names  # fmt: skip
    everything = "\n".join(archive.read(name).decode() for name in names)
    for mine in ["mia@example.org", "mine-bio", "MINE post body", "MINE comment body",
                 "MINE poll?", "MINE notification", "MINE reflection", "MINE named answer",
                 "MINE file content", "MINE anonymous question"]:  # fmt: skip
        assert mine in everything, mine
    for theirs in ["THEIRS", "otto@example.org", "Otto Other", "ANON answer"]:
        assert theirs not in everything, theirs
    posts = json.loads(archive.read("posts.json"))
    anonymous_question = next(p for p in posts if p["title"] == "MINE anonymous question")
    assert anonymous_question["anonymous"] is True
    assert any(n.startswith("files/uploads/") for n in names)
    assert "MINE anonymous question" in archive.read("index.html").decode()


def test_another_persons_export_leaves_out_my_anonymous_authorship(admin, space, built):
    asker = PersonFactory(display_name="Asha Asker", email="asha@example.org")
    other = PersonFactory()
    Post.objects.create(
        space=space, author=asker, kind="question", is_anonymous=True, title="Secret q"
    )
    Notification.objects.create(
        recipient=other, kind="reply", actor=asker, message="Someone asked", url="/q/"
    )
    export = built(do_request_export, other, actor=other)
    export.refresh_from_db()
    archive = read_zip(export)
    everything = "\n".join(archive.read(name).decode() for name in archive.namelist())
    assert "Secret q" not in everything
    assert "Asha" not in everything
    assert "asha@example.org" not in everything
    assert str(asker.pk) not in json.loads(archive.read("notifications.json"))[0].values()


def test_building_twice_makes_one_zip(person, built):
    built(do_request_export, person, actor=person)
    export = DataExport.objects.get(person=person)
    assert do_build_export(export.pk) is None  # already built: nothing to do
    export.refresh_from_db()
    folder = f"exports/{person.pk}"
    assert default_storage.listdir(folder)[1] == [f"export-{export.pk}.zip"]
    # A retry after a crash mid-build (still "building") replaces the half-built file.
    DataExport.objects.filter(pk=export.pk).update(state=ExportState.BUILDING)
    do_build_export(export.pk)
    assert default_storage.listdir(folder)[1] == [f"export-{export.pk}.zip"]
    assert OutgoingEmail.objects.filter(key=f"data-export:{export.pk}").count() == 1


def test_asking_again_while_building_gives_the_same_export(person, settings, built):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = built(do_request_export, person, actor=person)
    second = built(do_request_export, person, actor=person)
    assert first.pk == second.pk
    assert DataExport.objects.count() == 1
    assert AuditEntry.objects.filter(action="export.request", actor=person).count() == 1


def test_ready_export_emails_a_link(person, built):
    export = built(do_request_export, person, actor=person)
    email = OutgoingEmail.objects.get(key=f"data-export:{export.pk}")
    assert email.recipients == [person.email]
    assert reverse("data-export-download", args=[export.pk]) in email.body


def test_expired_exports_and_their_files_are_deleted(person, built):
    export = built(do_request_export, person, actor=person)
    export.refresh_from_db()
    assert default_storage.exists(export.file)
    assert delete_expired_exports(timezone.now() + timedelta(days=6)) == 0
    assert delete_expired_exports(timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(export.file)


def test_only_the_requester_can_download(client, person, built):
    export = built(do_request_export, person, actor=person)
    url = reverse("data-export-download", args=[export.pk])
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    client.force_login(PersonFactory(is_org_admin=True))
    assert client.get(url).status_code == 404
    client.force_login(person)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_expired_export_cannot_be_downloaded(client, person, built):
    export = built(do_request_export, person, actor=person)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    client.force_login(person)
    assert client.get(reverse("data-export-download", args=[export.pk])).status_code == 404


def test_my_data_page_starts_an_export_and_shows_its_state(client, person, built):
    client.force_login(person)
    page = client.get(reverse("my-data")).content.decode()
    assert "No export yet" in page
    response = built(client.post, reverse("my-data"))
    assert response.status_code == 302
    page = client.get(reverse("my-data")).content.decode()
    assert "Ready to download" in page
    assert reverse("data-export-download", args=[DataExport.objects.get().pk]) in page


def test_admin_exports_a_persons_data_audited_and_only_they_download(client, admin, person, built):
    client.force_login(admin)
    url = reverse("manage-person-export", args=[person.pk])
    assert built(client.post, url).status_code == 302
    export = DataExport.objects.get(person=person)
    assert export.requested_by_id == admin.pk
    entry = AuditEntry.objects.get(action="export.request_for_person")
    assert (entry.actor_id, entry.target_id) == (admin.pk, person.pk)
    assert client.get(reverse("data-export-download", args=[export.pk])).status_code == 200
    client.force_login(person)
    assert client.get(reverse("data-export-download", args=[export.pk])).status_code == 404


def test_members_cannot_export_someone_else(client, person):
    client.force_login(person)
    url = reverse("manage-person-export", args=[PersonFactory().pk])
    assert client.post(url).status_code == 403
    assert not DataExport.objects.exists()


def bearer(person) -> dict[str, str]:
    _, token = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_export_request_state_and_download(client, person, built):
    auth = bearer(person)
    assert client.get("/api/v1/me/export", **auth).status_code == 404
    started = built(client.post, "/api/v1/me/export", **auth)
    assert started.status_code == 202
    body = client.get("/api/v1/me/export", **auth).json()
    assert body["state"] == "ready"
    assert body["download_url"]
    download = client.get(body["download_url"], **auth)
    assert download.status_code == 200
    other = bearer(PersonFactory())
    assert client.get(body["download_url"], **other).status_code == 404
    assert client.post("/api/v1/me/export").status_code == 401


def test_an_export_whose_task_gave_up_is_marked_failed(person, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    export = do_request_export(person, actor=person)
    delete_expired_exports(timezone.now() + timedelta(hours=1))
    export.refresh_from_db()
    assert export.state == ExportState.QUEUED
    delete_expired_exports(timezone.now() + timedelta(hours=7))
    export.refresh_from_db()
    assert export.state == ExportState.FAILED
    assert do_request_export(person, actor=person).pk != export.pk


@pytest.mark.parametrize("items", [1, 50])
def test_my_data_page_and_api_query_counts(client, person, built, django_assert_num_queries, items):
    for n in range(items):
        Notification.objects.create(recipient=person, kind="reply", message=f"n{n}", url="/")
    built(do_request_export, person, actor=person)
    client.force_login(person)
    client.get(reverse("my-data"))
    # session, person, the latest export, the organisation (the layout)
    with django_assert_num_queries(4):
        assert client.get(reverse("my-data")).status_code == 200
    client.logout()
    auth = bearer(person)
    client.get("/api/v1/me/export", **auth)
    # token, the latest export
    with django_assert_num_queries(2):
        assert client.get("/api/v1/me/export", **auth).status_code == 200
