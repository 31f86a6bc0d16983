"""Remembered pages (afterclass.core.pagecache) across real processes: two `afterclass serve`
processes on one site, the background worker and `afterclass shell` scripts, each with its own
memory, sharing only the database and the tables' generations (files in the data folder, or
Redis when REDIS_URL is set; PostgreSQL when DATABASE_URL names it, as in the fault suite).

A member's page remembered by server B is never answered once another process has changed a
table it was built from: B's very next answer after a post through server A, a script's
update or a deactivation, and its answer soon after the worker wrote a notification. Server
C, the same site but generations of its own, is the control: it goes on answering the page it
remembered, so what B shows is the shared generations' doing, not a page B never kept.

"Remembered" is seen from outside by a page answered twice with the same bytes: a page built
afresh masks its CSRF token anew. Remembered pages last AFTERCLASS_PAGE_CACHE_SECONDS, here
far longer than any wait, so that their expiry cannot hide a stale page.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from afterclass.worker.tests.processes import (
    SQLITE_NAME,
    Site,
    drop,
    free_port,
    http_status,
    make_template,
    postgres_url,
    site_from,
    wait_for,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

HOST = "example.org"
PASSWORD = "demo-password"  # PersonFactory's
SECRET_KEY = secrets.token_urlsafe(60)  # one for every server: a session signed in on A is B's
REDIS_URL = os.environ.get("REDIS_URL", "")
SPACE = "everyone"

SEED = """
import json
from django.utils import timezone
from afterclass.notifications.actions import silenced
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.worker.models import QueuedTask

now = timezone.now()
with silenced():
    admin = PersonFactory(email="admin@example.org", is_org_admin=True, onboarded_at=now)
    space = make_space(admin, name="Everyone")
    people = {}
    for name in ("mia", "poppy", "cole", "dee", "eve"):
        people[name] = PersonFactory(
            email=f"{name}@example.org", display_name=name.title(), onboarded_at=now
        )
        add_member(space, people[name])
    post = make_post(space, people["mia"], title="Retro formats that work")
QueuedTask.objects.all().delete()
print(json.dumps({"space": space.slug, "post": post.pk}))
"""


class SharedSite(Site):
    """The fault suite's site, with REDIS_URL (when set) passed on to every process it runs:
    its scripts and worker bump the same generations as its servers."""

    def env(self, *, production: bool = False, **variables: str) -> dict[str, str]:
        if REDIS_URL:
            variables.setdefault("REDIS_URL", REDIS_URL)
        data_dir = variables.pop("AFTERCLASS_DATA_DIR", None)  # another data folder (C's)
        env = super().env(production=production, **variables)
        if data_dir is not None:
            env["AFTERCLASS_DATA_DIR"] = data_dir
        return env


def other_redis_database(url: str) -> str:
    """The same Redis server, another database: generations nobody else reads."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


# --- a browser: cookies, forms, the sign-in form --------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """One person's cookies, sent to whichever server is asked (one site, one session)."""

    email: str
    cookies: dict[str, str] = field(default_factory=dict)

    def fetch(
        self, port: int, path: str, *, method: str = "GET", form: dict[str, str] | None = None
    ) -> Answer:
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()
        jar: SimpleCookie = SimpleCookie()
        for value in answer.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        for name, morsel in jar.items():
            if morsel.value:
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)
        return answer

    def get(self, port: int, path: str) -> Answer:
        return self.fetch(port, path)

    def submit(self, port: int, page: str, action: str, form: dict[str, str]) -> Answer:
        """POST `form` to `action` with the CSRF token of the form on `page`, as a browser."""
        shown = self.get(port, page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown.text)
        assert shown.status == 200, (shown.status, page)
        assert token, page
        return self.fetch(
            port, action, method="POST", form={"csrfmiddlewaretoken": token.group(1), **form}
        )

    def sign_in(self, port: int) -> None:
        """Through the sign-in form, following the redirects as a browser does: the page
        after it shows (and so consumes) the "signed in" message."""
        form = {"login": self.email, "password": PASSWORD}
        answer = self.submit(port, "/accounts/login/", "/accounts/login/", form)
        assert answer.status == 302, (answer.status, answer.text)
        assert "sessionid" in self.cookies
        for _ in range(5):
            answer = self.get(port, answer.headers["Location"])
            if answer.status not in (301, 302, 303):
                break
        assert answer.status == 200, answer.status

    def remembered(self, port: int, path: str) -> str:
        """Visit `path` until it is answered from memory (twice the same bytes) and return it:
        the first visit teaches the view its tables, the next may write (a read mark)."""
        previous = ""
        for _ in range(5):
            answer = self.get(port, path)
            assert answer.status == 200, (path, answer.status)
            if answer.text == previous:
                return answer.text
            previous = answer.text
        raise AssertionError(f"{path} on port {port} was never answered from memory")


