"""Fixtures of the SCIM tests: a provisioning token and a client that sends it."""

import json

import pytest

from afterclass.scim.actions import do_create_provisioning_token


@pytest.fixture
def scim_token(db):
    token, raw = do_create_provisioning_token("Entra ID", actor=None)
    token.raw = raw
    return token


class ScimClient:
    """Django's test client speaking SCIM: JSON bodies and the bearer token."""

    def __init__(self, client, raw):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def request(self, method, path, body=None, **extra):
        data = (
            body if isinstance(body, (str, bytes)) else json.dumps(body) if body is not None else ""
        )
        return getattr(self.client, method.lower())(
            f"/scim/v2/{path}",
            data=data,
            content_type="application/scim+json",
            **{**self.headers, **extra},
        )

    def get(self, path, **extra):
        return self.client.get(f"/scim/v2/{path}", **{**self.headers, **extra})

    def post(self, path, body, **extra):
        return self.request("POST", path, body, **extra)

    def put(self, path, body, **extra):
        return self.request("PUT", path, body, **extra)

    def patch(self, path, body, **extra):
        return self.request("PATCH", path, body, **extra)

    def delete(self, path, **extra):
        return self.request("DELETE", path, **extra)


@pytest.fixture
def scim(client, scim_token):
    return ScimClient(client, scim_token.raw)
