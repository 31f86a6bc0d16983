"""Who may receive a file attached to something is who may see that thing, and the app that owns
the thing says who that is: posts for a post's files, learning for a session's, an activity's or
a submission's. They register their check here from their `file_owners.py` (imported by
`AttachmentsConfig.ready()`, as Django imports every app's `admin.py`), so that attachments,
which both of them use, imports neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment
    from afterclass.people.models import Person

# The owners a file may have (Attachment's foreign keys, at most one set), in the order asked.
OWNER_FIELDS = ("post", "session", "activity", "submission")

# (viewer, the file, its owner's id): raise NotFound unless the viewer may see the owner; it may
# set the loaded owner on the file.
OwnerCheck = Callable[["Person", "Attachment", int], None]

_checks: dict[str, OwnerCheck] = {}


def register_owner(owner_field: str, check: OwnerCheck) -> None:
    """Called once per owner field, by the owning app's `file_owners.py`."""
    if owner_field not in OWNER_FIELDS:
        raise ImproperlyConfigured(f"A file cannot belong to a {owner_field!r}.")
    if owner_field in _checks:
        raise ImproperlyConfigured(f"Who may see a {owner_field}'s files is registered already.")
    _checks[owner_field] = check


def owner_check(owner_field: str) -> OwnerCheck:
    try:
        return _checks[owner_field]
    except KeyError:
        raise ImproperlyConfigured(
            f"Nobody registered who may see a {owner_field}'s files: is its app installed?"
        ) from None
