"""ASGI entry point, served by uvicorn (`afterclass serve`): pages over HTTP, live updates over a
websocket at /ws/live/ (afterclass.live)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterclass.settings")

# Django is set up before anything imports models (the consumers do).
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # type: ignore[import-untyped]  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # type: ignore[import-untyped]  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # type: ignore[import-untyped]  # noqa: E402

from afterclass.core.orphans_watch import watch_server_if_child  # noqa: E402
from afterclass.live.routing import websocket_urlpatterns  # noqa: E402

watch_server_if_child()

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # The session cookie signs the person in; a page of another site cannot open the socket
        # with it (the Origin header must be one of ALLOWED_HOSTS).
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
