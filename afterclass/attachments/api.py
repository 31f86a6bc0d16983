"""Attachments API: upload a file to use in a new post, and fetch a file one may see."""

from django.http import FileResponse, HttpRequest
from ninja import File, Path, Router, Status
from ninja.files import UploadedFile

from afterclass.attachments.access import access_attachment
from afterclass.attachments.actions import do_upload
from afterclass.attachments.schemas import AttachmentOut
from afterclass.attachments.views import file_response
from afterclass.core.api import Id, current_person, errors

router = Router(tags=["attachments"])


@router.post(
    "/attachments",
    response={201: AttachmentOut, **errors(400, 401, 403, 422)},
    summary="Upload a file",
)
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[AttachmentOut]:
    """Multipart, field `file`. Returns the id to send in a new post's `attachments`.
    Checked from its content: PDF, Office documents, JPEG/PNG/GIF/WebP pictures, plain text,
    CSV or ZIP, within the size limit; pictures are re-encoded without their metadata."""
    attachment = do_upload(file, actor=current_person(request))
    return Status(201, AttachmentOut.build(attachment))


@router.get(
    "/attachments/{attachment_id}",
    response=errors(401, 404, 422),
    summary="Download a file",
    openapi_extra={"responses": {"200": {"description": "The file", "content": {"*/*": {}}}}},
)
def download(request: HttpRequest, attachment_id: Path[Id]) -> FileResponse:
    """The file itself, for those who may see its post (or its uploader, before it is used)."""
    return file_response(access_attachment(current_person(request), attachment_id))
