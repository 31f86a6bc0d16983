"""Single sign-on's own setting: whether people may still sign in with a password.

The providers themselves are allauth's `SocialApp` rows (configured under Manage → Sign-in) and
`SOCIALACCOUNT_PROVIDERS` entries built from the environment (afterclass.sso.environment)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SignInPolicy(models.Model):
    """The organisation's sign-in policy (always pk=1)."""

    password_sign_in = models.BooleanField(default=True)
    # Admins who may still sign in with a password when password sign-in is off, so that a broken
    # identity provider never locks everyone out.
    break_glass = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Sign-in policy"

    @classmethod
    def password_sign_in_on(cls) -> bool:
        """Whether password sign-in is on, in one query that writes nothing (pages read it)."""
        value = cls.objects.filter(pk=1).values_list("password_sign_in", flat=True).first()
        return True if value is None else value

    @classmethod
    def current(cls) -> SignInPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy
