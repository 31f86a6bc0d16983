"""Every change to polls: creating one (with its post), voting, taking a vote back, closing.

An anonymous poll's vote writes a ballot (so that nobody votes twice) and raises the chosen
options' counters with F(), in one transaction: no row anywhere says who chose what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.validation import clean_choice
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.polls.access import check_can_close, check_can_vote
from afterclass.polls.models import Poll, PollBallot, PollChoice, PollOption
from afterclass.posts.actions import do_create_post
from afterclass.posts.models import Post, PostKind
from afterclass.posts.poll_part import ResultsShown

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

MIN_OPTIONS = 2
MAX_OPTIONS = 10
OPTION_LENGTH = 140
ANONYMOUS_FINAL = "Your vote in an anonymous poll is final: it cannot be changed or taken back."


def clean_options(options: Sequence[str]) -> list[str]:
    """2-10 options, each written, at most 140 characters, none the same as another."""
    cleaned = [str(option or "").replace("\r\n", "\n").strip() for option in options]
    if any(not option for option in cleaned):
        raise InvalidInput("An option cannot be empty.", field="options")
    if len(cleaned) < MIN_OPTIONS:
        raise InvalidInput(f"A poll needs at least {MIN_OPTIONS} options.", field="options")
    if len(cleaned) > MAX_OPTIONS:
        raise InvalidInput(f"A poll has at most {MAX_OPTIONS} options.", field="options")
    seen: set[str] = set()
    for option in cleaned:
        if "\x00" in option:
            raise InvalidInput("An option contains a null character.", field="options")
        if len(option) > OPTION_LENGTH:
            raise InvalidInput(
                f"Each option is at most {OPTION_LENGTH} characters: “{option[:40]}…” is longer.",
                field="options",
            )
        if option.casefold() in seen:
            raise InvalidInput(f"The option “{option}” is there twice.", field="options")
        seen.add(option.casefold())
    return cleaned


def do_create_poll(
    space: Space,
    *,
    actor: Person,
    question: str,
    body: str = "",
    options: Sequence[str],
    multiple: bool = False,
    anonymous: bool = False,
    closes_at: datetime | None = None,
    results_shown: str = ResultsShown.AFTER_VOTING,
) -> Post:
    """Post a poll: the question is the post's title. Everything is checked before anything is
    written; the poll and its options are written in the post's transaction."""
    cleaned = clean_options(options)
    results_shown = clean_choice(results_shown, ResultsShown, "results_shown")
    if closes_at is not None:
        if timezone.is_naive(closes_at):
            raise InvalidInput("The closing time needs a time zone.", field="closes_at")
        if closes_at <= timezone.now():
            raise InvalidInput("The closing time must be in the future.", field="closes_at")

    def attach_poll(post: Post) -> None:
        poll = Poll.objects.create(
            post=post,
            multiple=bool(multiple),
            anonymous=bool(anonymous),
            closes_at=closes_at,
            results_shown=results_shown,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=number, text=text)
            for number, text in enumerate(cleaned, start=1)
        )

    return do_create_post(
        space, actor=actor, kind=PostKind.POLL, title=question, body=body, attach_poll=attach_poll
    )


def _clean_choice_ids(poll: Poll, option_ids: Sequence[int]) -> set[int]:
    chosen = {int(option_id) for option_id in option_ids}
    if not chosen:
        raise InvalidInput("Choose an option first.", field="options")
    if not poll.multiple and len(chosen) != 1:
        raise InvalidInput("This poll takes one choice only.", field="options")
    known = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if known != chosen:
        raise InvalidInput("That option is not one of this poll's.", field="options")
    return chosen


def _count(option_ids: set[int], change: int) -> None:
    if option_ids:
        PollOption.objects.filter(pk__in=option_ids).update(vote_count=F("vote_count") + change)


def do_vote_in_poll(poll: Poll, *, actor: Person, option_ids: Sequence[int]) -> Poll:
    """Vote: one option, or several in a multiple-choice poll, from this poll, while it is
    open. In a named poll, voting again replaces the earlier choice; an anonymous vote is
    final (nothing records what it was, so it could not be undone)."""
    check_can_vote(actor, poll)
    chosen = _clean_choice_ids(poll, option_ids)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ballot = PollBallot.objects.create(poll=poll, person=actor)
        except IntegrityError:
            if poll.anonymous:
                raise Conflict(ANONYMOUS_FINAL) from None
            ballot = PollBallot.objects.get(poll=poll, person=actor)
            earlier = set(
                PollChoice.objects.filter(ballot=ballot).values_list("option_id", flat=True)
            )
            if earlier == chosen:
                return poll
            PollChoice.objects.filter(ballot=ballot, option_id__in=earlier - chosen).delete()
            PollChoice.objects.bulk_create(
                PollChoice(ballot=ballot, option_id=option_id) for option_id in chosen - earlier
            )
            _count(earlier - chosen, -1)
            _count(chosen - earlier, 1)
            return poll
        if not poll.anonymous:
            PollChoice.objects.bulk_create(
                PollChoice(ballot=ballot, option_id=option_id) for option_id in sorted(chosen)
            )
        _count(chosen, 1)
        Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
        poll.voter_count += 1
        # That the person answered (never what): the participation insights count. In an
        # anonymous poll not even that is tied to them (the ballot keeps no time; nor does this).
        record_event(
            EventKind.POLL_ANSWERED, person=actor, space=poll.post.space, anonymous=poll.anonymous
        )
    return poll


def do_take_back_vote(poll: Poll, *, actor: Person) -> Poll:
    """Take one's vote in a named poll back while it is open (not in an anonymous poll)."""
    check_can_vote(actor, poll)
    if poll.anonymous:
        raise Conflict(ANONYMOUS_FINAL)
    with transaction.atomic():
        ballot = PollBallot.objects.filter(poll=poll, person=actor).first()
        if ballot is None:
            return poll
        earlier = set(PollChoice.objects.filter(ballot=ballot).values_list("option_id", flat=True))
        ballot.delete()  # its choices with it
        _count(earlier, -1)
        Poll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") - 1)
        poll.voter_count -= 1
    return poll


def do_close_poll(poll: Poll, *, actor: Person) -> Poll:
    """The poster or a moderator closes a poll before its closing time; audited."""
    check_can_close(actor, poll)
    with transaction.atomic():
        poll.closed_at = timezone.now()
        poll.save(update_fields=["closed_at"])
        record_audit("poll.close", poll, actor=actor, space_id=poll.post.space_id)
    return poll
