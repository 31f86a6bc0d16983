"""What a restore rebuilds once the database and the files are back: data derived from them that a
backup does not carry (the search index). The app that owns such data registers its rebuild
here from its `AppConfig.ready()`, so that core, below every app, imports none of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured

# Rebuilds everything from the rows and files, and says how many of each kind it made.
Rebuild = Callable[[], Mapping[str, int]]

_rebuilds: dict[str, Rebuild] = {}


def register_rebuild(name: str, rebuild: Rebuild) -> None:
    """Called once per derived store, by the app that owns it; `name` is how the restore's
    report names it ("Search index")."""
    if name in _rebuilds:
        raise ImproperlyConfigured(f"A restore rebuilds the {name} already.")
    _rebuilds[name] = rebuild


def registered_rebuilds() -> dict[str, Rebuild]:
    return dict(_rebuilds)


def rebuild_derived() -> dict[str, Mapping[str, int]]:
    """Run every registered rebuild, in the order the apps registered them."""
    return {name: rebuild() for name, rebuild in _rebuilds.items()}
