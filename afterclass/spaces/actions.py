"""Every change to spaces, memberships and ground rules. Pages, API and commands call these."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.spaces.access import (
    check_can_create_space,
    check_can_join,
    check_can_manage,
    check_can_moderate,
    my_place,
)
from afterclass.spaces.models import (
    Audience,
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Mode,
    Role,
    RulesAcceptance,
    Space,
    Status,
    Template,
    Visibility,
)

if TYPE_CHECKING:
    from afterclass.people.models import Department, Person

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new", "create", "mine", "api", "admin", "settings"}
MAX_QUESTIONS = 5
MAX_QUESTION_LENGTH = 200
MAX_ANSWER_LENGTH = 1000

# Fields a space owner may change through do_update_space, with their validators below.
EDITABLE_FIELDS = {
    "name", "slug", "description", "purpose", "mode", "audience", "template", "visibility",
    "join_policy", "membership_questions", "target_weekly_active_pct",
    "target_answer_rate_pct", "target_answer_hours", "target_completion_pct",
}  # fmt: skip


def _choice(value: Any, choices: type[Any], field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise InvalidInput(f"{field} must be one of: {allowed}.", field=field)
    return str(value)


def _text(value: Any, field: str, *, max_length: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"The {field} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} can be at most {max_length} characters (it has {len(text)}).",
            field=field,
        )
    return text


def _percentage(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidInput(f"{field} must be a whole percentage from 0 to 100.", field=field)
    return value


def _hours(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 720:
        raise InvalidInput(f"{field} must be a number of hours from 1 to 720.", field=field)
    return value


def _questions(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput("Membership questions must be a list of texts.", field="questions")
    questions = [item.strip() for item in value if item.strip()]
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(
            f"A space can ask at most {MAX_QUESTIONS} membership questions.", field="questions"
        )
    for question in questions:
        if len(question) > MAX_QUESTION_LENGTH:
            raise InvalidInput(
                f"Each question can be at most {MAX_QUESTION_LENGTH} characters.",
                field="questions",
            )
    return questions


def validate_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not slug:
        raise InvalidInput("The address cannot be empty.", field="slug")
    if len(slug) > 60:
        raise InvalidInput("The address can be at most 60 characters.", field="slug")
    if not SLUG_RE.match(slug):
        raise InvalidInput(
            "The address may contain only lowercase letters, digits and single hyphens.",
            field="slug",
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInput(f"“{slug}” is reserved; choose another address.", field="slug")
    return slug


def clean_space_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the given space fields and return them normalised; raises InvalidInput."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown field: {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        match name:
            case "name":
                clean[name] = _text(value, "name", max_length=80, required=True)
            case "slug":
                clean[name] = validate_slug(str(value or ""))
            case "description":
                clean[name] = _text(value, "description", max_length=280, required=False)
            case "purpose":
                clean[name] = _text(value, "purpose", max_length=2000, required=True)
            case "mode":
                clean[name] = _choice(value, Mode, "mode")
            case "audience":
                clean[name] = _choice(value, Audience, "audience")
            case "template":
                clean[name] = _choice(value, Template, "template")
            case "visibility":
                clean[name] = _choice(value, Visibility, "visibility")
            case "join_policy":
                clean[name] = _choice(value, JoinPolicy, "join_policy")
            case "membership_questions":
                clean[name] = _questions(value)
            case "target_answer_hours":
                clean[name] = _hours(value, name)
            case _:
                clean[name] = _percentage(value, name)
    return clean


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "space"
    if base in RESERVED_SLUGS:
        base = f"{base}-space"
    slug, number = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def do_create_space(
    *,
    actor: Person,
    name: str,
    purpose: str,
    rules: str,
    slug: str | None = None,
    audience_departments: Sequence[Department] = (),
    **fields: Any,
) -> Space:
    """Create a space in planning with version 1 of its rules; the creator becomes its owner."""
    check_can_create_space(actor)
    clean = clean_space_fields({"name": name, "purpose": purpose, **fields})
    clean["slug"] = validate_slug(slug) if slug else _unique_slug(clean["name"])
    rules_text = _text(rules, "ground rules", max_length=10000, required=True)
    now = timezone.now()
    try:
        with transaction.atomic():
            space = Space.objects.create(created_by=actor, rules_version=1, **clean)
            if audience_departments:
                space.audience_departments.set(audience_departments)
            GroundRules.objects.create(space=space, version=1, body=rules_text, created_by=actor)
            Membership.objects.create(
                space=space,
                person=actor,
                role=Role.OWNER,
                state=MembershipState.ACTIVE,
                rules_version_accepted=1,
                joined_at=now,
            )
            RulesAcceptance.objects.create(space=space, person=actor, version=1)
            Space.objects.filter(pk=space.pk).update(member_count=1)
            space.member_count = 1
            record_audit("space.create", space, actor=actor, space_id=space.pk)
            record_event(EventKind.SPACE_CREATED, person=actor, space=space)
    except IntegrityError as error:
        raise Conflict(f"The address “{clean['slug']}” is already taken.", field="slug") from error
    return space


def do_update_space(
    space: Space,
    *,
    actor: Person,
    audience_departments: Sequence[Department] | None = None,
    **fields: Any,
) -> Space:
    """Change a space's settings (owners and organisation admins only)."""
    check_can_manage(actor, space)
    clean = clean_space_fields(fields)
    changed = {name: value for name, value in clean.items() if getattr(space, name) != value}
    before = {name: getattr(space, name) for name in changed}
    try:
        with transaction.atomic():
            for name, value in changed.items():
                setattr(space, name, value)
            if changed:
                space.save(update_fields=list(changed))
            if audience_departments is not None:
                space.audience_departments.set(audience_departments)
            record_audit(
                "space.update", space, actor=actor, space_id=space.pk, fields=sorted(changed)
            )
    except IntegrityError as error:
        # Nothing was written; put the object back as it was so the caller does not show
        # (or link to) values that were refused.
        for name, value in before.items():
            setattr(space, name, value)
        raise Conflict(
            f"The address “{clean.get('slug')}” is already taken.", field="slug"
        ) from error
    return space


