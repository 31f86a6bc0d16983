"""@mentions: what counts as one, who it links to, what is recorded, and that a mention of
someone who cannot see the space is plain text and leaves no trace."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_comment, do_edit_comment, do_edit_post
from afterclass.posts.mentions import parse_handles, render_text
from afterclass.posts.models import Mention
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import MembershipState, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

# --- Parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("Thanks @zara.byrne!", ["zara.byrne"]),
        ("@Zara.Byrne, @zara.byrne and @ZARA.BYRNE.", ["zara.byrne"]),
        ("(@sam_k) @lee-o; @ann+l10n?", ["sam_k", "lee-o", "ann+l10n"]),
        ("Ask @zara.", ["zara"]),
        ("Mail zara.byrne@example.org or a@b.co", []),
        ("@zara@example.org is an address", []),
        ("https://medium.com/@zara and example.org/@lee", []),
        ("@zoë and zoë@x and ö@lee", []),
        ("@ alone, @. and @", []),
        ('@"onmouseover=alert(1)', []),
        ("@<script>alert(1)</script>", []),
        ("@" + "a" * 65 + " is too long", []),
        ("", []),
    ],
)
def test_parse_handles_finds_mentions_and_leaves_the_rest(text, handles):
    assert parse_handles(text) == handles


# --- Linking and recording ------------------------------------------------------------------


class _Links(HTMLParser):
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


def profile(person) -> str:
    return reverse("person-profile", args=[person.pk])


@pytest.fixture
def space(db):
    return make_space(name="Data skills", slug="data-skills")


@pytest.fixture
def author(space):
    return add_member(space, PersonFactory(email="ada.author@example.org")).person


@pytest.fixture
def zara(space):
    return add_member(space, PersonFactory(email="zara.byrne@example.org")).person


@pytest.fixture
def outsider(db):
    return PersonFactory(email="otto@example.org")


def mentioned_in(**target) -> list[int]:
    return sorted(Mention.objects.filter(**target).values_list("person_id", flat=True))


def test_mention_of_a_member_links_to_their_profile_and_is_recorded(space, author, zara):
    post = make_post(space, author, body="Over to you, @Zara.Byrne.")
    assert links_of(post.body_html).hrefs == [profile(zara)]
    assert f'<a class="mention" href="{profile(zara)}"' in post.body_html
    assert ">@Zara.Byrne</a>." in post.body_html
    assert mentioned_in(post=post) == [zara.pk]


def test_mention_of_someone_who_cannot_see_the_space_is_plain_text(space, author, outsider):
    pending = add_member(
        space, PersonFactory(email="pat.pending@example.org"), state=MembershipState.PENDING
    ).person
    left = add_member(
        space, PersonFactory(email="lee.left@example.org"), state=MembershipState.LEFT
    ).person
    post = make_post(space, author, body="cc @otto @pat.pending @lee.left @nobody")
    assert "cc @otto @pat.pending @lee.left @nobody" in post.body_html
    assert links_of(post.body_html).hrefs == []
    for person in (outsider, pending, left):
        assert profile(person) not in post.body_html
    assert not Mention.objects.exists()


def test_mention_in_a_secret_space_reaches_only_members(db, author, outsider):
    secret = make_space(name="Board", slug="board", visibility=Visibility.SECRET)
    add_member(secret, author)
    member = add_member(secret, PersonFactory(email="mo@example.org")).person
    post = make_post(secret, author, body="@mo and @otto")
    assert links_of(post.body_html).hrefs == [profile(member)]
    assert mentioned_in(post=post) == [member.pk]


def test_mention_of_an_organisation_admin_is_linked(space, author):
    admin = PersonFactory(email="ida.admin@example.org", is_org_admin=True)
    post = make_post(space, author, body="@ida.admin please look")
    assert links_of(post.body_html).hrefs == [profile(admin)]
    assert mentioned_in(post=post) == [admin.pk]


def test_mention_of_a_deactivated_or_ambiguous_person_is_plain_text(space, author):
    gone = add_member(space, PersonFactory(email="gone@example.org", is_active=False)).person
    add_member(space, PersonFactory(email="sam@example.org"))
    add_member(space, PersonFactory(email="sam@example.com"))
    post = make_post(space, author, body="@gone and @sam")
    assert links_of(post.body_html).hrefs == []
    assert profile(gone) not in post.body_html
    assert not Mention.objects.exists()


def test_mentions_in_code_links_and_addresses_are_left_alone(space, author, zara):
    text = (
        "`@zara.byrne` and\n\n```\n@zara.byrne\n```\n\n[@zara.byrne](https://example.org) "
        "and zara.byrne@example.org"
    )
    post = make_post(space, author, body=text)
    assert links_of(post.body_html).hrefs == ["https://example.org"]
    assert not Mention.objects.exists()


def test_edit_post_replaces_mentions(space, author, zara):
    lee = add_member(space, PersonFactory(email="lee@example.org")).person
    post = make_post(space, author, body="@zara.byrne what do you think?")
    first = Mention.objects.get(post=post, person=zara)
    do_edit_post(post, actor=author, body="@zara.byrne and @lee, what do you think?")
    assert mentioned_in(post=post) == sorted([zara.pk, lee.pk])
    assert Mention.objects.get(post=post, person=zara).pk == first.pk  # kept, not renewed
    do_edit_post(post, actor=author, body="@lee only")
    assert mentioned_in(post=post) == [lee.pk]
    assert profile(zara) not in post.body_html


def test_comment_mentions_are_recorded_and_replaced_on_edit(space, author, zara, outsider):
    post = make_post(space, author, body="A post")
    comment = do_comment(post, actor=author, body="@zara.byrne and @otto")
    assert links_of(comment.body_html).hrefs == [profile(zara)]
    assert mentioned_in(comment=comment) == [zara.pk]
    assert mentioned_in(post=post) == []
    do_edit_comment(comment, actor=author, body="never mind, @otto")
    assert mentioned_in(comment=comment) == []
    assert links_of(comment.body_html).hrefs == []


XSS = [
    '@"onmouseover=alert(1)',
    "@zara.byrne\"onmouseover='alert(2)'",
    "@zara.byrne<script>alert(3)</script>",
    "@zara.byrne<img src=x onerror=alert(4)>",
    "[@zara.byrne](javascript:alert(5))",
    "@zara.byrne[x](javascript:alert(6))",
    "<a href='x' onclick='alert(7)'>@zara.byrne</a>",
    "@javascript:alert(8)",
    "`@zara.byrne<svg onload=alert(9)>`",
    '@zara.byrne&lt;script&gt;alert(10) #tag"><script>alert(11)</script>',
]


@pytest.mark.parametrize("payload", XSS)
def test_mentions_never_carry_script_into_html(space, zara, payload):
    html = str(render_text(payload, space).html)
    found = links_of(html)
    assert found.tags <= {"p", "a", "code"}
    assert found.attributes <= {"href", "class", "rel"}
    allowed = (profile(zara), "/hashtags/")
    assert all(href.startswith(allowed) for href in found.hrefs), found.hrefs


def test_render_text_resolves_every_mention_in_one_query(space, zara, django_assert_num_queries):
    others = [add_member(space).person for _ in range(5)]
    handles = " ".join(f"@{person.email.split('@')[0]}" for person in [zara, *others])
    with django_assert_num_queries(1):
        rendered = render_text(f"{handles} @nobody", space)
    assert {person.pk for person in rendered.mentioned} == {p.pk for p in [zara, *others]}
