"""Erasure of a person: nothing of them is left in any table, the search index, the file store
or a page; kept content shows "Former colleague"; another person's data is untouched; the
counters agree with their rows; twice is once; a crash half-way resumes; only admins may."""

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Count, Q
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.erasure import content
from afterclass.erasure.actions import do_erase
from afterclass.erasure.models import FORMER_COLLEAGUE, Erasure, ErasureState
from afterclass.erasure.request import do_request_erasure
from afterclass.erasure.tests.world import (
    EMAIL,
    MARK,
    NAME,
    OTHER_MARK,
    build_world,
    model_texts,
    places_holding,
    search_matches,
)
from afterclass.learning.models import Submission
from afterclass.people.actions import do_set_active
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory
from afterclass.polls.models import Poll
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.spaces.models import MembershipState, Space
from afterclass.spaces.tests.factories import make_space
from afterclass.surveys.models import Survey

pytestmark = pytest.mark.django_db

SURNAME = NAME.split()[-1]


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a call and what it left for after commit (tasks run at once, as a worker would)."""

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


@pytest.fixture
def world(admin, run):
    space = make_space(admin, name="Data skills")
    zelda, otto = run(build_world, admin, space)
    return zelda, otto


def erase(run, person, admin, choice):
    return run(do_request_erasure, person, actor=admin, content=choice, confirm=EMAIL.upper())


def assert_counters_match_rows():
    for post in Post.objects.annotate(
        n_comments=Count("comments", distinct=True),
        n_answers=Count("comments", distinct=True, filter=Q(
            comments__parent__isnull=True, comments__state=ContentState.VISIBLE)),
        n_reactions=Count("reactions", distinct=True),
    ):  # fmt: skip
        assert post.comment_count == post.n_comments, post
        assert post.reaction_count == post.n_reactions, post
        if post.kind == PostKind.QUESTION:
            assert post.answer_count == post.n_answers, post
    for comment in Comment.objects.annotate(
        n_votes=Count("votes", distinct=True), n_reactions=Count("reactions", distinct=True)
    ):
        assert (comment.vote_count, comment.reaction_count) == (
            comment.n_votes,
            comment.n_reactions,
        ), comment
    for space in Space.objects.annotate(
        n=Count("memberships", filter=Q(memberships__state=MembershipState.ACTIVE))
    ):
        assert space.member_count == space.n, space
    for poll in Poll.objects.annotate(n=Count("ballots")):
        assert poll.voter_count == poll.n, poll
        votes = sum(option.vote_count for option in poll.options.all())
        assert votes >= poll.n if poll.multiple else votes == poll.n, poll
        for option in poll.options.annotate(n=Count("choices")):
            if not poll.anonymous:
                assert option.vote_count == option.n, option
    for survey in Survey.objects.annotate(n=Count("responses")):
        assert survey.responded_count == survey.n, survey


def sessions_of(person):
    return [
        session
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(person.pk)
    ]


def assert_nothing_of_her(*, texts_too: bool):
    needles = [NAME, SURNAME, EMAIL, "zelda.zw"] + ([MARK] if texts_too else [])
    for needle in needles:
        assert places_holding(needle) == [], needle
    # Her first name alone is in Otto's words ("reply to Zelda"): his, and kept.
    for word in (SURNAME, MARK.lower() if texts_too else SURNAME):
        assert search_matches(word) == [], word


def assert_otto_untouched(otto):
    otto.refresh_from_db()
    assert (otto.display_name, otto.email, otto.is_active) == (
        "Otto Other",
        "otto@example.org",
        True,
    )
    assert Post.objects.filter(author=otto, title=f"{OTHER_MARK} post title").exists()
    assert Comment.objects.filter(author=otto, body=f"{OTHER_MARK} reply to Zelda").exists()
    assert Comment.objects.filter(author=otto, body=f"{OTHER_MARK} answer").exists()
    assert Submission.objects.filter(person=otto, text=f"{OTHER_MARK} reflection").exists()
    assert search_matches(OTHER_MARK.lower()) != []
    assert places_holding(OTHER_MARK) != []


def test_erasure_deleting_content_leaves_nothing_of_her_anywhere(world, admin, run):
    zelda, otto = world
    assert places_holding(MARK)
    assert places_holding(EMAIL)
    assert search_matches(MARK.lower())
    # The scan reads inside zips: Otto's export names her before the erasure.
    ottos_export = f"file exports/{otto.pk}/"
    assert any(place.startswith(ottos_export) for place in places_holding(NAME))
    erasure = erase(run, zelda, admin, "delete")
    erasure.refresh_from_db()
    assert erasure.state == ErasureState.DONE
    assert_nothing_of_her(texts_too=True)
    assert_otto_untouched(otto)
    assert_counters_match_rows()
    zelda.refresh_from_db()
    assert zelda.display_name == FORMER_COLLEAGUE
    assert not zelda.is_active
    assert not zelda.has_usable_password()
    # Her comment that Otto replied to stays as an empty placeholder, his reply with it.
    assert zelda.is_erased
    with pytest.raises(Conflict):
        do_set_active(zelda, True, actor=admin)
    assert not Person.objects.not_erased().filter(pk=zelda.pk).exists()
    placeholder = Comment.objects.get(author=zelda)
    assert (placeholder.body, placeholder.state) == ("", ContentState.REMOVED_BY_AUTHOR)
    assert not Post.objects.filter(author=zelda).exists()


def test_erasure_keeping_content_shows_former_colleague(world, admin, run, client):
    zelda, otto = world
    erase(run, zelda, admin, "keep")
    assert_nothing_of_her(texts_too=False)
    assert_otto_untouched(otto)
    assert_counters_match_rows()
    post = Post.objects.get(title=f"{MARK} post title")
    assert post.author_id == zelda.pk
    client.force_login(otto)
    page = client.get(reverse("post-detail", args=[post.pk])).content.decode()
    assert f"{MARK} post body" in page
    assert FORMER_COLLEAGUE in page
    assert NAME not in page
    # The notification Otto had of her comment now says "Former colleague".
    assert otto.notifications.filter(message__contains=FORMER_COLLEAGUE).exists()
    api = client.get(f"/api/v1/posts/{post.pk}").json()
    assert FORMER_COLLEAGUE in str(api)
    assert NAME not in str(api)


@pytest.mark.parametrize("choice", ["delete", "keep"])
def test_pages_after_erasure_show_nothing_of_her(world, admin, run, client, choice):
    zelda, otto = world
    erase(run, zelda, admin, choice)
    ottos_post = Post.objects.get(title=f"{OTHER_MARK} post title")
    pages = {
        otto: [reverse("home-feed"), reverse("post-detail", args=[ottos_post.pk]),
               reverse("people-directory"), f"{reverse('search')}?q={MARK}",
               f"{reverse('search')}?q={SURNAME}", reverse("notifications")],
        admin: [reverse("manage-people"), reverse("manage-person", args=[zelda.pk]),
                reverse("manage-audit"), reverse("manage-audit-csv"), "/api/v1/audit",
                reverse("manage-person-erase", args=[zelda.pk]), "/api/v1/people",
                f"{reverse('search')}?q={SURNAME}", reverse("person-profile", args=[zelda.pk])],
    }  # fmt: skip
    for viewer, urls in pages.items():
        client.force_login(viewer)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.streaming_content if response.streaming else [response.content]
            page = b"".join(body).decode()
            # A search page repeats what was asked for; the results must not have it.
            page = page.replace(url.partition("?q=")[2] or "\0", "")
            for needle in [NAME, SURNAME, EMAIL] + ([MARK] if choice == "delete" else []):
                assert needle not in page, (url, needle)


def test_the_audit_log_keeps_the_fact_without_her(world, admin, run):
    zelda, _ = world
    erasure = erase(run, zelda, admin, "delete")
    asked = AuditEntry.objects.get(action="person.erase")
    assert (asked.actor_id, asked.target_id) == (admin.pk, erasure.pk)
    assert asked.data == {"content": "delete", "reference": erasure.reference}
    assert AuditEntry.objects.filter(action="person.erased", actor=None).count() == 1
    # Her own earlier entries stay, by the emptied row: "Former colleague".
    assert AuditEntry.objects.filter(actor=zelda).exists()


def test_erasing_twice_changes_nothing_the_second_time(world, admin, run):
    zelda, _ = world
    first = erase(run, zelda, admin, "delete")
    before = model_texts()
    entries = AuditEntry.objects.count()
    again = run(do_request_erasure, zelda, actor=admin, content="keep", confirm="anything")
    assert again.pk == first.pk
    assert again.content == "delete"
    assert run(do_erase, first.pk) is None
    assert model_texts() == before
    assert AuditEntry.objects.count() == entries


def test_a_wrong_confirmation_changes_nothing(world, admin, run):
    zelda, _ = world
    before = model_texts()
    with pytest.raises(InvalidInput) as refused:
        run(do_request_erasure, zelda, actor=admin, content="delete", confirm="otto@example.org")
    assert refused.value.field == "confirm"
    assert model_texts() == before
    zelda.refresh_from_db()
    assert zelda.is_active
    assert not Erasure.objects.exists()


def test_only_admins_erase_and_not_themselves_nor_the_last_admin(world, admin, run):
    zelda, otto = world
    with pytest.raises(NotAllowed):
        run(do_request_erasure, zelda, actor=otto, content="delete", confirm=EMAIL)
    with pytest.raises(NotAllowed, match="yourself"):
        run(do_request_erasure, admin, actor=admin, content="delete", confirm=admin.email)
    assert not Erasure.objects.filter(person=zelda).exists()


def test_a_crashed_erasure_resumes_where_it_stopped(world, admin, run):
    zelda, otto = world
    # Asked for, but its task not run (no commit callbacks): then a worker ran half of it and
    # was killed, leaving the erasure "running".
    assert sessions_of(zelda)
    erasure = do_request_erasure(zelda, actor=admin, content="delete", confirm=EMAIL)
    # Deactivated at once, before any of the task has run: signed out, tokens revoked.
    zelda.refresh_from_db()
    assert not zelda.is_active
    assert not zelda.access_tokens.filter(revoked_at__isnull=True).exists()
    assert not sessions_of(zelda)
    Erasure.objects.filter(pk=erasure.pk).update(state=ErasureState.RUNNING)
    run(content.delete_posts, zelda)
    run(content.delete_comments, zelda)
    # The worker runs it again after the lease: it carries on and finishes.
    finished = run(do_erase, erasure.pk)
    assert finished is not None
    assert finished.state == ErasureState.DONE
    assert_nothing_of_her(texts_too=True)
    assert_otto_untouched(otto)
    assert_counters_match_rows()


def test_the_last_admin_cannot_be_erased(db, run):
    lone, acting = AdminFactory(), AdminFactory()
    # Another request took away `acting`'s rights while theirs was on its way: `lone` is now
    # the organisation's last admin.
    Person.objects.filter(pk=acting.pk).update(is_org_admin=False)
    with pytest.raises(NotAllowed, match="last organisation admin"):
        run(do_request_erasure, lone, actor=acting, content="keep", confirm=lone.email)
    assert not Erasure.objects.exists()
