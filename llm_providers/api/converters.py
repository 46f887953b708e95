"""Path converters for the admin API's URLs."""

from __future__ import annotations

from django.urls import register_converter


class ProviderIdConverter:
    """A database id: at most 18 digits, so an oversized number is a 404 instead of a DB overflow (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


PROVIDER_ID = "llmp_id"
register_converter(ProviderIdConverter, PROVIDER_ID)
