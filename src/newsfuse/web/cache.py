"""A small cache of rendered GET responses, dropped whenever the store changes.

Reads the store's fingerprint (article and brief counts and latest writes), at most once per `check`
seconds; adds `ResponseCache`: `get`/`put` by path and query, cleared on a changed fingerprint or at once by
`clear()` (the API's ingest). Off with NEWSFUSE_WEB_CACHE=0 (what `bench/web.py --no-cache` measures).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class ResponseCache:
    """Rendered responses (body, status, raw headers) by key, least recently used dropped past `size`."""

    def __init__(self, fingerprint: Callable[[], Any], *, size: int = 512, check: float = 1.0, enabled: bool | None = None) -> None:
        self.enabled = os.environ.get("NEWSFUSE_WEB_CACHE", "1") != "0" if enabled is None else enabled
        self._fingerprint = fingerprint
        self._size, self._check = size, check
        self._items: OrderedDict[str, tuple[bytes, int, list[tuple[bytes, bytes]]]] = OrderedDict()
        self._seen: Any = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        """Whether the next `get` would read the store's fingerprint (callers on an event loop do it in a thread)."""
        return self.enabled and time.monotonic() - self._checked >= self._check

    def refresh(self) -> None:
        """Read the fingerprint now when due; drop everything if the store changed."""
        now = time.monotonic()
        if now - self._checked < self._check:
            return
        fp = self._fingerprint()
        with self._lock:
            self._checked = now
            if fp != self._seen:
                self._items.clear()
                self._seen = fp

    def get(self, key: str) -> tuple[bytes, int, list[tuple[bytes, bytes]]] | None:
        if not self.enabled:
            return None
        self.refresh()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: str, value: tuple[bytes, int, list[tuple[bytes, bytes]]]) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything now and re-read the fingerprint on the next request."""
        with self._lock:
            self._items.clear()
            self._checked = 0.0
