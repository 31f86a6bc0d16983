"""Where uploaded files live, read and written the same way for a backup: the media folder or
the objects of an S3 bucket (through Django's storage, boto3 underneath)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from afterclass.core.backup.manifest import CHUNK, BackupError, safe_relative


def copy_stream(source: IO[bytes], target: Path, *, mode: int = 0o666) -> tuple[int, str]:
    """Copy `source` into a new file at `target`; its size and sha256, taken on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(descriptor, "wb") as handle:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    return size, digest.hexdigest()


class FileStore(Protocol):
    """Where the uploaded files live: the media folder or an S3 bucket."""

    kind: str
    description: str

    def names(self) -> Iterator[str]: ...

    def open(self, name: str) -> IO[bytes]: ...

    def write(self, name: str, source: IO[bytes]) -> None: ...

    def is_empty(self) -> bool: ...


class MediaFolder:
    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"the media folder {root}"

    def names(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder, subfolders, files in os.walk(self.root):
            subfolders.sort()
            for name in sorted(files):
                path = Path(folder) / name
                # Only regular files: never follow a link out of the folder.
                if path.is_file() and not path.is_symlink():
                    yield path.relative_to(self.root).as_posix()

    def open(self, name: str) -> IO[bytes]:
        return (self.root / safe_relative(name)).open("rb")

    def write(self, name: str, source: IO[bytes]) -> None:
        target = self.root / safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as handle:
            shutil.copyfileobj(source, handle, CHUNK)

    def is_empty(self) -> bool:
        return next(self.names(), None) is None


class S3Bucket:
    """The objects of the bucket, read and written through Django's storage (boto3)."""

    kind = "s3"

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        location = str(storage.location or "").strip("/")
        self.prefix = f"{location}/" if location else ""
        self.description = f"the S3 bucket {storage.bucket_name}"

    def names(self) -> Iterator[str]:
        for item in self.storage.bucket.objects.filter(Prefix=self.prefix):
            key = str(item.key)
            if not key.endswith("/"):  # a "folder" marker made by some tools
                yield key[len(self.prefix) :]

    def open(self, name: str) -> IO[bytes]:
        handle: IO[bytes] = self.storage.open(name, "rb")
        return handle

    def write(self, name: str, source: IO[bytes]) -> None:
        stored = self.storage.save(name, File(source, name))
        if stored != name:
            raise BackupError(f"The bucket stored “{name}” as “{stored}”: is it really empty?")

    def is_empty(self) -> bool:
        listed = self.storage.bucket.objects.filter(Prefix=self.prefix).limit(1)
        return next(iter(listed), None) is None


def file_store() -> FileStore:
    """The store the site's default storage writes uploads to."""
    storage: Storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return MediaFolder(Path(storage.location))
    if hasattr(storage, "bucket_name") and hasattr(storage, "bucket"):
        return S3Bucket(storage)
    raise BackupError(
        f"Uploaded files are kept by {type(storage).__name__}, which backup does not know: "
        "only the media folder and S3 are supported."
    )


def missing(error: Exception) -> bool:
    """A file listed a moment ago and deleted since (a post removed during the backup)."""
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in {"NoSuchKey", "404"}
