"""The journeys' live server: uvicorn serving afterclass.asgi in a thread, as `afterclass serve`
does in production. pytest-django's own live server speaks WSGI, which has no websockets, so
every signed-in page's live updates (static/afterclass/live.js) would fail there. Channels'
ChannelsLiveServerTestCase would need daphne, which Afterclass does not use."""

import socket
import threading
import time
from typing import Any

import uvicorn
from django.test.utils import modify_settings

HOST = "127.0.0.1"


class _InFlight:
    """Counts the requests and websockets the application is still serving.

    A journey ends while the browser may still have a request out (a debounced search, an
    autocomplete); closing the page does not stop the server finishing it. On PostgreSQL that
    request's reads then meet pytest-django's TRUNCATE of every table at teardown and one of
    them dies of a deadlock. The journeys wait until nothing is in flight before the flush."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with self.idle:
            self.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


class AsgiLiveServer:
    """Looks like pytest-django's LiveServer to its fixtures: `url`, and the settings that its
    `_live_server_helper` switches on for each test."""

    def __init__(self) -> None:
        from afterclass.asgi import application

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind((HOST, 0))
        self.port = self.socket.getsockname()[1]
        self.in_flight = _InFlight(application)
        config = uvicorn.Config(
            self.in_flight, lifespan="off", log_level="warning", ws="websockets-sansio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": HOST})

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __str__(self) -> str:
        return self.url

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start for the journeys")
            time.sleep(0.02)

    def wait_until_idle(self, timeout: float = 10) -> None:
        """Block until every request and websocket the browser opened has been answered."""
        if not self.in_flight.wait_until_idle(timeout):
            raise RuntimeError(
                f"the live server was still serving {self.in_flight.count} request(s) "
                f"{timeout:g} s after the journey closed its pages"
            )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
