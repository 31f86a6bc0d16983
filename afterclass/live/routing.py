"""Websocket URLs, mounted by afterclass.asgi."""

from django.urls import URLPattern, path

from afterclass.live.consumers import LiveConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/live/", LiveConsumer.as_asgi(), name="live-socket"),
]
