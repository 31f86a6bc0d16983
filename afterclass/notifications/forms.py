"""Forms of the notification settings: one small form per row, each saved on its own. They parse
what a person chose; the rules (which channels a kind offers) are in notifications.rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from afterclass.notifications.models import DigestFrequency, NotificationKind, SpaceLevel
from afterclass.notifications.rules import CHANNEL_LABELS, channel_choices


class KindChannelForm(forms.Form):
    """How one kind of notification (named by the URL) reaches me."""

    channel = forms.ChoiceField(choices=list(CHANNEL_LABELS.items()))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel = cast(forms.ChoiceField, self.fields["channel"])
        channel.choices = channel_choices(kind)
        channel.label = NotificationKind(kind).label


class SpaceLevelForm(forms.Form):
    """How much I hear from one space."""

    level = forms.ChoiceField(choices=SpaceLevel.choices)


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        choices=DigestFrequency.choices, label="E-mail digest of what happened in my spaces"
    )


class NoEmailForm(forms.Form):
    no_email = forms.BooleanField(
        required=False,
        label="No e-mail at all",
        help_text="Nothing is sent to your inbox; notifications stay in the app.",
    )
