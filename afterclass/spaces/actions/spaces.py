"""Creating spaces and changing their settings, cover and status, with the fields' validation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from afterclass.audit.log import record_audit
from afterclass.core.errors import AfterclassError, Conflict, InvalidInput
from afterclass.core.filestore import save_to_file_store
from afterclass.core.images import prepare_image
from afterclass.core.indexing import reindex_space_on_commit
from afterclass.core.validation import clean_choice, clean_text
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.spaces.access import check_can_create_space, check_can_manage
from afterclass.spaces.models import (
    AnonymousQuestions,
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
from afterclass.spaces.notices import tell_space_archived, tell_space_launched
from afterclass.surveys.actions import do_close_survey
from afterclass.surveys.models import Survey, SurveyState

if TYPE_CHECKING:
    from afterclass.people.models import Department, Person

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new", "create", "mine", "api", "admin", "settings"}
MAX_QUESTIONS = 5
MAX_QUESTION_LENGTH = 200

# Fields a space owner may change through do_update_space, with their validators below.
EDITABLE_FIELDS = {
    "name", "slug", "description", "purpose", "mode", "audience", "template", "visibility",
    "join_policy", "membership_questions", "anonymous_questions", "target_weekly_active_pct",
    "target_answer_rate_pct", "target_answer_hours", "target_completion_pct",
}  # fmt: skip


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
                clean[name] = clean_text(value, "name", max_length=80, required=True)
            case "slug":
                clean[name] = validate_slug(str(value or ""))
            case "description":
                clean[name] = clean_text(value, "description", max_length=280, required=False)
            case "purpose":
                clean[name] = clean_text(value, "purpose", max_length=2000, required=True)
            case "mode":
                clean[name] = clean_choice(value, Mode, "mode")
            case "audience":
                clean[name] = clean_choice(value, Audience, "audience")
            case "template":
                clean[name] = clean_choice(value, Template, "template")
            case "visibility":
                clean[name] = clean_choice(value, Visibility, "visibility")
            case "join_policy":
                clean[name] = clean_choice(value, JoinPolicy, "join_policy")
            case "membership_questions":
                clean[name] = _questions(value)
            case "anonymous_questions":
                clean[name] = clean_choice(value, AnonymousQuestions, "anonymous_questions")
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
    cover: Any = None,
    **fields: Any,
) -> Space:
    """Create a space in planning with version 1 of its rules; the creator becomes its owner.
    With `cover`, its cover image too, in the same transaction: a cover that cannot be read
    leaves no half-made space."""
    check_can_create_space(actor)
    clean = clean_space_fields({"name": name, "purpose": purpose, **fields})
    clean["slug"] = validate_slug(slug) if slug else _unique_slug(clean["name"])
    rules_text = clean_text(rules, "ground rules", max_length=10000, required=True)
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
            if cover:
                do_set_space_cover(space, cover, actor=actor)
    except IntegrityError as error:
        raise Conflict(f"The address “{clean['slug']}” is already taken.", field="slug") from error
    reindex_space_on_commit(space.pk)
    return space


def do_update_space(
    space: Space,
    *,
    actor: Person,
    audience_departments: Sequence[Department] | None = None,
    cover: Any = None,
    **fields: Any,
) -> Space:
    """Change a space's settings (owners and organisation admins only), and with `cover` its
    cover image, in one transaction: nothing is saved unless all is."""
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
            if cover:
                do_set_space_cover(space, cover, actor=actor)
    except (IntegrityError, AfterclassError) as error:
        # Nothing was written; put the object back as it was so the caller does not show
        # (or link to) values that were refused.
        for name, value in before.items():
            setattr(space, name, value)
        if isinstance(error, IntegrityError):
            raise Conflict(
                f"The address “{clean.get('slug')}” is already taken.", field="slug"
            ) from error
        raise
    reindex_space_on_commit(space.pk)
    return space


def do_set_space_cover(space: Space, upload: Any, *, actor: Person) -> Space:
    """Replace the cover image (resized, metadata stripped)."""
    check_can_manage(actor, space)
    image = prepare_image(upload, max_size=(1200, 400), name="cover")
    with transaction.atomic():
        save_to_file_store(space.cover, image.name or "cover.jpg", image)
        space.save(update_fields=["cover"])
        record_audit("space.cover", space, actor=actor, space_id=space.pk)
    return space


def do_set_space_status(
    space: Space, status: str, *, actor: Person, close_survey: bool = False
) -> Space:
    """Launch or archive a space (or reopen an archived one). Launching a space in planning
    announces it to its audience (and, with `close_survey`, closes its open pre-launch survey
    first, so nobody is asked "would you use it?" about a space that is already there);
    archiving tells the members."""
    check_can_manage(actor, space)
    status = clean_choice(status, Status, "status")
    if status == space.status:
        raise Conflict(f"This space is already {space.get_status_display().lower()}.")
    if status == Status.PLANNING:
        raise Conflict("A launched space cannot go back to planning; archive it instead.")
    now = timezone.now()
    previous = space.status
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
        if close_survey and previous == Status.PLANNING and status == Status.LAUNCHED:
            _close_prelaunch_survey(space, actor=actor)
        if status == Status.ARCHIVED:
            tell_space_archived(space, actor=actor)
        elif previous == Status.PLANNING:
            tell_space_launched(space, actor=actor)
    return space


def _close_prelaunch_survey(space: Space, *, actor: Person) -> None:
    for survey in Survey.objects.filter(space=space, is_prelaunch=True, state=SurveyState.OPEN):
        do_close_survey(survey, actor=actor)
