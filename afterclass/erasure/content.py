"""What becomes of an erased person's contributions when they are deleted: their posts (with
their threads), comments and answers, reactions, votes, named poll ballots, learning
submissions, named survey answers and reports. Each part is one transaction that deletes what
is left of it and recounts what it touched, so a resumed erasure finds only what a crash left.

Kept content needs nothing here: it stays on the emptied row, which is "Former colleague".
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from afterclass.core.indexing import reindex_post_on_commit
from afterclass.erasure.counters import (
    recount_comments,
    recount_named_polls,
    recount_posts,
    recount_surveys,
)
from afterclass.learning.models import Submission
from afterclass.moderation.models import Report
from afterclass.people.models import Person
from afterclass.polls.models import PollBallot
from afterclass.posts.deletion import delete_files, delete_threads
from afterclass.posts.models import (
    Comment,
    ContentState,
    Mention,
    Post,
    Reaction,
    Revision,
    Vote,
)
from afterclass.search.models import SearchDocument, Source
from afterclass.surveys.models import Response


def delete_posts(person: Person) -> None:
    """Their posts go with their threads (a thread cannot stand without its post), the files
    of those posts with them (posts.deletion, as retention deletes threads)."""
    with transaction.atomic():
        delete_threads(list(Post.objects.filter(author=person).values_list("pk", flat=True)))


def delete_comments(person: Person) -> None:
    """Their comments and answers on others' posts. One that others replied to stays as the
    placeholder of a removed comment, emptied (the replies are the others' words)."""
    with transaction.atomic():
        theirs = Comment.objects.filter(author=person)
        post_ids = set(theirs.values_list("post_id", flat=True))
        if not post_ids:
            return
        answered_by_others = set(
            Comment.objects.filter(parent__author=person)
            .exclude(author=person)
            .values_list("parent_id", flat=True)
        )
        placeholders = theirs.filter(pk__in=answered_by_others)
        Revision.objects.filter(comment__in=placeholders).delete()
        Mention.objects.filter(comment__in=placeholders).delete()
        Post.objects.filter(accepted_answer__in=placeholders).update(accepted_answer=None)
        placeholders.update(
            body="", body_html="", hidden_reason="", state=ContentState.REMOVED_BY_AUTHOR
        )
        gone = theirs.exclude(pk__in=answered_by_others)
        SearchDocument.objects.filter(
            source=Source.COMMENT, object_id__in=list(theirs.values_list("pk", flat=True))
        ).delete()
        gone.delete()
        recount_posts(post_ids)
        for post_id in post_ids:
            reindex_post_on_commit(post_id)


def delete_reactions_and_votes(person: Person) -> None:
    with transaction.atomic():
        reactions = Reaction.objects.filter(person=person)
        post_ids = set(reactions.filter(post__isnull=False).values_list("post_id", flat=True))
        comment_ids = set(
            reactions.filter(comment__isnull=False).values_list("comment_id", flat=True)
        )
        votes = Vote.objects.filter(person=person)
        comment_ids |= set(votes.values_list("comment_id", flat=True))
        reactions.delete()
        votes.delete()
        recount_posts(post_ids)
        recount_comments(comment_ids)
        # Search ranks by "this helped me": the documents carry the counts.
        for post_id in post_ids | set(
            Comment.objects.filter(pk__in=comment_ids).values_list("post_id", flat=True)
        ):
            reindex_post_on_commit(post_id)


def delete_ballots(person: Person) -> None:
    """Their ballots in named polls. In an anonymous poll the ballot says only that someone
    voted (nothing of what) and the options' counters hold the votes: it stays, on the emptied
    row, so that the counters and the ballots still agree."""
    with transaction.atomic():
        ballots = PollBallot.objects.filter(person=person, poll__anonymous=False)
        poll_ids = set(ballots.values_list("poll_id", flat=True))
        ballots.delete()
        recount_named_polls(poll_ids)


def delete_learning_and_surveys(person: Person) -> None:
    """Their submissions (with their files), named survey answers and reports. Feedback they
    gave on others' submissions is their words too: emptied, the submission stays."""
    with transaction.atomic():
        submissions = Submission.objects.filter(person=person)
        delete_files(Q(submission__in=submissions))
        submissions.delete()
        Submission.objects.filter(feedback_by=person).update(feedback="", feedback_by=None)
        responses = Response.objects.filter(person=person)
        survey_ids = set(responses.values_list("survey_id", flat=True))
        responses.delete()
        recount_surveys(survey_ids)
        Report.objects.filter(reporter=person).delete()


def delete_uploads(person: Person, *, everything: bool) -> None:
    """Their uploaded files: all of them when their content is deleted (materials of learning
    sessions and activities included), else those nothing kept refers to."""
    with transaction.atomic():
        uploads = Q(uploader=person)
        if not everything:
            uploads &= Q(
                post__isnull=True,
                session__isnull=True,
                activity__isnull=True,
                submission__isnull=True,
            )
        delete_files(uploads)


def delete_content(person: Person) -> None:
    delete_posts(person)
    delete_comments(person)
    delete_reactions_and_votes(person)
    delete_ballots(person)
    delete_learning_and_surveys(person)
    delete_uploads(person, everything=True)
