"""An erased person's account and personal data: what is theirs goes, and their row is emptied
into "Former colleague" (see erasure.models). Every row of any app that hangs on the person
(a foreign key that cascades) is deleted, found by introspection rather than listed, so a table
added later is erased too; only the rows listed in KEPT stay, on the emptied row, because they
are counted (reactions, votes, ballots) or are kept content the admin chose to keep.

The steps that need the person's name or address to find what carries it (notifications they
caused, e-mail about them) run before the row is emptied, which is last: a resumed erasure still
has what it needs.
"""

from __future__ import annotations

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, TextField, Value
from django.db.models.functions import Cast, Replace

from afterclass.erasure.counters import recount_spaces
from afterclass.erasure.models import ERASED_DOMAIN, FORMER_COLLEAGUE, Erasure
from afterclass.exports.models import IN_PROGRESS as EXPORT_IN_PROGRESS
from afterclass.exports.models import DataExport
from afterclass.insights.models import Event
from afterclass.notifications.models import Notification
from afterclass.outbox.models import OutgoingEmail
from afterclass.people.actions.people import end_sessions
from afterclass.people.models import Invitation, Person
from afterclass.search.models import SearchDocument, Source
from afterclass.spaces.models import Membership

# Rows that stay on the emptied row. Counted things (reactions and votes: a post's counts stay
# true; an anonymous poll's ballots: its counters are the only record of the choices), kept
# content (submissions, reports: the content step deletes them when content is deleted), and
# figures with no personal data (survey invitations behind the response rate, insights rollups).
KEPT = frozenset({
    "posts.reaction",
    "posts.vote",
    "polls.pollballot",
    "learning.submission",
    "moderation.report",
    "surveys.surveyinvitation",
    "insights.dailyactivity",
    "insights.dailyinteraction",
    "insights.pulseanswer",
})  # fmt: skip


def tombstone_email(erasure: Erasure) -> str:
    return f"erased-{erasure.reference}@{ERASED_DOMAIN}"


def personal_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) whose rows belong to a person and go with them: a foreign key or
    one-to-one to the person model that cascades (many-to-many tables included), but KEPT."""
    person_model = apps.get_model("people", "Person")
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in KEPT:
            continue
        for field in model._meta.concrete_fields:
            remote = field.remote_field
            if (
                remote is not None
                and field.related_model is person_model
                and remote.on_delete is models.CASCADE
            ):
                found.append((model, field.name))
    return found


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def forget_exports(person: Person) -> None:
    """Exports of their data, and those they asked for of others' data, with their files; and
    every other export already built: a colleague's zip may hold their name or words (a
    notification they caused, the title of their post under a comment). Exports are kept only
    7 days and can be asked for again; one built from now on has nothing of them."""
    with transaction.atomic():
        exports = DataExport.objects.filter(
            Q(person=person) | Q(requested_by=person) | ~Q(state__in=EXPORT_IN_PROGRESS)
        )
        names = [export.file for export in exports if export.file]
        exports.delete()
        transaction.on_commit(lambda: _delete_files(names))


def forget_messages(person: Person, *, keep_content: bool) -> None:
    """Notifications they caused and e-mail that names them or was sent to them. With their
    content kept, others' notifications of it stay and say "Former colleague" instead of their
    name (as does any other notification that names them); else those go. Queued or sent
    e-mail naming them is dropped from the outbox."""
    name, email = person.display_name, person.email
    with transaction.atomic():
        if not keep_content:
            Notification.objects.filter(actor=person).delete()
        if name:
            # Theirs when kept, and any other that names them ("… made Ada a moderator").
            Notification.objects.filter(message__contains=name).update(
                message=Replace("message", Value(name), Value(FORMER_COLLEAGUE))
            )
        naming = Q(subject__contains=email) | Q(body__contains=email) | Q(html__contains=email)
        if name:
            naming |= Q(subject__contains=name) | Q(body__contains=name) | Q(html__contains=name)
        outbox = OutgoingEmail.objects.annotate(to=Cast("recipients", TextField()))
        outbox.filter(naming | Q(to__icontains=email)).delete()
        Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_by=person)).delete()


def forget_memberships(person: Person) -> None:
    with transaction.atomic():
        memberships = Membership.objects.filter(person=person)
        space_ids = set(memberships.values_list("space_id", flat=True))
        memberships.delete()
        recount_spaces(space_ids)


def forget_rows(person: Person) -> None:
    """Every row that hangs on the person (see personal_links), their sessions, and the person
    in analytics events (the events stay: counts are kept, the link to the person goes)."""
    with transaction.atomic():
        end_sessions(person)
        for model, field in personal_links():
            model._base_manager.filter(**{field: person}).delete()
        Event.objects.filter(person=person).update(person=None)
        SearchDocument.objects.filter(source=Source.PERSON, object_id=person.pk).delete()


def empty_account(person: Person, erasure: Erasure) -> None:
    """The row becomes "Former colleague": no name, address, password, profile, picture or
    rights. Last, because the steps before it look for the name and the address."""
    with transaction.atomic():
        avatar = person.avatar.name
        person.display_name = FORMER_COLLEAGUE
        person.email = tombstone_email(erasure)
        person.set_unusable_password()
        person.job_title = ""
        person.bio = ""
        person.interests = []
        person.department = None
        person.level = None
        person.avatar = ""
        person.is_active = False
        person.is_org_admin = False
        person.is_staff = False
        person.is_superuser = False
        person.last_login = None
        person.save()
        if avatar:
            transaction.on_commit(lambda: default_storage.delete(avatar))
