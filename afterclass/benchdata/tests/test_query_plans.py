"""Every key page and API list, requested as the person who uses it against the tier-S data set,
has no full scan of a big table in the plans of the SQL it runs (afterclass.benchdata.plans says
what counts as one). A failure names the page, the statement and its plan."""

import html
import re
import time
import urllib.parse
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client

from afterclass.benchdata.cast import Cast, find_cast
from afterclass.benchdata.generate import generate
from afterclass.benchdata.plans import (
    BIG_TABLES,
    FullScan,
    Statement,
    analyze,
    capture,
    explain,
    explain_all,
    postgresql_full_scans,
    sqlite_full_scans,
    sqlite_name_tables,
)
from afterclass.benchdata.tiers import TIERS
from afterclass.people.actions.tokens import do_create_access_token
from afterclass.posts.models import Post
from afterclass.spaces.models import Space

# bench/pages.py's searches: a rare word of the generated text, a common one, a topic's prefix.
SEARCHES = {"rare": "kaizen", "common": "learning", "prefix": "retro*"}
MORE_LINK = re.compile(r'<li class="more"><a href="([^"]+)"')


@pytest.fixture(scope="module")
def tier_s(django_db_setup, django_db_blocker):
    """The tier-S data set with fresh statistics, once for the module, rolled back after it."""
    with django_db_blocker.unblock():
        started = time.monotonic()
        with transaction.atomic():
            # Ending now, as `afterclass bench generate` does: the pages' date windows (the last
            # 28 days of insights) hold data, so the planner sees the rows a real one would.
            generate(TIERS["s"], seed=1)
            analyze()
            cast = find_cast()
            print(f"\ntier S generated and analysed in {time.monotonic() - started:.1f} s")
            yield cast
            transaction.set_rollback(True)


@dataclass(frozen=True)
class Page:
    key: str
    who: str  # member, owner, admin: a session; token: the member's API token
    path: str
    follow_more: bool = False  # the second page: the first page's "more" link or API cursor


def q(name: str) -> str:
    return "/search/?q=" + urllib.parse.quote(SEARCHES[name])


PAGES = [
    Page("feed", "member", "/feed/"),
    Page("feed-page-2", "member", "/feed/", follow_more=True),
    Page("space-home", "member", "/spaces/{space}/"),
    Page("post-largest-thread", "member", "/posts/{post}/"),
    Page("post-largest-thread-page-2", "member", "/posts/{post}/", follow_more=True),
    Page("search-rare", "member", q("rare")),
    Page("search-common", "member", q("common")),
    Page("search-prefix", "member", q("prefix")),
    Page("my-learning", "member", "/learning/"),
    Page("notifications", "member", "/notifications/"),
    Page("space-insights", "owner", "/spaces/{space}/insights/"),
    Page("org-insights", "admin", "/insights/"),
    Page("api-feed", "token", "/api/v1/feed"),
    Page("api-feed-page-2", "token", "/api/v1/feed", follow_more=True),
    Page("api-spaces", "token", "/api/v1/spaces"),
    Page("api-space-posts", "token", "/api/v1/spaces/{space}/posts"),
]


def client_for(page: Page, cast: Cast) -> Client:
    if page.who == "token":
        _, raw = do_create_access_token(cast.member, "plans", actor=cast.member)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client = Client()
    client.force_login(getattr(cast, page.who))
    return client


def second_page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    if path.startswith("/api/"):
        cursor = response.json()["next"]
        assert cursor, f"{path} has a single page"
        return f"{path}?{urllib.parse.urlencode({'cursor': cursor})}"
    found = MORE_LINK.search(response.content.decode())
    assert found, f"{path} has no link to more"
    return urllib.parse.urljoin(path, html.unescape(found.group(1)))


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[page.key for page in PAGES])
def test_page_reads_no_big_table_in_full(tier_s, page):
    client = client_for(page, tier_s)
    path = page.path.format(space=tier_s.space, post=tier_s.post)
    if page.follow_more:
        path = second_page(client, path)
    with capture() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    plans = explain_all(statements)
    assert plans, f"{path} ran no SQL"
    failing = [plan for plan in plans if plan.full_scans]
    assert not failing, (
        f"{page.key} ({path}, as {page.who}) reads a big table in full on {connection.vendor}, "
        f"in {len(failing)} of its {len(plans)} statements:\n"
        + "\n".join(plan.describe() for plan in failing)
    )


# --- The rule itself: it fails where it should, on the real database and on known plans ------


@pytest.mark.django_db
def test_explain_flags_a_lookup_on_an_unindexed_column(tier_s):
    with capture() as statements:
        list(Post.objects.filter(title="no such title"))
    (plan,) = explain_all(statements)
    assert [scan.table for scan in plan.full_scans] == ["posts_post"], "\n".join(plan.lines)


