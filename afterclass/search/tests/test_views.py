"""The search pages and API: who gets what, bad input, the htmx partials, and query counts
that stay the same for 1 and 50 results."""

import pytest
from django.urls import reverse

from afterclass.core.errors import error_body
from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.search.index import rebuild
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

HTMX_QUICK = {"HX-Request": "true", "HX-Target": "search-quick-results"}


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def make_posts(space, author, count):
    for number in range(count):
        make_post(space, author, title=f"Quokka {number}", body="Quokkas smile.")
    rebuild()


def test_search_page_needs_sign_in(client):
    response = client.get(reverse("search"), {"q": "x"})
    assert response.status_code == 302


def test_search_page_shows_results_with_marked_snippets(signed_in, space, member):
    make_posts(space, member, 1)
    response = signed_in.get(reverse("search"), {"q": "quokkas"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quokka 0" in html
    assert "<mark>Quokkas</mark> smile." in html
    assert 'role="search"' in html


def test_search_page_without_a_query_shows_the_form(signed_in):
    response = signed_in.get(reverse("search"))
    assert response.status_code == 200
    assert "search-hit" not in response.content.decode()


def test_search_page_gives_a_hint_for_punctuation(signed_in):
    response = signed_in.get(reverse("search"), {"q": "?!?"})
    assert response.status_code == 200
    assert "punctuation alone finds nothing" in response.content.decode()


def test_search_page_refuses_a_very_long_query_with_a_message(signed_in):
    response = signed_in.get(reverse("search"), {"q": "word " * 300})
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()


def test_search_page_refuses_a_date_range_backwards(signed_in):
    response = signed_in.get(
        reverse("search"), {"q": "x", "after": "2026-05-01", "before": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_search_page_quick_results_for_the_header_box(signed_in, space, member):
    make_posts(space, member, 8)
    response = signed_in.get(reverse("search"), {"q": "quokka"}, headers=HTMX_QUICK)
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('role="option"') == 5 + 1  # the top five and "see all"
    assert html.count('data-href="/posts/') == 5
    assert "See all results for “quokka”" in html


def test_search_page_next_page_is_a_partial(signed_in, space, member):
    make_posts(space, member, 25)
    first = signed_in.get(reverse("search"), {"q": "quokka"})
    cursor = first.context["results"].next
    assert cursor
    more = signed_in.get(
        reverse("search"), {"q": "quokka", "cursor": cursor}, headers={"HX-Request": "true"}
    )
    html = more.content.decode()
    assert "<html" not in html
    assert html.count('class="search-hit card"') == 5


def test_search_page_of_a_space_searches_only_there(signed_in, space, secret_space, owner):
    make_post(secret_space, owner, title="Quokka secret", body="Hidden quokka.")
    rebuild()
    mine = signed_in.get(reverse("search"), {"q": "quokka", "space": space.slug})
    assert mine.status_code == 200
    secret = signed_in.get(reverse("search"), {"q": "quokka", "space": secret_space.slug})
    assert secret.status_code == 404
    assert "Quokka secret" not in secret.content.decode()


def test_search_page_filters_learning_activities_and_links_to_them(signed_in, space, owner):
    unit = make_unit(space, owner, title="Week one")
    activity = make_activity(unit, owner, "reading", title="Quokka reading", instructions="Go.")
    make_posts(space, owner, 1)
    response = signed_in.get(reverse("search"), {"q": "quokka", "kind": "activity"})
    html = response.content.decode()
    assert '<option value="activity" selected>Learning activities</option>' in html
    assert html.count('class="search-hit card"') == 1
    assert f'href="{reverse("learning-activity", args=[activity.pk])}"' in html
    assert "Learning activity" in html
    api = signed_in.get("/api/v1/search", {"q": "quokka", "kind": "activity"}).json()
    assert [(item["source"], item["id"]) for item in api["items"]] == [("activity", activity.pk)]
    everything = signed_in.get("/api/v1/search", {"q": "quokka"}).json()
    assert len(everything["items"]) == 2


def test_space_home_has_a_search_box_for_that_space(signed_in, space, member):
    html = signed_in.get(reverse("space-home", args=[space.slug])).content.decode()
    assert f'action="{reverse("search")}"' in html
    assert f'<input type="hidden" name="space" value="{space.slug}">' in html
    assert '<label for="space-search-q">' in html


def test_space_home_search_box_is_for_members_only(client, space):
    outsider = PersonFactory()
    client.force_login(outsider)
    html = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert "space-search-q" not in html


def test_search_from_a_space_shows_it_is_restricted_with_a_way_out(signed_in, space, member, owner):
    other = make_space(owner, name="Elsewhere", slug="elsewhere")
    add_member(other, member)
    make_post(other, owner, title="Quokka elsewhere", body="Far away.")
    make_posts(space, member, 1)
    response = signed_in.get(reverse("search"), {"q": "quokka", "space": space.slug})
    html = response.content.decode()
    assert f"<h1>Search {space.name}</h1>" in html
    assert "<mark>Quokka</mark> elsewhere" not in html
    assert html.count('class="search-hit card"') == 1
    assert f"Only in {space.name}." in html
    everywhere = f'href="{reverse("search")}?q=quokka"'
    assert everywhere in html
    everything = signed_in.get(reverse("search"), {"q": "quokka"}).content.decode()
    assert "<mark>Quokka</mark> elsewhere" in everything


def test_similar_questions_fragment(signed_in, space, owner, member):
    question = make_post(space, owner, kind="question", title="Where is the expense form?")
    make_comment(question, member, body="On the intranet.")
    rebuild()
    response = signed_in.get(reverse("similar-questions"), {"title": "expense form location"})
    html = response.content.decode()
    assert "Has this been answered already?" in html
    assert "Where is the <mark>expense</mark> <mark>form</mark>?" in html
    assert "answered" in html
    nothing = signed_in.get(reverse("similar-questions"), {"title": "zzz"})
    assert nothing.content.decode().strip() == ""


@pytest.mark.parametrize("count", [1, 50])
def test_search_page_query_count_is_flat(
    signed_in, space, member, django_assert_num_queries, count
):
    make_posts(space, member, count)
    # session, person, organisation (context), the ranked page of ids, the page's rows
    with django_assert_num_queries(5):
        response = signed_in.get(reverse("search"), {"q": "quokka"})
    assert response.status_code == 200


def test_header_has_a_live_search_box(signed_in):
    html = signed_in.get(reverse("search")).content.decode()
    assert 'hx-trigger="keyup changed delay:300ms, search"' in html
    assert 'hx-target="#search-quick-results"' in html
    assert 'role="combobox"' in html
    assert 'aria-controls="search-quick-results"' in html
    assert 'id="search-quick-results" class="quick-results-panel" role="listbox"' in html


def test_header_quick_results_are_grouped_by_kind(signed_in, space, member):
    make_posts(space, member, 2)
    html = signed_in.get(reverse("search"), {"q": "quokka"}, headers=HTMX_QUICK).content.decode()
    assert html.count('role="group"') == 2  # the posts' kind, then "see all"
    assert 'role="presentation" id="quick-group-1">Discussion</li>' in html


def test_header_quick_results_for_a_refused_query_offer_only_the_results_page(signed_in):
    response = signed_in.get(reverse("search"), {"q": ""}, headers=HTMX_QUICK)
    assert response.status_code == 200  # htmx swaps no 4xx: the list must empty itself
    assert 'role="option"' not in response.content.decode()


# --- API ------------------------------------------------------------------------------------


def test_api_search_returns_a_page_of_hits(signed_in, space, member):
    make_posts(space, member, 3)
    response = signed_in.get("/api/v1/search", {"q": "quokka", "limit": 2})
    body = response.json()
    assert response.status_code == 200
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert item["kind"] == "discussion"
    assert item["space"] == {"slug": space.slug, "name": space.name}
    assert item["author"]["name"] == member.display_name
    assert item["title"].startswith("Quokka")  # plain text: the client marks the ranges
    assert item["title_highlights"][0] == {"start": 0, "end": len("Quokka")}
    rest = signed_in.get("/api/v1/search", {"q": "quokka", "cursor": body["next"]}).json()
    assert len(rest["items"]) == 1
    assert rest["next"] is None


def test_api_search_filters_by_kind_and_space(signed_in, space, member, owner):
    make_post(space, member, kind="question", title="Quokka question?", body="")
    make_posts(space, member, 1)
    response = signed_in.get("/api/v1/search", {"q": "quokka", "kind": "question"})
    assert [item["title"] for item in response.json()["items"]] == ["Quokka question?"]
    missing = signed_in.get("/api/v1/search", {"q": "quokka", "space": "no-such-space"})
    assert missing.status_code == 404


def test_api_search_needs_a_token_or_session(client):
    assert client.get("/api/v1/search", {"q": "x"}).status_code == 401


def test_api_search_refuses_an_empty_query(signed_in):
    response = signed_in.get("/api/v1/search", {"q": "  "})
    assert response.status_code == 400
    assert response.json() == error_body("Type a word or two to search for.", field="q")


def test_api_search_refuses_a_very_long_query(signed_in):
    response = signed_in.get("/api/v1/search", {"q": "a" * 1001})
    assert response.status_code == 400
    assert response.json()["field"] == "q"
    assert "1000 characters" in response.json()["detail"]


def test_api_search_gives_a_hint_for_common_words(signed_in):
    body = signed_in.get("/api/v1/search", {"q": "the and of"}).json()
    assert body["items"] == []
    assert "too common" in body["hint"]


def test_api_search_refuses_a_bad_kind(signed_in):
    assert signed_in.get("/api/v1/search", {"q": "x", "kind": "poem"}).status_code == 422


@pytest.mark.parametrize("count", [1, 50])
def test_api_search_query_count_is_flat(signed_in, space, member, django_assert_num_queries, count):
    make_posts(space, member, count)
    # session, person, the ranked page of ids, the page's rows
    with django_assert_num_queries(4):
        response = signed_in.get("/api/v1/search", {"q": "quokka"})
    assert response.status_code == 200


def test_new_question_form_asks_for_similar_questions_as_the_title_is_typed(signed_in, space):
    page = signed_in.get(reverse("post-create", args=[space.slug]) + "?kind=question")
    html = page.content.decode()
    assert f'hx-get="{reverse("similar-questions")}"' in html
    assert 'id="similar-questions"' in html
    other = signed_in.get(reverse("post-create", args=[space.slug]) + "?kind=discussion")
    assert "similar-questions" not in other.content.decode()
