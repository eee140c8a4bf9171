"""Helpers for tests that race real threads on a real database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection, connections

T = TypeVar("T")


def use_file_sqlite_for_tests() -> None:
    """Threads need one SQLite database they all open: a file, not Django's in-memory one.

    Called from ``pytest_configure`` of the test packages that race threads, before
    any test database exists; the settings' ``SQLITE_TEST_NAME`` wins when set.
    """
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        return
    test = settings_dict.setdefault("TEST", {})
    if not test.get("NAME"):
        test["NAME"] = os.path.join(tempfile.gettempdir(), f"cabas-test-{os.getpid()}.sqlite3")


def run_in_threads(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Start ``count`` threads together; each runs ``work(i)`` on its own connection.

    Returns each result or the exception it raised, in thread order.
    """
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
