"""Task workers inside the web process: tasks run, and their broadcasts reach its sockets."""

import signal
import time

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer
from huey import MemoryHuey

from core.worker import InProcessConsumer


def test_should_run_tasks_in_threads_and_reach_the_in_memory_channel_layer():
    huey = MemoryHuey("worker-test", utc=True)
    layer = InMemoryChannelLayer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("team.1", channel)

    @huey.task()
    def announce(text):
        async_to_sync(layer.group_send)("team.1", {"type": "event", "payload": {"text": text}})
        return text.upper()

    handler_before = signal.getsignal(signal.SIGINT)
    consumer = InProcessConsumer(huey, workers=2, worker_type="thread", periodic=False)
    consumer.start()
    try:
        result = announce("call INC0000001 arrived")
        assert result.get(blocking=True, timeout=5) == "CALL INC0000001 ARRIVED"
        message = async_to_sync(layer.receive)(channel)
        assert message["payload"] == {"text": "call INC0000001 arrived"}
        # The web server keeps its own Ctrl+C handling.
        assert signal.getsignal(signal.SIGINT) is handler_before
    finally:
        consumer.stop(graceful=True)
    deadline = time.monotonic() + 5
    while (
        any(thread.is_alive() for _, thread in consumer.worker_threads)
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not any(thread.is_alive() for _, thread in consumer.worker_threads)
