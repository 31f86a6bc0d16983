"""Forms for people pages; messages are written for the person filling them in."""

from typing import Any

from django import forms
from django.http import HttpRequest


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label="Your name", max_length=120, help_text="As colleagues will see it."
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
