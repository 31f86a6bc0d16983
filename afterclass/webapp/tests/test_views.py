"""The manifest, the service worker script and the offline page, as the server answers them."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_manifest_is_complete_json_for_anyone(client: Client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Afterclass"
    assert manifest["short_name"] == "Afterclass"
    assert manifest["start_url"] == "/feed/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1d2433"
    assert manifest["background_color"] == "#f6f7f9"
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert set(icons) == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons.values():
        assert icon["type"] == "image/png"
        assert icon["src"].startswith("/static/webapp/")


def test_manifest_icons_are_the_sizes_they_claim():
    for name, size in [
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-192.png", 192),
        ("icon-maskable-512.png", 512),
    ]:
        path = finders.find(f"webapp/{name}")
        assert path, name
        with Image.open(path) as image:
            assert image.size == (size, size)


def test_service_worker_is_javascript_for_the_whole_site_and_always_revalidated(client: Client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    script = response.content.decode()
    assert '"/offline/"' in script
    assert '"/static/afterclass/afterclass.css"' in script


def test_service_worker_keeps_only_static_files_and_the_offline_page(client: Client):
    script = client.get("/sw.js").content.decode()
    shell_line = next(line for line in script.splitlines() if line.startswith("const SHELL"))
    addresses = [part.strip(' "') for part in shell_line.split("[", 1)[1].split("]")[0].split(",")]
    kept = [address for address in addresses if address and address != "OFFLINE"]
    assert kept, shell_line
    assert all(address.startswith("/static/") for address in kept), kept
    # Only one place writes to a cache: the install step's addAll of the shell.
    assert script.count("cache.put") == 0
    assert script.count("addAll(") == 1


def test_offline_page_is_public_and_names_nobody(client: Client):
    person = PersonFactory(display_name="Robin Quill")
    client.force_login(person)

    response = client.get("/offline/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are offline" in page
    assert "Robin Quill" not in page
    assert "<script" not in page
    assert Client().get("/offline/").status_code == 200


def test_every_page_links_the_manifest_and_registers_the_worker_without_inline_script(
    client: Client,
):
    client.force_login(PersonFactory())

    page = client.get("/spaces/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#1d2433">' in page
    assert '<script src="/static/webapp/register.js" defer></script>' in page


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest", "/offline/"])
def test_webapp_addresses_refuse_writes(client: Client, path: str):
    assert client.post(path).status_code == 405
