"""How django-allauth signs people up and in here: only invited addresses or allowed domains."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from afterclass.people.actions import (
    do_accept_invitation,
    email_domain_allowed,
    usable_invitation_for,
)
from afterclass.people.models import Person

INVITATION_SESSION_KEY = "afterclass_invitation_email"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # The form is shown to everyone; the address itself is checked in clean_email.
        return True

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).lower()
        if usable_invitation_for(email) is None and not email_domain_allowed(email):
            raise forms.ValidationError(
                "Only invited people can join. Use the address your invitation was sent to, "
                "or ask an organisation admin to invite you."
            )
        return email

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Person:
        person: Person = super().save_user(request, user, form, commit=False)
        person.email = person.email.lower()
        invitation = usable_invitation_for(person.email)
        if not person.display_name:
            person.display_name = (
                form.cleaned_data.get("display_name")
                or (invitation.display_name if invitation else "")
                or person.email.split("@")[0]
            )
        if commit:
            person.save()
            do_accept_invitation(person)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return person
