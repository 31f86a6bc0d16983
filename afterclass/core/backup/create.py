"""`afterclass backup`: write a backup of the running site into a new or empty folder.

The database is copied first and the files after it: a file uploaded meanwhile is copied
without a row that needs it (harmless), whereas copying files first would lose the file of a
row written in between."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.utils import timezone

from afterclass.core.backup.databases import backup_postgres, backup_sqlite, engine
from afterclass.core.backup.manifest import (
    KEY_FILE,
    MANIFEST,
    MEDIA,
    POSTGRES_FILE,
    SQLITE_FILE,
    BackupError,
    Entry,
    Manifest,
    Report,
    safe_relative,
    sha256_of,
)
from afterclass.core.backup.stores import FileStore, MediaFolder, copy_stream, file_store, missing


def afterclass_version() -> str:
    try:
        return metadata.version("afterclass")
    except metadata.PackageNotFoundError:
        return "unknown"


def _prepare_folder(folder: Path, store: FileStore) -> bool:
    """Check the backup folder: new or empty, writable, not inside the media folder. Returns
    whether it was created here."""
    if isinstance(store, MediaFolder) and folder.resolve().is_relative_to(store.root.resolve()):
        raise BackupError(
            f"{folder} is inside the media folder {store.root}: the backup would copy itself. "
            "Choose a folder elsewhere (another disk is best)."
        )
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file, not a folder.")
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(
            f"{folder} is not empty. Back up into a new folder each time, "
            f"e.g. {folder / timezone.now().strftime('%Y-%m-%d-%H%M')}."
        )
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise BackupError(f"Cannot write to {folder}: {error.strerror or error}.") from error
    return created


def _clear(folder: Path, *, created: bool) -> None:
    """Remove a failed backup's files (the folder was new or empty when it started)."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _backup_files(store: FileStore, folder: Path, report: Report) -> list[Entry]:
    entries = []
    gone = 0
    for name in store.names():
        try:
            relative = safe_relative(name)
        except ValueError:
            report(f"Skipped a file with a name that cannot be copied safely: {name!r}")
            continue
        path = f"{MEDIA}/{relative.as_posix()}"
        try:
            with store.open(name) as source:
                size, digest = copy_stream(source, folder / path)
        except Exception as error:
            if not missing(error):
                raise
            gone += 1
            (folder / path).unlink(missing_ok=True)
            continue
        entries.append(Entry(path=path, size=size, sha256=digest))
    if gone:
        report(f"{gone} files were deleted while the backup ran and are not in it.")
    return entries


def backup(folder: Path, report: Report = lambda line: None) -> Manifest:
    """Write a backup of the running site into `folder` (new or empty). On failure nothing is
    left behind in it."""
    kind = engine()
    store = file_store()
    created = _prepare_folder(folder, store)
    try:
        return _write_backup(folder, kind, store, report)
    except BaseException as error:
        _clear(folder, created=created)
        if isinstance(error, OSError):
            raise BackupError(
                f"The backup stopped: {error.strerror or error} "
                f"({error.filename or folder}). Nothing was kept in {folder}."
            ) from error
        raise


def _write_backup(folder: Path, kind: str, store: FileStore, report: Report) -> Manifest:
    started = timezone.now()
    database_file = SQLITE_FILE if kind == "sqlite" else POSTGRES_FILE
    if kind == "sqlite":
        migrations = backup_sqlite(folder / database_file)
    else:
        migrations = backup_postgres(folder / database_file)
    size, digest = sha256_of(folder / database_file)
    files = [Entry(path=database_file, size=size, sha256=digest)]
    report(f"Database ({'SQLite' if kind == 'sqlite' else 'PostgreSQL'}): {size:,} bytes.")

    media = _backup_files(store, folder, report)
    files += media
    report(f"Files from {store.description}: {len(media)} ({sum(e.size for e in media):,} bytes).")

    key_source = "environment" if settings.PRODUCTION else "file"
    if key_source == "file":
        with (Path(settings.DATA_DIR) / KEY_FILE).open("rb") as source:
            size, digest = copy_stream(source, folder / KEY_FILE, mode=0o600)
        files.append(Entry(path=KEY_FILE, size=size, sha256=digest))
        report("Secret key: the embedded key from the data folder.")
    else:
        report("Secret key: SECRET_KEY is set in the environment; keep it with your settings.")

    manifest = Manifest(
        created_at=started.isoformat(),
        afterclass_version=afterclass_version(),
        django_version=django.get_version(),
        database_engine=kind,
        migrations=migrations,
        files_from=store.kind,
        key_from=key_source,
        files=files,
    )
    draft = folder / f".{MANIFEST}.part"
    draft.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    draft.rename(folder / MANIFEST)
    return manifest
