"""Saving an upload to the file store: a full disk is a clear StorageFull, and whatever was
written of the file before the disk filled is removed, so no truncated file is left behind."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

from afterclass.core.errors import StorageFull

logger = logging.getLogger(__name__)

# "No space left on device" and "disk quota exceeded": either way, no room for this file.
FULL = {errno.ENOSPC, errno.EDQUOT}


def save_to_file_store(field_file: FieldFile, name: str, content: File[Any]) -> str:
    """Store `content` for `field_file` (as FieldFile.save(..., save=False) does) and return its
    stored name. On any failure the partial file is removed; a full disk raises StorageFull."""
    field = field_file.field
    storage = field_file.storage
    # The name is chosen here, not inside the storage, so that a failed write can be found.
    target = storage.get_available_name(
        field.generate_filename(field_file.instance, name), max_length=field.max_length
    )
    try:
        stored = storage.save(target, content, max_length=field.max_length)
    except BaseException as error:
        remove_partial_file(storage, target)
        if isinstance(error, OSError) and error.errno in FULL:
            logger.error("The file store is full: %s was not saved (%s).", target, error)
            raise StorageFull(field=field.name) from error
        raise
    field_file.name = stored
    setattr(field_file.instance, field.attname, stored)
    field_file._committed = True  # type: ignore[attr-defined]
    return stored


def remove_partial_file(storage: Storage, name: str) -> None:
    """Delete what a failed save left at `name`, and its own folder when that is now empty."""
    remove_stored_file(storage, name)


def remove_stored_file(storage: Storage, name: str) -> None:
    """Delete a stored file and, when it was alone in a folder of its own (an attachment's random
    folder, two levels down), that folder. Top-level folders such as avatars/ stay: an upload
    may be about to write into one."""
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not remove the stored file %s.", name)
        return
    try:
        folder = Path(storage.path(name)).parent
        root = Path(storage.path(""))
    except NotImplementedError:  # an object store has no folders to tidy
        return
    if root in folder.parent.parents:
        with contextlib.suppress(OSError):  # not empty: another file lives there
            os.rmdir(folder)
