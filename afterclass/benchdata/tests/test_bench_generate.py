"""The benchmark data set generator, at its smallest tier: the counts it promises, the same rows
for the same seed, counters that agree with the rows, and data the product shows as its own."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse

from afterclass.benchdata.generate import NotEmpty, generate
from afterclass.benchdata.tiers import TIERS
from afterclass.insights.models import DailyActivity, Event
from afterclass.learning.models import Activity, Progress
from afterclass.notifications.models import Notification
from afterclass.people.models import Department, Person
from afterclass.polls.models import Poll, PollOption
from afterclass.posts.models import Comment, ContentState, Post, PostKind, Reaction, Vote
from afterclass.search.models import SearchDocument
from afterclass.spaces.models import (
    Membership,
    MembershipState,
    Mode,
    Space,
    Status,
    Template,
    Visibility,
)

pytestmark = pytest.mark.django_db

XS = TIERS["xs"]
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def generated():
    return generate(XS, seed=7, now=NOW)


def digest() -> str:
    rows = [
        list(Person.objects.order_by("pk").values_list("pk", "email", "department_id", "level_id")),
        list(Space.objects.order_by("pk").values_list("pk", "slug", "template", "member_count")),
        list(Membership.objects.order_by("pk").values_list("space_id", "person_id", "role")),
        list(
            Post.objects.order_by("pk").values_list("pk", "space_id", "author_id", "kind", "body")
        ),
        list(Comment.objects.order_by("pk").values_list("pk", "post_id", "parent_id", "body")),
        list(Reaction.objects.order_by("pk").values_list("post_id", "comment_id", "kind")),
        list(Event.objects.order_by("pk").values_list("time", "kind", "person_id", "space_id")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_generate_writes_the_tier_counts_of_every_kind(generated):
    assert Person.objects.count() == XS.people
    assert Space.objects.count() == XS.spaces
    assert Post.objects.count() == XS.posts
    assert Comment.objects.count() == XS.comments
    assert Event.objects.count() == XS.events
    assert 0 < Reaction.objects.count() <= XS.reactions
    assert 0 < Vote.objects.count() <= XS.votes
    assert XS.notifications // 2 < Notification.objects.count() < XS.notifications * 2
    assert Department.objects.filter(parent__isnull=False).exists()
    assert set(Post.objects.values_list("kind", flat=True)) == set(PostKind.values)
    assert set(Space.objects.values_list("template", flat=True)) == set(Template.values)
    assert set(Space.objects.values_list("visibility", flat=True)) == set(Visibility.values)
    assert set(Space.objects.values_list("mode", flat=True)) == set(Mode.values)
    assert Activity.objects.exists()
    assert Progress.objects.exists()
    assert DailyActivity.objects.exists()
    assert SearchDocument.objects.filter(source="comment").count() == XS.comments
    assert generated.counts["posts.Post"] == XS.posts


def restart_sequences() -> None:
    """As in an empty database: PostgreSQL's sequences are not rolled back with the rows they
    numbered (SQLite's are), and rows the product's own code adds take their ids from them."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_by_name_sql(
        no_style(), connection.introspection.sequence_list()
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_generate_makes_the_same_data_for_the_same_seed():
    def once(seed: int) -> str:
        restart_sequences()
        with transaction.atomic():
            generate(XS, seed=seed, now=NOW)
            value = digest()
            transaction.set_rollback(True)
        return value

    first = once(7)
    assert once(7) == first
    assert once(8) != first


def test_generate_keeps_counters_consistent_with_rows(generated):
    posts = Post.objects.annotate(
        n_comments=Count("comments", distinct=True),
        n_answers=Count(
            "comments",
            filter=Q(comments__parent__isnull=True, kind=PostKind.QUESTION),
            distinct=True,
        ),
        n_reactions=Count("reactions", distinct=True),
        n_helped=Count("reactions", filter=Q(reactions__kind="helped"), distinct=True),
    )
    for post in posts:
        assert (post.comment_count, post.answer_count) == (post.n_comments, post.n_answers)
        assert (post.reaction_count, post.helped_count) == (post.n_reactions, post.n_helped)
    comments = Comment.objects.annotate(
        n_votes=Count("votes", distinct=True),
        n_reactions=Count("reactions", distinct=True),
        n_helped=Count("reactions", filter=Q(reactions__kind="helped"), distinct=True),
    )
    for comment in comments:
        assert (comment.vote_count, comment.reaction_count, comment.helped_count) == (
            comment.n_votes,
            comment.n_reactions,
            comment.n_helped,
        )
    for space in Space.objects.annotate(
        n_active=Count("memberships", filter=Q(memberships__state=MembershipState.ACTIVE)),
        n_pending=Count("memberships", filter=Q(memberships__state=MembershipState.PENDING)),
    ):
        assert (space.member_count, space.pending_count) == (space.n_active, space.n_pending)
    for poll in Poll.objects.annotate(n_ballots=Count("ballots")):
        assert poll.voter_count == poll.n_ballots
    named = PollOption.objects.filter(poll__anonymous=False).annotate(n_chosen=Count("choices"))
    assert all(option.vote_count == option.n_chosen for option in named)
    accepted = Post.objects.filter(accepted_answer__isnull=False).select_related("accepted_answer")
    assert all(post.accepted_answer.post_id == post.pk for post in accepted)


def _member_post() -> tuple[Person, Post]:
    post = (
        Post.objects.filter(
            state=ContentState.VISIBLE,
            space__status=Status.LAUNCHED,
            space__visibility=Visibility.LISTED,
            comment_count__gt=0,
        )
        .exclude(kind__in=[PostKind.UPDATE, PostKind.POLL])
        .order_by("-comment_count", "pk")
        .first()
    )
    assert post is not None
    member = Person.objects.get(
        memberships__space=post.space_id,
        memberships__state=MembershipState.ACTIVE,
        pk=post.author_id,
    )
    return member, post


def test_generated_feed_and_post_pages_answer_a_member(generated, client):
    member, post = _member_post()
    client.force_login(member)
    assert client.get(reverse("home-feed")).status_code == 200
    response = client.get(reverse("post-detail", args=[post.pk]))
    assert response.status_code == 200
    assert post.comments.first().body.split()[0] in response.content.decode()
    assert client.get(reverse("space-directory")).status_code == 200
    assert client.get(reverse("space-home", args=[post.space.slug])).status_code == 200


def test_generated_posts_are_found_by_search(generated, client):
    member, post = _member_post()
    client.force_login(member)
    response = client.get(reverse("search"), {"q": post.title})
    assert response.status_code == 200
    assert f"/posts/{post.pk}/" in response.content.decode()


def test_generate_refuses_a_database_with_people(person):
    with pytest.raises(NotEmpty, match="empty one"):
        generate(XS, seed=1, now=NOW)
    with pytest.raises(CommandError, match="AFTERCLASS_DATA_DIR"):
        call_command("bench", "generate", "--tier", "xs")
