"""Channels' WebsocketCommunicator, without daphne.

`channels.testing` imports its live-server test case at package import, and that needs daphne
(a second ASGI server with Twisted), which Afterclass does not use: uvicorn serves it. When
daphne is missing, the package's modules are loaded without its __init__; the communicator is
Channels' own class either way.
"""

import importlib.util
import sys
import types

try:
    from channels.testing import WebsocketCommunicator
except ModuleNotFoundError as error:  # pragma: no cover - depends on what is installed
    if error.name is None or not error.name.startswith("daphne"):
        raise
    sys.modules.pop("channels.testing", None)
    spec = importlib.util.find_spec("channels")
    assert spec is not None
    assert spec.submodule_search_locations
    package = types.ModuleType("channels.testing")
    package.__path__ = [f"{next(iter(spec.submodule_search_locations))}/testing"]
    sys.modules["channels.testing"] = package
    from channels.testing.websocket import WebsocketCommunicator

__all__ = ["WebsocketCommunicator"]
