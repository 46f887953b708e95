"""Run N concurrent get_models() calls in this process; print the sources as JSON (used by a test)."""

import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup()

from django.db import connection  # noqa: E402

from llm_providers.selectors import provider_get  # noqa: E402
from llm_providers.services.discovery import get_models  # noqa: E402


def main(provider_id: int, threads: int, start_at: float) -> None:
    import time

    sources: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        time.sleep(max(0.0, start_at - time.time()))  # line up with the other process
        try:
            result = get_models(provider_get(provider_id))
            with lock:
                sources.append(f"{result.source}:{len(result.models)}")
        finally:
            connection.close()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(sources))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
