"""`afterclass restore`: a backup into an empty site. Everything is checked (the backup's every
checksum, that it fits this site, that the database and files are empty) before anything
changes; then the database, its newer migrations, the files, the key, and the search index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError

from afterclass.core.backup.databases import (
    database_tables,
    engine,
    how_to_empty_database,
    newer_migrations,
    pending_migrations,
    restore_postgres,
    restore_sqlite,
)
from afterclass.core.backup.derived import rebuild_derived
from afterclass.core.backup.manifest import (
    KEY_FILE,
    MEDIA,
    POSTGRES_FILE,
    SQLITE_FILE,
    BackupError,
    Manifest,
    Report,
    read_manifest,
    verify,
)
from afterclass.core.backup.stores import FileStore, MediaFolder, file_store


def check_target(manifest: Manifest, store: FileStore) -> None:
    """The backup fits this site, and the site's database and files are empty."""
    kind = engine()
    if manifest.database_engine != kind:
        raise BackupError(
            f"This backup is of a {manifest.database_engine} database and this site uses "
            f"{kind}: restore it with the same kind of database (DATABASE_URL)."
        )
    newer = newer_migrations(manifest.migrations)
    if newer:
        raise BackupError(
            f"This backup was made by a newer Afterclass ({manifest.afterclass_version}): its "
            f"database has migrations this version does not know ({', '.join(newer[:3])}). "
            "Install that version or a later one to restore it."
        )
    tables = database_tables()
    if tables:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables). Restore only goes into an "
            f"empty database: {how_to_empty_database()}; then run the restore again."
        )
    if not store.is_empty():
        how = (
            f"stop Afterclass and delete everything in {store.root}"
            if isinstance(store, MediaFolder)
            else "empty the bucket (aws s3 rm s3://BUCKET --recursive) or name a new one"
        )
        raise BackupError(
            f"{store.description[0].upper()}{store.description[1:]} is not empty. Restore only "
            f"goes into an empty one: {how}; then run the restore again."
        )


def _restore_key(folder: Path, manifest: Manifest, report: Report) -> None:
    if manifest.key_from != "file":
        report(
            "The backup holds no secret key (it came from a site with SECRET_KEY set): "
            "set the same SECRET_KEY, or people sign in again."
        )
        return
    if settings.PRODUCTION:
        report(
            "This site takes its key from SECRET_KEY, so the backup's embedded key was not "
            "used: people sign in again."
        )
        return
    target = Path(settings.DATA_DIR) / KEY_FILE
    draft = target.with_name(f".{KEY_FILE}.restore")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle, (folder / KEY_FILE).open("rb") as source:
        shutil.copyfileobj(source, handle)
    # The key of the empty site (made when this command started) protects nothing yet.
    draft.replace(target)
    report(f"Secret key: restored to {target}.")


def restore(
    folder: Path, report: Report = lambda line: None, *, check_only: bool = False
) -> Manifest:
    """Check the backup (and, unless `check_only`, that this site is empty), then restore the
    database, bring it up to date, restore the files and the key, and rebuild what is derived
    from them (the search index, registered in `derived.py`). Nothing is changed before every
    check passed."""
    manifest = read_manifest(folder)
    store = file_store()
    if not check_only:
        check_target(manifest, store)
    verify(folder, manifest)
    report(f"Backup of {manifest.created_at}: {len(manifest.files)} files, every checksum right.")
    if check_only:
        return manifest

    try:
        if manifest.database_engine == "sqlite":
            restore_sqlite(folder / SQLITE_FILE)
        else:
            restore_postgres(folder / POSTGRES_FILE)
        report("Database: restored.")
        pending = pending_migrations()
        if pending:
            call_command("migrate", interactive=False, verbosity=0)
            report(f"Database: {pending} newer migrations applied.")
        media = manifest.media()
        for item in media:
            with (folder / item.path).open("rb") as source:
                store.write(item.path.removeprefix(MEDIA + "/"), source)
        report(f"Files: {len(media)} restored to {store.description}.")
        _restore_key(folder, manifest, report)
        rebuilt = rebuild_derived()
    except (OSError, DatabaseError, BackupError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BackupError(
            f"The restore stopped half-way: {reason}. The site is now partly restored: "
            f"{how_to_empty_database()}, empty {store.description}, and restore again."
        ) from error
    for name, counts in rebuilt.items():
        report(f"{name}: rebuilt (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + ").")
    return manifest
