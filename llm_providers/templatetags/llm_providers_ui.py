"""Number formatting for the model tables (plain text; Django escapes the output as usual)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def tokens(value: Any) -> str:
    """131072 → '131,072'; blank → '—'."""
    if value in (None, ""):
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def usd(value: Any) -> str:
    """USD per million tokens: 0.15 → '$0.15', 0.0375 → '$0.0375'; unknown → '?'."""
    if value in (None, ""):
        return "?"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "?"
    text = f"{number:.4f}".rstrip("0")
    if text.endswith("."):
        text += "00"
    elif len(text.split(".")[1]) == 1:
        text += "0"
    return f"${text}"
