"""#hashtags: what counts as one, how they are linked in posts, kept on edit, and the hashtag
page and API, which show only what the viewer may read."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from afterclass.core.errors import AfterclassError
from afterclass.core.markdown import render_markdown
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_comment, do_edit_comment, do_edit_post, do_hide_post
from afterclass.posts.hashtags import link_hashtags, normalise_tag, parse_hashtags
from afterclass.posts.mentions import render_text
from afterclass.posts.models import Hashtag, PostHashtag
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

CANARY = "canary-7f3a1-secret-hashtag-post"
HTMX = {"HX-Request": "true"}


# --- Parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Learning #Python today", ["python"]),
        ("#python, #PYTHON and #PyThOn.", ["python"]),
        ("#data-science and #data_science", ["data-science", "data_science"]),
        ("(#retro) #tips! #how-to?", ["retro", "tips", "how-to"]),
        ("#trailing- hyphen", ["trailing"]),
        ("#café #日本語 #Ελληνικά", ["café", "日本語", "ελληνικά"]),
        ("#a is too short, #ab is not", ["ab"]),
        ("#" + "x" * 50 + " fits, #" + "y" * 51 + " does not", ["x" * 50]),
        ("#2024 and #12 are numbers; #q3 is a tag", ["q3"]),
        ("C#dev, F# and page#top are not tags", []),
        ("https://example.org/guide#section and example.org/#intro", []),
        ("##double and #-dash and #_", []),
        ("&#35;entity", []),
        ("#<script>alert(1)</script>", []),
        ('#"onmouseover=alert(1)', []),
        ("", []),
    ],
)
def test_parse_hashtags_finds_tags_and_leaves_the_rest(text, tags):
    assert parse_hashtags(text) == tags


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("Python", "python"),
        ("#Python", "python"),
        ("data-science", "data-science"),
        ("CAFÉ", "café"),
        ("x", None),
        ("1234", None),
        ("-dash", None),
        ("bad tag", None),
        ("<script>", None),
        ("a" * 51, None),
        ("a\x00b", None),
    ],
)
def test_normalise_tag_lowercases_or_refuses(raw, tag):
    assert normalise_tag(raw) == tag


# --- Linking --------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The hrefs of the links of some HTML, and every tag and attribute it makes."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.mark.django_db
def test_link_hashtags_links_text_but_not_code_links_or_urls():
    text = (
        "Try #Retro formats.\n\n`#inline` code, and\n\n```\n#fenced code\n```\n\n"
        "    #indented code\n\n[a #linked tag](https://example.org/#anchor) "
        "and https://example.org/page#frag"
    )
    html, tags = link_hashtags(render_markdown(text))
    assert tags == ["retro"]
    assert links_of(html).hrefs == ["/hashtags/retro/", "https://example.org/#anchor"]
    assert '<a class="hashtag" href="/hashtags/retro/">#Retro</a>' in html
    assert "<code>#inline</code>" in html
    assert "#fenced code" in html


@pytest.mark.django_db
def test_link_hashtags_keeps_escaped_text_escaped():
    html = str(render_text("<b>bold</b> & #tips <script>x</script>", make_space()).html)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; " in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert links_of(html).tags == {"p", "a"}


XSS = [
    "#<script>alert(1)</script>",
    "#tag<script>alert(2)</script>",
    '#tag"><script>alert(3)</script>',
    "#tag' onmouseover='alert(4)",
    '#"onmouseover=alert(5)',
    "#tag<img src=x onerror=alert(6)>",
    "[#tag](javascript:alert(7))",
    "#tag[x](javascript:alert(8))",
    "<a href='#tag' onclick='alert(9)'>#tag</a>",
    "#javascript:alert(10)",
    "`#tag<svg onload=alert(11)>`",
    "#tag&lt;script&gt;alert(12)",
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_hashtags_never_carry_script_into_html(payload):
    html = str(render_text(payload, make_space()).html)
    found = links_of(html)
    assert found.tags <= {"p", "a", "code"}
    assert found.attributes <= {"href", "class", "rel"}
    assert all(href.startswith(("/hashtags/", "https://")) for href in found.hrefs), found.hrefs


# --- Stored tags ----------------------------------------------------------------------------


def tags_of(post) -> list[str]:
    return sorted(PostHashtag.objects.filter(post=post).values_list("tag__name", flat=True))


@pytest.mark.django_db
def test_create_post_stores_tags_of_title_and_body_lowercase(person):
    space = make_space()
    add_member(space, person)
    post = make_post(
        space, person, title="Pivot tables in #Excel", body="#Excel and #data-viz, `#not`"
    )
    assert tags_of(post) == ["data-viz", "excel"]
    assert Hashtag.objects.filter(name="excel").count() == 1
    assert 'href="/hashtags/data-viz/"' in post.body_html


@pytest.mark.django_db
def test_edit_post_replaces_its_tags(person):
    space = make_space()
    add_member(space, person)
    post = make_post(space, person, title="Retros", body="#retro #agile")
    other = make_post(space, person, title="Other", body="#agile")
    do_edit_post(post, actor=person, body="Now #retro and #facilitation")
    assert tags_of(post) == ["facilitation", "retro"]
    assert 'href="/hashtags/agile/"' not in post.body_html
    assert tags_of(other) == ["agile"]
    do_edit_post(post, actor=person, body="No tags at all")
    assert tags_of(post) == []


@pytest.mark.django_db
def test_comments_link_hashtags_without_tagging_the_post(person):
    space = make_space()
    add_member(space, person)
    post = make_post(space, person, body="No tags")
    comment = do_comment(post, actor=person, body="See #retro")
    assert 'href="/hashtags/retro/"' in comment.body_html
    do_edit_comment(comment, actor=person, body="See #agile")
    assert 'href="/hashtags/agile/"' in comment.body_html
    assert tags_of(post) == []


@pytest.mark.django_db
def test_refused_post_stores_no_tags(person):
    space = make_space()  # person is not a member: refused
    with pytest.raises(AfterclassError):
        make_post(space, person, body="#retro")
    assert not Hashtag.objects.exists()
    assert not PostHashtag.objects.exists()


# --- Page and API ---------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A member of a listed space, an outsider, and a secret space with a canary post; every
    space's posts carry #retro."""
    Organisation.current()
    owner = PersonFactory(display_name="Olive Owner")
    listed = make_space(owner, name="Agile", slug="agile")
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    do_update_space(listed, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    member = add_member(listed, PersonFactory(display_name="Mina Member")).person
    outsider = PersonFactory(display_name="Otto Outsider")
    shown = make_post(listed, owner, title="Retro formats", body="Ideas? #Retro")
    asked = make_post(
        listed, owner, kind="question", title="Anonymous #retro question", anonymous=True
    )
    hidden = make_post(listed, owner, title="Hidden one", body="#retro")
    do_hide_post(hidden, actor=owner, reason="Off topic")
    make_post(secret, owner, title=CANARY, body=f"{CANARY} #retro")
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "listed": listed,
        "shown": shown,
        "asked": asked,
    }


