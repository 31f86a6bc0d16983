"""The report pages: reporting from a post's page, the moderators' queue, resolving from it,
who gets what, and how many queries each costs."""

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.moderation.actions import do_report
from afterclass.moderation.models import Report
from afterclass.moderation.tests.conftest import CANARY
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import ContentState
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(client, person):
    client.force_login(person)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def snapshot() -> dict:
    return {
        "reports": list(Report.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


# --- Reporting -------------------------------------------------------------------------------


def test_post_page_offers_report_on_what_others_wrote(client, post, comment, reporter):
    body = signed_in(client, reporter).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert reverse("post-report", args=[post.pk]) in body
    assert reverse("comment-report", args=[comment.pk]) in body
    assert 'for="report-reason-post-' in body


def test_post_page_offers_no_report_on_own_post(client, post, author):
    body = signed_in(client, author).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert reverse("post-report", args=[post.pk]) not in body


def test_post_page_offers_no_report_to_a_non_member_admin(client, post, comment, admin):
    body = signed_in(client, admin).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "/report/" not in body


def test_report_post_from_the_page(client, post, reporter):
    url = reverse("post-report", args=[post.pk])
    response = signed_in(client, reporter).post(url, {"reason": "spam", "text": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("post-detail", args=[post.pk])
    assert any("moderators will look at it" in message for message in messages_of(response))
    report = Report.objects.get()
    assert (report.reporter, report.post, report.reason) == (reporter, post, "spam")


def test_report_comment_from_the_page(client, comment, reporter):
    url = reverse("comment-report", args=[comment.pk])
    response = signed_in(client, reporter).post(url, {"reason": "other", "text": "An advert."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert Report.objects.get().comment == comment


def test_thread_offers_report_on_a_comment_as_a_link_not_a_form(client, post, comment, reporter):
    """A thread of many comments carries each one's "Report" as a disclosure with a link to its
    report page (without JavaScript) that htmx fills with the form when opened."""
    body = signed_in(client, reporter).get(reverse("post-detail", args=[post.pk])).content.decode()
    url = reverse("comment-report", args=[comment.pk])
    assert f'hx-get="{url}" hx-trigger="toggle once"' in body
    assert f'<a href="{url}">Open the report form</a>' in body
    assert f'action="{url}"' not in body
    assert body.count('name="reason"') == 1  # the post's own report form only


def test_report_comment_form_loads_in_place_then_sends(client, post, comment, reporter):
    url = reverse("comment-report", args=[comment.pk])
    client = signed_in(client, reporter)
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<h1" not in html
    assert f'<form method="post" action="{url}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Labelled fields whose ids name the comment (several can be open in one thread).
    assert f'<label for="report-comment-{comment.pk}-reason">What is wrong with it?' in html
    assert f'id="report-comment-{comment.pk}-text"' in html
    assert "Send the report" in html
    response = client.post(url, {"reason": "spam", "text": ""}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert any("moderators will look at it" in message for message in messages_of(response))
    report = Report.objects.get()
    assert (report.reporter, report.comment, report.reason) == (reporter, comment, "spam")


def test_report_comment_page_without_js_is_the_whole_page(client, post, comment, reporter):
    response = signed_in(client, reporter).get(reverse("comment-report", args=[comment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Report a comment" in html
    assert f'for="report-comment-{comment.pk}-reason"' in html


def test_report_comment_in_place_is_refused_as_the_page_is(
    client, post, comment, reporter, owner, outsider, secret_space
):
    secret = make_comment(make_post(secret_space, owner, body=CANARY), owner, CANARY)
    response = signed_in(client, outsider).get(
        reverse("comment-report", args=[secret.pk]), headers=HTMX
    )
    assert response.status_code == 404
    assert CANARY not in response.content.decode()
    # A hidden comment is not seen by other members: not found either.
    hidden = make_comment(post, owner, CANARY)
    hidden.state = ContentState.HIDDEN
    hidden.save(update_fields=["state"])
    response = signed_in(client, reporter).get(
        reverse("comment-report", args=[hidden.pk]), headers=HTMX
    )
    assert response.status_code == 404
    assert CANARY not in response.content.decode()
    # Its author is told they cannot report their own comment.
    response = signed_in(client, owner).get(
        reverse("comment-report", args=[comment.pk]), headers=HTMX
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_report_page_shows_the_form(client, post, reporter):
    response = signed_in(client, reporter).get(reverse("post-report", args=[post.pk]))
    assert response.status_code == 200
    assert "Report a post" in response.content.decode()


def test_report_other_without_text_shows_the_form_error(client, post, reporter):
    url = reverse("post-report", args=[post.pk])
    response = signed_in(client, reporter).post(url, {"reason": "other", "text": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == ["The text cannot be empty."]
    assert not Report.objects.exists()


@pytest.mark.parametrize("data", [{"reason": "rude"}, {}, {"reason": "other", "text": "x" * 501}])
def test_report_bad_input_is_refused(client, post, reporter, data):
    url = reverse("post-report", args=[post.pk])
    response = signed_in(client, reporter).post(url, data)
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_report_twice_is_a_conflict_on_the_form(client, post, reporter):
    do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    response = signed_in(client, reporter).post(
        reverse("post-report", args=[post.pk]), {"reason": "spam"}
    )
    assert response.status_code == 409
    assert "already reported" in response.content.decode()
    assert snapshot() == before


def test_report_own_post_is_refused(client, post, author):
    response = signed_in(client, author).post(
        reverse("post-report", args=[post.pk]), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_report_by_outsider_or_in_secret_space_is_not_found(client, secret_space, owner, outsider):
    secret = make_post(secret_space, owner, title="Secret", body=CANARY)
    comment = make_comment(secret, owner)
    client = signed_in(client, outsider)
    for url in (
        reverse("post-report", args=[secret.pk]),
        reverse("comment-report", args=[comment.pk]),
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"reason": "spam"})
            assert response.status_code == 404
            assert CANARY not in response.content.decode()
    assert not Report.objects.exists()


def test_report_pages_need_sign_in(client, post):
    response = client.post(reverse("post-report", args=[post.pk]), {"reason": "spam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- The queue -------------------------------------------------------------------------------


def queue_url(space) -> str:
    return reverse("space-reports", args=[space.slug])


def test_queue_lists_open_reports_grouped_by_target(
    client, space, post, comment, reporter, moderator
):
    second = add_member(space, PersonFactory(display_name="Sam Second")).person
    do_report(post, actor=reporter, reason="spam")
    do_report(post, actor=second, reason="other", text="Not about data at all.")
    do_report(comment, actor=reporter, reason="off_topic")
    response = signed_in(client, moderator).get(queue_url(space))
    assert response.status_code == 200
    body = response.content.decode()
    leads = response.context["page"].items
    assert [lead.open_count for lead in leads] == [2, 1]
    assert "Spreadsheets are better than dashboards" in body
    assert "Not about data at all." in body
    assert "Rita Reporter" in body
    assert "Sam Second" in body
    assert "2 open reports" in body
    assert body.count('value="hidden"') == 2  # the post and the comment can both be hidden


def test_queue_shows_an_anonymous_asker_as_a_colleague(client, space, owner, author, reporter):
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    question = make_post(space, author, kind="question", title="Is this silly?", anonymous=True)
    do_report(question, actor=reporter, reason="spam")
    body = signed_in(client, owner).get(queue_url(space)).content.decode()
    assert "A colleague" in body
    assert "Ada Author" not in body


def test_queue_refuses_members_and_hides_from_outsiders(client, space, reporter, author, post):
    do_report(post, actor=reporter, reason="other", text="Reported words.")
    for person in (reporter, author):
        response = signed_in(client, person).get(queue_url(space))
        assert response.status_code == 403
        assert "Reported words." not in response.content.decode()
    # A listed space is known to everyone, its reports only to moderators.
    assert signed_in(client, PersonFactory()).get(queue_url(space)).status_code == 403


def test_queue_of_secret_space_is_not_found_for_outsiders(client, secret_space, outsider):
    for url in (queue_url(secret_space), reverse("space-report-count", args=[secret_space.slug])):
        assert signed_in(client, outsider).get(url).status_code == 404


def test_queue_for_org_admins(client, space, post, reporter, admin):
    do_report(post, actor=reporter, reason="spam")
    response = signed_in(client, admin).get(queue_url(space))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 1


def test_queue_navigation_link_only_for_moderators(client, space, moderator, reporter):
    assert (
        queue_url(space)
        in signed_in(client, moderator)
        .get(reverse("space-home", args=[space.slug]))
        .content.decode()
    )
    assert (
        queue_url(space)
        not in signed_in(client, reporter)
        .get(reverse("space-home", args=[space.slug]))
        .content.decode()
    )


def test_count_shows_the_open_reports(client, space, post, comment, reporter, moderator):
    url = reverse("space-report-count", args=[space.slug])
    assert signed_in(client, moderator).get(url, headers=HTMX).content.decode().strip() == ""
    do_report(post, actor=reporter, reason="spam")
    do_report(comment, actor=reporter, reason="spam")
    body = client.get(url, headers=HTMX).content.decode()
    assert '<span class="count">2<' in body
    assert signed_in(client, reporter).get(url).status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_query_count_is_flat(
    client, django_assert_num_queries, space, author, moderator, rows
):
    reporters = [add_member(space).person for _ in range(3)]
    for number in range(rows):
        post = make_post(space, author, title=f"Post {number}")
        target = post if number % 2 else make_comment(post, author, f"Comment {number}")
        for person in reporters:
            do_report(target, actor=person, reason="spam")
    client = signed_in(client, moderator)
    # session, person, space with my membership, organisation, groups, their reports,
    # moderated spaces, my reactions, my read marks
    with django_assert_num_queries(9):
        response = client.get(queue_url(space))
    assert len(response.context["page"].items) == min(rows, 20)


def test_queue_more_pages_with_htmx(client, space, author, reporter, moderator):
    for number in range(21):
        do_report(make_post(space, author, title=f"Post {number}"), actor=reporter, reason="spam")
    client = signed_in(client, moderator)
    first = client.get(queue_url(space))
    next_url = first.context["next_url"]
    assert next_url
    more = client.get(queue_url(space) + next_url, headers=HTMX)
    assert "<html" not in more.content.decode()
    assert len(more.context["page"].items) == 1


# --- Resolving -------------------------------------------------------------------------------


def resolve_url(report) -> str:
    return reverse("report-resolve", args=[report.pk])


def test_resolve_hide_without_javascript(client, space, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    response = signed_in(client, moderator).post(
        resolve_url(report), {"outcome": "hidden", "note": "Keep it about data."}, follow=True
    )
    assert response.redirect_chain[-1][0] == queue_url(space)
    assert any("is hidden" in message for message in messages_of(response))
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.HIDDEN, "Keep it about data.")
    assert response.context["page"].items == []


def test_resolve_with_htmx_replaces_the_row(client, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    response = signed_in(client, moderator).post(
        resolve_url(report), {"outcome": "dismissed"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="report-{report.pk}"' in body
    assert "dismissed" in body
    assert "<html" not in body
    assert Report.objects.get().state == "dismissed"


def test_resolve_hide_without_note_changes_nothing(client, space, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    response = signed_in(client, moderator).post(
        resolve_url(report), {"outcome": "hidden", "note": ""}, follow=True
    )
    assert any("cannot be empty" in message for message in messages_of(response))
    assert snapshot() == before
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE


def test_resolve_error_with_htmx_refreshes_the_page(client, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    response = signed_in(client, moderator).post(
        resolve_url(report), {"outcome": "hidden"}, headers=HTMX
    )
    assert response.headers.get("HX-Refresh") == "true"
    assert Report.objects.get().state == "open"


@pytest.mark.parametrize(
    "data", [{}, {"outcome": "banned"}, {"outcome": "removed", "note": "x" * 301}]
)
def test_resolve_bad_input_changes_nothing(client, post, reporter, moderator, data):
    report = do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    response = signed_in(client, moderator).post(resolve_url(report), data)
    assert response.status_code == 302
    assert snapshot() == before


def test_resolve_is_not_found_for_members_and_outsiders(client, post, reporter, author, outsider):
    report = do_report(post, actor=reporter, reason="spam")
    before = snapshot()
    for person in (reporter, author, outsider):
        response = signed_in(client, person).post(resolve_url(report), {"outcome": "removed"})
        assert response.status_code == 404
    assert snapshot() == before
    assert Post_state(post) == ContentState.VISIBLE


def Post_state(post) -> str:
    post.refresh_from_db()
    return post.state


def test_resolve_needs_post(client, post, reporter, moderator):
    report = do_report(post, actor=reporter, reason="spam")
    assert signed_in(client, moderator).get(resolve_url(report)).status_code == 405


# --- The reporter stays unknown to the person reported ----------------------------------------


def test_reported_author_never_sees_who_reported(client, space, post, author, reporter):
    do_report(post, actor=reporter, reason="other", text="Rude to a colleague.")
    client = signed_in(client, author)
    # The reporter is a member, so the space's home may list them among its members; no page
    # ties them, or their words, to the report.
    assert (
        "Rude to a colleague."
        not in client.get(reverse("space-home", args=[space.slug])).content.decode()
    )
    for url in (
        reverse("post-detail", args=[post.pk]),
        reverse("home-feed"),
        queue_url(space),
        reverse("space-report-count", args=[space.slug]),
    ):
        body = client.get(url).content.decode()
        assert "Rita Reporter" not in body
        assert "Rude to a colleague." not in body


def test_reported_moderator_does_not_see_reports_about_themself(client, space, reporter, post):
    moderator = add_member(space, PersonFactory(display_name="Max Mod"), role=Role.MODERATOR).person
    mine = make_post(space, moderator, title="My own post")
    do_report(mine, actor=reporter, reason="other", text="About the moderator.")
    do_report(post, actor=reporter, reason="spam")
    response = signed_in(client, moderator).get(queue_url(space))
    body = response.content.decode()
    assert [lead.post_id for lead in response.context["page"].items] == [post.pk]
    assert "About the moderator." not in body
    assert "My own post" not in body
