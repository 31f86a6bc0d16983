"""Asking for an erasure: checked, the person deactivated at once, recorded, audited, and its
work queued (erasure.tasks, which runs erasure.actions)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput
from afterclass.erasure.access import check_can_erase
from afterclass.erasure.models import IN_PROGRESS, Erasure
from afterclass.erasure.tasks import erase_person
from afterclass.people.actions import do_set_active
from afterclass.people.models import ErasedContent, Person


def confirmation_matches(person: Person, typed: str) -> bool:
    return typed.strip().lower() == person.email.lower()


def do_request_erasure(person: Person, *, actor: Person, content: str, confirm: str) -> Erasure:
    """Erase `person`: an organisation admin, who typed the person's e-mail address to confirm
    and chose what becomes of their content ("delete" or "keep"). They are deactivated now
    (signed out everywhere, tokens revoked, live pages closed, as Manage's deactivation does);
    the rest runs in the background. Asking again for someone already erased, or being erased,
    changes nothing and gives that erasure (one not finished is queued again: see
    do_continue_erasure). The audit entry names the erasure by its reference,
    never by the person's name or address."""
    check_can_erase(actor, person)
    existing = Erasure.objects.filter(person=person).first()
    if existing is not None:
        return do_continue_erasure(existing, actor=actor)
    if content not in ErasedContent.values:
        raise InvalidInput("Choose whether their content is deleted or kept.", field="content")
    if not confirmation_matches(person, confirm):
        raise InvalidInput(
            "To confirm, type the person's e-mail address exactly as shown.", field="confirm"
        )
    try:
        with transaction.atomic():
            if person.is_active:
                do_set_active(person, False, actor=actor)
            erasure = Erasure.objects.create(person=person, content=content, requested_by=actor)
            record_audit(
                "person.erase", erasure, actor=actor, content=content, reference=erasure.reference
            )
            transaction.on_commit(lambda: erase_person.enqueue(erasure.pk))
    except IntegrityError:
        # Two admins at once: the other one's erasure is the one.
        return Erasure.objects.get(person=person)
    return erasure


def do_continue_erasure(erasure: Erasure, *, actor: Person) -> Erasure:
    """Queue an unfinished erasure's task again, for when its worker gave up (the task shows as
    failed under Manage → System health): it carries on from where it stopped. A finished one
    is left alone."""
    check_can_erase(actor, erasure.person)
    if erasure.state in IN_PROGRESS:
        transaction.on_commit(lambda: erase_person.enqueue(erasure.pk))
    return erasure
