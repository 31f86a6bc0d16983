"""A search ranks a bounded set of candidates (the newest `CANDIDATES` matches the viewer may
find), however many documents match: the best of them first, pages going on through them, the
last one saying when older documents match too, and the work and the queries staying the same
as matches grow. `CANDIDATES` is made small here so that a few posts outnumber it."""

import pytest
from django.db import connection
from django.urls import reverse

from afterclass.posts.tests.factories import make_post
from afterclass.search import engine, sqlite_fts
from afterclass.search.engine import SearchFilters, search, similar_questions

pytestmark = pytest.mark.django_db

CANDIDATES = 4


@pytest.fixture(autouse=True)
def _few_candidates(monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", CANDIDATES)


def found(results):
    return [hit.document.object_id for hit in results.hits]


def test_search_ranks_every_match_when_there_are_fewer_than_the_candidates(space, member, reindex):
    best = make_post(space, member, title="Kiwi basics", body="Start here.")
    others = [make_post(space, member, title=f"Note {n}", body="About kiwi.") for n in range(2)]
    reindex()
    results = search(member, SearchFilters(q="kiwi"))
    assert found(results)[0] == best.pk  # the oldest, and the best: its title matches
    assert sorted(found(results)[1:]) == sorted(post.pk for post in others)
    assert results.next is None
    assert not results.capped


def test_search_ranks_the_newest_candidates_best_first_and_pages_through_them(
    space, member, reindex
):
    oldest = [make_post(space, member, title="Kiwi basics", body="Old.") for _ in range(3)]
    newer = [make_post(space, member, title=f"Note {n}", body="About kiwi.") for n in range(3)]
    best = make_post(space, member, title="Kiwi tips", body="Kiwi, kiwi.")  # not the newest
    newest = make_post(space, member, title="Note 4", body="About kiwi.")
    reindex()
    first = search(member, SearchFilters(q="kiwi"), limit=3)
    assert found(first)[0] == best.pk
    assert first.next
    assert not first.capped
    second = search(member, SearchFilters(q="kiwi"), cursor=first.next, limit=3)
    assert second.next is None
    assert second.capped  # older documents match too
    shown = found(first) + found(second)
    assert sorted(shown) == sorted([best.pk, newest.pk, *[post.pk for post in newer[1:]]])
    assert not {post.pk for post in oldest} & set(shown)


def test_search_candidates_are_those_the_viewer_may_find(
    space, secret_space, owner, member, reindex
):
    mine = make_post(space, member, title="Note", body="About kiwi.")
    for _ in range(2 * CANDIDATES):
        make_post(secret_space, owner, title="Kiwi secrets", body="Kiwi.")
    reindex()
    results = search(member, SearchFilters(q="kiwi"))
    assert found(results) == [mine.pk]  # newer secret matches take no candidate's place
    assert not results.capped
    assert len(search(owner, SearchFilters(q="kiwi"), limit=10).hits) == CANDIDATES


def test_search_candidates_are_those_the_filters_leave(space, owner, member, reindex):
    question = make_post(space, member, kind="question", title="Kiwi?", body="Which kiwi?")
    for _ in range(2 * CANDIDATES):
        make_post(space, owner, title="Kiwi", body="Kiwi.")
    reindex()
    assert found(search(member, SearchFilters(q="kiwi", kinds=("question",)))) == [question.pk]
    assert [hit.document.object_id for hit in similar_questions(member, "kiwi")] == [question.pk]


@pytest.mark.parametrize("count", [1, 3 * CANDIDATES])
def test_search_computes_relevance_for_the_candidates_only(
    space, member, reindex, monkeypatch, count
):
    if connection.vendor != "sqlite":
        pytest.skip("counts the rows SQLite's bm25() is computed for")
    for number in range(count):
        make_post(space, member, title=f"Kiwi {number}", body="Kiwi.")
    reindex()
    ranked = []
    connection.ensure_connection()
    connection.connection.create_function("counted", 1, lambda score: ranked.append(1) or score)
    monkeypatch.setattr(
        sqlite_fts, "rank_sql", lambda query: ('counted(-bm25("search_fts", 10.0, 1.0))', ())
    )
    results = search(member, SearchFilters(q="kiwi"), limit=2)
    assert len(ranked) == min(count, CANDIDATES)
    ranked.clear()
    search(member, SearchFilters(q="kiwi"), cursor=results.next, limit=2)
    # The next page compares each candidate's relevance with the cursor's, then keeps its own.
    assert len(ranked) <= 2 * min(count, CANDIDATES)


@pytest.mark.parametrize("count", [1, 50])
def test_search_page_query_count_stays_flat_past_the_candidates(
    client, space, member, reindex, django_assert_num_queries, count
):
    for number in range(count):
        make_post(space, member, title=f"Quokka {number}", body="Quokkas smile.")
    reindex()
    client.force_login(member)
    # session, person, organisation (context), the ranked page of ids, the page's rows
    with django_assert_num_queries(5):
        first = client.get(reverse("search"), {"q": "quokka"})
    assert first.status_code == 200


def test_search_page_says_when_older_documents_match_too(client, space, member, reindex):
    for number in range(CANDIDATES + 2):
        make_post(space, member, title=f"Quokka {number}", body="Quokkas smile.")
    reindex()
    client.force_login(member)
    cursor = search(member, SearchFilters(q="quokka"), limit=2).next
    htmx = {"HX-Request": "true"}
    last = client.get(reverse("search"), {"q": "quokka", "cursor": cursor}, headers=htmx)
    html = last.content.decode()
    assert html.count('class="search-hit card"') == CANDIDATES - 2
    assert f"These are the best of the {CANDIDATES} newest matches." in html
    assert "More results" not in html
    api = client.get("/api/v1/search", {"q": "quokka", "cursor": cursor}).json()
    assert len(api["items"]) == CANDIDATES - 2
    assert api["next"] is None


def test_search_after_a_rebuild_still_finds_the_space_and_posts_among_many_comments(
    owner, member, reindex
):
    from afterclass.posts.tests.factories import make_comment
    from afterclass.spaces.tests.factories import add_member, make_space

    club = make_space(owner, name="Kiwi club", slug="kiwi")
    add_member(club, member)
    post = make_post(club, owner, title="Kiwi season", body="When kiwi ripen.")
    for _ in range(2 * CANDIDATES):
        make_comment(post, member, body="Kiwi here too.")
    reindex()
    kinds = [hit.document.source for hit in search(member, SearchFilters(q="kiwi")).hits]
    # Stored last by a rebuild, they are among the newest documents, and rank first.
    assert sorted(kinds[:2]) == ["post", "space"]
    assert kinds[2:] == ["comment"] * (CANDIDATES - 2)


def test_postgresql_bounds_the_ranking_by_the_index_once(space, member, reindex):
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL plan")
    for number in range(3 * CANDIDATES):
        make_post(space, member, title=f"Kiwi {number}", body="Kiwi.")
    reindex()
    with CaptureQueriesContext(connection) as queries:
        search(member, SearchFilters(q="kiwi"))
    (ranking,) = [query["sql"] for query in queries.captured_queries if "ts_rank" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {ranking}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The oldest candidate is found once (an InitPlan, not per row), and bounds the rows read
    # from the entry table's key before any is ranked.
    assert "InitPlan" in plan
    assert "SubPlan" not in plan.split("InitPlan")[0]
    bounded = [line for line in plan.splitlines() if "rowid >= COALESCE(" in line]
    assert bounded
    assert all("Index Cond" in line or "Recheck Cond" in line for line in bounded), plan


def test_sqlite_hands_fts5_the_bound_of_the_candidates(space, member, reindex):
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite plan")
    for number in range(3 * CANDIDATES):
        make_post(space, member, title=f"Kiwi {number}", body="Kiwi.")
    reindex()
    with CaptureQueriesContext(connection) as queries:
        search(member, SearchFilters(q="kiwi"))
    (ranking,) = [query["sql"] for query in queries.captured_queries if "bm25" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {ranking}")
        plan = [(parent, detail) for _, parent, _, detail in cursor.fetchall()]
    # The ranking reads the match list above a rowid (FTS5's ">"), not every match compared with
    # the bound one by one; the oldest candidate is found by reading the list newest first
    # (FTS5's descending order, 192), with no sort.
    scans = [detail for parent, detail in plan if detail.startswith("SCAN search_fts")]
    outer = [detail for parent, detail in plan if parent == 0 and detail in scans]
    assert len(outer) == 1
    assert outer[0].startswith("SCAN search_fts VIRTUAL TABLE INDEX 0:M")
    assert outer[0].endswith(">"), plan
    assert any(detail.startswith("SCAN search_fts VIRTUAL TABLE INDEX 192:") for detail in scans)
