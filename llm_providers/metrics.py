"""Model-list cache counters, kept in the shared Django cache (Redis or the file cache).

Counting in the database would turn every cached read into a write (and invalidate
cachalot's cache for that table). Each process counts in memory and adds its counts to the
shared cache at most once a second, so a cached read writes nothing on its hot path; a
snapshot flushes this process's counts first, other processes' counts lag by up to a second.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter

from django.core.cache import cache

from llm_providers.exceptions import UPSTREAM_ERROR_CODES

EVENTS = ("hits", "misses", "upstream_calls")
_PROVIDERS_KEY = "llmp:metrics:providers"
_TIMEOUT = None  # counters live until the cache is cleared


def _key(provider_id: int, event: str) -> str:
    return f"llmp:metrics:{provider_id}:{event}"


_FLUSH_INTERVAL = 1.0
_pending: Counter[tuple[int, str]] = Counter()
_lock = threading.Lock()
_last_flush = time.monotonic()


def record(provider_id: int, event: str) -> None:
    """Count one event: a name from EVENTS or "failure:<code>"."""
    global _last_flush
    with _lock:
        _pending[(provider_id, event)] += 1
        due = time.monotonic() - _last_flush >= _FLUSH_INTERVAL
    if due:
        flush()


def flush() -> None:
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return
    new_providers = set()
    for (provider_id, event), count in batch.items():
        key = _key(provider_id, event)
        # add() then incr(): incr on a missing key raises. On Redis incr is atomic; the file
        # cache's incr is read-modify-write, so counts there are best-effort under concurrency.
        if cache.add(key, count, timeout=_TIMEOUT):
            new_providers.add(provider_id)
            continue
        try:
            cache.incr(key, count)
        except ValueError:
            cache.set(key, count, timeout=_TIMEOUT)
    if new_providers:
        known = cache.get(_PROVIDERS_KEY) or []
        missing = [pid for pid in sorted(new_providers) if pid not in known]
        if missing:
            cache.set(_PROVIDERS_KEY, [*known, *missing], timeout=_TIMEOUT)


def reset() -> None:
    """Forget unflushed counts (tests clear the shared cache; this clears the process's share)."""
    with _lock:
        _pending.clear()


atexit.register(lambda: flush() if _pending else None)


def provider_snapshot(provider_id: int) -> dict:
    flush()
    names = [*EVENTS, *(f"failure:{code}" for code in UPSTREAM_ERROR_CODES)]
    values = cache.get_many([_key(provider_id, name) for name in names])
    counts = {name: int(values.get(_key(provider_id, name)) or 0) for name in names}
    reads = counts["hits"] + counts["misses"]
    return {
        "hits": counts["hits"],
        "misses": counts["misses"],
        "upstream_calls": counts["upstream_calls"],
        "failures": {code: counts[f"failure:{code}"] for code in UPSTREAM_ERROR_CODES if counts[f"failure:{code}"]},
        "hit_rate": round(counts["hits"] / reads, 4) if reads else None,
    }


def snapshot() -> dict:
    flush()
    providers = {pid: provider_snapshot(pid) for pid in sorted(cache.get(_PROVIDERS_KEY) or [])}
    totals = {event: sum(p[event] for p in providers.values()) for event in EVENTS}
    failures: dict[str, int] = {}
    for stats in providers.values():
        for code, count in stats["failures"].items():
            failures[code] = failures.get(code, 0) + count
    reads = totals["hits"] + totals["misses"]
    totals["failures"] = failures
    totals["hit_rate"] = round(totals["hits"] / reads, 4) if reads else None
    return {"totals": totals, "providers": {str(pid): stats for pid, stats in providers.items()}}
