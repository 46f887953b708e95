import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection

from llm_providers import crypto
from llm_providers.config_validation import CLEAR
from llm_providers.exceptions import ConfigValidationError, ConflictError, SecretUnavailable
from llm_providers.models import ModelFetchState, ProviderConfig
from llm_providers.selectors import provider_needs_key
from llm_providers.services.providers import (
    provider_create,
    provider_delete,
    provider_secrets,
    provider_set_default,
    provider_update,
)

pytestmark = pytest.mark.django_db
KEY = "gsk_sentinel_secret_f00d"


def _groq(name="Groq", **config):
    return provider_create(name=name, template_id="groq", config={"api_key": KEY, **config})


def test_create_valid_config_stores_settings_and_encrypted_secret():
    provider = _groq(api_base="https://api.groq.com/openai/v1/")
    assert provider.settings["api_base"] == "https://api.groq.com/openai/v1"
    assert provider.secret_hints == {"api_key": "…f00d"}
    assert provider_secrets(provider) == {"api_key": KEY}
    assert provider.status == "active" and provider.version == 1
    assert ModelFetchState.objects.filter(provider=provider).exists()


def test_create_rejects_invalid_values_field_by_field():
    with pytest.raises(ConfigValidationError) as info:
        provider_create(
            name="  ",
            template_id="groq",
            config={"api_key": "sk-wrong-prefix", "api_base": "ftp://example.com", "nope": 1},
        )
    fields = info.value.fields
    assert fields["name"] == ["Enter a name for this provider."]
    assert "gsk_" in fields["api_key"][0]
    assert fields["api_base"]
    assert fields["nope"] == ["Unknown field for Groq."]
    assert ProviderConfig.objects.count() == 0


def test_required_fields_and_types():
    with pytest.raises(ConfigValidationError) as info:
        provider_create(name="Azure", template_id="azure_openai", config={})
    assert {"api_base", "api_key", "deployment_name"} <= set(info.value.fields)
    with pytest.raises(ConfigValidationError) as info:
        provider_create(name="Vertex", template_id="vertex_ai", config={
            "vertex_project": "p", "vertex_credentials": "{not json"})  # fmt: skip
    assert "not valid JSON" in info.value.fields["vertex_credentials"][0]


def test_unknown_template_and_duplicate_name():
    with pytest.raises(ConfigValidationError) as info:
        provider_create(name="X", template_id="nope", config={})
    assert "template_id" in info.value.fields
    _groq()
    with pytest.raises(ConfigValidationError) as info:
        _groq(name="groq")
    assert "already exists" in info.value.fields["name"][0]


def test_secret_update_semantics_keep_replace_clear():
    provider = provider_create(name="Local", template_id="ollama", config={
        "api_base": "http://localhost:11434", "api_key": "token-one-0001"})  # fmt: skip
    provider = provider_update(provider=provider, expected_version=1, config={"api_key": ""})
    assert provider_secrets(provider) == {"api_key": "token-one-0001"}  # blank keeps
    provider = provider_update(
        provider=provider, expected_version=provider.version, config={"api_key": "token-two-0002"}
    )
    assert provider_secrets(provider) == {"api_key": "token-two-0002"}  # new value replaces
    assert provider.secret_hints == {"api_key": "…0002"}
    provider = provider_update(provider=provider, expected_version=provider.version, config={"api_key": CLEAR})
    assert provider_secrets(provider) == {} and provider.secret_hints == {}  # explicit clear removes


def test_clearing_a_required_secret_is_refused():
    provider = _groq()
    with pytest.raises(ConfigValidationError) as info:
        provider_update(provider=provider, expected_version=1, config={"api_key": CLEAR})
    assert "required" in info.value.fields["api_key"][0]
    provider.refresh_from_db()
    assert provider_secrets(provider) == {"api_key": KEY}


def test_changing_api_base_requires_reentering_the_secret():
    provider = _groq()
    with pytest.raises(ConfigValidationError) as info:
        provider_update(provider=provider, expected_version=1, config={"api_base": "https://evil.example.com/v1"})
    assert "enter the API key again" in info.value.fields["api_key"][0]
    provider.refresh_from_db()
    assert provider.settings.get("api_base", "") in ("", "https://api.groq.com/openai/v1")
    provider = provider_update(
        provider=provider, expected_version=1, config={"api_base": "https://proxy.example.com/v1", "api_key": KEY}
    )
    assert provider.settings["api_base"] == "https://proxy.example.com/v1"


