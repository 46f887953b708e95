"""Shared set-up for the benchmarks: a throw-away var dir, Django, a fake upstream, gunicorn and wrk."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare_environment() -> Path:
    """A fresh var dir (SQLite + file cache unless DATABASE_URL/REDIS_URL say otherwise), then django.setup()."""
    var_dir = Path(tempfile.mkdtemp(prefix="llmp-bench-"))
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ.setdefault("CACHE_KEY_PREFIX", f"llmp-bench-{os.getpid()}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*args: str):
    """One gunicorn serving the project on a free loopback port (sync worker unless args say otherwise)."""
    port = free_port()
    binary = Path(sys.executable).with_name("gunicorn")
    cmd = [str(binary), "project.wsgi:application", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wrk(url: str, *, headers: dict[str, str], seconds: int = 10, connections: int = 1) -> dict[str, float]:
    """Run wrk (Debian package) against url; returns p50/p99 in ms and requests/s."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    subprocess.run(["wrk", "-t1", f"-c{connections}", "-d2s", *header_args, url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"wrk saw {non_2xx.group(1)} error responses:\n{out}")
    return {
        "p50_ms": _wrk_ms(re.search(r"50%\s+(\S+)", out).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+(\S+)", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+(\S+)", out).group(1)),
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def report(title: str, values: dict, target: str = "") -> None:
    shown = ", ".join(
        f"{key}={value:.2f}" if isinstance(value, float) else f"{key}={value}" for key, value in values.items()
    )
    print(f"{title:<58} {shown}" + (f"   (target: {target})" if target else ""))
