"""Memberships: joining, leaving, deciding requests, inviting, removing, banning and roles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.core.validation import clean_choice
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.people.models import Person
from afterclass.spaces.access import check_can_join, check_can_manage, check_can_moderate, my_place
from afterclass.spaces.models import JoinPolicy, Membership, MembershipState, Role, Space, Status
from afterclass.spaces.notices import tell_join_request, tell_requests_decided
from afterclass.surveys.actions import withdraw_member_invitations

if TYPE_CHECKING:
    from afterclass.people.models import Department

MAX_ANSWER_LENGTH = 1000


def _clean_answers(space: Space, answers: Sequence[Any] | None) -> list[dict[str, str]]:
    questions: list[str] = list(space.membership_questions or [])
    given = list(answers or [])
    if len(given) != len(questions):
        raise InvalidInput(
            f"Please answer all {len(questions)} questions of this space.", field="answers"
        )
    clean = []
    for number, (question, answer) in enumerate(zip(questions, given, strict=True), start=1):
        text = str(answer or "").strip() if isinstance(answer, str | None) else None
        if not text:
            raise InvalidInput(f"Please answer question {number}: {question}", field="answers")
        if len(text) > MAX_ANSWER_LENGTH:
            raise InvalidInput(
                f"The answer to question {number} can be at most {MAX_ANSWER_LENGTH} characters.",
                field="answers",
            )
        clean.append({"question": question, "answer": text})
    return clean


def _count_change(space: Space, *, members: int = 0, pending: int = 0) -> None:
    if members or pending:
        Space.objects.filter(pk=space.pk).update(
            member_count=F("member_count") + members, pending_count=F("pending_count") + pending
        )


def do_join_space(
    space: Space, *, actor: Person, answers: Sequence[Any] | None = None
) -> Membership:
    """Join an open space, or ask to join one that needs a moderator's approval."""
    check_can_join(actor, space)
    needs_request = space.join_policy == JoinPolicy.REQUEST
    clean_answers = _clean_answers(space, answers) if needs_request else []
    now = timezone.now()
    with transaction.atomic():
        membership, _ = Membership.objects.select_for_update().get_or_create(
            space=space, person=actor, defaults={"state": MembershipState.LEFT}
        )
        if membership.state in {MembershipState.ACTIVE, MembershipState.PENDING}:
            raise Conflict("You already belong to this space or have asked to join.")
        if membership.state == MembershipState.BANNED:
            # Also checked above; repeated under the row lock in case `space` was loaded earlier.
            raise NotAllowed("You have been removed from this space and cannot join it again.")
        membership.role = Role.MEMBER
        membership.answers = clean_answers
        membership.created_at = now
        membership.decided_at = None
        membership.decided_by = None
        if needs_request:
            membership.state = MembershipState.PENDING
            _count_change(space, pending=1)
            record_event(EventKind.REQUESTED, person=actor, space=space)
        else:
            membership.state = MembershipState.ACTIVE
            membership.joined_at = now
            _count_change(space, members=1)
            record_event(EventKind.JOINED, person=actor, space=space)
        membership.save()
        record_audit(
            "membership.request" if needs_request else "membership.join",
            membership,
            actor=actor,
            space_id=space.pk,
        )
        if needs_request:
            tell_join_request(space, actor=actor)
    return membership


def _active_owner_count(space: Space) -> int:
    return Membership.objects.filter(
        space=space, role=Role.OWNER, state=MembershipState.ACTIVE
    ).count()


