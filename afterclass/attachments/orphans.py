"""Files in the file store that no row refers to, and removing them.

They come from a save that failed half-way, a request that died between storing a file and
writing its row, or a row deleted while its file's deletion did not happen. Pruning by rows
(afterclass.attachments.actions.do_prune_unattached_uploads) cannot see them: this looks at the
files themselves, in the media folder or the S3 bucket, against every FileField and ImageField
of every model. Only files older than a day go, so a file whose row is about to be written (an
upload in flight) is never touched.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db.models import FileField
from django.utils import timezone

from afterclass.core.errors import InvalidInput
from afterclass.core.filestore import remove_stored_file

logger = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(days=1)
# Below this, an upload still being written (its row not yet committed) could be taken.
MINIMUM_AGE = timedelta(hours=1)


@dataclass
class OrphanReport:
    """What a pass found: the orphans removed (or, on a dry run, that would be), in order."""

    names: list[str] = field(default_factory=list)
    size: int = 0
    kept: int = 0  # files no row refers to, but too recent to remove


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in the store, by its storage name; hidden files (".name") are not ours."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no media folder yet: nothing was ever uploaded
        return
    for name in sorted(files):
        if not name.startswith("."):
            yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        if not sub.startswith("."):
            yield from stored_names(storage, posixpath.join(folder, sub) if folder else sub)


def referenced_names() -> set[str]:
    """The stored names every file field of every model refers to."""
    names: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, FileField):
                continue
            values = (
                model._base_manager.exclude(**{model_field.attname: ""})
                .filter(**{f"{model_field.attname}__isnull": False})
                .values_list(model_field.attname, flat=True)
            )
            names.update(str(value) for value in values.iterator(chunk_size=2000))
    return names


def remove_orphan_media(
    older_than: timedelta = ORPHAN_AGE, *, storage: Storage | None = None, dry_run: bool = False
) -> OrphanReport:
    """Delete the stored files that no row refers to and that are older than `older_than` (at
    least an hour); with `dry_run`, only report them."""
    if older_than < MINIMUM_AGE:
        raise InvalidInput(
            "Only files older than an hour can be pruned: a newer one may be an upload whose "
            "row is still being written.",
            field="older_than",
        )
    storage = storage or default_storage
    cutoff = timezone.now() - older_than
    # Listed before the rows are read: a file stored meanwhile is too new to go, and a row
    # written meanwhile is seen.
    candidates = list(stored_names(storage))
    referenced = referenced_names()
    report = OrphanReport()
    for name in candidates:
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
            size = storage.size(name)
        except FileNotFoundError:  # removed since the listing
            continue
        if modified >= cutoff:
            report.kept += 1
            continue
        if not dry_run:
            remove_stored_file(storage, name)
        report.names.append(name)
        report.size += size
    if report.names and not dry_run:
        logger.info(
            "Removed %d media file(s) (%d bytes) that no row refers to.",
            len(report.names),
            report.size,
        )
    return report
