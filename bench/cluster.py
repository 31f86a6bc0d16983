"""The cluster test (`make cluster-test`): nginx in front of two app servers, two task workers,
PostgreSQL, Redis and an S3 server, all real processes, checked through nginx only.

    .venv/bin/python bench/cluster.py            # exits 0 when every check holds

Layout (every port a free one on 127.0.0.1):

- nginx (Debian's, bench/cluster_nginx.conf) terminates TLS (a certificate made for the run)
  and balances the two app servers; two more nginx ports pin requests to A or to B;
- app servers A and B: `afterclass serve --workers 2 --no-worker`, each with a data folder of
  its own (nothing local is shared: files must go through S3), FORWARDED_ALLOW_IPS=127.0.0.1;
- two `afterclass worker` processes (periodic jobs on in both);
- PostgreSQL: a database made for the run and dropped after it; Redis: db
  CLUSTER_REDIS_DB (9), emptied before and after; moto's S3 server with a bucket; an SMTP sink.

Checks: a session made on A is valid on B; a file uploaded via A downloads via B; a comment
posted via A reaches a websocket opened via B; an announcement's fan-out to 200 members writes
one notification per member with two workers running; a periodic job runs once per period;
SIGKILL of A's process group while comments are posted loses no acknowledged comment and the
post page answers through B; sign-in throttling keys on the client's own address (set by nginx,
not by the client); HTTPS behind nginx is seen as HTTPS. Every process is started in a process
group of its own and killed on the way out, failure or not; logs are kept in the printed folder
when a check fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POSTGRES = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_DB = int(os.environ.get("CLUSTER_REDIS_DB", "9"))
REDIS = f"redis://127.0.0.1:6379/{REDIS_DB}"
MEMBERS = 200
# The password of the people the test makes: new for every run.
PASSWORD = secrets.token_urlsafe(16)
S3_REGION = "eu-west-1"
S3_KEYS = {
    "AWS_ACCESS_KEY_ID": "afterclass-test",
    "AWS_SECRET_ACCESS_KEY": "afterclass-test-secret",
}
AUTHOR = "author@cluster.example"
READER = "reader@cluster.example"
GUESSED = "guessed@cluster.example"
SPACE_SLUG = "cluster"
# Failed sign-ins one client address may make a minute (settings.ACCOUNT_RATE_LIMITS).
FAILED_SIGN_INS_PER_MINUTE = 10
PERIODIC_JOB = "afterclass.outbox.tasks.send_queued_email"  # every minute (worker/schedule.py)


class CheckFailed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = condition()
        except CheckFailed:
            raise
        except Exception as error:  # not up yet: a refused connection, a 5xx, a missing table
            last_error, value = error, None
        if value:
            return value
        if time.monotonic() > deadline:
            raise CheckFailed(f"gave up after {timeout:.0f} s waiting for {what} ({last_error})")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def say(message: str) -> None:
    print(message, flush=True)


# --- the processes --------------------------------------------------------------------------


@dataclass
class Cluster:
    folder: Path
    database: str = field(default_factory=lambda: f"afterclass_cluster_{secrets.token_hex(4)}")
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def start(self, name: str, arguments: list[str], env: dict[str, str] | None = None) -> None:
        """A long-running process in a process group of its own, its output in <name>.log."""
        with (self.folder / f"{name}.log").open("wb") as log:
            # Our own commands, with arguments this script builds.
            self.processes[name] = subprocess.Popen(  # noqa: S603 - see above
                arguments,
                env=env or self.env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def afterclass(self, *arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "afterclass.cli", *arguments],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise CheckFailed(f"afterclass {arguments[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        # What the group's leader left behind (uvicorn's workers): gone with the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.kill(name, signal.SIGTERM)

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # --- PostgreSQL and Redis, read by the test directly

    def sql(
        self, statement: str, *params: Any, database: str | None = None
    ) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/{database or self.database}", autocommit=True) as db:
            cursor = db.execute(statement, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def value(self, statement: str, *params: Any) -> Any:
        return self.sql(statement, *params)[0][0]


def redis_db_size() -> int:
    import redis

    return int(redis.Redis.from_url(REDIS).dbsize())


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def make_certificate(folder: Path) -> None:
    """A self-signed certificate for 127.0.0.1, for nginx's TLS and the clients' trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "afterclass cluster test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def nginx_config(cluster: Cluster) -> Path:
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (cluster.folder / "tmp" / name).mkdir(parents=True, exist_ok=True)
    # Run as root, nginx's own workers become "nobody": they must reach their temporary folders.
    if os.geteuid() == 0:
        cluster.folder.chmod(0o711)
        for path in (cluster.folder / "tmp").rglob("*"):
            path.chmod(0o777)
        (cluster.folder / "tmp").chmod(0o777)
    text = (ROOT / "bench" / "cluster_nginx.conf").read_text()
    for placeholder, value in {
        "@DIR@": str(cluster.folder),
        "@APP_A@": f"{HOST}:{cluster.ports['app_a']}",
        "@APP_B@": f"{HOST}:{cluster.ports['app_b']}",
        "@PORT@": str(cluster.ports["nginx"]),
        "@PORT_A@": str(cluster.ports["nginx_a"]),
        "@PORT_B@": str(cluster.ports["nginx_b"]),
    }.items():
        text = text.replace(placeholder, value)
    path = cluster.folder / "nginx.conf"
    path.write_text(text)
    return path


