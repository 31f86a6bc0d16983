"""`afterclass backup` and `afterclass restore`: a backup taken while people write, restored
into a fresh site (its own data folder, and on PostgreSQL its own new database) by the real
commands in their own processes, holds every write acknowledged before it began; refusals
(damaged backups, folders and sites that are not empty) change nothing."""

import hashlib
import io
import json
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from afterclass.attachments.actions import do_upload
from afterclass.attachments.tests.factories import upload_file
from afterclass.core.backup.manifest import MANIFEST, POSTGRES_FILE, SQLITE_FILE
from afterclass.core.tests.test_settings import clean_env
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_comment, do_create_post
from afterclass.spaces.tests.factories import make_space

S3_REGION = "eu-west-2"
S3_VARIABLES = ("AFTERCLASS_S3_BUCKET", "AFTERCLASS_S3_ENDPOINT_URL", "AFTERCLASS_S3_REGION")


# --- Sites in other processes ---------------------------------------------------------------


def database_url(name: str) -> str:
    """The address of database `name` on this test run's database server."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    user = quote(settings.get("USER") or "postgres")
    return f"postgres://{user}{password}@{settings['HOST']}:{settings['PORT']}/{name}"


def postgres(program: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    settings = connection.settings_dict
    return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our own arguments
        [program, "-h", settings["HOST"], "-p", str(settings["PORT"]),
         "-U", settings.get("USER") or "postgres", *arguments],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@dataclass
class Site:
    """A site run by other processes: its data folder and its environment."""

    data_dir: Path
    env: dict[str, str]
    database: str | None = None

    def run(self, *arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, *arguments],
            env=self.env, cwd=self.data_dir, input=stdin,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def afterclass(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "afterclass.cli", *arguments)

    def check(self, expected: dict) -> list[str]:
        """What the restored site lacks of `expected` (see restored_site)."""
        result = self.run("-m", "afterclass.core.tests.restored_site", stdin=json.dumps(expected))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])["problems"]

    def tables(self) -> int:
        if self.database is None:
            database = self.data_dir / "afterclass.sqlite3"
            return 0 if not database.exists() else -1
        found = postgres(
            "psql", "-d", self.database, "-Atc",
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
        )  # fmt: skip
        return int(found.stdout.strip())


@pytest.fixture
def live_site(tmp_path) -> Site:
    """This test's own site, seen from another process: the test database, and the data
    folder whose media/ the tests write to (conftest sets MEDIA_ROOT to tmp_path/media)."""
    env = clean_env(
        AFTERCLASS_DATA_DIR=str(tmp_path),
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
    )
    for name in S3_VARIABLES:
        env.pop(name, None)
    return Site(data_dir=tmp_path, env=env)


@pytest.fixture
def fresh_site(tmp_path):
    """An empty site to restore into: a new data folder and, on PostgreSQL, a new database
    (created here, dropped afterwards)."""
    data_dir = tmp_path / "fresh"
    data_dir.mkdir()
    env = clean_env(AFTERCLASS_DATA_DIR=str(data_dir))
    for name in S3_VARIABLES:
        env.pop(name, None)
    if connection.vendor != "postgresql":
        yield Site(data_dir=data_dir, env=env)
        return
    database = f"afterclass_backup_{secrets.token_hex(4)}"
    created = postgres("createdb", database)
    assert created.returncode == 0, created.stderr
    try:
        yield Site(
            data_dir=data_dir,
            env={**env, "DATABASE_URL": database_url(database)},
            database=database,
        )
    finally:
        postgres("dropdb", "--if-exists", "--force", database)


# --- Content --------------------------------------------------------------------------------


class Burst(threading.Thread):
    """Posts, comments and files written as fast as the actions go, each acknowledged (kept
    in `acknowledged`) once its action returned, that is once it was committed."""

    def __init__(self, space, author) -> None:
        super().__init__(daemon=True)
        self.space, self.author = space, author
        self.acknowledged: dict[str, list[dict]] = {"posts": [], "comments": [], "files": []}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def acknowledge(self, kind: str, **item) -> None:
        with self.lock:
            self.acknowledged[kind].append(item)

    def snapshot(self) -> dict[str, list[dict]]:
        with self.lock:
            return {kind: list(items) for kind, items in self.acknowledged.items()}

    def count(self) -> int:
        with self.lock:
            return sum(len(items) for items in self.acknowledged.values())

    def write(self, number: int) -> None:
        title = f"Burst post {number}"
        post = do_create_post(
            self.space, actor=self.author, kind="discussion", title=title,
            body=f"Field notes on quokka{number}post.",
        )  # fmt: skip
        self.acknowledge("posts", id=post.pk, title=title, word=f"quokka{number}post")
        comment = do_comment(post, actor=self.author, body=f"See quokka{number}comment too.")
        self.acknowledge("comments", id=comment.pk, word=f"quokka{number}comment")
        if number % 4 == 0:
            content = f"Handout {number}: {secrets.token_hex(2000)}\n".encode()
            upload = do_upload(upload_file(f"handout-{number}.txt", content), actor=self.author)
            title = f"Burst handout {number}"
            resource = do_create_post(
                self.space, actor=self.author, kind="resource", title=title,
                body=f"Read quokka{number}file.", attachments=[upload.pk],
            )  # fmt: skip
            self.acknowledge("posts", id=resource.pk, title=title, word=f"quokka{number}file")
            self.acknowledge("files", id=upload.pk, sha256=hashlib.sha256(content).hexdigest())

    def run(self) -> None:
        try:
            number = 0
            while not self.stopping.is_set():
                number += 1
                self.write(number)
                # Leave the backup's process some of this small machine's time.
                self.stopping.wait(0.01)
        except BaseException as error:
            self.error = error
        finally:
            connection.close()


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def author(db):
    Organisation.current()
    return PersonFactory(display_name="Bea Backup")


@pytest.fixture
def space(author):
    return make_space(author, name="Field notes", slug="field-notes")


def write_some(space, author, *, files: int = 2) -> dict[str, list[dict]]:
    burst = Burst(space, author)
    for number in range(4, 4 * (files + 1), 4):
        burst.write(number)
    return burst.snapshot()


def backup_here(folder: Path) -> dict:
    call_command("backup", str(folder), stdout=io.StringIO())
    return json.loads((folder / MANIFEST).read_text())


# --- The round trip -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_during_a_burst_of_writes_restores_every_acknowledged_write(
    tmp_path, live_site, fresh_site, space, author
):
    burst = Burst(space, author)
    burst.start()
    try:
        wait_for(lambda: len(burst.snapshot()["files"]) >= 3 or burst.error is not None)
        acknowledged = burst.snapshot()
        before = burst.count()
        made = live_site.afterclass("backup", str(tmp_path / "backup"))
        during = burst.count() - before
    finally:
        burst.stopping.set()
        burst.join(timeout=60)
    assert burst.error is None, burst.error
    assert made.returncode == 0, made.stderr
    assert during > 0  # people went on writing while the backup ran

    restored = fresh_site.afterclass("restore", str(tmp_path / "backup"))

    assert restored.returncode == 0, restored.stderr
    assert "every checksum right" in restored.stdout
    assert "Search index: rebuilt" in restored.stdout
    assert fresh_site.check({"reader": author.pk, **acknowledged}) == []
    key = (fresh_site.data_dir / "secret_key").read_text()
    assert key == (tmp_path / "secret_key").read_text()


@pytest.mark.django_db(transaction=True)
def test_backup_manifest_lists_every_file_with_its_checksum(tmp_path, space, author):
    written = write_some(space, author)

    manifest = backup_here(tmp_path / "backup")

    database = SQLITE_FILE if connection.vendor == "sqlite" else POSTGRES_FILE
    listed = {item["path"]: item for item in manifest["files"]}
    assert database in listed
    assert "secret_key" in listed
    media = [path for path in listed if path.startswith("media/")]
    assert len(media) == len(written["files"])
    for path, item in listed.items():
        content = (tmp_path / "backup" / path).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (
            item["size"], item["sha256"],
        )  # fmt: skip
    assert manifest["database_engine"] == connection.vendor
    assert manifest["migrations"]["posts"].startswith("00")
    assert manifest["files_from"] == "folder"
    assert manifest["key_from"] == "file"
    assert manifest["afterclass_version"]
    assert manifest["created_at"]


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path, fresh_site, space, author):
    write_some(space, author, files=1)
    manifest = backup_here(tmp_path / "backup")
    damaged = next(item["path"] for item in manifest["files"] if item["path"].startswith("media/"))
    path = tmp_path / "backup" / damaged
    content = bytearray(path.read_bytes())
    content[10] ^= 0xFF  # the same size, one byte changed
    path.write_bytes(bytes(content))

    refused = fresh_site.afterclass("restore", str(tmp_path / "backup"))

    assert refused.returncode != 0
    assert f"{damaged} does not match its checksum" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert fresh_site.tables() == 0
    assert not (fresh_site.data_dir / "media").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty_and_says_how_to_empty_it(tmp_path):
    backup_here(tmp_path / "backup")
    how = "delete" if connection.vendor == "sqlite" else "dropdb"

    with pytest.raises(CommandError, match=rf"database is not empty .*{how}"):
        call_command("restore", str(tmp_path / "backup"))


@pytest.mark.django_db
def test_restore_check_only_verifies_without_restoring(tmp_path, capsys):
    backup_here(tmp_path / "backup")

    call_command("restore", "--check-only", str(tmp_path / "backup"))

    assert "complete and undamaged" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: (folder / MANIFEST).unlink(), "has no manifest.json"),
        (lambda folder: (folder / MANIFEST).write_text("{not json"), "is damaged"),
        (lambda folder: (folder / "secret_key").unlink(), "secret_key is missing"),
        (lambda folder: (folder / "secret_key").write_text("x"), "secret_key does not match"),
    ],
)
def test_restore_refuses_a_broken_backup_naming_what_is_wrong(tmp_path, damage, message):
    backup_here(tmp_path / "backup")
    damage(tmp_path / "backup")

    with pytest.raises(CommandError, match=message):
        call_command("restore", "--check-only", str(tmp_path / "backup"))


def rewrite_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.django_db
def test_restore_refuses_a_manifest_that_points_outside_the_backup(tmp_path):
    backup_here(tmp_path / "backup")
    rewrite_manifest(
        tmp_path / "backup",
        lambda manifest: manifest["files"].append({"path": "../x", "size": 0, "sha256": ""}),
    )

    with pytest.raises(CommandError, match="lists a file outside the backup"):
        call_command("restore", str(tmp_path / "backup"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_by_a_newer_version(tmp_path):
    backup_here(tmp_path / "backup")
    rewrite_manifest(
        tmp_path / "backup",
        lambda manifest: manifest["migrations"].update(posts="9999_from_the_future"),
    )

    with pytest.raises(CommandError, match=r"newer Afterclass .*posts.9999_from_the_future"):
        call_command("restore", str(tmp_path / "backup"))


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path):
    folder = tmp_path / "backup"
    backup_here(folder)
    ours, theirs = (
        (SQLITE_FILE, POSTGRES_FILE)
        if connection.vendor == "sqlite"
        else (POSTGRES_FILE, SQLITE_FILE)
    )
    (folder / ours).rename(folder / theirs)

    def other_engine(manifest):
        manifest["database_engine"] = "postgresql" if theirs == POSTGRES_FILE else "sqlite"
        for item in manifest["files"]:
            if item["path"] == ours:
                item["path"] = theirs

    rewrite_manifest(folder, other_engine)

    with pytest.raises(CommandError, match="restore it with the same kind of database"):
        call_command("restore", str(folder))


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "last-week.txt").write_text("an older backup")

    with pytest.raises(CommandError, match=r"is not empty\. Back up into a new folder"):
        call_command("backup", str(folder))

    assert [path.name for path in folder.iterdir()] == ["last-week.txt"]


@pytest.mark.django_db
def test_backup_refuses_a_folder_it_cannot_create(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(CommandError, match="Cannot write to"):
        call_command("backup", str(tmp_path / "a-file" / "backup"))


@pytest.mark.django_db
def test_backup_refuses_a_folder_inside_the_media_folder(settings):
    with pytest.raises(CommandError, match="inside the media folder"):
        call_command("backup", str(Path(settings.MEDIA_ROOT) / "backup"))


# --- S3 -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server over real HTTP on a free local port, reachable by other processes."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def new_bucket(endpoint: str) -> str:
    name = f"afterclass-backup-{secrets.token_hex(4)}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=S3_REGION,
        aws_access_key_id="afterclass-test", aws_secret_access_key="afterclass-test-secret",
    )  # fmt: skip
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    return name


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "AFTERCLASS_S3_BUCKET": bucket,
        "AFTERCLASS_S3_ENDPOINT_URL": endpoint,
        "AFTERCLASS_S3_REGION": S3_REGION,
        "AWS_ACCESS_KEY_ID": "afterclass-test",
        "AWS_SECRET_ACCESS_KEY": "afterclass-test-secret",
    }


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_copy_the_objects_of_an_s3_bucket(
    tmp_path, settings, monkeypatch, s3_endpoint, fresh_site, author, space
):
    source = new_bucket(s3_endpoint)
    for name, value in s3_env(s3_endpoint, source).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "afterclass.core.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": source, "endpoint_url": s3_endpoint, "region_name": S3_REGION,
                "default_acl": None, "file_overwrite": False,
            },
        },
    }  # fmt: skip
    written = write_some(space, author)
    manifest = backup_here(tmp_path / "backup")
    assert manifest["files_from"] == "s3"
    assert len([item for item in manifest["files"] if item["path"].startswith("media/")]) == 2

    # Into the bucket the files came from: refused, it is not empty.
    fresh_site.env.update(s3_env(s3_endpoint, source))
    refused = fresh_site.afterclass("restore", str(tmp_path / "backup"))
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert fresh_site.tables() == 0

    fresh_site.env.update(s3_env(s3_endpoint, new_bucket(s3_endpoint)))
    restored = fresh_site.afterclass("restore", str(tmp_path / "backup"))

    assert restored.returncode == 0, restored.stderr
    assert "Files: 2 restored to the S3 bucket" in restored.stdout
    assert fresh_site.check({"reader": author.pk, **written}) == []
