"""Forms generated from a provider template's config_schema, plus the small static forms of the UI.

One mapping table (FIELD_FACTORIES) turns a schema field type into a Django form field, the way the
admin maps model fields. The generated fields only render and collect values: every check runs in
config_validation.clean_config — the same call the services make — so a rule never has two
implementations, and validate-as-you-type shows exactly the message a submit would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.boundfield import BoundField

from llm_providers.catalog.schema import ConfigField, ProviderTemplate
from llm_providers.config_validation import CLEAR, clean_config
from llm_providers.models import ProviderConfig

# Service-account JSON files are a few KB; anything bigger is not one.
FILE_MAX_BYTES = 256 * 1024
NAME_FIELD = "provider_name"
VERSION_FIELD = "version"
ENV_FIELD = "use_env_key"


def clear_name(name: str) -> str:
    return f"clear__{name}"


def text_name(name: str) -> str:
    """The paste-the-JSON textarea that stands in for a file upload (works everywhere, even without files)."""
    return f"{name}__text"


class _Delegated:
    """Collect the submitted text as is: coercion and checks belong to config_validation (one rule)."""

    empty_values: Any

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return ""
        return value.strip() if isinstance(value, str) else value

    def validate(self, value: Any) -> None:
        return None

    def run_validators(self, value: Any) -> None:
        return None


class SchemaTextField(_Delegated, forms.CharField):
    pass


class SchemaNumberField(_Delegated, forms.FloatField):
    pass


class SchemaChoiceField(_Delegated, forms.ChoiceField):
    pass


def _common(spec: ConfigField) -> dict[str, Any]:
    # required=False on the Django side: clean_config decides (a default or a stored secret satisfies it).
    return {"label": spec.label, "required": False, "help_text": spec.help_text}


def _choices(spec: ConfigField) -> list[tuple[str, str]]:
    options = [(option.value, option.label) for option in spec.options]
    if spec.default in (None, ""):
        options.insert(0, ("", "Choose…" if spec.required else "Not set"))
    return options


FIELD_FACTORIES: dict[str, Callable[[ConfigField], forms.Field]] = {
    "text": lambda spec: SchemaTextField(widget=forms.TextInput, **_common(spec)),
    "password": lambda spec: SchemaTextField(
        widget=forms.PasswordInput(render_value=False), strip=False, **_common(spec)
    ),
    "url": lambda spec: SchemaTextField(widget=forms.URLInput, **_common(spec)),
    "select": lambda spec: SchemaChoiceField(choices=_choices(spec), **_common(spec)),
    "file": lambda spec: forms.FileField(**_common(spec)),
    "textarea": lambda spec: SchemaTextField(widget=forms.Textarea(attrs={"rows": 4}), **_common(spec)),
    "number": lambda spec: SchemaNumberField(widget=forms.NumberInput, **_common(spec)),
    "boolean": lambda spec: forms.BooleanField(**_common(spec)),
}

# Fields whose value comes from a known vocabulary get a <datalist> (a searchable, still free-text choice).
DATALIST_SOURCES: dict[str, Callable[[], list[str]]] = {}


def _litellm_provider_names() -> list[str]:
    from llm_providers.discovery.litellm_catalog import provider_names

    return sorted(provider_names())


DATALIST_SOURCES["litellm_provider_name"] = _litellm_provider_names


def _is_blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def secret_mask(hint: str) -> str:
    """'…f00d' (crypto.secret_hint) → '•••• f00d'; a short secret shows no characters at all."""
    tail = hint.lstrip("…")
    return f"•••• {tail}" if tail else "••••"


@dataclass
class FieldRow:
    """What the template needs to render one schema field (label, help, errors, secret state)."""

    field: BoundField
    spec: ConfigField
    stored_hint: str = ""
    clear: BoundField | None = None
    text: BoundField | None = None
    env_var: str = ""
    datalist: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.field.auto_id

    @property
    def errors_id(self) -> str:
        return f"{self.field.auto_id}_errors"

    @property
    def help_id(self) -> str:
        return f"{self.field.auto_id}_help"

    @property
    def stored_mask(self) -> str:
        return secret_mask(self.stored_hint) if self.stored_hint else ""

    @property
    def errors(self) -> list[str]:
        return list(self.field.errors)

    @property
    def html_required(self) -> bool:
        if self.spec.secret:
            return self.spec.required and not self.stored_hint and not self.env_var
        return self.spec.required and self.spec.default in (None, "")


class ProviderConfigForm(forms.Form):
    """The provider name plus one field per config_schema entry of `template`.

    provider: an existing (draft or active) provider → partial update semantics (blank secret keeps).
    env_secret: the secret field the wizard fills from the server environment (counts as stored).
    validate_url: endpoint for validate-as-you-type (hx-post on each field); empty → no live validation.
    only: validate just this schema field (the validate-field endpoint).
    """

    # The length and uniqueness rules live in the services; maxlength only helps the browser.
    provider_name = SchemaTextField(
        label="Provider name", required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        template: ProviderTemplate,
        provider: ProviderConfig | None = None,
        env_secret: str = "",
        validate_url: str = "",
        with_version: bool = False,
        only: str = "",
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, files, initial=self._initial(template, provider, initial))
        self.template = template
        self.provider = provider
        self.env_secret = env_secret
        self.only = only
        self.config: dict[str, Any] = {}
        self.stored_secrets = set(provider.secret_hints) if provider else set()
        if env_secret:
            self.stored_secrets.add(env_secret)
        self.fields[NAME_FIELD].widget.attrs.update({"autocomplete": "off", "aria-required": "true"})
        self._describe(NAME_FIELD)
        for spec in template.config_schema:
            self.fields[spec.name] = FIELD_FACTORIES[spec.type](spec)
            if spec.secret and provider and spec.name in provider.secret_hints and not spec.required:
                self.fields[clear_name(spec.name)] = forms.BooleanField(
                    label=f"Clear the stored {spec.label}", required=False
                )
            if spec.type == "file":
                self.fields[text_name(spec.name)] = SchemaTextField(
                    label=f"{spec.label}: or paste the JSON here",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
                )
            self._decorate(spec, validate_url)
        if with_version:
            self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # --- construction helpers --------------------------------------------------------------

    @staticmethod
    def _initial(
        template: ProviderTemplate, provider: ProviderConfig | None, extra: dict[str, Any] | None
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        stored = provider.settings if provider else {}
        for spec in template.config_schema:
            if spec.secret:
                continue  # secrets are never echoed back
            value = stored.get(spec.name)
            if _is_blank(value) and spec.type in {"select", "boolean", "number"}:
                # These widgets cannot show a placeholder, so they show the default itself.
                value = spec.default
            if value is not None:
                initial[spec.name] = value
        if provider:
            initial[NAME_FIELD] = provider.name
            initial[VERSION_FIELD] = provider.version
        initial.update(extra or {})
        return initial

    def _describe(self, name: str) -> None:
        auto_id = self[name].auto_id
        self.fields[name].widget.attrs["aria-describedby"] = f"{auto_id}_help {auto_id}_errors"

    def _decorate(self, spec: ConfigField, validate_url: str) -> None:
        widget = self.fields[spec.name].widget
        attrs = widget.attrs
        placeholder = spec.placeholder or (str(spec.default) if spec.default not in (None, "", False) else "")
        if placeholder and spec.type not in {"select", "boolean", "file"}:
            attrs["placeholder"] = placeholder
        # Required *now*: a template default or a stored/environment secret already satisfies it.
        if spec.secret:
            required_now = spec.required and spec.name not in self.stored_secrets
        else:
            required_now = spec.required and spec.default in (None, "")
        if required_now:
            attrs["aria-required"] = "true"
        if spec.secret:
            attrs["autocomplete"] = "new-password" if spec.type == "password" else "off"
        if spec.type in {"url", "password"} or spec.name.endswith("_name"):
            attrs["spellcheck"] = "false"
        if spec.type == "file":
            attrs["accept"] = ".json,application/json"
        if spec.name in DATALIST_SOURCES:
            attrs["list"] = f"{self[spec.name].auto_id}_options"
        self._describe(spec.name)
        if validate_url and spec.type not in {"boolean", "file"}:
            self._live_validation(attrs, spec.name, spec.name, validate_url)
        if spec.type == "file":
            # The paste-in textarea shares the file field's help and errors; it is what live validation checks.
            text_attrs = self.fields[text_name(spec.name)].widget.attrs
            text_attrs["aria-describedby"] = attrs["aria-describedby"]
            if validate_url:
                self._live_validation(text_attrs, text_name(spec.name), spec.name, validate_url)

    def _live_validation(self, attrs: dict[str, Any], input_name: str, spec_name: str, validate_url: str) -> None:
        # Only this field's value travels (hx-params), never the whole form; the answer replaces only the
        # error container, so nothing the user typed is ever overwritten.
        values: dict[str, Any] = {"_field": spec_name}
        if self.provider is not None:
            values["_provider"] = self.provider.pk
        if self.env_secret:
            values["_env"] = "1"
        attrs.update(
            {
                "hx-post": validate_url,
                "hx-trigger": "change",
                "hx-target": f"#{self[spec_name].auto_id}_errors",
                "hx-swap": "innerHTML",
                "hx-params": ",".join([input_name, *values]),
                "hx-vals": json.dumps(values),
                "hx-sync": "this:replace",
            }
        )

    # --- rendering helpers -----------------------------------------------------------------

    def _row(self, spec: ConfigField) -> FieldRow:
        hints = self.provider.secret_hints if self.provider else {}
        source = DATALIST_SOURCES.get(spec.name)
        return FieldRow(
            field=self[spec.name],
            spec=spec,
            stored_hint=hints.get(spec.name, "") if spec.secret else "",
            clear=self[clear_name(spec.name)] if clear_name(spec.name) in self.fields else None,
            text=self[text_name(spec.name)] if text_name(spec.name) in self.fields else None,
            env_var=self.template.api_key_env if spec.name == self.env_secret else "",
            datalist=source() if source else [],
        )

    @property
    def basic_rows(self) -> list[FieldRow]:
        return [self._row(spec) for spec in self.template.config_schema if not spec.advanced]

    @property
    def advanced_rows(self) -> list[FieldRow]:
        return [self._row(spec) for spec in self.template.config_schema if spec.advanced]

    @property
    def advanced_has_errors(self) -> bool:
        return self.is_bound and any(row.errors for row in self.advanced_rows)

    def row(self, name: str) -> FieldRow:
        spec = self.template.field(name)
        if spec is None:
            raise KeyError(name)
        return self._row(spec)

    # --- validation --------------------------------------------------------------------------

    @property
    def partial(self) -> bool:
        return self.provider is not None or bool(self.only)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.config = self._collect()
        result = clean_config(self.template, self.config, partial=self.partial, stored_secrets=self.stored_secrets)
        for name, messages in result.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def _collect(self) -> dict[str, Any]:
        """Raw values keyed by schema field name, as the services take them (blank secret = keep)."""
        values: dict[str, Any] = {}
        for spec in self.template.config_schema:
            if self.only and spec.name != self.only:
                continue
            raw = self._file_text(spec) if spec.type == "file" else self.cleaned_data.get(spec.name)
            if spec.secret:
                if self.cleaned_data.get(clear_name(spec.name)):
                    values[spec.name] = CLEAR
                elif not _is_blank(raw):
                    values[spec.name] = raw
                elif self.only:
                    values[spec.name] = ""  # validate-as-you-type: report "required" for a blank secret
                continue
            values[spec.name] = "" if raw is None else raw
        return values

    def _file_text(self, spec: ConfigField) -> str:
        upload = self.cleaned_data.get(spec.name)
        if isinstance(upload, UploadedFile):
            if upload.size and upload.size > FILE_MAX_BYTES:
                self.add_error(spec.name, f"This file is larger than {FILE_MAX_BYTES // 1024} KB.")
                return ""
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(spec.name, "This file is not a UTF-8 text file.")
                return ""
        return self.cleaned_data.get(text_name(spec.name)) or ""

    @property
    def name_value(self) -> str:
        return (self.cleaned_data.get(NAME_FIELD) or "").strip()

    @property
    def version_value(self) -> int | None:
        value = self.cleaned_data.get(VERSION_FIELD)
        return int(value) if value is not None else None

    def add_service_errors(self, fields: dict[str, list[str]]) -> None:
        """Show a ConfigValidationError from the services on the matching fields."""
        aliases = {"name": NAME_FIELD}
        for name, messages in fields.items():
            target = aliases.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class AddModelForm(forms.Form):
    """The 'Add model by ID' input; the rule lives in services.discovery.add_manual_model."""

    model_id = forms.CharField(label="Model ID", required=False, max_length=1000, strip=False)


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Search providers", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    difficulty = forms.ChoiceField(label="Setup difficulty", required=False)

    def __init__(
        self, *args: Any, categories: list[tuple[str, str]], difficulties: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories"), *categories]
        self.fields["difficulty"].choices = [("", "Any difficulty"), *difficulties]

    def value(self, name: str) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return (self.cleaned_data.get(name) or "").strip()