def do_leave_space(space: Space, *, actor: Person) -> Membership:
    """Leave a space, or withdraw a pending request. The last owner cannot leave."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(space=space, person=actor).first()
        )
        if membership is None or membership.state not in {
            MembershipState.ACTIVE,
            MembershipState.PENDING,
        }:
            raise Conflict("You are not a member of this space.")
        if (
            membership.role == Role.OWNER
            and membership.is_active
            and _active_owner_count(space) < 2
        ):
            raise Conflict("You are the only owner. Make someone else an owner before leaving.")
        was_active = membership.is_active
        membership.state = MembershipState.LEFT
        membership.role = Role.MEMBER
        membership.save(update_fields=["state", "role"])
        _count_change(space, members=-1 if was_active else 0, pending=0 if was_active else -1)
        if was_active:
            _withdraw_survey_invitations(space, membership)
        record_audit("membership.leave", membership, actor=actor, space_id=space.pk)
        record_event(EventKind.LEFT, person=actor, space=space)
    return membership


def _memberships_for_decision(space: Space, ids: Iterable[int]) -> list[Membership]:
    wanted = list(dict.fromkeys(ids))
    found = list(
        Membership.objects.select_for_update()
        .filter(space=space, pk__in=wanted)
        .select_related("person")
    )
    if len(found) != len(wanted):
        raise NotFound("One of these requests does not exist in this space.")
    for membership in found:
        if membership.state != MembershipState.PENDING:
            raise Conflict(f"The request of {membership.person} has already been handled.")
    return found


def do_decide_requests(
    space: Space, membership_ids: Iterable[int], *, approve: bool, actor: Person
) -> list[Membership]:
    """Approve or decline pending join requests, one or many at once (moderators)."""
    check_can_moderate(actor, space)
    now = timezone.now()
    with transaction.atomic():
        memberships = _memberships_for_decision(space, membership_ids)
        if not memberships:
            raise InvalidInput("Choose at least one request.", field="requests")
        for membership in memberships:
            membership.state = MembershipState.ACTIVE if approve else MembershipState.DECLINED
            membership.decided_at = now
            membership.decided_by = actor
            if approve:
                membership.joined_at = now
            membership.save(update_fields=["state", "decided_at", "decided_by", "joined_at"])
            record_audit(
                "membership.approve" if approve else "membership.decline",
                membership,
                actor=actor,
                space_id=space.pk,
            )
            if approve:
                record_event(EventKind.JOINED, person=membership.person, space=space)
        count = len(memberships)
        _count_change(space, members=count if approve else 0, pending=-count)
        tell_requests_decided(space, memberships, approve=approve)
    return memberships


def do_invite_to_space(
    space: Space, people: Iterable[Person], *, actor: Person
) -> list[Membership]:
    """Add people as members (moderators). Banned people are not re-added; members are skipped."""
    check_can_moderate(actor, space)
    if space.status == Status.ARCHIVED:
        raise Conflict("This space is archived; nobody can be added.")
    invited = [person for person in people if person.is_active]
    if not invited:
        raise InvalidInput("Choose at least one active person to add.", field="people")
    now = timezone.now()
    added: list[Membership] = []
    with transaction.atomic():
        existing = {
            membership.person_id: membership
            for membership in Membership.objects.select_for_update().filter(
                space=space, person__in=invited
            )
        }
        new_pending = 0
        for person in invited:
            membership = existing.get(person.pk)
            if membership is not None and membership.state in {
                MembershipState.ACTIVE,
                MembershipState.BANNED,
            }:
                continue
            if membership is None:
                membership = Membership(space=space, person=person)
            elif membership.state == MembershipState.PENDING:
                new_pending -= 1
            membership.state = MembershipState.ACTIVE
            membership.role = Role.MEMBER
            membership.invited_by = actor
            membership.joined_at = now
            membership.decided_at = now
            membership.decided_by = actor
            membership.save()
            record_audit("membership.invite", membership, actor=actor, space_id=space.pk)
            record_event(EventKind.JOINED, person=person, space=space)
            added.append(membership)
        _count_change(space, members=len(added), pending=new_pending)
    return added


def do_invite_department_to_space(
    space: Space, department: Department, *, actor: Person
) -> list[Membership]:
    """Add every active person of a department and its teams."""
    people = Person.objects.active().filter(
        department__in=[department.pk, *department.teams.values_list("pk", flat=True)]
    )
    return do_invite_to_space(space, list(people), actor=actor)


def _load_member(space: Space, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("person")
        .filter(space=space, pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound("There is no such member in this space.")
    return membership


def _check_may_act_on(space: Space, membership: Membership, actor: Person) -> None:
    if membership.person_id == actor.pk:
        raise NotAllowed("You cannot do this to yourself; leave the space instead.")
    # Moderators handle members; only owners (and organisation admins) handle other moderators.
    place = my_place(actor, space)
    if membership.role != Role.MEMBER and not (place.is_owner or place.is_org_admin):
        raise NotAllowed("Only an owner can remove or ban a moderator or owner.")


def _withdraw_survey_invitations(space: Space, membership: Membership) -> None:
    # Someone who is no longer a member is no longer the audience of the members' surveys.
    withdraw_member_invitations(space, membership.person_id)


def do_remove_member(space: Space, membership_id: int, *, actor: Person) -> Membership:
    """Remove a member (they may join again)."""
    check_can_moderate(actor, space)
    with transaction.atomic():
        membership = _load_member(space, membership_id)
        _check_may_act_on(space, membership, actor)
        if membership.state != MembershipState.ACTIVE:
            raise Conflict(f"{membership.person} is not a member.")
        membership.state = MembershipState.LEFT
        membership.role = Role.MEMBER
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership.save(update_fields=["state", "role", "decided_at", "decided_by"])
        _count_change(space, members=-1)
        _withdraw_survey_invitations(space, membership)
        record_audit("membership.remove", membership, actor=actor, space_id=space.pk)
    return membership


def do_ban_member(space: Space, membership_id: int, *, actor: Person) -> Membership:
    """Ban someone: they lose access and cannot join or request again."""
    check_can_moderate(actor, space)
    with transaction.atomic():
        membership = _load_member(space, membership_id)
        _check_may_act_on(space, membership, actor)
        if membership.state == MembershipState.BANNED:
            raise Conflict(f"{membership.person} is already banned.")
        was = membership.state
        membership.state = MembershipState.BANNED
        membership.role = Role.MEMBER
        membership.decided_at = timezone.now()
        membership.decided_by = actor
        membership.save(update_fields=["state", "role", "decided_at", "decided_by"])
        _count_change(
            space,
            members=-1 if was == MembershipState.ACTIVE else 0,
            pending=-1 if was == MembershipState.PENDING else 0,
        )
        if was == MembershipState.ACTIVE:
            _withdraw_survey_invitations(space, membership)
        record_audit("membership.ban", membership, actor=actor, space_id=space.pk)
    return membership


def do_set_member_role(space: Space, membership_id: int, role: str, *, actor: Person) -> Membership:
    """Make a member a moderator or owner, or back (owners and organisation admins)."""
    check_can_manage(actor, space)
    role = clean_choice(role, Role, "role")
    with transaction.atomic():
        membership = _load_member(space, membership_id)
        if membership.state != MembershipState.ACTIVE:
            raise Conflict(f"{membership.person} is not a member.")
        if membership.role == Role.OWNER and role != Role.OWNER and _active_owner_count(space) < 2:
            raise Conflict("A space needs at least one owner.")
        membership.role = role
        membership.save(update_fields=["role"])
        record_audit("membership.role", membership, actor=actor, space_id=space.pk, role=role)
    return membership
