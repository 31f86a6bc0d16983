"""The deployment files (Dockerfile, compose.yaml, deploy/): the commands they run exist in the
`afterclass` command line with those options, the image runs as a user with a health check, and
nginx accepts the site (`nginx -t`, where nginx is installed). Building the image is
`make docker-check`, where a Docker daemon answers."""

import configparser
import json
import shlex
import shutil
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import get_commands, load_command_class

from afterclass.core import probe
from afterclass.core.settings_reference import variables_read

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def parse_command(argv: list[str]):
    """The options an `afterclass …` command line gives its Django command (fails as the command
    would on an unknown command or option)."""
    assert argv[0] in {"afterclass", "/srv/afterclass/.venv/bin/afterclass"}, argv
    name, arguments = argv[1], argv[2:]
    commands = get_commands()
    assert name in commands, f"`afterclass {name}` is no command"
    command = load_command_class(commands[name], name)
    return vars(command.create_parser("afterclass", name).parse_args(arguments))


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_builds_on_python_slim_and_serves_as_a_user_with_a_health_check():
    instructions = dockerfile_instructions()
    values = dict(instructions)
    assert instructions[0] == ("FROM", "python:3.12-slim")
    assert values["USER"] not in {"root", "0"}
    # The user is switched to before the command runs, and the project is installed.
    kinds = [kind for kind, _ in instructions]
    assert kinds.index("USER") < kinds.index("CMD")
    assert any(kind == "RUN" and 'pip install ".[sentry]"' in value for kind, value in instructions)

    cmd = json.loads(values["CMD"])
    options = parse_command(cmd)
    assert cmd[1] == "serve"
    assert options["host"] == "0.0.0.0"  # noqa: S104 - inside the container

    healthcheck = values["HEALTHCHECK"]
    assert json.loads(healthcheck.split("CMD", 1)[1]) == ["python", "-m", "afterclass.core.probe"]
    assert "8000" in values["EXPOSE"]


def test_compose_runs_app_and_worker_from_one_image_with_postgres_redis_and_volumes():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]

    app, worker, migrate = services["app"], services["worker"], services["migrate"]
    assert app["image"] == worker["image"] == migrate["image"]
    assert app["build"] == worker["build"] == "."
    assert parse_command(app["command"])["no_worker"] is True
    assert app["command"][1] == "serve"
    assert worker["command"][1] == "worker"
    parse_command(worker["command"])
    assert migrate["command"][1] == "migrate"
    parse_command(migrate["command"])
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["env_file"] == "afterclass.env"
        assert "media:/var/lib/afterclass/media" in services[name]["volumes"]

    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert set(compose["volumes"]) == {"media", "pgdata"}
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "afterclass.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_env_example_names_only_variables_afterclass_reads():
    known = {variable.name for variable in variables_read()} | {"POSTGRES_PASSWORD"}
    example = env_example()
    assert not set(example) - known, f"unknown variables: {sorted(set(example) - known)}"
    for needed in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL"):
        assert example[needed]


def systemd_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "systemd" / name).read_text())
    return unit


def test_systemd_units_run_the_server_without_a_worker_and_the_workers():
    server = systemd_unit("afterclass.service")["Service"]
    worker = systemd_unit("afterclass-worker@.service")["Service"]
    assert parse_command(shlex.split(server["ExecStart"]))["no_worker"] is True
    assert shlex.split(worker["ExecStart"])[1] == "worker"
    parse_command(shlex.split(worker["ExecStart"]))
    for service in (server, worker):
        assert service["User"] == "afterclass"
        assert service["EnvironmentFile"] == "/etc/afterclass/afterclass.env"
        assert service["Restart"] == "always"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "learn.example.org")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key_file


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx): the site is not checked")
    cert, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "afterclass.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/learn.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/learn.example.org/privkey.pem", str(key))
    temp = tmp_path / "temp"
    temp.mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\nhttp {{\n"
        f"include /etc/nginx/mime.types;\naccess_log {tmp_path}/access.log;\n"
        + "".join(
            f"{kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + site
        + "\n}\n"
    )
    result = subprocess.run(  # noqa: S603 - Debian's nginx checking our file
        [nginx, "-t", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_probe_names_a_host_django_accepts():
    assert probe.probe_host("learn.example.org,localhost") == "learn.example.org"
    assert probe.probe_host("*, .example.org") == "example.org"
    assert probe.probe_host("") == "localhost"


class Healthz(BaseHTTPRequestHandler):
    """/healthz as Django answers it: 200 for an allowed Host, 400 for any other."""

    def do_GET(self) -> None:
        ok = self.path == "/healthz" and self.headers["Host"] == "learn.example.org"
        self.send_response(200 if ok else 400)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_probe_is_alive_only_when_healthz_answers_200():
    server = HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        assert probe.alive(port, "learn.example.org")
        assert not probe.alive(port, "not-allowed.example")
    finally:
        server.shutdown()
        server.server_close()
    assert not probe.alive(port, "learn.example.org")  # nothing listens there any more
