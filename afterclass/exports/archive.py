"""Writing an export's zip: one JSON file per section, a readable index.html, and the files."""

from __future__ import annotations

import json
import shutil
import zipfile
from typing import IO

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from afterclass.exports.contents import ExportContents

SECTION_TITLES = {
    "profile": "Profile",
    "posts": "Posts and questions",
    "comments_and_answers": "Comments and answers",
    "reactions": "Reactions",
    "answer_votes": "Votes on answers",
    "poll_votes": "Poll votes",
    "learning_submissions": "Learning submissions and reflections",
    "survey_answers": "Survey answers (named surveys only)",
    "notifications": "Notifications",
    "files": "Files you uploaded",
}


def write_archive(contents: ExportContents, out: IO[bytes]) -> None:
    """Write the zip to `out`; files are read from the storage backend (local disk or S3) and
    copied in chunks, so a large upload is never held in memory whole."""
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.sections.items():
            text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
            archive.writestr(f"{name}.json", text)
        for stored in contents.files:
            try:
                with (
                    default_storage.open(stored.storage_name, "rb") as source,
                    archive.open(stored.archive_name, "w") as target,
                ):
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except FileNotFoundError:
                missing.append(stored.archive_name)
        sections = [
            (SECTION_TITLES.get(name, name), name, data) for name, data in contents.sections.items()
        ]
        index = render_to_string(
            "exports/index.html",
            {
                "profile": contents.sections["profile"],
                "sections": sections[1:],
                "missing": missing,
                "made_at": timezone.now(),
            },
        )
        archive.writestr("index.html", index)