# --- the site and its servers ----------------------------------------------------------------


@dataclass
class Servers:
    site: SharedSite
    seed: dict[str, Any]
    a: int
    b: int
    c: int  # the control: the same database, generations of its own


def start_server(site: Site, name: str, port: int, **env: str) -> subprocess.Popen[str]:
    """`afterclass serve --no-worker`, one uvicorn worker, in production mode with the key
    every server shares (started: `answering` waits for it)."""
    return site.start(
        name,
        ["-m", "afterclass.cli", "serve", "--no-worker", "--no-collectstatic",
         "--port", str(port), "--workers", "1"],
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        AFTERCLASS_SSL_REDIRECT="0",
        AFTERCLASS_PAGE_CACHE="1",
        AFTERCLASS_PAGE_CACHE_SECONDS="3600",
        **env,
    )  # fmt: skip


def collect_static(site: Site) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "afterclass.cli", "collectstatic", "--noinput", "-v0"],
        env=site.env(SECRET_KEY=SECRET_KEY),
        cwd=site.folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def answering(site: Site, name: str, server: subprocess.Popen[str], port: int) -> None:
    def up() -> bool:
        return server.poll() is not None or http_status(port, "/healthz") == 200

    wait_for(up, timeout=120, every=0.2, what=name)
    assert server.poll() is None, site.log(name)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    name = f"{os.getpid()}_pagecache"
    template = make_template(tmp_path_factory.mktemp("pages-template"), f"{name}_template")
    try:
        with site_from(template, tmp_path_factory.mktemp("pages-site"), name) as made:
            site = SharedSite(made.folder, made.name, made.database)
            try:
                seed = site.script(SEED)
                collect_static(site)
                # C: its own data folder (so its own generations, or another Redis database)
                # with the site's database and static files.
                unshared = site.folder / "unshared"
                unshared.mkdir()
                (unshared / "static").symlink_to(site.folder / "static")
                c_env = {"AFTERCLASS_DATA_DIR": str(unshared)}
                if REDIS_URL:
                    c_env["REDIS_URL"] = other_redis_database(REDIS_URL)
                if postgres_url() is None:
                    c_env["DATABASE_URL"] = f"sqlite:///{site.folder / SQLITE_NAME}"
                ports = {"a": free_port(), "b": free_port(), "c": free_port()}
                started = {
                    "a": start_server(site, "server-a", ports["a"]),
                    "b": start_server(site, "server-b", ports["b"]),
                    "c": start_server(site, "server-c", ports["c"], **c_env),
                }
                for key, server in started.items():
                    answering(site, f"server-{key}", server, ports[key])
                yield Servers(site, seed, ports["a"], ports["b"], ports["c"])
                for key in started:
                    assert "Traceback" not in site.log(f"server-{key}"), site.log(f"server-{key}")
            finally:
                site.stop_everything()
    finally:
        drop(template)
        shutil.rmtree(template.folder, ignore_errors=True)


# --- 1. a post through A, a script's update: B's very next answer ----------------------------