def environment(cluster: Cluster, s3_endpoint: str, bucket: str, mail_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AFTERCLASS_", "AWS_", "EMAIL_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "TEST_DATABASE_NAME", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="afterclass.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}:{cluster.ports['nginx']}",
        DATABASE_URL=f"{POSTGRES}/{cluster.database}",
        REDIS_URL=REDIS,
        AFTERCLASS_DATA_DIR=str(cluster.folder / "data"),
        AFTERCLASS_S3_BUCKET=bucket,
        AFTERCLASS_S3_ENDPOINT_URL=s3_endpoint,
        AFTERCLASS_S3_REGION=S3_REGION,
        AFTERCLASS_S3_ADDRESSING_STYLE="path",
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(mail_port),
        EMAIL_USE_TLS="0",
        # nginx connects from loopback: only it may say who the client is and that it is HTTPS.
        FORWARDED_ALLOW_IPS=HOST,
        AFTERCLASS_TRUSTED_PROXIES="0",
        LOG_LEVEL="INFO",
        **S3_KEYS,
    )
    return env


@contextlib.contextmanager
def mail_sink() -> Iterator[int]:
    """An SMTP server that accepts and drops every e-mail (production mode sends by SMTP)."""
    import socketserver

    class Sink(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 cluster mail sink\r\n")
            while line := self.rfile.readline():
                command = line[:4].upper()
                if command == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    while (line := self.rfile.readline()) and line != b".\r\n":
                        pass
                    self.wfile.write(b"250 queued\r\n")
                elif command == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")

    server = socketserver.ThreadingTCPServer((HOST, 0), Sink)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="mail-sink", daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def start_cluster(cluster: Cluster, mail_port: int) -> None:
    import boto3

    for name in ("moto", "app_a", "app_b", "nginx", "nginx_a", "nginx_b"):
        cluster.ports[name] = free_port()
    cluster.start(
        "moto",
        [
            str(Path(sys.executable).parent / "moto_server"),
            "-H",
            HOST,
            "-p",
            str(cluster.ports["moto"]),
        ],
        env=dict(os.environ),
    )
    s3_endpoint = f"http://{HOST}:{cluster.ports['moto']}"
    bucket = f"afterclass-cluster-{secrets.token_hex(4)}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        **{
            "aws_access_key_id": S3_KEYS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        },
    )
    wait_for(lambda: s3.list_buckets() is not None, timeout=30, what="moto's S3 server")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})

    cluster.sql(f'CREATE DATABASE "{cluster.database}"', database="postgres")
    check(
        redis_db_size() == 0 or os.environ.get("CLUSTER_REDIS_REUSE"),
        f"Redis db {REDIS_DB} is not empty: set CLUSTER_REDIS_DB to an unused one",
    )
    cluster.env = environment(cluster, s3_endpoint, bucket, mail_port)
    (cluster.folder / "data").mkdir()
    say(f"database {cluster.database}, Redis db {REDIS_DB}, bucket {bucket}")
    started = time.monotonic()
    cluster.afterclass("migrate", "--noinput", "--verbosity=0")
    say(f"migrated in {time.monotonic() - started:.0f} s")
    seeded = json.loads(cluster.afterclass("shell", "-c", SEED).strip().splitlines()[-1])
    say(f"seeded: space {seeded['space']} with {seeded['members']} active members")

    for server in ("a", "b"):
        env = {**cluster.env, "AFTERCLASS_DATA_DIR": str(cluster.folder / f"data_{server}")}
        (cluster.folder / f"data_{server}").mkdir()
        cluster.start(
            f"app_{server}",
            [
                sys.executable,
                "-m",
                "afterclass.cli",
                "serve",
                "--host",
                HOST,
                "--port",
                str(cluster.ports[f"app_{server}"]),
                "--workers",
                "2",
                "--no-worker",
            ],
            env=env,
        )
    for number in (1, 2):
        cluster.start(
            f"worker_{number}",
            [sys.executable, "-m", "afterclass.cli", "worker", "--interval", "0.2"],
        )
    make_certificate(cluster.folder)
    config = nginx_config(cluster)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cluster.start("nginx", [nginx, "-p", str(cluster.folder), "-c", str(config)])
    for name in ("app_a", "app_b"):
        wait_for(
            lambda name=name: (
                requests.get(f"http://{HOST}:{cluster.ports[name]}/healthz", timeout=5).status_code
                == 200
            ),
            timeout=120,
            what=f"{name} to answer /healthz\n{cluster.log(name)}",
        )
    wait_for(
        lambda: requests.get(url(cluster, "/healthz"), verify=cert(cluster), timeout=5).ok,
        timeout=30,
        what=f"nginx\n{cluster.log('nginx')}",
    )
    wait_for(
        lambda: cluster.value("SELECT count(*) FROM worker_workerheartbeat") >= 2,
        timeout=60,
        what="both task workers' heartbeats",
    )