@pytest.mark.django_db
def test_explain_flags_an_unindexed_lookup_in_a_subquery(tier_s):
    # Spaces named like a post's title: no index on the title, so every post is read. On SQLite
    # the subquery's posts_post is "U0" in the plan; the rule still knows the table.
    titles = Post.objects.filter(is_anonymous=False).values("title")
    with capture() as statements:
        list(Space.objects.filter(name__in=titles))
    (plan,) = explain_all(statements)
    assert [scan.table for scan in plan.full_scans] == ["posts_post"], "\n".join(plan.lines)


@pytest.mark.django_db
def test_explain_passes_a_lookup_by_key_and_an_indexed_join(tier_s):
    post = Post.objects.get(pk=tier_s.post)
    with capture() as statements:
        Post.objects.get(pk=post.pk)
        list(post.comments.all()[:20])
        Post.objects.select_related("space").filter(space__slug=tier_s.space).first()
    plans = explain_all(statements)
    assert len(plans) == 3
    assert all(not plan.full_scans for plan in plans), [plan.lines for plan in plans]


@pytest.mark.django_db
def test_explain_flags_a_count_of_every_row(tier_s):
    with capture() as statements:
        Post.objects.count()
    (plan,) = explain_all(statements)
    assert plan.full_scans, "\n".join(plan.lines)


def test_explain_plans_reads_and_writes_only():
    assert not explain_all([Statement("SAVEPOINT s1", None), Statement("RELEASE s1", None)])


BIG = frozenset({"posts_post", "search_fts"})


@pytest.mark.parametrize(
    ("sql", "rows", "flagged"),
    [
        ('SELECT * FROM "posts_post" WHERE "x" = 1', [(2, 0, "SCAN posts_post")], ["posts_post"]),
        # An alias, named with its table by sqlite_name_tables.
        (
            'SELECT 1 FROM "spaces_space" WHERE "id" IN (SELECT "U0~posts_post"."space_id" FROM '
            '"posts_post" "U0~posts_post" WHERE "U0~posts_post"."x" = 1)',
            [
                (2, 0, "SEARCH spaces_space USING INTEGER PRIMARY KEY (rowid=?)"),
                (4, 0, "LIST SUBQUERY 1"),
                (6, 4, "SCAN U0~posts_post"),
            ],
            ["posts_post"],
        ),
        (
            'SELECT * FROM "posts_post" WHERE "space_id" = 1',
            [(3, 0, "SEARCH posts_post USING INDEX p_space (space_id=?)")],
            [],
        ),
        (
            'SELECT * FROM "posts_post" WHERE "id" > 5',
            [(2, 0, "SEARCH posts_post USING INTEGER PRIMARY KEY (rowid>?)")],
            [],
        ),
        # A whole index in order: a count, or a sort with no LIMIT, reads every row ...
        (
            'SELECT COUNT(*) FROM "posts_post"',
            [(4, 0, "SCAN posts_post USING COVERING INDEX p_space")],
            ["posts_post"],
        ),
        (
            'SELECT * FROM "posts_post" ORDER BY "created" DESC',
            [(3, 0, "SCAN posts_post USING INDEX p_created")],
            ["posts_post"],
        ),
        # ... but newest first with a LIMIT stops after a page,
        (
            'SELECT * FROM "posts_post" ORDER BY "created" DESC LIMIT 21',
            [(3, 0, "SCAN posts_post USING INDEX p_created")],
            [],
        ),
        # unless it sorts first, or the scan is an inner loop run for every outer row.
        (
            'SELECT * FROM "posts_post" ORDER BY "score" DESC LIMIT 21',
            [
                (3, 0, "SCAN posts_post USING INDEX p_created"),
                (9, 0, "USE TEMP B-TREE FOR ORDER BY"),
            ],
            ["posts_post"],
        ),
        (
            'SELECT * FROM "spaces_space" INNER JOIN "posts_post" ON 1 LIMIT 21',
            [(3, 0, "SCAN spaces_space"), (5, 0, "SCAN posts_post USING INDEX p_created")],
            ["posts_post"],
        ),
        (
            'SELECT * FROM "spaces_space" S INNER JOIN "posts_post" P ON (P.a = S.b)',
            [
                (3, 0, "SCAN S~spaces_space"),
                (5, 0, "SEARCH P~posts_post USING AUTOMATIC COVERING INDEX (a=?)"),
            ],
            ["posts_post"],
        ),
        (
            'SELECT * FROM "spaces_space" S INNER JOIN "posts_post" P ON (P.a = S.b)',
            [
                (3, 0, "SCAN S~spaces_space"),
                (4, 0, "BLOOM FILTER ON P~posts_post (a=?)"),
                (5, 0, "SEARCH P~posts_post USING INDEX p_a (a=?)"),
            ],
            ["posts_post"],
        ),
        # FTS5: MATCH or a rowid is the index at work; no constraint reads it all.
        (
            'SELECT rowid FROM "search_fts" WHERE "search_fts" MATCH ?',
            [(4, 0, "SCAN search_fts VIRTUAL TABLE INDEX 32:M2")],
            [],
        ),
        (
            'SELECT rowid FROM "search_fts"',
            [(2, 0, "SCAN search_fts VIRTUAL TABLE INDEX 0:")],
            ["search_fts"],
        ),
        # Small tables may be scanned.
        ('SELECT * FROM "spaces_space"', [(2, 0, "SCAN spaces_space")], []),
    ],
)
def test_sqlite_rule(sql, rows, flagged):
    assert [scan.table for scan in sqlite_full_scans(sql, rows, BIG)] == flagged


