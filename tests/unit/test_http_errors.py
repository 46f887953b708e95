"""discovery.http: how every provider's failure is classified, and that no secret survives in
messages or logs. The HTTP boundary is mocked with `responses`; nothing of ours is patched."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
import responses

from llm_providers.discovery import http
from llm_providers.discovery.http import HttpResponse, classify_response
from llm_providers.exceptions import ParseError, UpstreamError
from tests.fakes.providers import BAD_KEY, FIREWORKS_BAD_KEY_ERROR

BASE = "https://api.provider.example"
URL = f"{BASE}/v1/models"


def _fail(upstream, status, body, headers=None, url=URL, **kwargs) -> UpstreamError:
    payload = body if isinstance(body, (bytes, str)) else json.dumps(body)
    upstream.add(responses.GET, url, body=payload, status=status, headers=headers or {})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", url, retries=0, **kwargs)
    return excinfo.value


# ---- status and body → code -------------------------------------------------------------------

CREDENTIAL_ERRORS = [
    pytest.param(
        401,
        {
            "error": {
                "message": "Incorrect API key provided: sk-inval***c66a. You can find your API key "
                "at https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
        },
        {},
        "Incorrect API key provided",
        id="openai",
    ),
    pytest.param(
        401,
        BAD_KEY["anthropic"][2],
        {},
        "invalid x-api-key",
        id="anthropic",
    ),
    pytest.param(
        401,
        {"error": {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}},
        {},
        "Invalid API Key",
        id="groq",
    ),
    pytest.param(401, {"error": {"message": "Unauthorized"}}, {}, "Unauthorized", id="together"),
    pytest.param(
        401,
        {"error": FIREWORKS_BAD_KEY_ERROR},
        {},
        "API key you provided",
        id="fireworks",
    ),
    pytest.param(
        403,
        {"error": FIREWORKS_BAD_KEY_ERROR},
        {},
        "API key you provided",
        id="fireworks-control-plane-403",
    ),
    pytest.param(
        400,
        BAD_KEY["gemini"][2],
        {},
        "API key not valid",
        id="gemini-400",
    ),
    pytest.param(
        400,
        {
            "code": "Client specified an invalid argument",
            "error": "Incorrect API key provided: xa***yz. You can obtain an API key from https://console.x.ai.",
        },
        {},
        "Incorrect API key provided",
        id="xai-400",
    ),
    pytest.param(401, {"detail": "Unauthorized"}, {}, "Unauthorized", id="mistral"),
    pytest.param(
        401,
        {"id": "a0a5b90f-b5ba-452a-96f6-ddec408d3027", "message": "invalid api token"},
        {},
        "invalid api token",
        id="cohere",
    ),
    pytest.param(
        403,
        {"message": "The security token included in the request is invalid."},
        {"x-amzn-ErrorType": "UnrecognizedClientException:http://internal.amazon.com/coral/"},
        "security token",
        id="aws-403",
    ),
    pytest.param(
        401,
        {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}},
        {},
        "invalid subscription key",
        id="azure",
    ),
    pytest.param(401, {"error": "unauthorized"}, {}, "unauthorized", id="ollama-behind-proxy"),
]


@pytest.mark.parametrize(("status", "body", "headers", "said"), CREDENTIAL_ERRORS)
def test_bad_key_answers_are_invalid_credentials(upstream, status, body, headers, said):
    error = _fail(upstream, status, body, headers)
    assert error.code == "invalid_credentials"
    assert error.status == status
    assert error.message.startswith("The provider rejected the API key") or "refused the credentials" in error.message
    assert said in error.message
    assert error.hint == "Check the key, or create a new one at the provider's console."


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (
            {
                "message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                "bedrock:ListFoundationModels"
            },
            {"x-amzn-ErrorType": "AccessDeniedException:http://x/"},
        ),
        (
            {
                "type": "error",
                "error": {
                    "type": "permission_error",
                    "message": "Your API key does not have permission to use the specified resource.",
                },
            },
            {},
        ),
        (
            {"error": {"message": "Project `proj_x` does not have access to model `gpt-5`", "code": "model_not_found"}},
            {},
        ),
    ],
    ids=["aws-access-denied", "anthropic-permission", "openai-model-access"],
)
def test_forbidden_with_a_valid_key_is_permission_denied(upstream, body, headers):
    error = _fail(upstream, 403, body, headers)
    assert error.code == "permission_denied"
    assert "permission" in error.hint


def test_bare_403_counts_as_rejected_credentials(upstream):
    assert _fail(upstream, 403, b"").code == "invalid_credentials"


def test_400_without_key_words_is_bad_response_with_the_upstream_words(upstream):
    body = {"error": {"message": "Invalid value for 'limit': must be at most 1000.", "type": "invalid_request_error"}}
    error = _fail(upstream, 400, body)
    assert error.code == "bad_response"
    assert "Invalid value for 'limit'" in error.message


def test_404_without_version_suggests_v1(upstream):
    error = _fail(upstream, 404, {"error": "not found"}, url=f"{BASE}/models")
    assert error.code == "not_found"
    assert "/v1" in error.hint
    assert f"{BASE}/v1" in error.hint


def test_404_with_version_does_not_suggest_v1(upstream):
    error = _fail(upstream, 404, {"error": "model 'x' not found"})
    assert error.code == "not_found"
    assert "/v1 at the end" not in error.hint
    assert "model 'x' not found" in error.message


@pytest.mark.parametrize("status", [500, 502, 503, 504, 529])
def test_server_errors_are_upstream_errors(upstream, status):
    error = _fail(upstream, status, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    assert error.code == "upstream_error"
    assert error.status == status
    assert "Overloaded" in error.message


def test_html_error_page_is_not_echoed(upstream):
    page = b"<html><head><title>502 Bad Gateway</title></head><body>internal-host-10-0-0-7 nginx</body></html>"
    error = _fail(upstream, 502, page, {"Content-Type": "text/html"})
    assert error.code == "upstream_error"
    assert "internal-host" not in error.message and "<html" not in error.message


def test_other_4xx_is_bad_response(upstream):
    error = _fail(upstream, 418, "I'm a teapot")
    assert error.code == "bad_response"
    assert "418" in error.message and "teapot" in error.message


def test_upstream_message_is_truncated(upstream):
    error = _fail(upstream, 400, {"error": {"message": "x" * 5000}})
    assert len(error.message) < 450


# ---- rate limits --------------------------------------------------------------------------------


def test_429_with_retry_after_seconds(upstream):
    error = _fail(upstream, 429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "30"})
    assert error.code == "rate_limited"
    assert error.retry_after == 30
    assert error.message.startswith("Rate limited by the provider; retry in 30 s.")


def test_429_with_retry_after_http_date(upstream):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=40), usegmt=True)
    error = _fail(upstream, 429, b"", {"Retry-After": when})
    assert 35 <= error.retry_after <= 41


def test_429_gemini_retry_info_in_body(upstream):
    body = {
        "error": {
            "code": 429,
            "message": "You exceeded your current quota. Please retry in 12.595337758s.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12s"}],
        }
    }
    error = _fail(upstream, 429, body)
    assert error.retry_after == 12
    assert "quota" in error.hint


def test_429_wait_from_message(upstream):
    body = {
        "error": {
            "message": "Rate limit reached for gpt-4o-mini. Please try again in 292.5ms.",
            "type": "tokens",
            "code": "rate_limit_exceeded",
        }
    }
    assert _fail(upstream, 429, body).retry_after == pytest.approx(0.2925)


def test_429_without_hint_has_no_retry_after(upstream):
    error = _fail(upstream, 429, {"message": "Requests rate limit exceeded"})
    assert error.retry_after is None
    assert error.message.startswith("Rate limited by the provider.")


# ---- retries --------------------------------------------------------------------------------------


def test_5xx_is_retried_once_then_succeeds(upstream):
    upstream.add(responses.GET, URL, status=503, json={"error": "busy"})
    upstream.add(responses.GET, URL, status=200, json={"data": []})
    response = http.request("GET", URL)
    assert response.status == 200
    assert len(upstream.calls) == 2


def test_retries_are_capped_at_two(upstream):
    upstream.add(responses.GET, URL, status=500, json={"error": "down"})
    with pytest.raises(UpstreamError):
        http.request("GET", URL, retries=10)
    assert len(upstream.calls) == 3


def test_post_is_not_retried_after_a_500(upstream):
    upstream.add(responses.POST, f"{BASE}/v1/chat/completions", status=500, json={"error": "boom"})
    with pytest.raises(UpstreamError):
        http.request("POST", f"{BASE}/v1/chat/completions", json_body={"model": "m"})
    assert len(upstream.calls) == 1


def test_retry_after_longer_than_the_deadline_fails_fast(upstream):
    upstream.add(responses.GET, URL, status=429, headers={"Retry-After": "99999"}, json={"error": "slow"})
    started = time.monotonic()
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, retries=2)
    assert time.monotonic() - started < 0.5
    assert excinfo.value.retry_after == 99999
    assert len(upstream.calls) == 1


def test_4xx_is_not_retried(upstream):
    upstream.add(responses.GET, URL, status=401, json={"error": "unauthorized"})
    with pytest.raises(UpstreamError):
        http.request("GET", URL, retries=2)
    assert len(upstream.calls) == 1


def test_raise_for_status_false_returns_the_answer(upstream):
    upstream.add(responses.GET, URL, status=404, json={"error": "nope"})
    response = http.request("GET", URL, raise_for_status=False)
    assert response.status == 404
    assert classify_response(response).code == "not_found"


# ---- transport failures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (requests.exceptions.ConnectionError("Connection refused"), "unreachable"),
        (requests.exceptions.ConnectTimeout("connect timeout"), "timeout"),
        (requests.exceptions.ReadTimeout("read timeout"), "timeout"),
        (requests.exceptions.SSLError("certificate verify failed"), "tls_error"),
    ],
)
def test_transport_failures(upstream, exc, code):
    upstream.add(responses.GET, URL, body=exc)
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, retries=0)
    assert excinfo.value.code == code
    assert excinfo.value.message and excinfo.value.hint


# ---- redirects and size ---------------------------------------------------------------------------


def test_redirect_is_not_followed_and_names_the_target(upstream):
    upstream.add(responses.GET, URL, status=301, headers={"Location": "https://api.moved.example/v1/models?x=1"})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL)
    assert excinfo.value.code == "bad_response"
    assert "https://api.moved.example/v1/models" in excinfo.value.message
    assert "x=1" not in excinfo.value.message
    assert len(upstream.calls) == 1


def test_redirect_to_metadata_is_blocked_url(upstream):
    upstream.add(responses.GET, URL, status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL)
    assert excinfo.value.code == "blocked_url"
    assert len(upstream.calls) == 1


def test_body_over_the_cap_is_refused(upstream):
    upstream.add(responses.GET, URL, body=b"[" + b"1," * 4000 + b"1]")
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, max_bytes=1000)
    assert excinfo.value.code == "bad_response"
    assert "larger than" in excinfo.value.message


# ---- JSON ---------------------------------------------------------------------------------------------


def _response(body: bytes, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(200, requests.structures.CaseInsensitiveDict({"content-type": content_type}), body, URL, 1.0)


def test_json_of_html_says_so():
    with pytest.raises(ParseError) as excinfo:
        _response(b"<!doctype html><html><body>Welcome</body></html>", "text/html").json()
    assert "HTML, not JSON" in excinfo.value.message
    assert excinfo.value.code == "bad_response"


def test_json_invalid():
    with pytest.raises(ParseError) as excinfo:
        _response(b'{"data": [}').json()
    assert "invalid JSON" in excinfo.value.message


@pytest.mark.parametrize("body", [b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000])
def test_json_deep_nesting_is_a_parse_error(body):
    with pytest.raises(ParseError) as excinfo:
        _response(body).json()
    assert "nested too deeply" in excinfo.value.message


def test_json_empty_and_valid():
    with pytest.raises(ParseError):
        _response(b"  ").json()
    assert _response(b'{"data": [{"id": "m"}]}').json() == {"data": [{"id": "m"}]}


# ---- secrets ---------------------------------------------------------------------------------------

SENTINEL = "sk-SENTINEL0123456789abcdefXYZ9"


def _leaks(text: str, secret: str = SENTINEL) -> list[str]:
    return [secret[i : i + 8] for i in range(len(secret) - 7) if secret[i : i + 8] in text]


def _everything(error: UpstreamError) -> str:
    return " ".join([str(error), error.message, error.hint, repr(error.details), json.dumps(error.as_dict())])


@pytest.mark.parametrize(
    "echo",
    [
        f"Incorrect API key provided: {SENTINEL}.",
        f"Incorrect API key provided: {SENTINEL[:8]}***{SENTINEL[-4:]}.",
        f"Authorization: Bearer {SENTINEL} rejected",
        f"bad header x-api-key={SENTINEL}",
    ],
)
def test_sent_key_never_appears_in_errors_or_logs(upstream, caplog, echo):
    caplog.set_level(logging.DEBUG, logger="llm_providers")
    upstream.add(responses.GET, URL, status=401, json={"error": {"message": echo}})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, headers={"Authorization": f"Bearer {SENTINEL}"})
    assert _leaks(_everything(excinfo.value)) == []
    assert _leaks(caplog.text) == []
    assert caplog.records, "the call should have been logged"


@pytest.mark.parametrize("header", ["x-api-key", "api-key", "x-goog-api-key"])
def test_custom_key_headers_are_scrubbed(upstream, header):
    key = "plainkeywithoutprefix1234567890"
    upstream.add(responses.GET, URL, status=500, json={"error": {"message": f"backend saw key {key}"}})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, headers={header: key}, retries=0)
    assert _leaks(_everything(excinfo.value), key) == []
    assert "…7890" in excinfo.value.message


def test_query_key_is_scrubbed_from_errors_and_never_logged(upstream, caplog):
    caplog.set_level(logging.DEBUG, logger="llm_providers")
    key = "AIzaSyD-SENTINEL-0123456789abcdefghijk"
    upstream.add(
        responses.GET,
        f"{BASE}/v1beta/models",
        status=400,
        json={"error": {"message": f"Bad request for {BASE}/v1beta/models?key={key}", "status": "X"}},
    )
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", f"{BASE}/v1beta/models", params={"key": key})
    assert _leaks(_everything(excinfo.value), key) == []
    assert _leaks(caplog.text, key) == []
    assert "?" not in caplog.text  # no query string in log lines


def test_key_in_a_transport_error_is_not_repeated(upstream, caplog):
    caplog.set_level(logging.DEBUG, logger="llm_providers")
    key = "AIzaSyD-SENTINEL-0123456789abcdefghijk"
    upstream.add(
        responses.GET,
        f"{BASE}/v1beta/models",
        body=requests.exceptions.ConnectionError(f"Max retries exceeded with url: /v1beta/models?key={key}"),
    )
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", f"{BASE}/v1beta/models", params={"key": key}, retries=0)
    assert _leaks(_everything(excinfo.value), key) == []
    assert _leaks(caplog.text, key) == []


def test_token_shaped_strings_are_masked_even_if_we_did_not_send_them(upstream):
    body = {"error": {"message": "keys gsk_abcdefghijklmnopqrstu and xai-abcdefghijklmnop and AIzaSyABCDEFGHIJKLMNOP"}}
    error = _fail(upstream, 500, body)
    for token in ("gsk_abcdefghijklmnopqrstu", "xai-abcdefghijklmnop", "AIzaSyABCDEFGHIJKLMNOP"):
        assert token not in error.message


def test_secrets_held_by_an_auth_object_are_scrubbed(upstream):
    class SigningAuth(requests.auth.AuthBase):
        def __init__(self) -> None:
            self.access_key = "AKIAEXAMPLEACCESSKEY"
            self.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

        def __call__(self, request):
            request.headers["X-Amz-Date"] = "20260101T000000Z"
            return request

    auth = SigningAuth()
    upstream.add(responses.GET, URL, status=403, json={"message": f"signature mismatch for {auth.secret_key}"})
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", URL, auth=auth)
    assert _leaks(_everything(excinfo.value), auth.secret_key) == []
