"""Download my data over the API: ask for an export, see its state, download the zip."""

from django.http import FileResponse, HttpRequest
from ninja import Path, Router
from ninja.responses import Status

from afterclass.core.api import Id, current_person, errors
from afterclass.core.errors import NotFound
from afterclass.exports.access import access_download
from afterclass.exports.queries import latest_export
from afterclass.exports.request import do_request_export
from afterclass.exports.schemas import ExportOut
from afterclass.exports.views import export_file_response

router = Router(tags=["exports"])


@router.post("/me/export", response={202: ExportOut, **errors(401)}, summary="Export my data")
def request_export(request: HttpRequest) -> Status[ExportOut]:
    """Start building a zip of my data (202); asking again while one is being built answers
    that one. When it is ready, `GET /me/export` gives its download link and an e-mail says so."""
    person = current_person(request)
    return Status(202, ExportOut.build(do_request_export(person, actor=person)))


@router.get("/me/export", response={200: ExportOut, **errors(401, 404)}, summary="My export")
def my_export(request: HttpRequest) -> ExportOut:
    """The latest export of my data: its state and, when ready, its download link (404 when
    I have not asked for one, or it was deleted after 7 days)."""
    person = current_person(request)
    export = latest_export(person, requested_by=person)
    if export is None:
        raise NotFound("You have not asked for an export of your data.")
    return ExportOut.build(export)


@router.get(
    "/me/export/{export_id}/file",
    response={200: None, **errors(401, 404)},
    summary="Download my export",
    url_name="my_export_file",
)
def my_export_file(request: HttpRequest, export_id: Path[Id]) -> FileResponse:
    """The zip (application/zip), for the person who asked for it only (404 for anyone else)."""
    export = access_download(current_person(request), export_id)
    return export_file_response(export.file, export.person_id, export.pk)
