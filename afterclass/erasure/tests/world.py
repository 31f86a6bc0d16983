"""A person with every kind of activity, built on the export tests' `everything_of`, and the
scans that look for them everywhere: every table, the search index, the file store."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test import Client
from django.utils import timezone
from PIL import Image

from afterclass.exports.request import do_request_export
from afterclass.exports.tests.test_exports import everything_of
from afterclass.learning.models import Submission
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.moderation.actions import do_report
from afterclass.people.actions import (
    InvitationRow,
    do_create_access_token,
    do_invite_people,
    do_update_profile,
)
from afterclass.people.actions.people import do_set_avatar
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.polls.actions import do_vote_in_poll
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.actions import do_comment, do_react, do_vote
from afterclass.posts.drafts import DraftText, do_save_draft
from afterclass.posts.follow import do_follow, do_save
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.scim.models import ProvisionedPerson
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member
from afterclass.surveys.models import Response
from afterclass.surveys.tests.conftest import make_survey
from afterclass.webapp.models import PushSubscription

NAME = "Zelda Zuckerwasser"
EMAIL = "zelda.zw@example.org"
MARK = "ZELDAMARK"  # in every text she writes
OTHER_MARK = "OTTOMARK"  # in every text the other person writes


def build_world(admin: Person, space: Space) -> tuple[Person, Person]:
    """Zelda, with one of everything, and Otto, a colleague with his own and some replies to
    hers. Run inside django_capture_on_commit_callbacks(execute=True): tasks run as in the app."""
    # Invited first: the invitation holds her address, its audit entry must not.
    run_invitation = do_invite_people([InvitationRow(email=EMAIL, display_name=NAME)], actor=admin)
    assert run_invitation
    zelda = PersonFactory(display_name=NAME, email=EMAIL, bio=f"{MARK} bio", job_title="Zzz")
    otto = PersonFactory(display_name="Otto Other", email="otto@example.org")
    for someone in (zelda, otto):
        add_member(space, someone)
    everything_of(zelda, space, mark=MARK)
    everything_of(otto, space, mark=OTHER_MARK)
    do_update_profile(zelda, actor=zelda, interests=[f"{MARK}interest"])
    do_set_avatar(zelda, ContentFile(_png(), name="zelda.png"), actor=zelda)
    # Her words on Otto's post, his reply to her comment, her answer voted on, reactions.
    ottos = Post.objects.get(title=f"{OTHER_MARK} post title")
    hers = do_comment(ottos, actor=zelda, body=f"{MARK} comment on Otto's post")
    do_comment(ottos, actor=otto, body=f"{OTHER_MARK} reply to Zelda", parent=hers)
    do_comment(ottos, actor=zelda, body=f"{MARK} lonely comment")
    do_react(actor=zelda, kind="helped", post=ottos)
    question = make_post(space, otto, kind="question", title=f"{OTHER_MARK} question",
                         body=f"{OTHER_MARK} question body")  # fmt: skip
    answer = do_comment(question, actor=zelda, body=f"{MARK} answer")
    do_vote(answer, actor=otto)
    ottos_answer = do_comment(question, actor=otto, body=f"{OTHER_MARK} answer")
    do_vote(ottos_answer, actor=zelda)
    do_comment(Post.objects.get(title=f"{MARK} post title"), actor=otto,
               body=f"{OTHER_MARK} comment on Zelda's post")  # fmt: skip
    # A vote in Otto's anonymous poll: only counts, which must stay with her ballot.
    secret = make_poll(space, otto, question=f"{OTHER_MARK} secret poll?", anonymous=True)
    do_vote_in_poll(secret, actor=zelda, option_ids=option_ids(secret)[:1])
    do_save(ottos, actor=zelda)
    do_follow(ottos, actor=zelda)
    draft = DraftText(title=f"{MARK} draft", body=f"{MARK} draft body " * 20)
    do_save_draft(space, actor=zelda, kind="discussion", text=draft)
    do_report(ottos, actor=zelda, reason="other", text=f"{MARK} report note")
    # Learning, surveys.
    course = _course(admin, zelda, otto)
    del course
    named = make_survey(admin, open_it=True, anonymous=False, title="Named survey")
    Response.objects.create(
        survey=named, person=zelda, answers={str(named.questions.first().pk): f"{MARK} survey"},
        submitted_on=timezone.localdate(), submitted_at=timezone.now(),
    )  # fmt: skip
    named.responded_count = 1
    named.save(update_fields=["responded_count"])
    # The account: addresses, a provider's account, a second factor, a token, a device, SCIM.
    EmailAddress.objects.create(user=zelda, email=EMAIL, verified=True, primary=True)
    SocialAccount.objects.create(user=zelda, provider="test-idp", uid=f"{MARK}-sub",
                                 extra_data={"email": EMAIL, "name": NAME})  # fmt: skip
    Authenticator.objects.create(user=zelda, type="recovery_codes", data={"seed": MARK})
    do_create_access_token(zelda, f"{MARK} token", actor=zelda)
    PushSubscription.objects.create(
        person=zelda, endpoint=f"https://push.example.net/{MARK}", p256dh="k" * 20,
        auth="a" * 16, label="Zelda's phone",
    )  # fmt: skip
    ProvisionedPerson.objects.create(person=zelda, user_name=EMAIL, external_id=f"{MARK}-ext",
                                     given_name="Zelda", family_name="Zuckerwasser")  # fmt: skip
    # Her own export, and one an admin asked for.
    do_request_export(zelda, actor=zelda)
    do_request_export(zelda, actor=admin)
    # Otto's own export: his notifications name her, his comment sits under her post's title.
    do_request_export(otto, actor=otto)
    Client().force_login(zelda)  # a session
    return zelda, otto


def _course(admin: Person, zelda: Person, otto: Person) -> Space:
    course = make_course(admin, slug="erasure-course")
    add_member(course, zelda)
    add_member(course, otto)
    reflection = make_activity(make_unit(course, admin), admin, kind="reflection")
    Submission.objects.create(activity=reflection, person=zelda, text=f"{MARK} reflection")
    Submission.objects.create(activity=reflection, person=otto, text=f"{OTHER_MARK} reflection")
    return course


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


# --- Scans ----------------------------------------------------------------------------------

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def model_texts() -> dict[str, str]:
    """The text, char and JSON columns of every row of every model, by model."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if names:
            rows = model._base_manager.values_list(*names)
            found[model._meta.label] = "\n".join(repr(row) for row in rows)
    return found


