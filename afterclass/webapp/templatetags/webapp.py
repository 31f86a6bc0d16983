"""What the push settings need in the page: the server's public VAPID key."""

from django import template

from afterclass.webapp.vapid import vapid_keys

register = template.Library()


@register.simple_tag
def vapid_public_key() -> str:
    return vapid_keys().public_key
