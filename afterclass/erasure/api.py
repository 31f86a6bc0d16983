"""Erasing a person over the API, through the same checks and action as Manage."""

from django.http import HttpRequest
from ninja import Path, Router
from ninja.responses import Status

from afterclass.core.api import Id, current_person, errors
from afterclass.erasure.request import do_request_erasure
from afterclass.erasure.schemas import ErasureIn, ErasureOut
from afterclass.people.access import access_person, check_org_admin

router = Router(tags=["people"])


@router.post(
    "/people/{person_id}/erase",
    response={202: ErasureOut, **errors(400, 401, 403, 404, 422)},
    summary="Erase a person",
)
def erase_person(
    request: HttpRequest, person_id: Path[Id], payload: ErasureIn
) -> Status[ErasureOut]:
    """Organisation admins: erase a person. They are deactivated at once (signed out, tokens
    revoked); their account and personal data are removed in the background, and their content
    deleted or kept under "Former colleague" as `content` says. `confirm` must be their e-mail
    address (400 otherwise, nothing changes). Nobody erases themselves or the last admin (403).
    Asking again for someone already erased answers that erasure and changes nothing."""
    viewer = current_person(request)
    check_org_admin(viewer)
    person = access_person(viewer, person_id)
    erasure = do_request_erasure(
        person, actor=viewer, content=payload.content, confirm=payload.confirm
    )
    return Status(202, ErasureOut.build(erasure))
