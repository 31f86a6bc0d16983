"""The live-update app's answers to other apps' signals, connected when LiveConfig.ready
imports this module (the apps that send them never import live)."""

from typing import Any

from django.dispatch import receiver

from afterclass.live.events import close_connections_of
from afterclass.people.signals import person_deactivated


@receiver(person_deactivated, dispatch_uid="live-close-sockets-of-deactivated")
def close_sockets_of_deactivated(sender: Any, *, person_id: int, **kwargs: Any) -> None:
    """A person was deactivated (by an admin, the API or SCIM): their open pages' sockets close
    now rather than at their next event."""
    close_connections_of(person_id)
