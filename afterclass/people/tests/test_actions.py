"""The action the invitation page adds: registering an invited person in one step."""

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.people.actions import (
    InvitationRow,
    do_invite_people,
    do_register_invited_person,
    find_invitation,
)
from afterclass.people.models import Invitation, Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(admin):
    team = DepartmentFactory(parent=DepartmentFactory())
    level = LevelFactory()
    [sent] = do_invite_people(
        [InvitationRow(email="Nina@Example.org", department=team.name, level=level.name)],
        actor=admin,
    )
    return find_invitation(sent.token)


def test_do_register_invited_person_creates_the_account_and_uses_the_invitation(invitation):
    person = do_register_invited_person(
        invitation, display_name="  Nina New ", password="a-long-pass-phrase"
    )

    assert person.email == "nina@example.org"
    assert person.display_name == "Nina New"
    assert person.check_password("a-long-pass-phrase")
    assert person.department_id == invitation.department_id
    assert person.level_id == invitation.level_id
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
    assert invitation.accepted_at is not None
    actions = set(AuditEntry.objects.filter(actor_id=person.pk).values_list("action", flat=True))
    assert actions == {"person.create", "invitation.accept"}


@pytest.mark.parametrize(
    ("name", "password", "field"),
    [
        ("", "a-long-pass-phrase", "display_name"),
        ("   ", "a-long-pass-phrase", "display_name"),
        ("x" * 121, "a-long-pass-phrase", "display_name"),
        ("Nina", "", "password"),
    ],
)
def test_do_register_invited_person_refuses_bad_input_and_changes_nothing(
    invitation, name, password, field
):
    with pytest.raises(InvalidInput) as error:
        do_register_invited_person(invitation, display_name=name, password=password)

    assert error.value.field == field
    assert not Person.objects.filter(email="nina@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    "change",
    [
        {"accepted_at": timezone.now()},
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - timezone.timedelta(seconds=1)},
    ],
)
def test_do_register_invited_person_refuses_an_invitation_no_longer_usable(invitation, change):
    # The page found it usable; it changed before the form was sent.
    Invitation.objects.filter(pk=invitation.pk).update(**change)

    with pytest.raises(Conflict):
        do_register_invited_person(invitation, display_name="Nina", password="a-long-pass-phrase")

    assert not Person.objects.filter(email="nina@example.org").exists()


def test_do_register_invited_person_refuses_an_address_that_has_an_account(invitation):
    PersonFactory(email="nina@example.org")

    with pytest.raises(Conflict, match="already has an account"):
        do_register_invited_person(invitation, display_name="Nina", password="a-long-pass-phrase")

    invitation.refresh_from_db()
    assert invitation.accepted_at is None
