"""Every change to spaces, memberships and ground rules. Pages, API and commands call these.

The actions live in modules by noun (`spaces`, `rules`, `membership`); this package re-exports
them so callers import from `afterclass.spaces.actions`.
"""

from afterclass.spaces.actions.membership import (
    MAX_ANSWER_LENGTH,
    do_ban_member,
    do_decide_requests,
    do_invite_department_to_space,
    do_invite_to_space,
    do_join_space,
    do_leave_space,
    do_remove_member,
    do_set_member_role,
)
from afterclass.spaces.actions.rules import do_accept_rules, do_publish_rules
from afterclass.spaces.actions.spaces import (
    EDITABLE_FIELDS,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    RESERVED_SLUGS,
    SLUG_RE,
    clean_space_fields,
    do_create_space,
    do_set_space_cover,
    do_set_space_status,
    do_update_space,
    validate_slug,
)

__all__ = [
    "EDITABLE_FIELDS",
    "MAX_ANSWER_LENGTH",
    "MAX_QUESTIONS",
    "MAX_QUESTION_LENGTH",
    "RESERVED_SLUGS",
    "SLUG_RE",
    "clean_space_fields",
    "do_accept_rules",
    "do_ban_member",
    "do_create_space",
    "do_decide_requests",
    "do_invite_department_to_space",
    "do_invite_to_space",
    "do_join_space",
    "do_leave_space",
    "do_publish_rules",
    "do_remove_member",
    "do_set_member_role",
    "do_set_space_cover",
    "do_set_space_status",
    "do_update_space",
    "validate_slug",
]
