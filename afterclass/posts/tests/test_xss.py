"""An XSS corpus pushed through titles, bodies, comments and replies by the actions: nothing
that runs script survives into the stored HTML or into the pages that show it.

Escaped text is harmless (`&lt;script&gt;` shows the characters), so the checks read the HTML
as a browser would: the elements and attributes it makes, not the words in its text.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from afterclass.core.errors import InvalidInput
from afterclass.core.markdown import render_markdown
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

# The scripts the site's layout loads on every page (htmx and our own, all by URL).
LAYOUT_SCRIPTS = (
    (Path(__file__).parents[2] / "templates" / "base.html").read_text().lower().count("<script")
)

PAYLOADS = [
    # Script tags
    "<script>alert('xss-1')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert('xss-3')</scr</script>ipt>",
    "<script\n>alert('xss-4')</script\n>",
    "<<script>script>alert('xss-5')<</script>/script>",
    "```html\n<script>alert('xss-6')</script>\n```",
    "`<script>alert('xss-7')</script>`",
    # Event handlers
    '<img src=x onerror="alert(8)">',
    "<body onload=alert(9)>",
    '<a href="https://example.org" onclick="alert(10)">x</a>',
    "<div onmouseover='alert(11)'>hover</div>",
    "<input autofocus onfocus=alert(12)>",
    "<details open ontoggle=alert(13)>",
    "<p/onclick=alert(14)>x</p>",
    "<img src=x onerror=alert(15)//",
    '<a href="https://example.org"\nonmouseover="alert(16)">x</a>',
    # javascript: and data: links, markdown and HTML
    "[click](javascript:alert(17))",
    "[click](JaVaScRiPt:alert(18))",
    "[click](  javascript:alert(19)  )",
    "[click](java\tscript:alert(20))",
    "[click](&#106;avascript:alert(21))",
    "[click](&#x6A;&#x61;&#x76;&#x61;script:alert(22))",
    "[click](javascript&colon;alert(23))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgyNCk8L3NjcmlwdD4=)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjUpPg==)",
    "![img](javascript:alert(26))",
    "<javascript:alert(27)>",
    "[ref]: javascript:alert(28)\n\n[click][ref]",
    "[ref]: data:text/html,<script>alert(29)</script>\n\n[click][ref]",
    '<a href="javascript:alert(30)">x</a>',
    '<a href="data:text/html,<script>alert(31)</script>">x</a>',
    "[click](vbscript:msgbox(32))",
    '<form action="javascript:alert(33)"><button>go</button></form>',
    # SVG, iframes, style, objects
    "<svg onload=alert(34)>",
    "<svg><script>alert(35)</script></svg>",
    '<svg><a xlink:href="javascript:alert(36)"><text>x</text></a></svg>',
    '<iframe src="javascript:alert(37)"></iframe>',
    '<iframe srcdoc="<script>alert(38)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(39))}</style>",
    '<p style="background:url(javascript:alert(40))">x</p>',
    '<object data="data:text/html,<script>alert(41)</script>"></object>',
    '<embed src="javascript:alert(42)">',
    '<math><mi xlink:href="javascript:alert(43)">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(44)">',
    '<base href="javascript:alert(45)//">',
    # Malformed markdown and nested quotes
    '[x](https://example.org "title" onmouseover="alert(46)")',
    '[x](https://example.org"onmouseover="alert(47))',
    "> <script>alert(48)</script>\n> > <img src=x onerror=alert(48)>",
    "> > > [deep](javascript:alert(49))",
    "- <svg/onload=alert(50)>\n  - [x](javascript:alert(50))",
    "| a | b |\n|---|---|\n| <script>alert(51)</script> | [x](javascript:alert(51)) |",
    '"><script>alert(52)</script>',
    "'\"><img src=x onerror=alert(53)>",
    "**<img src=x onerror=alert(54)>**",
    "[<img src=x onerror=alert(55)>](https://example.org)",
    '!["onerror="alert(56)](x)',
    "[x](https://example.org)<!--<script>alert(57)</script>-->",
    "<!--><script>alert(58)</script>-->",
    # Entity and unicode tricks
    "&lt;script&gt;alert(59)&lt;/script&gt;",
    "&#60;script&#62;alert(60)&#60;/script&#62;",
    "[x](jav&#x09;ascript:alert(61))",
    "[x](\u006aavascript:alert(62))",
    "[x](\uff4aavascript:alert(63))",  # a full-width j
    "<scr\u0131pt>alert(64)</scr\u0131pt>",
    "[x](java\u200bscript:alert(65))",
    "\u202e<script>alert(66)</script>",
    "[x](%6A%61%76%61%73%63%72%69%70%74:alert(67))",
    "\x00<script>alert(68)</script>",
    '<img src="x" \x0conerror=alert(69)>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(70)">x</a>',
]

FORBIDDEN_TAGS = {
    "script", "svg", "iframe", "style", "object", "embed", "math", "base", "frame", "frameset",
    "applet", "img", "form", "input", "button", "details", "body", "meta", "link", "textarea",
    "select", "video", "audio", "source",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster",
    "background", "content", "srcset",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
# Inside a tag (between < and >): a handler, a script URL, or a data URL.
BAD_INSIDE_TAG = re.compile(r"\son[a-z]+\s*=|javascript:|vbscript:|data:", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def _scheme_of(value: str) -> str:
    # Browsers skip whitespace and control characters when they read a URL's scheme.
    return "".join(ch for ch in value if ord(ch) > 0x20).lower()


class Elements(HTMLParser):
    """The elements and attributes a browser would make of some HTML (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


MANIFEST = "/manifest.webmanifest"


def unsafe_parts(html: str, *, page: bool = False) -> list[str]:
    """What in `html` could run script; a page may load our own scripts and stylesheets."""
    parser = Elements()
    parser.feed(html)
    parser.close()
    found = [f"inline script: {text[:60]}" for text in parser.script_text]
    for tag, attrs in parser.tags:
        values = dict(attrs)
        ours = page and (
            (tag == "script" and (values.get("src") or "").startswith("/static/"))
            or (tag == "link" and (values.get("href") or "").startswith("/static/"))
            # The web app manifest, served by our own view (afterclass.webapp).
            or (tag == "link" and (values.get("rel"), values.get("href")) == ("manifest", MANIFEST))
            or (tag == "meta" and "http-equiv" not in values)
            or tag in {"form", "input", "button", "textarea", "select", "body", "img", "details"}
        )
        if tag in FORBIDDEN_TAGS and not ours:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                found.append(f"<{tag} {name}=>")
            if name in URL_ATTRIBUTES and _scheme_of(value or "").startswith(BAD_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
    if not page:
        found += [tag for tag in TAG.findall(html) if BAD_INSIDE_TAG.search(tag)]
        lowered = html.lower()
        found += [f"raw {t}" for t in ("<script", "<svg", "<iframe", "<style") if t in lowered]
    return found


def test_unsafe_parts_finds_what_it_looks_for():
    # The checker itself must be able to fail, or the corpus proves nothing.
    assert unsafe_parts("<p>fine &lt;script&gt; javascript:alert(1) onerror=x</p>") == []
    for html in (
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" &#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<img src="x" onerror="alert(1)">',
        "<svg></svg>",
        "<iframe></iframe>",
        "<style>p{}</style>",
        '<p style="color:red">x</p>',
    ):
        assert unsafe_parts(html), html
    assert unsafe_parts('<script src="/static/afterclass/htmx.min.js"></script>', page=True) == []
    assert unsafe_parts("<script>alert(1)</script>", page=True)


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_keeps_no_payload(payload):
    assert unsafe_parts(render_markdown(payload)) == []


@pytest.fixture
def space(admin):
    return make_space(admin)


@pytest.fixture
def author(space):
    return add_member(space).person


# A NUL cannot be stored (PostgreSQL refuses it), so the actions refuse such text outright.
STORABLE = [payload for payload in PAYLOADS if "\x00" not in payload]


def test_text_with_a_nul_is_refused_and_nothing_is_stored(space, author):
    post = make_post(space, author)
    for payload in set(PAYLOADS) - set(STORABLE):
        with pytest.raises(InvalidInput, match="null character"):
            make_post(space, author, title="Hello", body=payload)
        with pytest.raises(InvalidInput, match="null character"):
            make_post(space, author, title=payload, body="Hello")
        with pytest.raises(InvalidInput, match="null character"):
            make_comment(post, author, body=payload)
    assert Post.objects.count() == 1
    assert not Comment.objects.exists()


def post_everything(space, author, replier):
    """Every payload as a post's title and body, an answer, a comment and a reply."""
    for number, payload in enumerate(STORABLE):
        kind = "question" if number % 2 else "discussion"
        post = make_post(space, author, kind=kind, title=payload[:200], body=payload)
        comment = make_comment(post, replier, body=payload)
        make_comment(post, author, body=payload, parent=comment)


def test_posts_and_comments_store_no_payload(space, author):
    replier = add_member(space).person

    post_everything(space, author, replier)

    assert Post.objects.count() == Comment.objects.count() / 2 == len(STORABLE)
    for post in Post.objects.all():
        assert unsafe_parts(post.body_html) == [], post.body
    for comment in Comment.objects.all():
        assert unsafe_parts(comment.body_html) == [], comment.body


def test_updates_store_no_payload(admin, author):
    tips = make_space(admin, name="Tips", template=Template.TIPS)
    add_member(tips, author)

    for payload in STORABLE:
        post = make_post(tips, author, kind="update", title="", body=payload)
        assert unsafe_parts(post.body_html) == [], payload


def assert_page_safe(response, *, shows: str | None = None):
    assert response.status_code == 200
    html = response.content.decode()
    if shows is not None:  # the payload did reach the page, as text
        assert escape(shows) in html
    problems = unsafe_parts(html, page=True)
    assert problems == []
    # Our own layout loads its scripts by URL from our static folder; no payload adds another.
    lowered = html.lower()
    ours = lowered.count('<script src="/static/')
    assert lowered.count("<script") == ours == LAYOUT_SCRIPTS


def test_pages_show_no_payload(client, space, author):
    replier = add_member(space).person
    post_everything(space, author, replier)
    client.force_login(replier)

    assert_page_safe(client.get(reverse("space-home", args=[space.slug])))
    assert_page_safe(client.get(reverse("home-feed")))
    for post in Post.objects.all():
        page = client.get(reverse("post-detail", args=[post.pk]))
        assert_page_safe(page, shows=post.title)


def test_stream_feed_shows_no_payload(client, admin, author):
    tips = make_space(admin, name="Tips", template=Template.TIPS)
    add_member(tips, author)
    for payload in STORABLE:
        make_post(tips, author, kind="update", title="", body=payload)
    client.force_login(author)

    assert_page_safe(client.get(reverse("space-home", args=[tips.slug])))