SEED = f"""
import json
from django.db.models import F
from afterclass.notifications.actions import silenced
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Membership, MembershipState, Role, Space
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.worker.models import QueuedTask

with silenced():
    space = make_space(name="Cluster", slug={SPACE_SLUG!r})
    add_member(space, PersonFactory(email={AUTHOR!r}, password={PASSWORD!r}), role=Role.MODERATOR)
    add_member(space, PersonFactory(email={READER!r}, password={PASSWORD!r}))
    add_member(space, PersonFactory(email={GUESSED!r}, password={PASSWORD!r}))
    people = Person.objects.bulk_create(
        Person(email=f"member{{n}}@cluster.example", display_name=f"Member {{n}}", password="!")
        for n in range({MEMBERS})
    )
    Membership.objects.bulk_create(
        Membership(space=space, person=person, rules_version_accepted=space.rules_version)
        for person in people
    )
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + {MEMBERS})
QueuedTask.objects.all().delete()
members = Membership.objects.filter(space=space, state=MembershipState.ACTIVE).count()
print(json.dumps({{"space": space.pk, "members": members}}))
"""


# --- the client: a browser's cookie jar over HTTPS through nginx ----------------------------


def cert(cluster: Cluster) -> str:
    return str(cluster.folder / "cert.pem")


def url(cluster: Cluster, path: str, route: str = "nginx") -> str:
    return f"https://{HOST}:{cluster.ports[route]}{path}"


