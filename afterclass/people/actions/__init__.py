"""Every change to people, departments, the organisation, invitations, sessions and tokens.

The actions live in modules by noun (`organisation`, `people`, `invitations`, `sessions`,
`tokens`); this package re-exports them so callers import from `afterclass.people.actions`.
"""

from afterclass.people.actions.invitations import (
    MAX_INVITATIONS_AT_ONCE,
    InvitationRow,
    SentInvitation,
    do_accept_invitation,
    do_invite_people,
    do_revoke_invitation,
    find_invitation,
    parse_invitation_csv,
    parse_invitation_text,
    usable_invitation_for,
)
from afterclass.people.actions.organisation import (
    do_create_department,
    do_rename_department,
    do_set_levels,
    do_update_organisation,
)
from afterclass.people.actions.people import (
    ADMIN_FIELDS,
    PROFILE_FIELDS,
    do_create_person,
    do_finish_onboarding,
    do_register_invited_person,
    do_set_active,
    do_set_avatar,
    do_set_org_admin,
    do_update_profile,
)
from afterclass.people.actions.sessions import (
    do_end_all_sessions,
    do_end_other_sessions,
    do_end_session,
)
from afterclass.people.actions.tokens import (
    TOKEN_PREFIX,
    do_create_access_token,
    do_revoke_access_token,
    hash_secret,
    person_for_token,
    token_for,
)
from afterclass.people.actions.validation import email_domain_allowed, normalise_email

__all__ = [
    "ADMIN_FIELDS",
    "MAX_INVITATIONS_AT_ONCE",
    "PROFILE_FIELDS",
    "TOKEN_PREFIX",
    "InvitationRow",
    "SentInvitation",
    "do_accept_invitation",
    "do_create_access_token",
    "do_create_department",
    "do_create_person",
    "do_end_all_sessions",
    "do_end_other_sessions",
    "do_end_session",
    "do_finish_onboarding",
    "do_invite_people",
    "do_register_invited_person",
    "do_rename_department",
    "do_revoke_access_token",
    "do_revoke_invitation",
    "do_set_active",
    "do_set_avatar",
    "do_set_levels",
    "do_set_org_admin",
    "do_update_organisation",
    "do_update_profile",
    "email_domain_allowed",
    "find_invitation",
    "hash_secret",
    "normalise_email",
    "parse_invitation_csv",
    "parse_invitation_text",
    "person_for_token",
    "token_for",
    "usable_invitation_for",
]