def table_texts() -> dict[str, str]:
    """Every column of every table the database has (the search backend's own tables too:
    SQLite's FTS5 table and its shadow tables, PostgreSQL's tsvector table), as text."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql" and table == "search_fts":
                cursor.execute(f"SELECT rowid, vector::text FROM {quoted}")  # noqa: S608
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            found[table] = "\n".join(_text(value) for row in cursor.fetchall() for value in row)
    return found


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "ignore")
    return str(value)


def stored_files() -> dict[str, str]:
    """Every file of the file store (the media folder), by path, as text; a zip (an export)
    by the text of each file in it, as its bytes are compressed."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): _file_text(path) for path in root.rglob("*")
            if path.is_file()}  # fmt: skip


def _file_text(path: Path) -> str:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(_text(archive.read(name)) for name in archive.namelist())
    return _text(path.read_bytes())


def places_holding(needle: str) -> list[str]:
    """Where `needle` is found (case-insensitive): tables, models and files."""
    lowered = needle.lower()
    places = []
    for kind, texts in (("model", model_texts()), ("table", table_texts()),
                        ("file", stored_files())):  # fmt: skip
        places += [f"{kind} {name}" for name, text in texts.items() if lowered in text.lower()]
    return places


def search_matches(word: str) -> list[int]:
    """Rows of the full-text index that match `word`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE vector @@ plainto_tsquery('simple', %s)",
                [word],
            )
        else:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [f'"{word}"'])
        return [row[0] for row in cursor.fetchall()]
