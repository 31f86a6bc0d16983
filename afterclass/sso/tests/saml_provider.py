"""The test SAML identity provider (afterclass/sso/tests/saml_idp.py) as a process the tests
start, and what a person does there: fill its sign-in form, then carry its signed answer back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

import requests

from afterclass.sso.tests.provider import free_port

SAML_PROVIDER_ID = "test-saml"
SAML_PROVIDER_NAME = "Contoso SAML"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


class SamlIdentityProviderProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.state = Path(tempfile.mkdtemp(prefix="afterclass-saml-idp-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    def start(self) -> SamlIdentityProviderProcess:
        command = [
            sys.executable, "-m", "afterclass.sso.tests.saml_idp", "--port", str(self.port),
            "--state-dir", str(self.state),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.process = subprocess.Popen(  # noqa: S603 - our own module, our own arguments
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(errors.decode())
            try:
                if requests.get(f"{self.base_url}/ready", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("The test SAML provider did not start.")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
        shutil.rmtree(self.state, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        """How an unattended install would configure it (afterclass.sso.environment)."""
        prefix = f"AFTERCLASS_SAML_{SAML_PROVIDER_ID.upper().replace('-', '_')}_"
        return {
            "AFTERCLASS_SAML": SAML_PROVIDER_ID,
            f"{prefix}NAME": SAML_PROVIDER_NAME,
            f"{prefix}ENTITY_ID": self.entity_id,
            f"{prefix}METADATA_URL": f"{self.base_url}/metadata",
        }

    def sign_in(
        self,
        sso_url: str,
        *,
        email: str,
        name: str = "Ada Lovelace",
        job_title: str = "Analyst",
        department: str = "Engineering",
        level: str = "",
        fault: str = "",
    ) -> tuple[str, dict[str, str]]:
        """Open the provider's sign-in address (with our AuthnRequest), sign in on its form, and
        give where its answer goes (our assertion consumer) and the fields it posts there."""
        browser = requests.Session()
        form = hidden_fields(browser.get(sso_url, timeout=10).text)
        answer = browser.post(
            f"{self.base_url}/sso",
            data={
                **form, "email": email, "name": name, "job_title": job_title,
                "department": department, "level": level, "fault": fault,
            },
            timeout=10,
        )  # fmt: skip
        assert answer.status_code == 200, answer.text[:500]
        return form["acs"], hidden_fields(answer.text)