def do_set_space_cover(space: Space, upload: Any, *, actor: Person) -> Space:
    """Replace the cover image (resized, metadata stripped)."""
    from afterclass.core.images import prepare_image

    check_can_manage(actor, space)
    image = prepare_image(upload, max_size=(1200, 400), name="cover")
    with transaction.atomic():
        space.cover.save(image.name or "cover.jpg", image, save=False)
        space.save(update_fields=["cover"])
        record_audit("space.cover", space, actor=actor, space_id=space.pk)
    return space


def do_publish_rules(space: Space, body: str, *, actor: Person) -> GroundRules:
    """Publish a new version of the ground rules; every member is asked to accept it again."""
    check_can_manage(actor, space)
    text = _text(body, "ground rules", max_length=10000, required=True)
    with transaction.atomic():
        locked = Space.objects.select_for_update().get(pk=space.pk)
        current = GroundRules.objects.filter(space=locked, version=locked.rules_version).first()
        if current is not None and current.body == text:
            raise InvalidInput("These rules are the same as the current version.", field="body")
        version = locked.rules_version + 1
        rules = GroundRules.objects.create(
            space=locked, version=version, body=text, created_by=actor
        )
        Space.objects.filter(pk=space.pk).update(rules_version=version)
        space.rules_version = version
        # Whoever writes the new rules has read them: their own acceptance is recorded.
        if Membership.objects.filter(
            space=space, person=actor, state=MembershipState.ACTIVE
        ).update(rules_version_accepted=version):
            RulesAcceptance.objects.create(space=space, person=actor, version=version)
        record_audit("space.rules", space, actor=actor, space_id=space.pk, version=version)
    return rules


def do_set_space_status(space: Space, status: str, *, actor: Person) -> Space:
    """Launch or archive a space (or reopen an archived one). Notifications: issue 5."""
    check_can_manage(actor, space)
    status = _choice(status, Status, "status")
    if status == space.status:
        raise Conflict(f"This space is already {space.get_status_display().lower()}.")
    if status == Status.PLANNING:
        raise Conflict("A launched space cannot go back to planning; archive it instead.")
    now = timezone.now()
    with transaction.atomic():
        space.status = status
        fields = ["status"]
        if status == Status.LAUNCHED and space.launched_at is None:
            space.launched_at = now
            fields.append("launched_at")
        if status == Status.ARCHIVED:
            space.archived_at = now
            fields.append("archived_at")
        space.save(update_fields=fields)
        record_audit("space.status", space, actor=actor, space_id=space.pk, status=status)
    return space


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
        record_audit("membership.leave", membership, actor=actor, space_id=space.pk)
        record_event(EventKind.LEFT, person=actor, space=space)
    return membership


def do_accept_rules(space: Space, *, actor: Person, version: int | None = None) -> Membership:
    """Accept the current ground rules (active members). `version`, when given, must be the
    current one, so nobody accepts rules they have not seen."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(space=space, person=actor, state=MembershipState.ACTIVE)
            .first()
        )
        if membership is None:
            raise NotAllowed("Only members accept a space's ground rules. Join it first.")
        current = Space.objects.values_list("rules_version", flat=True).get(pk=space.pk)
        space.rules_version = current
        if version is not None and version != current:
            raise Conflict(
                f"The ground rules have changed (now version {current}); please read them again."
            )
        if membership.rules_version_accepted == current:
            return membership
        membership.rules_version_accepted = current
        membership.save(update_fields=["rules_version_accepted"])
        RulesAcceptance.objects.get_or_create(space=space, person=actor, version=current)
        record_event(EventKind.RULES_ACCEPTED, person=actor, space=space)
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
    from afterclass.people.models import Person as PersonModel

    people = PersonModel.objects.active().filter(
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
        record_audit("membership.ban", membership, actor=actor, space_id=space.pk)
    return membership


def do_set_member_role(space: Space, membership_id: int, role: str, *, actor: Person) -> Membership:
    """Make a member a moderator or owner, or back (owners and organisation admins)."""
    check_can_manage(actor, space)
    role = _choice(role, Role, "role")
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
