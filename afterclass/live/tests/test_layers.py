"""The Redis channel layer waits for messages longer than redis-py's default read timeout: an
idle websocket's consumer must not be torn down by "Timeout reading from …" (redis-py 8 reads
with a 5-second socket timeout by default, as long as channels_redis's blocking pop waits)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync


def test_the_redis_layer_reads_longer_than_its_blocking_pop_waits(layer):
    if type(layer).__name__ != "RedisChannelLayer":
        pytest.skip("a Redis channel layer setting")

    async def read_timeout():
        return layer.connection(0).connection_pool.connection_kwargs["socket_timeout"]

    assert async_to_sync(read_timeout)() > layer.brpop_timeout


def test_an_idle_receive_on_redis_outlasts_the_blocking_pop(layer):
    if type(layer).__name__ != "RedisChannelLayer":
        pytest.skip("waits on a real Redis")

    async def idle_then_message():
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        # Longer than the 5-second blocking pop and redis-py's default read timeout.
        await asyncio.sleep(layer.brpop_timeout + 1.5)
        assert not waiting.done(), waiting.exception() if waiting.done() else None
        await layer.send(channel, {"type": "hello"})
        return await asyncio.wait_for(waiting, timeout=5)

    assert async_to_sync(idle_then_message)() == {"type": "hello"}
