"""The normalised model record every parser produces and every interface shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["chat", "embedding", "image", "audio", "moderation", "rerank", "other"]
Source = Literal["api", "catalog", "fallback", "manual"]
KINDS: tuple[str, ...] = ("chat", "embedding", "image", "audio", "moderation", "rerank", "other")


@dataclass(slots=True)
class ModelRecord:
    id: str
    display_name: str = ""
    kind: Kind = "chat"
    context_window: int | None = None
    max_output_tokens: int | None = None
    capabilities: list[str] = field(default_factory=list)
    # USD per million tokens: {"input": float, "output": float}; empty when unknown.
    pricing: dict[str, float] = field(default_factory=dict)
    deprecation_date: str | None = None  # ISO date
    source: Source = "api"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
