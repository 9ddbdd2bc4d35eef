"""The Celery worker survives Redis going away while it holds an unacknowledged task."""

from types import SimpleNamespace

import pytest
import redis
from kombu import Connection
from kombu.transport import redis as kombu_redis

import config.celery  # noqa: F401 - installs the guard, as the worker does
from wangge.core.broker import guard_redis_channel_close


def test_a_client_less_channel_is_a_connection_error_not_an_attribute_error():
    channel = kombu_redis.Channel.__new__(kombu_redis.Channel)
    channel.connection = SimpleNamespace(client=None, default_port=6379)  # collected
    with pytest.raises(redis.exceptions.ConnectionError):
        channel._connparams()
    assert redis.exceptions.ConnectionError in kombu_redis.Transport.connection_errors


def test_the_guard_is_installed_once():
    before = kombu_redis.Channel._connparams
    guard_redis_channel_close()
    assert kombu_redis.Channel._connparams is before


def test_closing_after_collect_with_an_unacknowledged_task_is_ignored():
    """celery.worker.consumer on a lost broker: collect() the connection, then close() it.
    The channel's unacknowledged task makes close() restore it through a new client; kombu
    ignores the failure instead of stopping the worker."""
    connection = Connection("redis://127.0.0.1:1/0")
    channel = kombu_redis.Channel.__new__(kombu_redis.Channel)
    channel.connection = SimpleNamespace(client=None, default_port=6379)  # collected
    qos = kombu_redis.QoS(channel)
    qos._delivered["tag"] = object()  # delivered, never acknowledged (acks_late)
    qos._on_collect = SimpleNamespace(cancel=lambda: None)
    qos._flush = lambda: None
    try:
        # kombu's Connection._do_close_self: maybe_close_channel(default channel)
        connection.maybe_close_channel(SimpleNamespace(close=qos.restore_unacked_once))
        assert qos._delivered.restored is True  # left to the visibility timeout
    finally:
        qos._delivered.clear()
