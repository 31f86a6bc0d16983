"""The test OpenID Connect provider (afterclass/sso/tests/idp) as a process the tests start, and
what a person does there: fill its sign-in form, then be sent back to us with a code."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

PROVIDER_ID = "test-idp"
PROVIDER_NAME = "Northwind ID"
CLIENT_ID = "afterclass-tests"
SECRET = "a-test-client-secret-1234"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class IdentityProvider:
    def __init__(self, *site_urls: str) -> None:
        self.port = free_port()
        self.site_urls = site_urls
        self.state = Path(tempfile.mkdtemp(prefix="afterclass-idp-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def server_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def callback(self, site_url: str) -> str:
        return f"{site_url}/accounts/oidc/{PROVIDER_ID}/login/callback/"

    def start(self) -> IdentityProvider:
        command = [
            sys.executable, "-m", "afterclass.sso.tests.idp", "--port", str(self.port),
            "--client-id", CLIENT_ID, "--secret", SECRET, "--state-dir", str(self.state),
        ]  # fmt: skip
        for site in self.site_urls:
            command += ["--redirect-uri", self.callback(site)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(  # noqa: S603 - our own module, our own arguments
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(errors.decode())
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/ready", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("The test identity provider did not start.")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.state, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        """How an unattended install would configure it (afterclass.sso.environment)."""
        prefix = f"AFTERCLASS_OIDC_{PROVIDER_ID.upper().replace('-', '_')}_"
        return {
            "AFTERCLASS_OIDC": PROVIDER_ID,
            f"{prefix}NAME": PROVIDER_NAME,
            f"{prefix}SERVER_URL": self.server_url,
            f"{prefix}CLIENT_ID": CLIENT_ID,
            f"{prefix}SECRET": SECRET,
        }

    def sign_in(
        self,
        authorize_url: str,
        *,
        email: str,
        name: str = "Ada Lovelace",
        job_title: str = "Analyst",
        department: str = "Engineering",
        fault: str = "",
    ) -> str:
        """Follow the authorize address as a browser would, sign in on the provider's form, and
        give the address it sends the browser back to (our callback, with code and state)."""
        browser = requests.Session()
        answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
        login = urljoin(authorize_url, answer.headers["Location"])
        next_url = login.split("next=", 1)[1]
        answer = browser.post(
            login.split("?")[0],
            data={
                "email": email, "name": name, "job_title": job_title,
                "department": department, "fault": fault,
                "next": requests.utils.unquote(next_url),
            },
            allow_redirects=False,
            timeout=10,
        )  # fmt: skip
        authorize = urljoin(login, answer.headers["Location"])
        answer = browser.get(authorize, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:500]
        return str(answer.headers["Location"])