def test_stale_version_is_a_conflict_and_nothing_is_overwritten():
    provider = _groq()
    first = ProviderConfig.objects.get(pk=provider.pk)
    second = ProviderConfig.objects.get(pk=provider.pk)
    provider_update(provider=first, expected_version=1, default_model="openai/gpt-oss-120b")
    with pytest.raises(ConflictError):
        provider_update(provider=second, expected_version=1, default_model="llama-3.1-8b-instant")
    # Even without an explicit expected version, the compare-and-set catches the stale row.
    with pytest.raises(ConflictError):
        provider_update(provider=second, expected_version=None, default_model="llama-3.1-8b-instant")
    assert ProviderConfig.objects.get(pk=provider.pk).default_model == "openai/gpt-oss-120b"
    assert ProviderConfig.objects.get(pk=provider.pk).version == 2


def test_single_default_enforced_by_the_database():
    a, b = _groq("A"), _groq("B")
    provider_set_default(provider=a)
    provider_set_default(provider=b, model="llama-3.1-8b-instant")
    assert list(ProviderConfig.objects.filter(is_default=True).values_list("name", flat=True)) == ["B"]
    assert ProviderConfig.objects.get(name="B").default_model == "llama-3.1-8b-instant"
    with pytest.raises(IntegrityError):
        ProviderConfig.objects.filter(pk=a.pk).update(is_default=True)


def test_delete():
    provider = _groq()
    provider_delete(provider=provider)
    assert not ProviderConfig.objects.exists()


def test_ciphertext_at_rest():
    provider = _groq()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secrets_ciphertext, settings, secret_hints FROM llm_providers_providerconfig WHERE id = %s",
            [provider.pk],
        )
        row = cursor.fetchone()
    raw = " ".join(str(value) for value in row)
    assert KEY not in raw and KEY[4:-4] not in raw
    assert row[0].startswith("gAAAA")  # a Fernet token


def test_key_rotation_reencrypts_every_row(settings):
    old = settings.LLM_PROVIDERS_ENCRYPTION_KEYS[0]
    provider = _groq()
    new = Fernet.generate_key().decode()
    settings.LLM_PROVIDERS_ENCRYPTION_KEYS = [new, old]
    call_command("llm_providers_rotate_keys")
    settings.LLM_PROVIDERS_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    provider.refresh_from_db()
    assert provider_secrets(provider) == {"api_key": KEY}


def test_undecryptable_secret_marks_provider_needing_its_key(settings):
    provider = _groq()
    settings.LLM_PROVIDERS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    provider.refresh_from_db()
    assert provider_needs_key(provider)
    with pytest.raises(SecretUnavailable):
        provider_secrets(provider)
    with pytest.raises(CommandError, match="Groq"):
        call_command("llm_providers_rotate_keys")
    # Entering the key again repairs it.
    provider = provider_update(provider=provider, expected_version=provider.version, config={"api_key": KEY})
    assert not provider_needs_key(provider)


def test_secret_hint_never_reveals_short_secrets():
    assert crypto.secret_hint("abc") == "…"
    assert crypto.secret_hint("gsk_abcdefgh1234") == "…1234"


def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_default_model_longer_than_the_column_is_a_field_error():
    too_long = "m" * 257
    with pytest.raises(ConfigValidationError) as info:
        provider_create(name="Long", template_id="groq", config={"api_key": KEY}, default_model=too_long)
    assert "at most 256" in info.value.fields["default_model"][0]
    provider = _groq()
    with pytest.raises(ConfigValidationError) as info:
        provider_update(provider=provider, expected_version=1, default_model=too_long)
    assert "default_model" in info.value.fields
    with pytest.raises(ConfigValidationError) as info:
        provider_set_default(provider=provider, model=too_long)
    assert "model" in info.value.fields
    provider.refresh_from_db()
    assert provider.version == 1 and not provider.is_default  # nothing saved
