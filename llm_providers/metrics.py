"""Model-list cache counters, kept in the shared Django cache (Redis or the file cache).

Counting in the database would turn every cached read into a write (and invalidate
cachalot's cache for that table); the shared cache keeps reads read-only.
"""

from __future__ import annotations

from django.core.cache import cache

from llm_providers.exceptions import UPSTREAM_ERROR_CODES

EVENTS = ("hits", "misses", "upstream_calls")
_PROVIDERS_KEY = "llmp:metrics:providers"
_TIMEOUT = None  # counters live until the cache is cleared


def _key(provider_id: int, event: str) -> str:
    return f"llmp:metrics:{provider_id}:{event}"


def record(provider_id: int, event: str) -> None:
    """Count one event: a name from EVENTS or "failure:<code>"."""
    key = _key(provider_id, event)
    # add() then incr(): incr on a missing key raises. Counts are best-effort under a file cache
    # (its incr is read-modify-write); on Redis incr is atomic.
    if cache.add(key, 1, timeout=_TIMEOUT):
        known = cache.get(_PROVIDERS_KEY) or []
        if provider_id not in known:
            cache.set(_PROVIDERS_KEY, [*known, provider_id], timeout=_TIMEOUT)
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=_TIMEOUT)


def provider_snapshot(provider_id: int) -> dict:
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
