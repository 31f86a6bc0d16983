"""The search API returns plain text with the ranges of the matched words, like every other
endpoint returns text, never escaped HTML; pages keep their escaped HTML with <mark>."""

import pytest

from afterclass.posts.tests.factories import make_post
from afterclass.search.snippets import SNIPPET_WORDS, Marked, mark_matches
from afterclass.search.text import parse_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def marked_words(text, ranges):
    return [text[item["start"] : item["end"]] for item in ranges]


def test_api_hit_is_plain_text_with_highlight_ranges(signed_in, space, member, reindex):
    make_post(
        space, member, title="<img src=x> Naïve quokka & co",
        body='Try <script>alert("quokka")</script> & "quotes"; quokkas too.',
    )  # fmt: skip
    reindex()

    item = signed_in.get("/api/v1/search", {"q": "quokka*"}).json()["items"][0]

    assert item["title"] == "<img src=x> Naïve quokka & co"
    assert marked_words(item["title"], item["title_highlights"]) == ["quokka"]
    assert item["snippet"] == 'Try <script>alert("quokka")</script> & "quotes"; quokkas too.'
    assert marked_words(item["snippet"], item["snippet_highlights"]) == ["quokka", "quokkas"]
    assert "&lt;" not in item["title"] + item["snippet"]
    assert "<mark>" not in item["title"] + item["snippet"]


def test_api_snippet_ranges_count_in_the_cut_text(signed_in, space, member, reindex):
    words = [f"w{number}" for number in range(SNIPPET_WORDS * 2)]
    words[SNIPPET_WORDS] = "quokka"
    make_post(space, member, title="Long one", body=" ".join(words))
    reindex()

    item = signed_in.get("/api/v1/search", {"q": "quokka"}).json()["items"][0]

    assert item["snippet"].startswith("…")
    assert item["snippet"].endswith("…")
    assert marked_words(item["snippet"], item["snippet_highlights"]) == ["quokka"]
    assert item["title_highlights"] == []


def test_marked_text_renders_the_same_escaped_html_as_pages_show():
    marked = mark_matches("<b>Quokka</b> & quokka", parse_query("quokka"))

    assert marked == Marked("<b>Quokka</b> & quokka", ((3, 9), (16, 22)))
    assert marked.html == "&lt;b&gt;<mark>Quokka</mark>&lt;/b&gt; &amp; <mark>quokka</mark>"


def test_page_results_still_mark_words_in_escaped_html(signed_in, space, member, reindex):
    make_post(space, member, title="<i>Quokka</i> facts", body="Facts.")
    reindex()

    html = signed_in.get("/search/", {"q": "quokka"}).content.decode()

    assert "&lt;i&gt;<mark>Quokka</mark>&lt;/i&gt; facts" in html


def test_api_finds_a_poll_and_names_its_kind(signed_in, owner, member, reindex):
    from afterclass.polls.tests.factories import make_poll
    from afterclass.spaces.tests.factories import add_member, make_space

    community = make_space(owner, name="Excel circle", slug="circle")  # takes polls
    add_member(community, member)
    make_poll(community, member, question="Which spreadsheet topic next?")
    reindex()
    response = signed_in.get("/api/v1/search", {"q": "spreadsheet"})
    assert response.status_code == 200
    assert [item["kind"] for item in response.json()["items"]] == ["poll"]
    page = signed_in.get("/search/", {"q": "spreadsheet", "kind": "poll"})
    assert page.status_code == 200
    assert "Which <mark>spreadsheet</mark> topic next?" in page.content.decode()
