"""`python -m afterclass.core.probe`: is the web server on this machine alive? Asks its /healthz
with one of ALLOWED_HOSTS as the Host (Django refuses any other), exits 0 or 1. For a
container's HEALTHCHECK or a supervisor; standard library only, so it costs no Django start."""

from __future__ import annotations

import http.client
import os
import sys

TIMEOUT_SECONDS = 3.0


def probe_host(allowed_hosts: str) -> str:
    """A name Django accepts as Host: the first plain entry of ALLOWED_HOSTS ("*" and
    ".example.org" patterns accept "localhost" and "example.org")."""
    for entry in (item.strip() for item in allowed_hosts.split(",")):
        if entry == "*" or not entry:
            continue
        return entry.lstrip(".")
    return "localhost"


def alive(port: int, host_header: str, *, address: str = "127.0.0.1") -> bool:
    connection = http.client.HTTPConnection(address, port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz", headers={"Host": host_header})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def main() -> int:
    port = int(os.environ.get("PORT") or 8000)
    host = probe_host(os.environ.get("ALLOWED_HOSTS", "localhost"))
    if alive(port, host):
        return 0
    print(f"http://127.0.0.1:{port}/healthz (Host: {host}) did not answer 200", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
