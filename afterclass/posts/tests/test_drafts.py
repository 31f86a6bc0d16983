"""Drafts kept on the server (posts/drafts.py, posts/views/drafts.py): one per person, space and
kind; the author's alone (404 for anyone else); refused with a clear 4xx when too big, too soon,
too many, empty, or where the author may not post; deleted when the post is sent; the same
through the API (/api/v1/drafts)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, TooManyRequests
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts import drafts as drafts_module
from afterclass.posts.drafts import (
    DraftText,
    access_draft,
    do_discard_draft,
    do_save_draft,
    drafts_of,
)
from afterclass.posts.models import Draft, Post
from afterclass.posts.views.composer import draft_prefix
from afterclass.spaces.models import Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LONG = "Our team keeps losing track of who owns which dashboard. " * 5


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def other(space):
    return add_member(space, PersonFactory(display_name="Otto Other")).person


def save(space, person, kind="discussion", **text):
    return do_save_draft(space, actor=person, kind=kind, text=DraftText(**{"body": LONG, **text}))


def age(draft, seconds=60):
    """As if the draft had been saved a while ago (the next save is not too soon)."""
    Draft.objects.filter(pk=draft.pk).update(saved_at=timezone.now() - timedelta(seconds=seconds))


# --- The actions ---------------------------------------------------------------------------


def test_do_save_draft_keeps_one_per_person_space_and_kind(space, member, other):
    first = save(space, member, title="Dashboards")
    age(first)
    again = save(space, member, title="Dashboards, who owns them")
    assert again.pk == first.pk
    save(space, member, kind="question", title="Who owns the sales dashboard?")
    save(space, other)
    assert Draft.objects.filter(person=member).count() == 2
    kept = Draft.objects.get(pk=first.pk)
    assert (kept.title, kept.body, kept.kind) == ("Dashboards, who owns them", LONG, "discussion")


def test_do_save_draft_refuses_a_second_save_too_soon(space, member):
    draft = save(space, member, title="First")
    with pytest.raises(TooManyRequests) as refused:
        save(space, member, title="Second")
    assert refused.value.status == 429
    assert 1 <= refused.value.retry_after <= 2
    assert Draft.objects.get(pk=draft.pk).title == "First"


@pytest.mark.parametrize(
    ("name", "size"), [("title", 201), ("body", 20001), ("link_url", 1001), ("options", 2001)]
)
def test_do_save_draft_refuses_a_field_longer_than_a_posts(space, member, name, size):
    with pytest.raises(InvalidInput) as refused:
        save(space, member, **{name: "x" * size})
    assert refused.value.field == name
    assert "kept in this browser only" in refused.value.message
    assert not Draft.objects.exists()


def test_do_save_draft_refuses_an_empty_draft_and_an_unknown_kind(space, member):
    with pytest.raises(InvalidInput):
        save(space, member, body="  ")
    with pytest.raises(InvalidInput) as refused:
        save(space, member, kind="essay")
    assert refused.value.field == "kind"


def test_do_save_draft_only_where_the_person_may_post_that_kind(owner, space, member):
    outsider = PersonFactory()
    with pytest.raises(NotAllowed):
        save(space, outsider)  # not a member
    with pytest.raises(NotAllowed):
        save(space, member, kind="announcement")  # moderators' only
    tips = make_space(owner, name="Quick tips", slug="quick-tips", template=Template.TIPS)
    add_member(tips, member)
    with pytest.raises(NotAllowed):
        save(tips, member, kind="question")  # not a kind the space takes
    assert not Draft.objects.exists()


def test_do_save_draft_refuses_more_than_the_most_drafts(space, member, monkeypatch):
    monkeypatch.setattr(drafts_module, "MAX_DRAFTS", 1)
    save(space, member)
    with pytest.raises(Conflict):
        save(space, member, kind="question")


def test_drafts_are_their_authors_alone(owner, space, member, other):
    mine = save(space, member)
    with pytest.raises(NotFound):
        access_draft(other, mine.pk)
    with pytest.raises(NotFound):
        do_discard_draft(mine, actor=other)
    assert list(drafts_of(other)) == []
    assert list(drafts_of(member)) == [mine]
    do_discard_draft(access_draft(member, mine.pk), actor=member)
    assert not Draft.objects.exists()


def test_a_draft_in_a_space_no_longer_seen_is_not_offered(owner, member):
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    membership = add_member(secret, member)
    draft = save(secret, member)
    assert list(drafts_of(member)) == [draft]
    membership.delete()  # gone from the secret space: it no longer exists for them
    assert list(drafts_of(member)) == []
    with pytest.raises(NotFound):
        access_draft(member, draft.pk)


# --- The endpoints composer.js calls ----------------------------------------------------------


def form(space, kind="discussion", **fields):
    return {"space": space.slug, "kind": kind, "title": "", "body": LONG, **fields}


def test_save_endpoint_keeps_the_draft_and_answers_its_id(client, space, member):
    client.force_login(member)
    response = client.post(reverse("composer-draft-save"), form(space, title="Dashboards"))
    assert response.status_code == 200
    draft = Draft.objects.get()
    assert response.json()["id"] == draft.pk
    assert (draft.person, draft.space, draft.kind, draft.title) == (
        member, space, "discussion", "Dashboards",
    )  # fmt: skip


def test_save_endpoint_refusals_are_clear_4xx(client, owner, space, member):
    client.force_login(member)
    url = reverse("composer-draft-save")
    too_long = client.post(url, form(space, title="x" * 201))
    assert too_long.status_code == 400
    assert too_long.json()["field"] == "title"
    assert "longer than a post's" in too_long.json()["detail"]
    assert client.post(url, form(space)).status_code == 200
    too_soon = client.post(url, form(space))
    assert too_soon.status_code == 429
    assert too_soon["Retry-After"] in {"1", "2"}
    assert "saved a moment ago" in too_soon.json()["detail"]
    huge = client.post(url, form(space, body="x" * (70 * 1024)))
    assert huge.status_code == 413
    assert "too big" in huge.json()["detail"]
    not_allowed = client.post(url, form(space, kind="announcement"))
    assert not_allowed.status_code == 403
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    unknown = client.post(url, form(secret))
    assert unknown.status_code == 404
    assert client.post(url, {**form(space), "space": "no-such-space"}).status_code == 404
    assert client.get(url).status_code == 405
    assert Draft.objects.count() == 1


def test_endpoints_need_a_signed_in_person(client, space):
    for url in (reverse("composer-drafts"), reverse("composer-draft-save")):
        response = client.post(url, form(space)) if "save" in url else client.get(url)
        assert response.status_code == 302
    assert not Draft.objects.exists()


def test_list_endpoint_offers_my_newest_drafts_with_their_keys(client, owner, space, member,
                                                               other):  # fmt: skip
    old = save(space, member, title="Older")
    age(old, 600)
    new = save(space, member, kind="question", title="Who owns the dashboard?")
    save(space, other, title="Not mine")
    client.force_login(member)
    found = client.get(reverse("composer-drafts")).json()["drafts"]
    assert [d["id"] for d in found] == [new.pk, old.pk]
    assert found[0]["key"] == draft_prefix(member, space) + "question"
    assert found[0]["url"] == f"/compose/?space={space.slug}&kind=question"
    assert found[0]["fields"] == {
        "title": "Who owns the dashboard?", "body": LONG, "link_url": "", "options": "",
    }  # fmt: skip
    # On a space home: that space's, opened there.
    here = client.get(reverse("composer-drafts") + f"?at={space.slug}").json()["drafts"]
    assert here[0]["url"] == f"/compose/?at={space.slug}&kind=question"
    client.force_login(other)
    assert [d["title"] for d in [x["fields"] for x in client.get(
        reverse("composer-drafts")).json()["drafts"]]] == ["Not mine"]  # fmt: skip
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    assert client.get(reverse("composer-drafts") + f"?at={secret.slug}").status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_list_endpoint_queries_do_not_grow_with_drafts(client, django_assert_num_queries, owner,
                                                       member, count):  # fmt: skip
    for n in range(count):
        space = make_space(owner, name=f"Space {n}", slug=f"space-{n}")
        add_member(space, member)
        save(space, member)
    client.force_login(member)
    client.get(reverse("composer-drafts"))
    # The session and its person, then the drafts with their spaces (visibility in the query).
    with django_assert_num_queries(3):
        response = client.get(reverse("composer-drafts"))
    assert len(response.json()["drafts"]) == count


def test_discard_endpoint_deletes_only_my_own_draft(client, space, member, other):
    mine = save(space, member)
    client.force_login(other)
    url = reverse("composer-draft-discard", args=[mine.pk])
    refused = client.post(url)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "There is no such draft."
    assert Draft.objects.filter(pk=mine.pk).exists()
    client.force_login(member)
    assert client.post(url).status_code == 204
    assert not Draft.objects.exists()
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-script"])
def test_posting_from_the_composer_deletes_its_draft(client, space, member, htmx):
    save(space, member, kind="question", title="Who owns the dashboard?")
    other_kind = save(space, member, kind="discussion")
    client.force_login(member)
    response = client.post(
        reverse("composer"),
        {"space": space.slug, "kind": "question", "title": "Who owns the dashboard?",
         "body": LONG},
        headers=HTMX if htmx else {},
    )  # fmt: skip
    assert response.status_code in {200, 302}
    assert Post.objects.filter(title="Who owns the dashboard?").exists()
    assert list(Draft.objects.all()) == [other_kind]


def test_posting_from_the_new_post_page_deletes_its_draft(client, space, member):
    save(space, member, kind="question", title="Who owns the dashboard?")
    other_kind = save(space, member, kind="discussion")
    client.force_login(member)
    response = client.post(
        reverse("post-create", args=[space.slug]),
        {"kind": "question", "title": "Who owns the dashboard?", "body": LONG},
    )
    assert response.status_code == 302
    assert Post.objects.filter(title="Who owns the dashboard?").exists()
    assert list(Draft.objects.all()) == [other_kind]


def test_posting_through_the_api_deletes_its_draft(client, space, member):
    save(space, member, kind="question", title="Who owns the dashboard?")
    other_kind = save(space, member, kind="discussion")
    response = client.post(
        f"/api/v1/spaces/{space.slug}/posts",
        {"kind": "question", "title": "Who owns the dashboard?", "body": LONG},
        content_type="application/json",
        **bearer(member),
    )
    assert response.status_code == 201
    assert list(Draft.objects.all()) == [other_kind]


def test_a_refused_post_keeps_its_draft(client, space, member):
    draft = save(space, member, kind="question", title="Who owns the dashboard?")
    client.force_login(member)
    client.post(reverse("composer"), {"space": space.slug, "kind": "question", "title": ""},
                headers=HTMX)  # fmt: skip
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_the_composer_tells_the_browser_where_drafts_go(client, space, member):
    client.force_login(member)
    bar = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert f'data-composer-server-drafts="/compose/drafts/?at={space.slug}"' in bar
    opened = client.get(reverse("composer") + f"?at={space.slug}&kind=question", headers=HTMX)
    body = opened.content.decode()
    assert f'data-draft-space="{space.slug}"' in body
    assert 'data-draft-save="/compose/drafts/save/"' in body
    assert 'data-draft-discard="/compose/drafts/0/discard/"' in body


# --- The API: /api/v1/drafts --------------------------------------------------------------------


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def put(client, auth, **body):
    return client.put("/api/v1/drafts", body, content_type="application/json", **auth)


def test_api_keeps_lists_and_discards_my_drafts(client, space, member, other):
    auth = bearer(member)
    kept = put(client, auth, space=space.slug, kind="question", title="Who owns it?", body=LONG)
    assert kept.status_code == 200
    draft = Draft.objects.get()
    assert kept.json()["id"] == draft.pk
    assert kept.json()["space"] == space.slug
    listed = client.get("/api/v1/drafts", **auth).json()
    assert [(d["id"], d["kind"], d["title"]) for d in listed] == [
        (draft.pk, "question", "Who owns it?")
    ]
    # Someone else's: not listed, not discarded (404, as a draft that does not exist).
    theirs = bearer(other)
    assert client.get("/api/v1/drafts", **theirs).json() == []
    refused = client.delete(f"/api/v1/drafts/{draft.pk}", **theirs)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "There is no such draft."
    assert client.delete(f"/api/v1/drafts/{draft.pk}", **auth).status_code == 204
    assert not Draft.objects.exists()


def test_api_refusals_are_clear_4xx(client, owner, space, member):
    auth = bearer(member)
    assert put(client, auth, space=space.slug, kind="discussion", body=LONG).status_code == 200
    too_soon = put(client, auth, space=space.slug, kind="discussion", body=LONG)
    assert too_soon.status_code == 429
    assert too_soon["Retry-After"] in {"1", "2"}
    too_long = put(client, auth, space=space.slug, kind="question", title="x" * 201)
    assert (too_long.status_code, too_long.json()["field"]) == (400, "title")
    assert put(client, auth, space=space.slug, kind="essay", body=LONG).status_code == 422
    assert put(client, auth, space=space.slug, kind="announcement", body=LONG).status_code == 403
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    assert put(client, auth, space=secret.slug, kind="discussion", body=LONG).status_code == 404
    assert client.get("/api/v1/drafts").status_code == 401
