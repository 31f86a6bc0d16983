"""The engine: matching, ranking, snippets, phrases, prefixes, accents, case, filters, pages
and bad queries, on whichever backend the tests run on (SQLite or PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.attachments.tests.factories import make_upload
from afterclass.core.errors import InvalidInput
from afterclass.posts.actions import do_accept_answer, do_react
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.engine import SearchFilters, search, similar_questions
from afterclass.search.tests.files import upload_text
from afterclass.search.text import EMPTY_HINT, NOTHING_TO_FIND_HINT

pytestmark = pytest.mark.django_db


def titles(viewer, q, **filters):
    return [hit.document.title for hit in search(viewer, SearchFilters(q=q, **filters)).hits]


def age(post, days):
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_search_finds_a_post_by_a_word_of_its_body(space, member, reindex):
    make_post(space, member, title="Pivot tables", body="Summarise rows with a pivot.")
    reindex()
    assert titles(member, "summarise") == ["Pivot tables"]


def test_search_finds_an_image_post_by_its_caption_and_alt_text(space, member, reindex):
    picture = make_upload(member)
    make_post(
        space, member, kind="image", title="", body="Our new whiteboard wall.",
        attachments=[picture.pk], alt_texts=["Sticky notes shaped like a giraffe"],
    )  # fmt: skip
    reindex()
    assert [hit.document.kind for hit in search(member, SearchFilters(q="giraffe")).hits] == [
        "image"
    ]
    assert len(search(member, SearchFilters(q="whiteboard")).hits) == 1


def test_search_finds_a_post_by_its_hashtag(space, member, reindex):
    make_post(space, member, title="First week", body="Tips for new starters #onboarding")
    reindex()
    assert titles(member, "#onboarding") == ["First week"]
    assert titles(member, "onboarding") == ["First week"]


def test_search_ranks_a_title_match_above_a_body_match(space, member, reindex):
    make_post(space, member, title="Weekly notes", body="We talked about forecasting today.")
    make_post(space, member, title="Forecasting basics", body="Start with the past year.")
    reindex()
    assert titles(member, "forecasting") == ["Forecasting basics", "Weekly notes"]


def test_search_ranks_recent_above_old_at_equal_relevance(space, member, reindex):
    old = make_post(space, member, title="Budget review", body="Same words.")
    make_post(space, member, title="Budget review again", body="Same words.")
    new = make_post(space, member, title="Budget review", body="Same words.")
    age(old, 30)
    reindex()
    hits = search(member, SearchFilters(q="budget review", kinds=("discussion",))).hits
    same = [hit.document.object_id for hit in hits if hit.document.title == "Budget review"]
    assert same == [new.pk, old.pk]


def test_search_ranks_an_accepted_answer_above_another(space, owner, member, reindex):
    question = make_post(space, owner, kind="question", title="Which chart?", body="")
    first = make_comment(question, member, body="A bar chart shows totals well.")
    second = make_comment(question, owner, body="A bar chart shows totals well.")
    do_accept_answer(question, second, actor=owner)
    age_comment = first  # the older one; acceptance must still win over recency
    reindex()
    hits = search(member, SearchFilters(q="bar chart", kinds=("answer",))).hits
    assert [hit.document.object_id for hit in hits] == [second.pk, age_comment.pk]
    assert hits[0].document.is_accepted


def test_search_ranks_helped_reactions_higher(space, owner, member, reindex):
    plain = make_post(space, owner, title="Meeting tips", body="Keep it short.")
    helpful = make_post(space, owner, title="Meeting tips", body="Keep it short.")
    do_react(post=helpful, actor=member, kind="helped")
    age(helpful, 10)  # older, yet helped counts for more than a few days
    reindex()
    hits = search(member, SearchFilters(q="meeting tips")).hits
    assert [hit.document.object_id for hit in hits] == [helpful.pk, plain.pk]


def test_search_snippet_marks_matched_words_and_cuts_long_text(space, member, reindex):
    filler = " ".join(f"word{n}" for n in range(200))
    make_post(space, member, title="Long one", body=f"{filler} the Retrospective format {filler}")
    reindex()
    hit = search(member, SearchFilters(q="retrospective")).hits[0]
    assert "<mark>Retrospective</mark>" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) < 400


def test_search_snippets_escape_what_people_wrote(space, member, reindex):
    make_post(
        space, member, title="<img src=x onerror=alert(1)> xsscheck",
        body='Try <script>alert("xsscheck")</script> & "quotes"',
    )  # fmt: skip
    reindex()
    hit = search(member, SearchFilters(q="xsscheck")).hits[0]
    assert "<script" not in hit.snippet
    assert "<img" not in hit.title
    assert str(hit.title) == "&lt;img src=x onerror=alert(1)&gt; <mark>xsscheck</mark>"
    assert "<mark>xsscheck</mark>" in hit.snippet


def test_search_matches_a_phrase_only_in_that_order(space, member, reindex):
    make_post(space, member, title="One", body="We use the data warehouse daily.")
    make_post(space, member, title="Two", body="The warehouse holds data.")
    reindex()
    assert titles(member, '"data warehouse"') == ["One"]
    assert sorted(titles(member, "data warehouse")) == ["One", "Two"]


def test_search_matches_a_prefix(space, member, reindex):
    make_post(space, member, title="Visualisation", body="Charts and more.")
    make_post(space, member, title="Visual board", body="Pictures.")
    make_post(space, member, title="Vision", body="Where we go.")
    reindex()
    assert sorted(titles(member, "visual*")) == ["Visual board", "Visualisation"]
    assert titles(member, "visual") == ["Visual board"]


def test_search_combines_a_phrase_a_word_and_a_prefix_in_one_query(space, member, reindex):
    make_post(space, member, title="One", body="The data warehouse feeds visualisations weekly.")
    make_post(space, member, title="Two", body="The warehouse data feeds visualisations weekly.")
    make_post(space, member, title="Three", body="The data warehouse feeds reports weekly.")
    reindex()
    assert titles(member, '"data warehouse" weekly visual*') == ["One"]
    assert sorted(titles(member, "weekly visual*")) == ["One", "Two"]


def test_postgresql_matches_words_and_phrases_with_websearch_to_tsquery(space, member, reindex):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's SQL")
    make_post(space, member, title="One", body="Pivot tables and pivoting")
    reindex()
    with CaptureQueriesContext(connection) as queries:
        assert titles(member, '"pivot tables" piv*') == ["One"]
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "websearch_to_tsquery('simple', '\"pivot tables\"')" in sql
    assert "to_tsquery('simple', '''piv'':*')" in sql  # websearch has no prefix syntax


def test_search_ignores_accents_and_case(space, member, reindex):
    make_post(space, member, title="Café culture", body="Naïve questions welcome.")
    reindex()
    assert titles(member, "cafe") == ["Café culture"]
    assert titles(member, "CAFÉ") == ["Café culture"]
    assert titles(member, "naive") == ["Café culture"]
    hit = search(member, SearchFilters(q="naive")).hits[0]
    assert "<mark>Naïve</mark>" in hit.snippet


def test_search_gives_a_hint_for_an_empty_query(space, member):
    results = search(member, SearchFilters(q="   "))
    assert results.hits == []
    assert results.hint == EMPTY_HINT


@pytest.mark.parametrize("q", ["?!", "…", "--- ***", '""'])
def test_search_gives_a_hint_for_punctuation_only(space, member, reindex, q):
    make_post(space, member, title="Anything", body="At all.")
    reindex()
    results = search(member, SearchFilters(q=q))
    assert results.hits == []
    assert "punctuation" in results.hint


def test_search_gives_a_hint_for_common_words_only(space, member, reindex):
    make_post(space, member, title="The way it is", body="What is this?")
    reindex()
    results = search(member, SearchFilters(q="the is it"))
    assert results.hits == []
    assert results.hint == NOTHING_TO_FIND_HINT
    # Quoted, common words are a phrase and are searched.
    assert titles(member, '"the way it is"') == ["The way it is"]


def test_search_refuses_a_query_over_1000_characters(member):
    with pytest.raises(InvalidInput) as refused:
        search(member, SearchFilters(q="a" * 1001))
    assert refused.value.field == "q"
    assert "1000 characters" in refused.value.message


def test_search_filters_by_kind_space_author_and_answered(
    space, secret_space, owner, member, reindex
):
    from afterclass.spaces.tests.factories import add_member

    add_member(secret_space, member)
    answered = make_post(space, owner, kind="question", title="Filter answered?", body="")
    make_comment(answered, member, body="Yes, filter it.")
    make_post(space, member, kind="question", title="Filter open?", body="")
    make_post(secret_space, member, title="Filter elsewhere", body="Some text.")
    reindex()
    assert sorted(titles(member, "filter", kinds=("question",))) == [
        "Filter answered?",
        "Filter open?",
    ]
    assert titles(member, "filter", answered=True) == ["Filter answered?"]
    assert titles(member, "filter", answered=False) == ["Filter open?"]
    assert titles(member, "filter", space=secret_space) == ["Filter elsewhere"]
    assert sorted(titles(member, "filter", author=owner.pk)) == ["Filter answered?"]


def test_search_filters_by_date_range_and_files(space, member, reindex):
    old = make_post(space, member, title="Report old", body="Some text.")
    make_post(space, member, title="Report new", body="Some text.")
    upload = upload_text(member, "Some report notes")
    make_post(space, member, kind="resource", title="Report file", attachments=[upload.pk])
    age(old, 40)
    reindex()
    today = timezone.localdate()
    found = titles(member, "report", after=today - timedelta(days=1), kinds=("discussion",))
    assert found == ["Report new"]
    assert titles(member, "report", before=today - timedelta(days=30)) == ["Report old"]
    assert sorted(titles(member, "report", has_files=True)) == ["Report file", "notes.txt"]


def test_search_pages_with_a_cursor_without_repeats(space, member, reindex):
    for number in range(7):
        make_post(space, member, title=f"Paging {number}", body="paging")
    reindex()
    seen = []
    cursor = None
    while True:
        results = search(member, SearchFilters(q="paging"), cursor=cursor, limit=3)
        seen += [hit.document.object_id for hit in results.hits]
        cursor = results.next
        if cursor is None:
            break
    assert len(seen) == 7
    assert len(set(seen)) == 7


def test_search_refuses_a_broken_cursor(space, member, reindex):
    make_post(space, member, title="Paging", body="Some text.")
    reindex()
    with pytest.raises(InvalidInput):
        search(member, SearchFilters(q="paging"), cursor="not-a-cursor")


def test_similar_questions_lists_answered_ones_first(space, owner, member, reindex):
    open_one = make_post(space, owner, kind="question", title="How to export a report to Excel?")
    answered = make_post(space, owner, kind="question", title="Export report as PDF?", body="")
    make_comment(answered, member, body="Use the print button.")
    make_post(space, owner, title="Excel report export tips", body="Not a question.")
    reindex()
    hits = similar_questions(member, "How do I export my report")
    assert [hit.document.object_id for hit in hits] == [answered.pk, open_one.pk]
    assert similar_questions(member, "?!") == []


def test_similar_questions_leave_out_what_the_viewer_cannot_see(
    secret_space, owner, member, reindex
):
    make_post(secret_space, owner, kind="question", title="Export the board pack?", body="")
    reindex()
    assert similar_questions(member, "export board pack") == []
