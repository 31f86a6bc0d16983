"""Reports API: reporting, the moderators' list and resolving, for allowed and refused callers."""

import json

import pytest

from afterclass.audit.models import AuditEntry
from afterclass.moderation.actions import do_report, do_resolve_report
from afterclass.moderation.models import Report
from afterclass.moderation.tests.conftest import CANARY
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import ContentState
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

# After the token's first use: token, space with my membership, reports page, moderated
# spaces, my reactions, my read marks.
LIST_QUERIES = 6


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url: str, person: Person | None, data: object):
    auth = bearer(person) if person is not None else {}
    return client.post(url, json.dumps(data), content_type="application/json", **auth)


def get(client, url: str, person: Person | None):
    return client.get(url, **(bearer(person) if person is not None else {}))


def snapshot() -> dict:
    return {
        "reports": list(Report.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.exclude(action__startswith="token.").count(),
    }


# --- POST /reports ---------------------------------------------------------------------------


def test_report_a_post(client, post, reporter):
    response = post_json(client, "/api/v1/reports", reporter, {"post": post.pk, "reason": "spam"})
    assert response.status_code == 201
    body = response.json()
    assert body["target"] == {
        "type": "post",
        "id": post.pk,
        "post": post.pk,
        "state": "visible",
        "excerpt": "Spreadsheets are better than dashboards",
        "author": body["target"]["author"],
        "author_label": "Ada Author",
    }
    assert (body["state"], body["reason"], body["reporter"]["id"]) == ("open", "spam", reporter.pk)
    assert Report.objects.get().post == post


def test_report_a_comment_with_text(client, comment, reporter):
    response = post_json(
        client,
        "/api/v1/reports",
        reporter,
        {"comment": comment.pk, "reason": "other", "text": "An advert."},
    )
    assert response.status_code == 201
    assert response.json()["target"]["type"] == "comment"
    assert Report.objects.get().text == "An advert."


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "spam"}, "body"),
        ({"post": 1, "comment": 1, "reason": "spam"}, "body"),
        ({"post": 1, "reason": "rude"}, "reason"),
        ({"post": 1, "reason": "other", "text": "x" * 501}, "text"),
        ({"post": 1, "reason": "spam", "extra": True}, "extra"),
        ({"post": 0, "reason": "spam"}, "post"),
    ],
)
def test_report_bad_input_is_422(client, post, reporter, data, field):
    data = {key: post.pk if value == 1 and key in {"post", "comment"} else value
            for key, value in data.items()}  # fmt: skip
    response = post_json(client, "/api/v1/reports", reporter, data)
    assert response.status_code == 422
    assert field in response.json()["detail"] or field == "body"
    assert not Report.objects.exists()


def test_report_other_without_text_is_400(client, post, reporter):
    response = post_json(client, "/api/v1/reports", reporter, {"post": post.pk, "reason": "other"})
    assert response.status_code == 400
    assert response.json()["field"] == "text"
    assert not Report.objects.exists()


def test_report_twice_is_409(client, post, reporter):
    do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    response = post_json(client, "/api/v1/reports", reporter, {"post": post.pk, "reason": "spam"})
    assert response.status_code == 409
    assert "already reported" in response.json()["detail"]
    assert snapshot() == before


