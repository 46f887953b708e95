"""Loaded with `-p tests.env` before Django is configured: test runs get their own var dir and cache.

Child processes started by tests (two-process single-flight, live servers) inherit these.
"""

import os
import tempfile

if "LLMP_TEST_VAR_DIR" not in os.environ:
    os.environ["LLMP_TEST_VAR_DIR"] = tempfile.mkdtemp(prefix="llmp-test-")
os.environ["VAR_DIR"] = os.environ["LLMP_TEST_VAR_DIR"]
os.environ.setdefault("CACHE_KEY_PREFIX", f"llmp-test-{os.getpid()}")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
