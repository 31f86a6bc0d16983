"""Retention in the API: the organisation's default, a space's rule and legal hold, and the
previews of a rule; the same rules as the pages (organisation admins change them)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from afterclass.core.api import current_person, errors
from afterclass.core.errors import InvalidInput
from afterclass.people.access import check_org_admin
from afterclass.retention.actions import (
    do_set_legal_hold,
    do_set_organisation_retention,
    do_set_space_retention,
)
from afterclass.retention.models import TAKES_MONTHS, RetentionAction, SpaceRetention, SpaceRule
from afterclass.retention.queries import (
    Rule,
    effective_rule,
    organisation_rule,
    preview_organisation_rule,
    preview_space_rule,
    space_retention,
)
from afterclass.retention.schemas import (
    LegalHoldIn,
    RetentionPreviewOut,
    RetentionPreviewParams,
    RetentionRuleIn,
    RetentionRuleOut,
    SpaceRetentionOut,
    SpaceRetentionRuleIn,
)
from afterclass.spaces.access import access_space, check_can_manage

router = Router(tags=["retention"])


def _space_out(row: SpaceRetention) -> SpaceRetentionOut:
    return SpaceRetentionOut(
        action=row.action,
        months=row.months,
        in_force=RetentionRuleOut.of(effective_rule(row, organisation_rule())),
        legal_hold=row.legal_hold,
        hold_reason=row.hold_reason,
    )


def _proposed(params: RetentionPreviewParams, in_force: Rule) -> Rule:
    if params.action is None or params.action == SpaceRule.DEFAULT:
        return in_force if params.action is None else organisation_rule()
    if params.action not in RetentionAction.values:
        raise InvalidInput("Choose keep, archive or delete.", field="action")
    if params.action in TAKES_MONTHS and params.months is None:
        raise InvalidInput("Say after how many months, from 1 to 120.", field="months")
    return Rule(params.action, params.months if params.action in TAKES_MONTHS else None)


@router.get(
    "/retention",
    response={200: RetentionRuleOut, **errors(401, 403)},
    summary="The organisation's retention rule",
)
def organisation_retention(request: HttpRequest) -> RetentionRuleOut:
    """The default for every space without a rule of its own (organisation admins)."""
    check_org_admin(current_person(request))
    return RetentionRuleOut.of(organisation_rule())


@router.put(
    "/retention",
    response={200: RetentionRuleOut, **errors(400, 401, 403, 422)},
    summary="Set the organisation's retention rule",
)
def set_organisation_retention(request: HttpRequest, body: RetentionRuleIn) -> RetentionRuleOut:
    """Switch a rule on: keep everything, or archive or delete threads with no activity for
    `months`. Preview it first with GET /retention/preview."""
    row = do_set_organisation_retention(body.action, body.months, actor=current_person(request))
    return RetentionRuleOut(action=row.action, months=row.months)


@router.get(
    "/retention/preview",
    response={200: list[RetentionPreviewOut], **errors(400, 401, 403, 422)},
    summary="Preview the organisation's retention rule",
)
def organisation_preview(
    request: HttpRequest, params: Query[RetentionPreviewParams]
) -> list[RetentionPreviewOut]:
    """What a rule (the one in force when none is given) as the default would take now, per
    space that follows the default: what the daily run does."""
    check_org_admin(current_person(request))
    rule = _proposed(params, organisation_rule())
    previews = preview_organisation_rule(rule, now=timezone.now())
    return [RetentionPreviewOut.of(preview) for preview in previews]


@router.get(
    "/spaces/{slug}/retention",
    response={200: SpaceRetentionOut, **errors(401, 403, 404)},
    summary="A space's retention",
)
def space_retention_rule(request: HttpRequest, slug: str) -> SpaceRetentionOut:
    """The space's rule, the rule in force and its legal hold (its owners and organisation
    admins)."""
    person = current_person(request)
    space = access_space(person, slug)
    check_can_manage(person, space)
    return _space_out(space_retention(space))


@router.put(
    "/spaces/{slug}/retention",
    response={200: SpaceRetentionOut, **errors(400, 401, 403, 404, 422)},
    summary="Set a space's retention rule",
)
def set_space_retention(
    request: HttpRequest, slug: str, body: SpaceRetentionRuleIn
) -> SpaceRetentionOut:
    """A rule of the space's own, or `default` to follow the organisation's (organisation
    admins). Preview it first with GET /spaces/{slug}/retention/preview."""
    person = current_person(request)
    space = access_space(person, slug)
    return _space_out(do_set_space_retention(space, body.action, body.months, actor=person))


@router.get(
    "/spaces/{slug}/retention/preview",
    response={200: RetentionPreviewOut, **errors(400, 401, 403, 404, 422)},
    summary="Preview a space's retention rule",
)
def space_preview(
    request: HttpRequest, slug: str, params: Query[RetentionPreviewParams]
) -> RetentionPreviewOut:
    """What a rule (the one in force when none is given) would take from the space now."""
    person = current_person(request)
    space = access_space(person, slug)
    check_org_admin(person)
    in_force = effective_rule(space_retention(space), organisation_rule())
    preview = preview_space_rule(space, _proposed(params, in_force), now=timezone.now())
    return RetentionPreviewOut.of(preview)


@router.put(
    "/spaces/{slug}/legal-hold",
    response={200: SpaceRetentionOut, **errors(400, 401, 403, 404, 422)},
    summary="Put a space on legal hold, or lift it",
)
def set_legal_hold(request: HttpRequest, slug: str, body: LegalHoldIn) -> SpaceRetentionOut:
    """While on, retention deletes nothing in the space (organisation admins; a reason is
    needed to put it on)."""
    person = current_person(request)
    space = access_space(person, slug)
    return _space_out(do_set_legal_hold(space, body.on, reason=body.reason, actor=person))