def main_of(body: str) -> str:
    return body.split('<div class="feed-page hashtag-page">')[1].split("</main>")[0]


def page_url(tag: str = "retro") -> str:
    return reverse("hashtag", args=[tag])


def test_hashtag_page_lists_what_a_member_may_read(client, world):
    client.force_login(world["member"])
    response = client.get(page_url("RETRO"))
    assert response.status_code == 200
    assert [post.pk for post in response.context["page"].items] == [
        world["asked"].pk,
        world["shown"].pk,
    ]
    body = response.content.decode()
    assert "Retro formats" in body
    assert CANARY not in body
    assert "Hidden one" not in body
    assert "Board" not in body
    # The anonymous question: "A colleague", and no trace of who asked.
    assert "A colleague" in body
    assert reverse("person-profile", args=[world["owner"].pk]) in body  # the other post's author
    item = body.split(f'id="post-{world["asked"].pk}"')[1].split("</li>")[0]
    assert "Olive" not in item
    assert "/people/" not in item


def test_hashtag_page_shows_nothing_of_spaces_i_cannot_read(client, world):
    client.force_login(world["outsider"])
    response = client.get(page_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["page"].items == []
    assert CANARY not in body
    assert "Retro formats" not in body
    # A tag used only in a secret space looks exactly like a tag nobody used.
    unused = client.get(page_url("neverused")).content.decode()
    assert main_of(body).replace("retro", "neverused") == main_of(unused)


def test_hashtag_page_refuses_malformed_tags_and_anonymous_visitors(client, world):
    assert client.get(page_url()).status_code == 302
    client.force_login(world["member"])
    for tag in ["x", "1234", "<script>", "a" * 51, "bad tag"]:
        response = client.get(page_url(tag))
        assert response.status_code == 404, tag
        assert "There is no such hashtag." in response.content.decode()
    assert client.get(page_url() + "?cursor=broken!").status_code == 400


def test_hashtag_page_loads_more_with_htmx(client, world):
    for number in range(21):
        make_post(world["listed"], world["member"], title=f"More {number:02d}", body="#retro")
    client.force_login(world["member"])
    first = client.get(page_url())
    more = first.context["next_url"]
    assert more is not None
    partial = client.get(page_url() + more, headers=HTMX)
    body = partial.content.decode()
    assert "<html" not in body
    assert "Retro formats" in body
    assert "More 20" not in body


@pytest.mark.parametrize("rows", [1, 50])
def test_hashtag_page_query_count_is_flat(client, django_assert_num_queries, world, rows):
    moderator = add_member(world["listed"], role=Role.MODERATOR).person
    for number in range(rows):
        make_post(world["listed"], world["member"], title=f"Post {number}", body="#flat")
    client.force_login(moderator)
    # session, person, page of posts, moderated spaces, my reactions, my read marks, the
    # cards' last comments, my place in their spaces, organisation
    with django_assert_num_queries(9):
        response = client.get(page_url("flat"))
    assert len(response.context["page"].items) == min(rows, 20)


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_hashtag_api_lists_what_a_member_may_read(client, world):
    response = client.get("/api/v1/hashtags/Retro", **bearer(world["member"]))
    assert response.status_code == 200
    data = response.json()
    assert [item["id"] for item in data["items"]] == [world["asked"].pk, world["shown"].pk]
    assert data["next"] is None
    asked = data["items"][0]
    assert asked["author"] is None
    assert asked["author_label"] == "A colleague"
    assert "Olive" not in json.dumps(asked)
    assert CANARY not in response.content.decode()


def test_hashtag_api_shows_nothing_of_spaces_i_cannot_read(client, world):
    response = client.get("/api/v1/hashtags/retro", **bearer(world["outsider"]))
    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


def test_hashtag_api_refuses_bad_requests(client, world):
    assert client.get("/api/v1/hashtags/retro").status_code == 401
    auth = bearer(world["member"])
    for tag in ["x", "1234", "%3Cscript%3E", "a" * 51, "a%00b"]:
        response = client.get(f"/api/v1/hashtags/{tag}", **auth)
        assert response.status_code == 404, tag
        assert response.json()["detail"] == "There is no such hashtag."
    assert client.get("/api/v1/hashtags/retro?limit=500", **auth).status_code == 422
    assert client.get("/api/v1/hashtags/retro?cursor=broken!", **auth).status_code == 400


def test_hashtag_api_pages_with_cursor(client, world):
    auth = bearer(world["member"])
    first = client.get("/api/v1/hashtags/retro?limit=1", **auth).json()
    assert [item["id"] for item in first["items"]] == [world["asked"].pk]
    second = client.get(f"/api/v1/hashtags/retro?limit=1&cursor={first['next']}", **auth).json()
    assert [item["id"] for item in second["items"]] == [world["shown"].pk]
    assert second["next"] is None


@pytest.mark.parametrize("rows", [1, 50])
def test_hashtag_api_query_count_is_flat(client, django_assert_num_queries, world, rows):
    for number in range(rows):
        make_post(world["listed"], world["member"], title=f"Post {number}", body="#flat")
    auth = bearer(world["member"])
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    # token, page of posts, moderated spaces, my reactions, my read marks (no cards'
    # conversation in the API)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/hashtags/flat?limit=100", **auth)
    assert len(response.json()["items"]) == rows
