"""Fixtures shared by every app's tests."""

from pathlib import Path

import pytest
from django.core.cache import cache, caches

from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The cache holds sign-in throttling counters; with Redis it outlives a test. Remembered
    # fragments are keyed by what they show, but a test should not read another's.
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    # PBKDF2 is slow on purpose; tests hash many passwords and do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings) -> None:
    # Background tasks run right after commit, in the test; tests of the queue itself switch
    # to the database backend.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def person(db) -> Person:
    return PersonFactory()


@pytest.fixture
def admin(db) -> Person:
    return AdminFactory()