def test_a_post_through_one_server_shows_on_the_other_at_once(servers):
    mia, poppy = Browser("mia@example.org"), Browser("poppy@example.org")
    mia.sign_in(servers.b)
    poppy.sign_in(servers.a)
    before = mia.remembered(servers.b, "/feed/")
    mia.remembered(servers.c, "/feed/")
    assert "Fresh from server A" not in before

    space = servers.seed["space"]
    posted = poppy.submit(
        servers.a,
        f"/spaces/{space}/posts/new/",
        f"/spaces/{space}/posts/new/",
        {"kind": "discussion", "title": "Fresh from server A", "body": "Written on A."},
    )
    assert posted.status == 302, (posted.status, posted.text[-2000:])

    # No waiting: A answered after the commit, and after the shared bump.
    assert "Fresh from server A" in mia.get(servers.b, "/feed/").text
    assert "Fresh from server A" not in mia.get(servers.c, "/feed/").text  # the control: stale

    mia.remembered(servers.b, "/feed/")
    servers.site.script(
        "import json; from afterclass.posts.models import Post; "
        "n = Post.objects.filter(title='Fresh from server A')"
        ".update(title='Renamed by a script'); print(json.dumps({'updated': n}))"
    )
    feed = mia.get(servers.b, "/feed/").text
    assert "Renamed by a script" in feed
    assert "Fresh from server A" not in feed


# --- 2. the worker's writes -----------------------------------------------------------------


def test_a_notification_written_by_the_worker_shows_on_a_remembered_page(servers):
    site, post = servers.site, servers.seed["post"]
    mia, cole = Browser("mia@example.org"), Browser("cole@example.org")
    mia.sign_in(servers.b)
    cole.sign_in(servers.a)
    commented = cole.submit(
        servers.a, f"/posts/{post}/", f"/posts/{post}/comments/", {"body": "Try a timeline."}
    )
    assert commented.status == 302, (commented.status, commented.text[-2000:])
    # The fan-out waits for a worker: the pages are remembered after the comment, before it.
    assert fan_outs(site) == {"READY"}
    told = "commented on your post"
    assert told not in mia.remembered(servers.b, "/notifications/")
    assert told not in mia.remembered(servers.c, "/notifications/")

    worker = site.start_worker("worker")
    try:
        wait_for(
            lambda: told in mia.get(servers.b, "/notifications/").text,
            timeout=90,
            every=0.2,
            what="the notification on server B",
        )
        # Written by the worker, not by a server.
        assert fan_outs(site) == {"SUCCESSFUL"}
        assert site.value(
            "SELECT count(*) FROM notifications_notification n "
            "JOIN people_person p ON p.id = n.recipient_id WHERE p.email = %s",
            "mia@example.org",
        )
        # The control, which never learns of the worker's write: still its old page.
        assert told not in mia.get(servers.c, "/notifications/").text
    finally:
        worker.terminate()
        assert worker.wait(timeout=60) == 0, site.log("worker")
    assert "Traceback" not in site.log("worker")


def fan_outs(site: Site) -> set[str]:
    """The states of the notifications' fan-out tasks (this test's and test 1's post's)."""
    return {
        state
        for (state,) in site.rows(
            "SELECT state FROM worker_queuedtask WHERE task_path = %s",
            "afterclass.notifications.tasks.fan_out",
        )
    }


# --- 3. deactivated by another process ------------------------------------------------------


def test_a_deactivated_member_is_never_answered_a_remembered_page(servers):
    site, post = servers.site, servers.seed["post"]
    path = f"/posts/{post}/"
    dee, eve = Browser("dee@example.org"), Browser("eve@example.org")
    for person in (dee, eve):
        person.sign_in(servers.b)
        assert "Retro formats that work" in person.remembered(servers.b, path)

    # By an admin's action (their sessions end), and by a bare update (the session stays).
    site.script(
        "import json; from afterclass.people.actions import do_set_active; "
        "from afterclass.people.models import Person; "
        "admin = Person.objects.get(email='admin@example.org'); "
        "do_set_active(Person.objects.get(email='dee@example.org'), False, actor=admin); "
        "n = Person.objects.filter(email='eve@example.org').update(is_active=False); "
        "print(json.dumps({'updated': n}))"
    )

    for person in (dee, eve):
        answer = person.get(servers.b, path)
        assert answer.status == 302, (person.email, answer.status)
        assert answer.headers["Location"].startswith("/accounts/login/")
        assert "Retro formats that work" not in answer.text
