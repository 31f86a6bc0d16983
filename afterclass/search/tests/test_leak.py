"""The leak test: a canary word in every kind of content the searcher may not see. Searching
for it finds nothing at all — no result, no "more" link, no snippet — in the engine, the page
and the API. Each canary is also found by someone who may see it, so the test can fail."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.learning.actions import do_create_session, do_submit
from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import do_hide_post, do_remove_comment
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.engine import SearchFilters, search
from afterclass.search.tests.files import upload_pdf, upload_text
from afterclass.spaces.actions import do_leave_space
from afterclass.spaces.models import Space, Status, Template
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

SECRET_POST = "zqcanarysecretpost"
HIDDEN_POST = "zqcanaryhiddenpost"
REMOVED_COMMENT = "zqcanaryremovedcomment"
OTHER_FILE_TEXT = "zqcanaryfiletext"
OTHER_PDF_TEXT = "zqcanarypdftext"
PLANNING_POST = "zqcanaryplanning"
LEFT_SPACE_POST = "zqcanaryleftspace"
UNRELEASED_ACTIVITY = "zqcanaryunreleased"
UNRELEASED_UNIT = "zqcanaryunittitle"
REFLECTION_ANSWER = "zqcanaryreflection"
UNRELEASED_THREAD = "zqcanarythreadprompt"
UNRELEASED_THREAD_COMMENT = "zqcanarythreadcomment"
UNRELEASED_ACTIVITY_FILE = "zqcanaryactivityfile"
OTHER_SESSION_FILE = "zqcanarysessionfile"
SUBMISSION_FILE = "zqcanarysubmissionfile"
ASKER_NAME = "Quillon Zanzibarre"
RELEASE_IN = timedelta(days=3)
CANARIES = [
    SECRET_POST,
    HIDDEN_POST,
    REMOVED_COMMENT,
    OTHER_FILE_TEXT,
    OTHER_PDF_TEXT,
    PLANNING_POST,
    LEFT_SPACE_POST,
    UNRELEASED_ACTIVITY,
    UNRELEASED_UNIT,
    REFLECTION_ANSWER,
    UNRELEASED_THREAD,
    UNRELEASED_THREAD_COMMENT,
    UNRELEASED_ACTIVITY_FILE,
    OTHER_SESSION_FILE,
    SUBMISSION_FILE,
]


@pytest.fixture
def frozen(monkeypatch):
    """Freeze timezone.now at a moment the test sets (as the learning tests do)."""
    clock = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


@pytest.fixture
def world(owner, space, secret_space, member, reindex):
    """Everything the member may not see, next to what they may."""
    asker = PersonFactory(display_name=ASKER_NAME)
    add_member(space, asker)
    # A secret space's post (the member is not in it).
    make_post(secret_space, owner, title="Board notes", body=f"Plans {SECRET_POST} here.")
    # A hidden post and a removed comment, in the member's own space.
    hidden = make_post(space, owner, title="Hidden thing", body=f"About {HIDDEN_POST}.")
    do_hide_post(hidden, actor=owner, reason="Off topic")
    post = make_post(space, owner, title="Visible thread", body="Nothing to see.")
    comment = make_comment(post, member, body=f"Oops {REMOVED_COMMENT}")
    do_remove_comment(comment, actor=member)
    # Another (listed) space's files: plain text and a PDF.
    other = make_space(owner, name="Finance", slug="finance", template=Template.COURSE)
    text_file = upload_text(owner, f"Budget {OTHER_FILE_TEXT} lines")
    make_post(other, owner, kind="resource", title="Budget", body="", attachments=[text_file.pk])
    pdf = upload_pdf(owner, f"Quarterly {OTHER_PDF_TEXT} figures")
    make_post(other, owner, kind="resource", title="Figures", body="", attachments=[pdf.pk])
    # ...and the materials of one of its learning sessions.
    start = timezone.now() + timedelta(days=1)
    materials = upload_pdf(owner, f"Agenda {OTHER_SESSION_FILE} points", name="agenda.pdf")
    do_create_session(
        other, actor=owner, title="Budget workshop", starts_at=start,
        ends_at=start + timedelta(hours=2), attachment_ids=[materials.pk],
    )  # fmt: skip
    # A space still in planning, and one the member has left.
    planning = make_space(owner, name="Soon", slug="soon", status=Status.PLANNING)
    make_post_in_planning(planning, owner)
    left = make_space(owner, name="Old group", slug="old")
    add_member(left, member)
    make_post(left, owner, title="Old news", body=f"Old {LEFT_SPACE_POST}")
    do_leave_space(left, actor=member)
    # An anonymous question by the asker, in the member's space.
    question = make_post(
        space, asker, kind="question", title="Is it fine to ask this?",
        body="Anonymous worry about deadlines.", anonymous=True,
    )  # fmt: skip
    # The asker thanks someone in their own thread: still "a colleague".
    answer = make_comment(question, member, body="Ask for more time early.")
    make_comment(question, asker, body="Thanks, that settles my timeline worry.", parent=answer)
    # A unit of the member's space released only in three days, and a reflection the member
    # answered privately in a released one.
    later = make_unit(
        space, owner, title=f"Week 9 {UNRELEASED_UNIT}",
        release_at=timezone.now() + RELEASE_IN,
    )  # fmt: skip
    make_activity(later, owner, "reading", title="Next reading",
                  instructions=f"Read the {UNRELEASED_ACTIVITY} chapter.")  # fmt: skip
    # A file of an activity of that unit: released with it.
    sheet = upload_text(owner, f"Worksheet {UNRELEASED_ACTIVITY_FILE} items", name="sheet.txt")
    make_activity(later, owner, "task", title="Fill the sheet", instructions="Fill it in.",
                  attachment_ids=[sheet.pk])  # fmt: skip
    # Its discussion prompt opens a thread (a post) in the space: found no earlier.
    prompt = make_activity(later, owner, "discussion", title="Talk it over",
                           instructions=f"Discuss the {UNRELEASED_THREAD} idea.")  # fmt: skip
    make_comment(prompt.post, owner, body=f"Start with {UNRELEASED_THREAD_COMMENT}.")
    now = make_unit(space, owner, title="Week 1")
    reflection = make_activity(now, owner, "reflection", title="Looking back",
                               instructions="What surprised you?")  # fmt: skip
    do_submit(reflection, actor=member, text=f"Privately: {REFLECTION_ANSWER} worried me.")
    # A file the member handed in for a task: never indexed, for anyone.
    task = make_activity(now, owner, "task", title="Hand in", instructions="Your draft.")
    essay = upload_text(member, f"My draft {SUBMISSION_FILE} here", name="draft.txt")
    do_submit(task, actor=member, text="", attachment_ids=[essay.pk])
    reindex()
    return {"asker": asker}


def make_post_in_planning(space, owner):
    # Owners post in a space before launch only through the database: no action allows it,
    # but content may exist (e.g. moved in); the index must still keep it to its members.
    from afterclass.posts.models import Post

    post = Post.objects.create(
        space=space, author=owner, kind="discussion", title="Soon", body=PLANNING_POST
    )
    return post


@pytest.mark.parametrize("canary", CANARIES)
def test_search_finds_no_canary_the_member_may_not_see(world, member, canary):
    results = search(member, SearchFilters(q=canary))
    assert results.hits == []
    assert results.next is None


@pytest.mark.parametrize("canary", CANARIES)
def test_search_page_and_api_show_no_trace_of_a_canary(world, member, client, canary):
    client.force_login(member)
    page = client.get(reverse("search"), {"q": canary})
    assert page.status_code == 200
    html = page.content.decode()
    assert "search-hit" not in html
    assert "<mark>" not in html
    assert "More results" not in html
    quick = client.get(
        reverse("search"),
        {"q": canary},
        headers={"HX-Request": "true", "HX-Target": "search-quick-results"},
    )
    assert "<mark>" not in quick.content.decode()
    assert canary not in quick.content.decode().replace(f"“{canary}”", "")
    api = client.get("/api/v1/search", {"q": canary})
    assert api.json() == {"items": [], "next": None, "hint": None}


def test_search_never_finds_an_anonymous_question_by_its_askers_name(world, member):
    asker = world["asker"]
    hits = search(member, SearchFilters(q="Quillon")).hits
    # The asker themself is found in the directory, never their anonymous question.
    assert [hit.document.source for hit in hits] == ["person"]
    by_author = search(member, SearchFilters(q="deadlines", author=asker.pk)).hits
    assert by_author == []
    assert search(member, SearchFilters(q="timeline", author=asker.pk)).hits == []
    reply = search(member, SearchFilters(q="timeline")).hits
    assert [(hit.author_name, hit.document.author_id) for hit in reply] == [("A colleague", None)]
    question = search(member, SearchFilters(q="deadlines")).hits
    assert len(question) == 1
    assert question[0].author_name == "A colleague"
    assert question[0].document.author_id is None
    assert ASKER_NAME not in str(question[0].snippet)


def test_search_api_shows_a_colleague_for_an_anonymous_question(world, member, client):
    client.force_login(member)
    items = client.get("/api/v1/search", {"q": "deadlines"}).json()["items"]
    assert items[0]["author"] == {"id": None, "name": "A colleague"}
    assert "Quillon" not in str(items)


def test_search_canaries_are_found_by_those_who_may_see_them(world, owner):
    """The control: the same words are in the index and found by an organisation admin, so
    the zero results above come from the rule, not from an empty index."""
    admin = AdminFactory()
    for canary in [
        SECRET_POST, OTHER_FILE_TEXT, OTHER_PDF_TEXT, PLANNING_POST, LEFT_SPACE_POST,
        UNRELEASED_ACTIVITY, UNRELEASED_THREAD_COMMENT, UNRELEASED_ACTIVITY_FILE,
        OTHER_SESSION_FILE,
    ]:  # fmt: skip
        assert len(search(admin, SearchFilters(q=canary)).hits) == 1, canary
    # The unit's title is in its three activities; the prompt in the activity and its thread.
    assert len(search(admin, SearchFilters(q=UNRELEASED_UNIT)).hits) == 3
    assert len(search(admin, SearchFilters(q=UNRELEASED_THREAD)).hits) == 2
    # Hidden and removed content is never indexed, nor learners' answers: nobody finds them.
    for canary in [HIDDEN_POST, REMOVED_COMMENT, REFLECTION_ANSWER, SUBMISSION_FILE]:
        assert search(admin, SearchFilters(q=canary)).hits == [], canary
        assert search(owner, SearchFilters(q=canary)).hits == [], canary


def test_search_unreleased_activity_is_found_by_the_spaces_facilitators(world, moderator):
    hits = search(moderator, SearchFilters(q=UNRELEASED_ACTIVITY)).hits
    assert [hit.document.source for hit in hits] == ["activity"]
    unit_hits = search(moderator, SearchFilters(q=UNRELEASED_UNIT)).hits
    assert sorted(hit.title for hit in unit_hits) == [
        "Fill the sheet", "Next reading", "Talk it over",
    ]  # fmt: skip
    file_hits = search(moderator, SearchFilters(q=UNRELEASED_ACTIVITY_FILE)).hits
    assert [(hit.document.source, hit.title) for hit in file_hits] == [("file", "sheet.txt")]
    assert search(moderator, SearchFilters(q=SUBMISSION_FILE)).hits == []
    thread_hits = search(moderator, SearchFilters(q=UNRELEASED_THREAD)).hits
    assert sorted(hit.document.source for hit in thread_hits) == ["activity", "post"]
    comment_hits = search(moderator, SearchFilters(q=UNRELEASED_THREAD_COMMENT)).hits
    assert [hit.document.source for hit in comment_hits] == ["comment"]


def test_search_finds_an_activity_once_its_release_time_passes(world, member, frozen, client):
    """No action runs at release: the query compares the stored release time with now."""
    frozen["now"] = timezone.now() + RELEASE_IN - timedelta(minutes=1)
    assert search(member, SearchFilters(q=UNRELEASED_ACTIVITY)).hits == []
    frozen["now"] += timedelta(minutes=2)
    hits = search(member, SearchFilters(q=UNRELEASED_ACTIVITY)).hits
    assert [hit.title for hit in hits] == ["Next reading"]
    assert "<mark>zqcanaryunreleased</mark>" in hits[0].snippet
    client.force_login(member)
    api = client.get("/api/v1/search", {"q": UNRELEASED_ACTIVITY}).json()
    assert [item["source"] for item in api["items"]] == ["activity"]
    thread_hits = search(member, SearchFilters(q=UNRELEASED_THREAD)).hits
    assert sorted(hit.document.source for hit in thread_hits) == ["activity", "post"]
    assert len(search(member, SearchFilters(q=UNRELEASED_THREAD_COMMENT)).hits) == 1
    file_hits = search(member, SearchFilters(q=UNRELEASED_ACTIVITY_FILE)).hits
    assert [hit.document.source for hit in file_hits] == ["file"]
    assert "<mark>zqcanaryactivityfile</mark>" in file_hits[0].snippet
    assert search(member, SearchFilters(q=SUBMISSION_FILE)).hits == []
    assert search(member, SearchFilters(q=REFLECTION_ANSWER)).hits == []


def test_search_finds_nothing_for_someone_signed_out(world):
    from django.contrib.auth.models import AnonymousUser

    assert search(AnonymousUser(), SearchFilters(q="deadlines")).hits == []


def test_search_finds_a_session_file_for_the_spaces_members_only(world, member):
    """The control of the other space's session file: its members find it, by name and text."""
    finance = Space.objects.get(slug="finance")
    colleague = PersonFactory()
    add_member(finance, colleague)
    hits = search(colleague, SearchFilters(q=OTHER_SESSION_FILE)).hits
    assert [(hit.document.source, hit.title) for hit in hits] == [("file", "agenda.pdf")]
    assert [hit.title for hit in search(colleague, SearchFilters(q="agenda")).hits] == [
        "<mark>agenda</mark>.pdf"
    ]
    assert search(member, SearchFilters(q="agenda")).hits == []
