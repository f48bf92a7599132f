"""Reading on a second database connection while the first goes on, for reports whose parts
are independent scans (a KPI pack's earlier trend months beside its own month).

A report is read-only and every one of its queries sees the committed data of its moment
(autocommit), so running some of them on another connection changes no figure. It is not
done inside a transaction: a second connection would not see what the transaction wrote
(the tests' data, or an atomic request's), so the work then runs on the caller's thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connections

T = TypeVar("T")

# CIVICDESK_KPI_THREADS=0 keeps every report on one thread (one connection per report).
ENABLED = os.environ.get("CIVICDESK_KPI_THREADS", "1") != "0"
# Second connections open at once in this process: more reports than this at the same time
# run their work on their own thread, so a burst of reports cannot double the connections.
_SLOTS = threading.BoundedSemaphore(4)


def can_run_beside(using: str = "default") -> bool:
    """Whether work can read on its own connection and see what the caller's would see: not
    inside a transaction, and not on an in-memory SQLite database (private to a connection)."""
    connection = connections[using]
    if not ENABLED or connection.in_atomic_block or not connection.get_autocommit():
        return False
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME") or "")
        return bool(name) and name != ":memory:" and "mode=memory" not in name
    return True


def _on_own_connection(work: Callable[[], T]) -> T:
    """Run `work` on this thread's own connection, then close it and free the slot."""
    try:
        return work()
    finally:
        # The thread's connections are its own: close them, or each report would leave one.
        connections.close_all()
        _SLOTS.release()


def beside(work: Callable[[], T], using: str = "default") -> Callable[[], T]:
    """Start `work` on a second thread with its own database connection when that is safe
    (can_run_beside), and return a function that waits for and returns its result (raising
    what it raised). When it is not safe, or as many second connections as _SLOTS allows are
    open, that function runs `work` itself, on the caller's thread: the result is the same.
    """
    if not can_run_beside(using) or not _SLOTS.acquire(blocking=False):
        return work
    try:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-beside")
        future = executor.submit(_on_own_connection, work)
    except RuntimeError:  # no thread to be had (interpreter shutting down): do it here
        _SLOTS.release()
        return work
    executor.shutdown(wait=False)
    return future.result