class FromAddress(HTTPAdapter):
    """Connections from another loopback address: another client, as nginx sees it."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    def __init__(self, cluster: Cluster, source: str | None = None) -> None:
        self.cluster = cluster
        self.session = requests.Session()
        # Only our certificate, and no proxy or CA bundle from the environment (which would
        # win over `verify` set on the session).
        self.session.trust_env = False
        self.session.verify = cert(cluster)
        if source:
            self.session.mount("https://", FromAddress(source))
            self.session.mount("http://", FromAddress(source))

    def get(self, path: str, route: str = "nginx", **kwargs: Any) -> requests.Response:
        return self.session.get(url(self.cluster, path, route), timeout=30, **kwargs)

    def post(self, path: str, route: str = "nginx", **kwargs: Any) -> requests.Response:
        origin = url(self.cluster, "", route)
        headers = {"Origin": origin, "Referer": f"{origin}/", **kwargs.pop("headers", {})}
        token = self.session.cookies.get("csrftoken")
        if token:
            headers["X-CSRFToken"] = token
        return self.session.post(
            url(self.cluster, path, route), headers=headers, timeout=30, **kwargs
        )

    def sign_in(
        self, email: str, password: str = PASSWORD, route: str = "nginx", **kwargs: Any
    ) -> requests.Response:
        page = self.get("/accounts/login/", route)
        check(page.status_code == 200, f"the sign-in page answered {page.status_code}")
        return self.post(
            "/accounts/login/",
            route,
            data={
                "login": email,
                "password": password,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            allow_redirects=False,
            **kwargs,
        )

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)


def upstreams_of(cluster: Cluster, path_part: str) -> list[str]:
    """The upstream addresses nginx logged for requests whose line holds `path_part`."""
    lines = (cluster.folder / "nginx-access.log").read_text().splitlines()
    return [
        line.split("upstream=")[1].split(" upstream_status=")[0]
        for line in lines
        if path_part in line
    ]


# --- the checks ------------------------------------------------------------------------------


def check_https_behind_the_proxy(cluster: Cluster, author: Browser) -> None:
    """With AFTERCLASS_HTTPS on (production mode) and SSL redirect on, a page through nginx
    (TLS, X-Forwarded-Proto https) is answered, not redirected: request.is_secure() holds. The
    same request straight to an app server is redirected to https, with the header or without."""
    page = author.get("/feed/", allow_redirects=False)
    check(page.status_code == 200, f"the feed through nginx answered {page.status_code}")
    direct = requests.get(
        f"http://{HOST}:{cluster.ports['app_b']}/feed/", allow_redirects=False, timeout=10
    )
    check(
        direct.status_code == 301 and direct.headers["Location"].startswith("https://"),
        f"a plain-HTTP request to B answered {direct.status_code}, not a redirect to https",
    )
    # A client that reaches B directly and claims HTTPS is not believed: only the proxies of
    # FORWARDED_ALLOW_IPS are (uvicorn), Django reads no forwarded header itself.
    client = requests.Session()  # from an address that is not the proxy's
    client.mount("http://", FromAddress("127.0.0.2"))
    forged = client.get(
        f"http://{HOST}:{cluster.ports['app_b']}/feed/",
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=10,
    )
    check(
        forged.status_code == 301,
        f"a plain-HTTP request to B claiming https answered {forged.status_code}, not 301",
    )
    say("ok   HTTPS behind nginx: /feed/ 200 through nginx (is_secure), 301 to https direct,")
    say("     also when the direct request claims X-Forwarded-Proto: https")


def check_session_across_servers(cluster: Cluster) -> Browser:
    author = Browser(cluster)
    answer = author.sign_in(AUTHOR, route="nginx_a")
    check(answer.status_code == 302, f"signing in via A answered {answer.status_code}")
    cookie = next(c for c in author.session.cookies if c.name == "sessionid")
    check(cookie.secure, "the session cookie is not Secure")
    on_b = author.get("/notifications/", "nginx_b", allow_redirects=False)
    check(on_b.status_code == 200, f"the session made on A answered {on_b.status_code} on B")
    on_a = author.get("/notifications/", "nginx_a", allow_redirects=False)
    check(on_a.status_code == 200, f"the session answered {on_a.status_code} on A")
    anonymous = requests.get(
        url(cluster, "/notifications/", "nginx_b"),
        verify=cert(cluster),
        allow_redirects=False,
        timeout=10,
    )
    check(anonymous.status_code == 302, "B shows /notifications/ without a session")
    check(
        upstreams_of(cluster, "POST /accounts/login/")[-1] == f"{HOST}:{cluster.ports['app_a']}",
        "the sign-in was not answered by A",
    )
    say(
        "ok   session: signed in via A (302, Secure cookie), /notifications/ 200 on B and on A,"
        " 302 on B without it"
    )
    return author


def create_post(author: Browser, route: str, **fields: Any) -> dict[str, Any]:
    answer = author.post(f"/api/v1/spaces/{SPACE_SLUG}/posts", route, json=fields)
    check(
        answer.status_code == 201,
        f"posting via {route} answered {answer.status_code}: {answer.text[:300]}",
    )
    return dict(answer.json())


def check_file_across_servers(cluster: Cluster, author: Browser) -> None:
    content = b"name,score\n" + b"".join(
        f"person {n},{secrets.randbelow(100)}\n".encode() for n in range(20_000)
    )
    upload = author.post(
        "/api/v1/attachments", "nginx_a", files={"file": ("scores.csv", content, "text/csv")}
    )
    check(upload.status_code == 201, f"upload via A answered {upload.status_code}: {upload.text}")
    attachment = upload.json()["id"]
    post = create_post(
        author,
        "nginx_a",
        kind="resource",
        title="Scores",
        body="The file.",
        attachments=[attachment],
    )
    reader = Browser(cluster)
    check(reader.sign_in(READER, route="nginx_b").status_code == 302, "reader's sign-in via B")
    download = reader.get(f"/api/v1/attachments/{attachment}", "nginx_b")
    check(download.status_code == 200, f"the download via B answered {download.status_code}")
    check(download.content == content, "the file downloaded via B differs from the upload")
    stranger = requests.get(
        url(cluster, f"/api/v1/attachments/{attachment}", "nginx_b"),
        verify=cert(cluster),
        timeout=10,
    )
    check(stranger.status_code in (401, 403, 404), "the file is served without a session")
    local = [p for p in cluster.folder.glob("data*/media/**/*") if p.is_file()]
    check(not local, f"a server kept files on its own disk: {local[:3]}")
    say(
        f"ok   file: {len(content):,} bytes uploaded via A (post {post['id']}), byte-identical "
        f"via B for another member, {stranger.status_code} without a session, none on local disk"
    )


def check_live_update_across_servers(cluster: Cluster, author: Browser) -> dict[str, Any]:
    from websockets.sync.client import connect

    post = create_post(author, "nginx_a", kind="discussion", title="Live", body="Comment here.")
    reader = Browser(cluster)
    check(reader.sign_in(READER, route="nginx_b").status_code == 302, "reader's sign-in via B")
    context = ssl.create_default_context(cafile=cert(cluster))
    socket_url = f"wss://{HOST}:{cluster.ports['nginx_b']}/ws/live/"
    headers = {"Cookie": reader.cookie_header(), "Origin": url(cluster, "", "nginx_b")}
    with connect(socket_url, ssl=context, additional_headers=headers, open_timeout=10) as ws:
        topic = f"post:{post['id']}"
        ws.send(json.dumps({"subscribe": topic}))
        answer = json.loads(ws.recv(timeout=10))
        check(answer.get("type") == "subscribed", f"subscribing answered {answer}")
        comment = author.post(
            f"/api/v1/posts/{post['id']}/comments", "nginx_a", json={"body": "Posted via A"}
        )
        check(comment.status_code == 201, f"commenting via A answered {comment.status_code}")
        comment_id = comment.json()["id"]
        started = time.monotonic()
        events = []
        while time.monotonic() - started < 15:
            event = json.loads(ws.recv(timeout=15))
            events.append(event)
            if str(comment_id) in json.dumps(event):
                break
        else:
            raise CheckFailed(f"no event for comment {comment_id} on B's socket: {events}")
    check(
        upstreams_of(cluster, "GET /ws/live/")[-1] == f"{HOST}:{cluster.ports['app_b']}",
        "the websocket was not served by B",
    )
    say(
        f"ok   live: comment {comment_id} posted via A reached the websocket opened via B in "
        f"{time.monotonic() - started:.2f} s ({event})"
    )
    return post


def check_fan_out_once(cluster: Cluster, author: Browser) -> None:
    since = cluster.value("SELECT now()")
    post = create_post(
        author, "nginx_a", kind="announcement", title="Town hall", body="Friday at three."
    )
    expected = cluster.value(
        "SELECT count(*) FROM spaces_membership m JOIN spaces_space s ON s.id = m.space_id "
        "WHERE s.slug = %s AND m.state = 'active' AND m.person_id <> "
        "(SELECT id FROM people_person WHERE email = %s)",
        SPACE_SLUG,
        AUTHOR,
    )

    def written() -> bool:
        pending = cluster.value(
            "SELECT count(*) FROM worker_queuedtask WHERE task_path LIKE %s "
            "AND state NOT IN ('SUCCESSFUL', 'FAILED')",
            "afterclass.notifications.tasks.fan_out%",
        )
        rows = cluster.value(
            "SELECT count(*) FROM notifications_notification WHERE post_id = %s", post["id"]
        )
        return pending == 0 and rows >= expected

    try:
        wait_for(written, timeout=120, what=f"{expected} notifications of post {post['id']}")
    except CheckFailed as error:
        tasks = cluster.sql(
            "SELECT task_path, state, attempts, error FROM worker_queuedtask "
            "WHERE task_path NOT LIKE %s",
            "afterclass.outbox%",
        )
        raise CheckFailed(f"{error}; the queue: {tasks}") from error
    time.sleep(2)  # a second run, if any, would add rows (or fail on the unique key) by now
    per_recipient = cluster.sql(
        "SELECT recipient_id, count(*) FROM notifications_notification WHERE post_id = %s "
        "GROUP BY recipient_id",
        post["id"],
    )
    counts = {count for _, count in per_recipient}
    check(
        len(per_recipient) == expected and counts == {1},
        f"{len(per_recipient)} recipients (expected {expected}), rows each: {counts}",
    )
    tasks = cluster.sql(
        "SELECT state, attempts, worker_ids FROM worker_queuedtask WHERE task_path = %s "
        "AND enqueued_at >= %s",
        "afterclass.notifications.tasks.fan_out",
        since,
    )
    check(
        tasks and all(state == "SUCCESSFUL" for state, _, _ in tasks), f"the fan-out tasks: {tasks}"
    )
    heartbeats = cluster.value(
        "SELECT count(*) FROM worker_workerheartbeat WHERE seen_at > now() - interval '1 minute'"
    )
    check(heartbeats >= 2, f"only {heartbeats} task workers alive during the fan-out")
    say(
        f"ok   fan-out: announcement {post['id']} → {len(per_recipient)} recipients, 1 row each "
        f"(rows per recipient: {sorted(counts)}), {len(tasks)} fan-out task(s) "
        f"{[(s, a, w) for s, a, w in tasks]}, {heartbeats} workers alive"
    )


THROTTLED = "Too many failed sign-ins"  # people.adapter's message for allauth's limit


def outcome(answer: requests.Response) -> str:
    """What a sign-in POST came to: signed in, refused (wrong password) or throttled."""
    if answer.status_code == 302:
        return "signed in"
    if answer.status_code == 429 or THROTTLED in answer.text:
        return "throttled"
    if answer.status_code == 200:
        return "refused"
    return f"HTTP {answer.status_code}"


def check_throttling_keys_on_the_client(cluster: Cluster) -> None:
    """Ten failed sign-ins from 127.0.0.2 (spread over A and B by nginx) fill that address's
    bucket; it stays throttled whatever X-Forwarded-For it sends through nginx; straight to an
    app server its forwarded headers are not believed (a plain-HTTP request, redirected to
    https); 127.0.0.3 signs in meanwhile."""
    guesser = Browser(cluster, source="127.0.0.2")
    # Half through A, half through B: the bucket is kept in Redis, shared by the servers.
    failures = [
        outcome(
            guesser.sign_in(f"nobody{n}@cluster.example", "wrong", route=f"nginx_{'ab'[n % 2]}")
        )
        for n in range(FAILED_SIGN_INS_PER_MINUTE)
    ]
    check(set(failures) == {"refused"}, f"failed sign-ins came to {failures}")
    servers = set(upstreams_of(cluster, "POST /accounts/login/")[-FAILED_SIGN_INS_PER_MINUTE:])
    check(len(servers) == 2, f"the failed sign-ins were answered by {servers}")
    eleventh = outcome(guesser.sign_in(GUESSED))
    check(eleventh == "throttled", f"the 11th sign-in from 127.0.0.2: {eleventh}")
    spoofed = outcome(guesser.sign_in(GUESSED, headers={"X-Forwarded-For": "10.9.9.9"}))
    check(spoofed == "throttled", f"a forged X-Forwarded-For through nginx: {spoofed}")
    direct = requests.Session()
    direct.trust_env = False
    direct.mount("http://", FromAddress("127.0.0.2"))
    app_b = f"http://{HOST}:{cluster.ports['app_b']}"
    forged = {"X-Forwarded-For": "10.9.9.9", "X-Forwarded-Proto": "https"}
    # Straight to B, neither header is believed (127.0.0.2 is not a proxy): the request stays
    # plain HTTP, which production mode redirects to https before anything reads the form.
    straight = direct.post(
        f"{app_b}/accounts/login/",
        data={"login": GUESSED, "password": PASSWORD},
        headers=forged,
        allow_redirects=False,
        timeout=10,
    )
    check(
        straight.status_code == 301 and straight.headers["Location"].startswith("https://"),
        f"a forged X-Forwarded-For and -Proto straight to B answered {straight.status_code}",
    )
    other = Browser(cluster, source="127.0.0.3")
    signed_in = outcome(other.sign_in(GUESSED))
    check(signed_in == "signed in", f"127.0.0.3 with the right password: {signed_in}")
    say(
        "ok   proxy: 10 failed sign-ins from 127.0.0.2 (5 via A, 5 via B), "
        "then throttled, also with a forged X-Forwarded-For via nginx; forged headers straight "
        "to B not believed (301 to https); "
        "127.0.0.3 signs in with the same address (302)"
    )


def check_server_killed_mid_way(cluster: Cluster, author: Browser, post: dict[str, Any]) -> None:
    """Comments posted through nginx while A's process group is killed: each answered 2xx/3xx
    is in the database; the post page then answers through B."""
    marker = f"kill-{secrets.token_hex(3)}"
    results: list[tuple[int, str]] = []
    stop = threading.Event()

    def comment_loop() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            body = f"{marker} comment {number}"
            try:
                status = author.post(
                    f"/api/v1/posts/{post['id']}/comments", json={"body": body}
                ).status_code
            except requests.RequestException:
                status = 0
            results.append((status, body))

    loop = threading.Thread(target=comment_loop, name="commenter")
    loop.start()
    try:
        wait_for(lambda: len(results) >= 20, timeout=60, what="20 comments before the kill")
        posted_before = len(results)
        cluster.kill("app_a")
        killed_at = len(results)
        wait_for(
            lambda: len(results) >= killed_at + 30, timeout=60, what="30 comments after the kill"
        )
    finally:
        stop.set()
        loop.join(timeout=60)
    acknowledged = {body for status, body in results if 200 <= status < 400}
    refused = [(status, body) for status, body in results if not 200 <= status < 400]
    stored = {
        body
        for (body,) in cluster.sql(
            "SELECT body FROM posts_comment WHERE body LIKE %s", f"{marker} %"
        )
    }
    lost = acknowledged - stored
    check(
        not lost, f"{len(lost)} acknowledged comments are not in the database: {sorted(lost)[:5]}"
    )
    pages = [author.get(f"/posts/{post['id']}/").status_code for _ in range(6)]
    check(pages == [200] * 6, f"the post page after the kill answered {pages}")
    app_b = f"{HOST}:{cluster.ports['app_b']}"
    served = upstreams_of(cluster, f"GET /posts/{post['id']}/ ")[-6:]
    check(
        all(entry.split(", ")[-1] == app_b for entry in served),
        f"after the kill, pages came from {served}",
    )
    after_kill = upstreams_of(cluster, f"POST /api/v1/posts/{post['id']}/comments")
    retried = [entry for entry in after_kill if ", " in entry]
    say(
        f"ok   kill A: {len(results)} comments posted ({posted_before} before the SIGKILL), "
        f"{len(acknowledged)} acknowledged, {len(stored)} in the database "
        f"({len(stored - acknowledged)} of them unacknowledged), 0 lost; "
        f"{len(refused)} not acknowledged {sorted({s for s, _ in refused})}; "
        f"{len(retried)} moved on to B by nginx (tried on A first); "
        f"post page 200 six times via B"
    )


def check_periodic_job_once_per_period(cluster: Cluster) -> None:
    """Both workers enqueue the periodic jobs; each period of the every-minute outbox sweep is
    one task row, run by one worker, once. Waits until two periods have run."""

    def periods() -> list[tuple[Any, ...]]:
        return cluster.sql(
            "SELECT unique_key, state, attempts, worker_ids FROM worker_queuedtask "
            "WHERE task_path = %s ORDER BY unique_key",
            PERIODIC_JOB,
        )

    wait_for(
        lambda: sum(1 for row in periods() if row[1] == "SUCCESSFUL") >= 2,
        timeout=150,
        what=f"two periods of {PERIODIC_JOB}",
    )
    rows = [row for row in periods() if row[1] == "SUCCESSFUL"]
    keys = [key for key, _, _, _ in rows]
    check(len(keys) == len(set(keys)), f"a period was enqueued twice: {keys}")
    check(
        all(attempts == 1 and len(workers) == 1 for _, _, attempts, workers in rows),
        f"a period ran more than once: {rows}",
    )
    runners = {workers[0] for _, _, _, workers in rows}
    workers = cluster.value("SELECT count(*) FROM worker_workerheartbeat")
    say(
        f"ok   periodic: {len(rows)} periods of {PERIODIC_JOB.rsplit('.', 1)[1]} "
        f"({', '.join(k.split('@')[1] for k in keys)}), each 1 row, 1 attempt, 1 worker; "
        f"{workers} workers running, runs by {len(runners)} of them"
    )


def run(cluster: Cluster) -> None:
    with mail_sink() as mail_port:
        started = time.monotonic()
        start_cluster(cluster, mail_port)
        say(
            f"cluster up in {time.monotonic() - started:.0f} s: nginx https://{HOST}:"
            f"{cluster.ports['nginx']} → A :{cluster.ports['app_a']}, "
            f"B :{cluster.ports['app_b']}; 2 task workers"
        )
        author = check_session_across_servers(cluster)
        check_https_behind_the_proxy(cluster, author)
        check_file_across_servers(cluster, author)
        post = check_live_update_across_servers(cluster, author)
        check_fan_out_once(cluster, author)
        check_throttling_keys_on_the_client(cluster)
        check_server_killed_mid_way(cluster, author, post)
        check_periodic_job_once_per_period(cluster)
        say(f"all checks hold ({time.monotonic() - started:.0f} s)")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="afterclass-cluster-"))
    cluster = Cluster(folder)

    def stop_on_signal(number: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {number}")

    signal.signal(signal.SIGTERM, stop_on_signal)
    failed = True
    try:
        run(cluster)
        failed = False
    except CheckFailed as error:
        say(f"FAIL {error}")
    except KeyboardInterrupt:
        say("interrupted")
    finally:
        cluster.stop()
        keep = failed and os.environ.get("CLUSTER_KEEP_DATABASE")
        with contextlib.suppress(Exception):
            if not keep:
                cluster.sql(
                    f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)',
                    database="postgres",
                )
        with contextlib.suppress(Exception):
            empty_redis()
        if failed:
            say(f"logs kept in {folder}" + (f", database {cluster.database}" if keep else ""))
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