def test_report_own_post_is_403(client, post, author):
    response = post_json(client, "/api/v1/reports", author, {"post": post.pk, "reason": "spam"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_report_in_secret_space_is_404(client, secret_space, owner, outsider):
    secret = make_post(secret_space, owner, title="Secret", body=CANARY)
    comment = make_comment(secret, owner, CANARY)
    for data in ({"post": secret.pk}, {"comment": comment.pk}, {"post": 10**9}):
        response = post_json(client, "/api/v1/reports", outsider, {**data, "reason": "spam"})
        assert response.status_code == 404
        assert CANARY not in response.content.decode()
    assert not Report.objects.exists()


def test_report_needs_authentication(client, post):
    response = post_json(client, "/api/v1/reports", None, {"post": post.pk, "reason": "spam"})
    assert response.status_code == 401


# --- GET /spaces/{slug}/reports ----------------------------------------------------------------


def test_list_for_moderators_names_the_reporter(client, space, post, reporter, moderator):
    do_report(post, actor=reporter, reason="spam")
    response = get(client, f"/api/v1/spaces/{space.slug}/reports", moderator)
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["reporter"] == {"id": reporter.pk, "display_name": "Rita Reporter"}
    assert response.json()["next"] is None


def test_list_refuses_members_and_hides_secret_spaces(
    client, space, secret_space, post, reporter, author, outsider
):
    do_report(post, actor=reporter, reason="other", text="Reported words.")
    for person in (reporter, author, outsider):
        response = get(client, f"/api/v1/spaces/{space.slug}/reports", person)
        assert response.status_code == 403
        assert "Reported words." not in response.content.decode()
    assert get(client, f"/api/v1/spaces/{secret_space.slug}/reports", outsider).status_code == 404
    assert get(client, "/api/v1/spaces/no%00where/reports", outsider).status_code == 404


def test_list_by_state_and_pages(client, space, author, reporter, owner):
    reports = [
        do_report(make_post(space, author, title=f"Post {n}"), actor=reporter, reason="spam")
        for n in range(3)
    ]
    do_resolve_report(reports[0], actor=owner, outcome="dismissed")
    url = f"/api/v1/spaces/{space.slug}/reports"
    auth = bearer(owner)
    first = client.get(f"{url}?limit=1", **auth).json()
    assert [item["id"] for item in first["items"]] == [reports[1].pk]
    second = client.get(url, {"limit": 1, "cursor": first["next"]}, **auth).json()
    assert [item["id"] for item in second["items"]] == [reports[2].pk]
    dismissed = client.get(url, {"state": "dismissed"}, **auth).json()["items"]
    assert [(item["id"], item["outcome"]) for item in dismissed] == [(reports[0].pk, "dismissed")]
    assert client.get(url, {"state": "lost"}, **auth).status_code == 422
    assert client.get(url, {"cursor": "nonsense"}, **auth).status_code == 400


def test_list_shows_an_anonymous_asker_as_a_colleague(client, space, owner, author, reporter):
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    question = make_post(space, author, kind="question", title="Silly?", anonymous=True)
    do_report(question, actor=reporter, reason="spam")
    body = get(client, f"/api/v1/spaces/{space.slug}/reports", owner).content.decode()
    target = json.loads(body)["items"][0]["target"]
    assert (target["author"], target["author_label"]) == (None, "A colleague")
    assert "Ada Author" not in body
    assert str(author.email) not in body


def test_list_leaves_out_reports_about_the_moderator(client, space, post, reporter):
    moderator = add_member(space, role=Role.MODERATOR).person
    do_report(make_post(space, moderator, title="Mine"), actor=reporter, reason="spam")
    do_report(post, actor=reporter, reason="spam")
    items = get(client, f"/api/v1/spaces/{space.slug}/reports", moderator).json()["items"]
    assert [item["target"]["id"] for item in items] == [post.pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_is_flat(client, django_assert_num_queries, space, author, owner, rows):
    reporter = add_member(space, PersonFactory()).person
    for number in range(rows):
        target = make_post(space, author, title=f"Post {number}")
        do_report(target if number % 2 else make_comment(target, author), actor=reporter,
                  reason="spam")  # fmt: skip
    auth = bearer(owner)
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(f"/api/v1/spaces/{space.slug}/reports?limit=100", **auth)
    assert len(response.json()["items"]) == rows


# --- POST /reports/{id}/resolve ----------------------------------------------------------------


def test_resolve_hide(client, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    response = post_json(
        client,
        f"/api/v1/reports/{report.pk}/resolve",
        moderator,
        {"outcome": "hidden", "note": "Stay on data."},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["outcome"], body["resolution_note"]) == (
        "resolved",
        "hidden",
        "Stay on data.",
    )
    assert body["resolved_by"]["id"] == moderator.pk
    assert body["target"]["state"] == "hidden"
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.HIDDEN, "Stay on data.")


def test_resolve_refused_callers_change_nothing(client, post, reporter, author, outsider):
    report = do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    for person in (reporter, author, outsider):
        response = post_json(
            client, f"/api/v1/reports/{report.pk}/resolve", person, {"outcome": "removed"}
        )
        assert response.status_code == 404
    assert (
        post_json(
            client, f"/api/v1/reports/{report.pk}/resolve", None, {"outcome": "removed"}
        ).status_code
        == 401
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"outcome": "hidden"}, 400),
        ({"outcome": "hidden", "note": "x" * 301}, 422),
        ({"outcome": "banned"}, 422),
        ({}, 422),
    ],
)
def test_resolve_bad_input(client, post, reporter, moderator, data, status):
    report = do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    response = post_json(client, f"/api/v1/reports/{report.pk}/resolve", moderator, data)
    assert response.status_code == status
    assert snapshot() == before


def test_resolve_twice_is_409(client, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    url = f"/api/v1/reports/{report.pk}/resolve"
    assert post_json(client, url, moderator, {"outcome": "dismissed"}).status_code == 200
    response = post_json(client, url, moderator, {"outcome": "removed"})
    assert response.status_code == 409
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE


def test_resolve_hide_comment(client, comment, reporter, moderator):
    report = do_report(comment, actor=reporter, reason="spam")
    response = post_json(
        client,
        f"/api/v1/reports/{report.pk}/resolve",
        moderator,
        {"outcome": "hidden", "note": "No ads."},
    )
    assert response.status_code == 200
    assert response.json()["target"]["state"] == "hidden"
    comment.refresh_from_db()
    assert (comment.state, comment.hidden_reason) == (ContentState.HIDDEN, "No ads.")
