"""The Redis channel layer's configuration (read by settings, so no Django imports here)."""

from __future__ import annotations

from typing import Any

# channels_redis waits for a consumer's next message with a blocking BZPOPMIN of 5 seconds, and
# redis-py 8 reads with a 5-second socket timeout by default: an idle websocket's wait then
# ends in "Timeout reading from …", the consumer is torn down and the page reconnects, every
# few seconds. A longer read timeout lets the blocking pop answer first and still gives up on a
# connection that has died.
SOCKET_TIMEOUT_SECONDS = 15


def redis_channel_layer(url: str, *, prefix: str) -> dict[str, Any]:
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": url, "socket_timeout": SOCKET_TIMEOUT_SECONDS}],
            "prefix": prefix,
        },
    }