def test_sqlite_aliases_are_named_with_their_table_in_their_own_subquery():
    # Django calls the table of each subquery U0; SQLite's plan shows only "SCAN U0".
    sql = (
        'SELECT "U0"."id", \'(U0\' FROM "posts_post" "U0" WHERE EXISTS(SELECT 1 FROM '
        '"spaces_membership" "U0" WHERE ("U0"."person_id" = %s AND "U0"."space_id" = '
        '("posts_post"."space_id"))) AND U0.x = %s'
    )
    assert sqlite_name_tables(sql) == (
        'SELECT "U0~posts_post"."id", \'(U0\' FROM "posts_post" "U0~posts_post" WHERE EXISTS('
        'SELECT 1 FROM "spaces_membership" "U0~spaces_membership" WHERE ('
        '"U0~spaces_membership"."person_id" = %s AND "U0~spaces_membership"."space_id" = '
        '("posts_post"."space_id"))) AND "U0~posts_post".x = %s'
    )
    joined = 'SELECT 1 FROM "posts_post" INNER JOIN "posts_readmark" mark ON (mark.post_id = 1)'
    assert sqlite_name_tables(joined) == (
        'SELECT 1 FROM "posts_post" INNER JOIN "posts_readmark" "mark~posts_readmark" ON '
        '("mark~posts_readmark".post_id = 1)'
    )
    plain = 'UPDATE "posts_post" SET "x" = %s WHERE "id" = %s'
    assert sqlite_name_tables(plain) == plain


def node(kind, children=(), relationship=None, **fields):
    built = {"Node Type": kind, "Plans": list(children), **fields}
    if relationship:
        built["Parent Relationship"] = relationship
    return built


def test_postgresql_rule():
    seq = node("Seq Scan", relationship="Outer", **{"Relation Name": "posts_post"})
    full_index = node(
        "Index Scan", relationship="Outer", **{"Relation Name": "posts_post", "Index Name": "i"}
    )
    bounded = node(
        "Index Scan",
        relationship="Inner",
        **{"Relation Name": "posts_post", "Index Name": "i", "Index Cond": "(id = s.x)"},
    )
    small = node("Seq Scan", relationship="Outer", **{"Relation Name": "spaces_space"})
    assert postgresql_full_scans(seq, BIG) == [FullScan("posts_post", "Seq Scan on posts_post")]
    assert postgresql_full_scans(full_index, BIG)  # a whole index, nothing stops it
    assert not postgresql_full_scans(node("Limit", [full_index]), BIG)  # newest first, a page
    assert postgresql_full_scans(
        node("Limit", [node("Sort", [full_index], "Outer")]), BIG
    )  # a sort reads it all before the limit
    loop = node("Nested Loop", [small, {**full_index, "Parent Relationship": "Inner"}], "Outer")
    assert postgresql_full_scans(node("Limit", [loop]), BIG)  # read again for each outer row
    assert not postgresql_full_scans(node("Nested Loop", [small, bounded]), BIG)
    assert not postgresql_full_scans(small, BIG)
    bitmap = node(
        "Bitmap Heap Scan",
        [node("Bitmap Index Scan", relationship="Outer", **{"Index Name": "i"})],
        "Outer",
        **{"Relation Name": "posts_post"},
    )
    assert postgresql_full_scans(node("Aggregate", [bitmap]), BIG)  # COUNT(*): every entry
    by_space = {
        **bitmap,
        "Plans": [{**bitmap["Plans"][0], "Index Cond": "((space_id = 1) AND (kind = 'q'))"}],
    }
    leading = {"i": "space_id"}
    assert not postgresql_full_scans(by_space, BIG, leading)
    # A condition on a later column of the index only: the whole index is read.
    by_kind = {**bitmap, "Plans": [{**bitmap["Plans"][0], "Index Cond": "(kind = 'q')"}]}
    assert postgresql_full_scans(by_kind, BIG, leading)
    assert postgresql_full_scans({**bounded, "Index Cond": "(kind = 'q')"}, BIG, leading)
    assert not postgresql_full_scans(bounded, BIG, {"i": "id"})


def test_big_tables_are_the_growing_ones():
    assert {
        "posts_post",
        "posts_comment",
        "posts_reaction",
        "posts_vote",
        "insights_event",
        "insights_dailyactivity",
        "search_searchdocument",
        "search_fts",
        "search_fts_data",
        "notifications_notification",
        "learning_progress",
    } <= BIG_TABLES


def test_explain_reads_the_plan_of_the_current_database(db):
    plan = explain(Statement('SELECT * FROM "posts_post" WHERE "title" = %s', ["x"]))
    assert plan.lines
    assert [scan.table for scan in plan.full_scans] == ["posts_post"]
