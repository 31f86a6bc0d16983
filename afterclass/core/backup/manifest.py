"""The backup's manifest: what it holds, every file with its size and sha256, read back with
every path checked to stay inside the backup folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
KEY_FILE = "secret_key"
MEDIA = "media"
CHUNK = 1024 * 1024

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the person running it."""


@dataclass(frozen=True)
class Entry:
    """One file of a backup, as the manifest lists it."""

    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    afterclass_version: str
    django_version: str
    database_engine: str
    # The last migration applied in the copied database, per app.
    migrations: dict[str, str]
    # "folder" (settings.MEDIA_ROOT) or "s3" (the bucket of AFTERCLASS_S3_BUCKET).
    files_from: str
    # "file" when the embedded key is in the backup, "environment" when SECRET_KEY was set.
    key_from: str
    files: list[Entry] = field(default_factory=list)
    format: int = FORMAT

    def entry(self, path: str) -> Entry | None:
        return next((item for item in self.files if item.path == path), None)

    def media(self) -> list[Entry]:
        """The uploaded files, under media/ in the backup."""
        return [item for item in self.files if item.path.startswith(MEDIA + "/")]


def sha256_of(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def safe_relative(name: str) -> PurePosixPath:
    """A relative path with no way out of the folder it is joined to; raises ValueError."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise ValueError(name)
    if "\\" in name or "\x00" in name:
        raise ValueError(name)
    return path


def read_manifest(folder: Path) -> Manifest:
    """The backup's manifest, checked for shape and for paths that stay inside the folder."""
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a complete Afterclass backup "
            "(the manifest is written last)."
        )
    try:
        raw = json.loads(path.read_text())
        if raw.get("format") != FORMAT:
            raise BackupError(
                f"{path} is in backup format {raw.get('format')!r}; this version of Afterclass "
                f"reads format {FORMAT}."
            )
        files = [Entry(str(f["path"]), int(f["size"]), str(f["sha256"])) for f in raw["files"]]
        manifest = Manifest(
            created_at=str(raw["created_at"]),
            afterclass_version=str(raw["afterclass_version"]),
            django_version=str(raw["django_version"]),
            database_engine=str(raw["database_engine"]),
            migrations={str(app): str(name) for app, name in raw["migrations"].items()},
            files_from=str(raw["files_from"]),
            key_from=str(raw["key_from"]),
            files=files,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path} is damaged and cannot be read ({error}).") from error
    for item in manifest.files:
        try:
            safe_relative(item.path)
        except ValueError:
            raise BackupError(f"{path} lists a file outside the backup: {item.path!r}.") from None
    if manifest.database_engine not in ("sqlite", "postgresql"):
        raise BackupError(f"{path} names an unknown database: {manifest.database_engine!r}.")
    database_file = SQLITE_FILE if manifest.database_engine == "sqlite" else POSTGRES_FILE
    if manifest.entry(database_file) is None:
        raise BackupError(f"{path} lists no database file ({database_file}).")
    return manifest


def verify(folder: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is there with its size and sha256; raises naming the
    first that is not."""
    for item in manifest.files:
        path = folder / item.path
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {item.path} is missing.")
        size, digest = sha256_of(path)
        if size != item.size or digest != item.sha256:
            raise BackupError(
                f"The backup is damaged: {item.path} does not match its checksum "
                f"({size:,} bytes, expected {item.size:,}). Nothing was restored."
            )
