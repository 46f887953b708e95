"""Secrets for the embedded default: generated on first run, kept out of git, never committed.

Production sets SECRET_KEY and LLM_PROVIDERS_ENCRYPTION_KEYS in the environment instead.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create(path: Path) -> dict[str, str]:
    """Return {"SECRET_KEY", "ENCRYPTION_KEY"}, creating the file (mode 0600) on first use."""
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {"SECRET_KEY": secrets.token_urlsafe(50), "ENCRYPTION_KEY": Fernet.generate_key().decode()}
    # O_EXCL: when two processes start at once, one creates the file and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return json.loads(path.read_text())
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    return values
