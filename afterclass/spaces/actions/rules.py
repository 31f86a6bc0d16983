"""Ground rules: publishing a new version and members accepting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.validation import clean_text
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.spaces.access import check_can_manage
from afterclass.spaces.models import (
    GroundRules,
    Membership,
    RulesAcceptance,
    Space,
)

if TYPE_CHECKING:
    from afterclass.people.models import Person


def do_publish_rules(space: Space, body: str, *, actor: Person) -> GroundRules:
    """Publish a new version of the ground rules; every member is asked to accept it again."""
    check_can_manage(actor, space)
    text = clean_text(body, "ground rules", max_length=10000, required=True)
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
        if Membership.objects.active_in(space, actor).update(rules_version_accepted=version):
            RulesAcceptance.objects.create(space=space, person=actor, version=version)
        record_audit("space.rules", space, actor=actor, space_id=space.pk, version=version)
    return rules


def do_accept_rules(space: Space, *, actor: Person, version: int | None = None) -> Membership:
    """Accept the current ground rules (active members). `version`, when given, must be the
    current one, so nobody accepts rules they have not seen."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().active_in(space, actor).first()
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
