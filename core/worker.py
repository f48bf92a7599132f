"""Run the Huey consumer inside the web process, for the embedded default.

On the embedded default the channel layer is in-memory: it exists only inside the
daphne process. A task run by a separate `run_huey` process (an SLA sweep, a discovery
run) could then never reach a browser's WebSocket. So, when there is no Redis, daphne
runs the task workers itself, as threads, and tasks broadcast into the same in-memory
layer the sockets listen on. With REDIS_URL set, workers run as `manage.py run_huey`
processes on any number of machines instead.
"""

from __future__ import annotations

import logging
import threading

from huey.consumer import Consumer

logger = logging.getLogger(__name__)
_started: Consumer | None = None
_lock = threading.Lock()


class InProcessConsumer(Consumer):
    """A Huey consumer whose workers and scheduler are daemon threads of the host process.

    It installs no signal handlers: the host (daphne) owns SIGINT/SIGTERM, and the
    threads end with it.
    """

    def _set_signal_handlers(self):
        """Leave signals to the host process."""


def start_in_process_worker(huey=None, workers: int | None = None) -> Consumer:
    """Start (once per process) Huey workers and the periodic scheduler as threads."""
    global _started
    with _lock:
        if _started is not None:
            return _started
        if huey is None:
            from django.conf import settings
            from django.utils.module_loading import autodiscover_modules
            from huey.contrib.djhuey import HUEY as huey

            # As run_huey does: register every app's tasks before consuming the queue.
            autodiscover_modules("tasks")

            workers = workers or settings.HUEY.get("consumer", {}).get("workers", 2)
        consumer = InProcessConsumer(
            huey, workers=workers or 2, worker_type="thread", periodic=True
        )
        consumer.start()
        logger.info("Task workers running inside this process (%s threads)", consumer.workers)
        _started = consumer
        return consumer
