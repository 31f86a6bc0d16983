"""Who may sign in how: password sign-in and who may manage single sign-on."""

from __future__ import annotations

from afterclass.people.access import check_org_admin
from afterclass.people.models import Person
from afterclass.sso.models import SignInPolicy


def may_sign_in_with_password(person: Person, policy: SignInPolicy) -> bool:
    """Password sign-in is for everyone, unless the organisation switched it off: then only for
    the named break-glass admins (still admins: one who lost the role loses the way in)."""
    if policy.password_sign_in:
        return True
    return person.is_org_admin and policy.break_glass.filter(pk=person.pk).exists()


def check_manage_sign_in(person: Person) -> None:
    """Only organisation admins configure sign-in."""
    check_org_admin(person)
