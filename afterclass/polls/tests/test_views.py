"""Poll pages: writing a poll, the ballot and results on the post page, voting and closing with
htmx and without JavaScript, the feed line, anonymity in the HTML and the queries a page costs."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.polls.actions import do_close_poll, do_vote_in_poll
from afterclass.polls.models import Poll, PollBallot, PollChoice
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.models import Post
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(client, person):
    client.force_login(person)
    return client


def page_of(client, poll: Poll) -> str:
    response = client.get(reverse("post-detail", args=[poll.post_id]))
    assert response.status_code == 200
    return response.content.decode()


def vote_url(poll: Poll) -> str:
    return reverse("poll-vote", args=[poll.post_id])


# --- Writing a poll --------------------------------------------------------------------------


def test_post_create_page_for_a_poll_shows_its_fields(client, space, poster):
    response = signed_in(client, poster).get(
        reverse("post-create", args=[space.slug]), {"kind": "poll"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "One option per line" in body
    assert 'type="datetime-local"' in body
    assert "Nobody, admins included, can see who chose what" in body
    assert 'name="results_shown"' in body
    assert 'name="multiple"' in body
    assert "Your question" in body


def test_post_create_writes_a_poll_with_the_closing_time_in_the_organisation_zone(
    client, space, poster, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    local = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    response = signed_in(client, poster).post(
        reverse("post-create", args=[space.slug]),
        {
            "kind": "poll",
            "title": "Which Excel topic next?",
            "body": "",
            "options": "Pivot tables\r\n\r\nPower Query\r\nXLOOKUP\r\n",
            "multiple": "on",
            "poll_anonymous": "on",
            "closes_at": local.strftime("%Y-%m-%dT%H:%M"),
            "results_shown": "after_closing",
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert response.url == reverse("post-detail", args=[poll.post_id])
    assert [o.text for o in poll.options.all()] == ["Pivot tables", "Power Query", "XLOOKUP"]
    assert (poll.multiple, poll.anonymous, poll.results_shown) == (True, True, "after_closing")
    assert poll.closes_at is not None
    paris = timezone.localtime(poll.closes_at)
    assert (paris.hour, paris.minute, str(paris.tzinfo)) == (14, 30, "Europe/Paris")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"options": "Only one"}, "at least 2"),
        ({"options": "Same\nsame"}, "there twice"),
        ({"options": ""}, "Write the options"),
        ({"closes_at": "2001-01-01T10:00"}, "in the future"),
        ({"closes_at": "someday"}, "Enter a date and time"),
        ({"title": ""}, "title cannot be empty"),
    ],
)
def test_post_create_refuses_a_bad_poll_and_writes_nothing(client, space, poster, data, message):
    sent = {
        "kind": "poll",
        "title": "Which topic?",
        "options": "A\nB",
        "results_shown": "after_voting",
        **data,
    }
    response = signed_in(client, poster).post(reverse("post-create", args=[space.slug]), sent)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists()


# --- The post page ---------------------------------------------------------------------------


def test_post_page_shows_the_ballot_before_voting(client, space, poster, member):
    poll = make_poll(space, poster, closes_at=timezone.now() + timedelta(days=1))
    body = page_of(signed_in(client, member), poll)
    assert 'type="radio" name="options"' in body
    assert f'hx-post="{vote_url(poll)}"' in body
    assert "Closes on" in body
    assert "<meter" not in body
    assert "The results are shown once you have voted." in body
    assert "style=" not in body.split('id="poll"')[1].split("</section>")[0]


def test_post_page_multiple_choice_uses_checkboxes(client, space, poster, member):
    poll = make_poll(space, poster, multiple=True)
    assert 'type="checkbox" name="options"' in page_of(signed_in(client, member), poll)


def test_vote_without_javascript_redirects_and_shows_results(client, space, poster, member):
    poll = make_poll(space, poster)
    client = signed_in(client, member)
    response = client.post(vote_url(poll), {"options": option_ids(poll)[1]})
    assert response.status_code == 302
    assert response.url == reverse("post-detail", args=[poll.post_id]) + "#poll"
    body = page_of(client, poll)
    assert "<meter" in body
    assert "1 vote · 100%" in body
    assert "(your choice)" in body
    assert "Change my vote" in body


def test_vote_with_htmx_answers_the_poll_block(client, space, poster, member):
    poll = make_poll(space, poster)
    response = signed_in(client, member).post(
        vote_url(poll), {"options": option_ids(poll)[0]}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="poll" id="poll"')
    assert "<html" not in body
    assert "1 vote · 100%" in body


def test_vote_with_htmx_shows_an_error_inside_the_block(client, space, poster, member):
    poll = make_poll(space, poster)
    response = signed_in(client, member).post(vote_url(poll), {}, headers=HTMX)
    assert response.status_code == 200
    assert "Choose an option first." in response.content.decode()
    assert not PollBallot.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_vote_refuses_an_option_of_no_poll(client, space, poster, member, value):
    poll = make_poll(space, poster)
    response = signed_in(client, member).post(vote_url(poll), {"options": value})
    assert response.status_code == 400
    assert "not one of this poll" in response.content.decode()


def test_vote_on_a_closed_poll_is_a_409_saying_when(client, space, poster, member, settings):
    settings.TIME_ZONE = "UTC"
    poll = make_poll(space, poster)
    Poll.objects.filter(pk=poll.pk).update(
        closes_at=datetime(2026, 3, 2, 9, 15, tzinfo=timezone.UTC)
    )
    response = signed_in(client, member).post(vote_url(poll), {"options": option_ids(poll)[0]})
    assert response.status_code == 409
    assert "This poll closed on 2 March 2026, 09:15." in response.content.decode()


def test_take_back_a_named_vote_from_the_page(client, space, poster, member):
    poll = make_poll(space, poster)
    client = signed_in(client, member)
    client.post(vote_url(poll), {"options": option_ids(poll)[0]})
    response = client.post(vote_url(poll), {"take_back": "1"})
    assert response.status_code == 302
    assert not PollBallot.objects.exists()


def test_anonymous_vote_cannot_be_changed_from_the_page(client, space, poster, member):
    poll = make_poll(space, poster, anonymous=True)
    client = signed_in(client, member)
    client.post(vote_url(poll), {"options": option_ids(poll)[0]})
    body = page_of(client, poll)
    assert "Your vote is anonymous and final." in body
    assert 'name="options"' not in body
    response = client.post(vote_url(poll), {"options": option_ids(poll)[1]})
    assert response.status_code == 409
    assert "final" in response.content.decode()


def test_vote_refused_for_outsiders_and_unknown_posts(client, space, poster, outsider):
    poll = make_poll(space, poster)
    client = signed_in(client, outsider)
    assert client.post(vote_url(poll), {"options": option_ids(poll)[0]}).status_code == 404
    assert client.post(reverse("poll-vote", args=[999999]), {"options": 1}).status_code == 404
    assert client.post(reverse("poll-close", args=[poll.post_id])).status_code == 404
    assert not PollBallot.objects.exists()


def test_vote_needs_sign_in(client, space, poster):
    poll = make_poll(space, poster)
    response = client.post(vote_url(poll), {"options": option_ids(poll)[0]})
    assert response.status_code == 302
    assert "/accounts/" in response.url or "login" in response.url


def test_close_from_the_page_by_the_poster(client, space, poster, member):
    poll = make_poll(space, poster, results_shown="after_closing")
    client = signed_in(client, poster)
    assert "Close the poll now" in page_of(client, poll)
    response = client.post(reverse("poll-close", args=[poll.post_id]), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Closed on" in body
    assert "Close the poll now" not in body
    poll.refresh_from_db()
    assert poll.closed_at is not None


def test_close_refused_for_a_member(client, space, poster, member):
    poll = make_poll(space, poster)
    client = signed_in(client, member)
    assert "Close the poll now" not in page_of(client, poll)
    response = client.post(reverse("poll-close", args=[poll.post_id]))
    assert response.status_code == 403
    poll.refresh_from_db()
    assert poll.closed_at is None


# --- Anonymity and named voters --------------------------------------------------------------


def test_named_poll_results_list_who_chose_what(client, space, poster, member):
    poll = make_poll(space, poster)
    do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    body = page_of(signed_in(client, poster), poll)
    assert "Who chose it" in body
    assert "Mina Member" in body


@pytest.mark.parametrize("viewer", ["poster", "moderator", "admin", "voter"])
def test_anonymous_poll_pages_show_counts_only(client, space, poster, moderator, viewer):
    poll = make_poll(space, poster, anonymous=True, results_shown="after_voting")
    voter = add_member(space, PersonFactory(display_name="Vera Canary-Voter")).person
    do_vote_in_poll(poll, actor=voter, option_ids=option_ids(poll)[1:2])
    do_close_poll(poll, actor=poster)
    person = {"poster": poster, "moderator": moderator, "admin": AdminFactory(), "voter": voter}
    body = page_of(signed_in(client, person[viewer]), poll)
    results = body.split('id="poll"')[1].split("</section>")[0]
    assert "1 vote · 100%" in results
    assert "Canary-Voter" not in results
    assert "Who chose it" not in results
    assert "(your choice)" not in results
    assert not PollChoice.objects.exists()


# --- Feeds and query counts ------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_space_feed_shows_poll_votes_without_a_query_per_poll(
    client, django_assert_num_queries, space, poster, member, rows
):
    for number in range(rows):
        poll = make_poll(space, poster, question=f"Poll {number}?")
    do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    client = signed_in(client, member)
    # The same count as the space feed of any posts (posts.tests.test_views: with the cards'
    # last comments and my place in their spaces, and the go-to colleagues).
    with django_assert_num_queries(14):
        response = client.get(reverse("space-home", args=[space.slug]))
    body = response.content.decode()
    assert "Poll · 1 vote" in body
    assert ("Poll · 0 votes" in body) == (rows > 1)


@pytest.mark.parametrize("rows", [1, 50])
def test_post_page_query_count_does_not_grow_with_voters(
    client, django_assert_num_queries, space, poster, rows
):
    poll = make_poll(space, poster)
    ids = option_ids(poll)
    for number in range(rows):
        voter = add_member(space).person
        do_vote_in_poll(poll, actor=voter, option_ids=[ids[number % 3]])
    client = signed_in(client, poster)
    # The post page's own queries (see posts.tests.test_views) plus the poll, its options,
    # my ballot and the voters per option (the page's own include the thread's controls). No
    # read mark is written: posting left mine at the thread as it is (votes are not activity).
    with django_assert_num_queries(15):
        response = client.get(reverse("post-detail", args=[poll.post_id]))
    assert f"{rows} vote" in response.content.decode()
