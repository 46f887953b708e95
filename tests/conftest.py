from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from llm_providers import metrics
from llm_providers.catalog import loader


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty shared cache and the built-in catalog."""
    cache.clear()
    metrics.reset()
    loader.reload()
    yield
    loader.reload()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "admin-pass-123")


def _staff(django_user_model, username: str, perms: list[str]):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "staff-pass-123", is_staff=True)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="llm_providers"))
    return user


@pytest.fixture
def staff_user(django_user_model):
    """Staff with the app's permissions (view/add/change/delete providers)."""
    return _staff(
        django_user_model,
        "staff",
        ["view_providerconfig", "add_providerconfig", "change_providerconfig", "delete_providerconfig"],
    )


@pytest.fixture
def staff_without_permission(django_user_model):
    return _staff(django_user_model, "staff_noperm", [])


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user("plain", "plain@example.com", "plain-pass-123")


@pytest.fixture
def make_provider(db):
    from llm_providers.services.providers import provider_create

    def make(name: str = "Groq", template_id: str = "groq", config: dict | None = None, **kwargs):
        if config is None:
            config = {"api_key": "gsk_test_secret_key_0001"} if template_id == "groq" else {}
        return provider_create(name=name, template_id=template_id, config=config, **kwargs)

    return make


@pytest.fixture
def fake_upstream():
    from tests.fakes.upstream import FakeUpstream

    with FakeUpstream() as fake:
        yield fake


def pytest_sessionstart(session):
    """With REDIS_URL set, Redis must answer: django-redis would otherwise hide an outage."""
    import os

    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            pytest.exit(f"REDIS_URL={redis_url} is set but Redis does not answer: {exc}", returncode=3)
