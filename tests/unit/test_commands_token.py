"""manage.py llm_providers_token: create (printed once), list, revoke."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from llm_providers.api.tokens import hash_token
from llm_providers.models import ApiToken
from tests.api_support import API


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("llm_providers_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_hash(staff_user):
    out, err = _run("create", "--user", "staff", "--name", "ci")
    raw = out.strip()
    assert raw.startswith("llmp_") and len(raw) > 40
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(raw) and token.name == "ci" and token.user == staff_user
    assert raw not in err and "cannot be shown again" in err
    assert Client().get(API + "providers", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    listed, _ = _run("list")
    assert token.prefix in listed and "staff" in listed and "ci" in listed and "never" not in listed
    assert raw not in listed and token.token_hash not in listed


def test_create_for_unknown_user_fails(db):
    with pytest.raises(CommandError, match="No user"):
        _run("create", "--user", "ghost")


def test_create_warns_for_non_staff(plain_user):
    _, err = _run("create", "--user", "plain")
    assert "not active staff" in err


def test_revoke_by_exact_prefix(staff_user):
    raw = _run("create", "--user", "staff")[0].strip()
    prefix = ApiToken.objects.get().prefix
    with pytest.raises(CommandError):
        _run("revoke", "llmp_")  # a partial prefix never matches
    out, _ = _run("revoke", prefix)
    assert "Revoked" in out and not ApiToken.objects.exists()
    response = Client().get(API + "providers", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    with pytest.raises(CommandError, match="No token"):
        _run("revoke", prefix)


def test_list_without_tokens(db):
    assert "No tokens" in _run("list")[0]
