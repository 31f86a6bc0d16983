"""The journeys' live server: uvicorn serving afterclass.asgi in a thread, as `afterclass serve`
does in production. pytest-django's own live server speaks WSGI, which has no websockets, so
every signed-in page's live updates (static/afterclass/live.js) would fail there. Channels'
ChannelsLiveServerTestCase would need daphne, which Afterclass does not use."""

import socket
import threading
import time

import uvicorn
from django.test.utils import modify_settings

HOST = "127.0.0.1"


class AsgiLiveServer:
    """Looks like pytest-django's LiveServer to its fixtures: `url`, and the settings that its
    `_live_server_helper` switches on for each test."""

    def __init__(self) -> None:
        from afterclass.asgi import application

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind((HOST, 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            application, lifespan="off", log_level="warning", ws="websockets-sansio"
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

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
