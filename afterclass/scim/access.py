"""Who may manage SCIM provisioning: organisation admins (and the command line).

The SCIM endpoints themselves are reached with a provisioning token, not as a person: the
token is checked by `views.protocol` (`actions.token_for_bearer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.core.errors import NotFound
from afterclass.people.access import check_org_admin
from afterclass.scim.models import ProvisioningToken

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person


def access_provisioning_token(
    actor: Person | AnonymousUser | None, token_id: int
) -> ProvisioningToken:
    """A provisioning token, for an organisation admin to revoke (403 for anyone else)."""
    check_org_admin(actor)
    token = ProvisioningToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotFound("There is no such token.")
    return token
