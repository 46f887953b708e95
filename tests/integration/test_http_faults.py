"""discovery.http against real sockets: a FakeUpstream on 127.0.0.1 misbehaving in every way a
provider (or something pretending to be one) can."""

from __future__ import annotations

import socket
import time

import pytest

from llm_providers.discovery import http
from llm_providers.exceptions import BlockedURL, ParseError, UpstreamError
from tests.fakes import FakeUpstream, tls

pytestmark = pytest.mark.integration

DEADLINE = 1.0
SLACK = 0.7  # allowed overrun past the deadline


def _timed_failure(url: str, **kwargs) -> tuple[UpstreamError, float]:
    started = time.monotonic()
    with pytest.raises(UpstreamError) as excinfo:
        http.request("GET", url, **kwargs)
    return excinfo.value, time.monotonic() - started


def test_models_answer(fake_upstream):
    response = http.request("GET", f"{fake_upstream.url}/v1/models")
    assert response.status == 200
    assert response.json()["data"][0]["id"] == "gpt-4o-mini"
    assert response.url == f"{fake_upstream.url}/v1/models"
    assert fake_upstream.requests[0].headers["accept"] == "application/json"


def test_500_is_retried_once_then_reported(fake_upstream):
    fake_upstream.set("/v1/models", status=500, json={"error": {"message": "internal failure"}})
    error, _ = _timed_failure(f"{fake_upstream.url}/v1/models")
    assert error.code == "upstream_error"
    assert "internal failure" in error.message
    assert fake_upstream.calls("/v1/models") == 2


def test_500_then_ok_recovers(fake_upstream):
    fake_upstream.set("/v1/models", status=502, body=b"<html>Bad Gateway</html>", times=1)
    assert http.request("GET", f"{fake_upstream.url}/v1/models").status == 200
    assert fake_upstream.calls("/v1/models") == 2


def test_no_answer_times_out_at_the_deadline(fake_upstream):
    fake_upstream.set("/v1/models", delay=5, json={"data": []})
    error, elapsed = _timed_failure(f"{fake_upstream.url}/v1/models", deadline=DEADLINE)
    assert error.code == "timeout"
    assert "1 s" in error.message
    assert elapsed < DEADLINE + SLACK


def test_trickled_body_is_cut_at_the_deadline(fake_upstream):
    # 400 bytes at 10 bytes per 0.1 s would take 4 s; each read returns quickly, so only a
    # deadline checked between reads stops it.
    fake_upstream.set("/v1/models", json={"data": [{"id": "m" * 380}]}, trickle=(10, 0.1))
    error, elapsed = _timed_failure(f"{fake_upstream.url}/v1/models", deadline=DEADLINE)
    assert error.code == "timeout"
    assert DEADLINE - 0.1 < elapsed < DEADLINE + SLACK


def test_trickled_status_line_and_headers_are_cut_at_the_deadline(fake_upstream):
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    fake_upstream.set("/v1/models", raw=raw, trickle=(1, 0.05))
    error, elapsed = _timed_failure(f"{fake_upstream.url}/v1/models", deadline=DEADLINE)
    assert error.code == "timeout"
    assert elapsed < DEADLINE + SLACK


def test_slow_but_steady_answer_within_the_deadline_succeeds(fake_upstream):
    fake_upstream.set("/v1/models", json={"data": [{"id": "a"}, {"id": "b"}]}, trickle=(8, 0.02))
    assert http.request("GET", f"{fake_upstream.url}/v1/models", deadline=DEADLINE).json()["data"][1]["id"] == "b"


def test_connection_reset_is_unreachable(fake_upstream):
    fake_upstream.set("/v1/models", reset=True)
    error, _ = _timed_failure(f"{fake_upstream.url}/v1/models")
    assert error.code == "unreachable"
    assert fake_upstream.calls("/v1/models") == 2  # GET is retried once


def test_connection_reset_on_post_is_not_retried(fake_upstream):
    fake_upstream.set("/v1/chat/completions", reset=True)
    with pytest.raises(UpstreamError) as excinfo:
        http.request("POST", f"{fake_upstream.url}/v1/chat/completions", json_body={"model": "m"})
    assert excinfo.value.code == "unreachable"
    assert fake_upstream.calls("/v1/chat/completions") == 1


def test_html_body_is_a_parse_error(fake_upstream):
    page = b"<!DOCTYPE html><html><head><title>Open WebUI</title></head><body>app</body></html>"
    fake_upstream.set("/v1/models", body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    response = http.request("GET", f"{fake_upstream.url}/v1/models")
    with pytest.raises(ParseError) as excinfo:
        response.json()
    assert "HTML, not JSON" in excinfo.value.message


def test_invalid_json_is_a_parse_error(fake_upstream):
    fake_upstream.set("/v1/models", body=b'{"object": "list", "data": [', headers={"Content-Type": "application/json"})
    with pytest.raises(ParseError) as excinfo:
        http.request("GET", f"{fake_upstream.url}/v1/models").json()
    assert "invalid JSON" in excinfo.value.message


def test_declared_oversize_body_is_refused_before_reading(fake_upstream):
    fake_upstream.set("/v1/models", body=b"x" * 11 * 1024 * 1024)
    error, elapsed = _timed_failure(f"{fake_upstream.url}/v1/models")
    assert error.code == "bad_response"
    assert "larger than the 10.0 MB limit (11.0 MB)" in error.message  # refused on Content-Length alone
    assert elapsed < 1


def test_undeclared_oversize_body_is_cut_while_reading(fake_upstream):
    # No Content-Length: the body runs until the server closes, so only the reading loop can stop it.
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    fake_upstream.set("/v1/models", raw=head + b"[" + b"0," * 100_000 + b"0]")
    error, _ = _timed_failure(f"{fake_upstream.url}/v1/models", max_bytes=50_000)
    assert error.code == "bad_response"
    assert "larger than" in error.message


def test_429_with_short_retry_after_is_retried_within_the_deadline(fake_upstream):
    fake_upstream.set(
        "/v1/models",
        status=429,
        headers={"Retry-After": "1"},
        json={"error": {"message": "Rate limit reached"}},
        times=1,
    )
    started = time.monotonic()
    response = http.request("GET", f"{fake_upstream.url}/v1/models")
    elapsed = time.monotonic() - started
    assert response.status == 200
    assert fake_upstream.calls("/v1/models") == 2
    assert 0.9 < elapsed < 5.0


def test_429_with_huge_retry_after_fails_fast(fake_upstream):
    fake_upstream.set(
        "/v1/models", status=429, headers={"Retry-After": "99999"}, json={"error": {"message": "Rate limit reached"}}
    )
    error, elapsed = _timed_failure(f"{fake_upstream.url}/v1/models")
    assert error.code == "rate_limited"
    assert error.retry_after == 99999
    assert "Rate limited by the provider; retry in" in error.message
    assert elapsed < 1
    assert fake_upstream.calls("/v1/models") == 1


@pytest.fixture
def connections(monkeypatch):
    """Every address the client resolves or connects to, recorded without changing behaviour."""
    seen: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        seen.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        seen.append(str(address[0]))
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


def test_redirect_to_metadata_is_blocked_and_not_requested(fake_upstream, connections):
    fake_upstream.set("/v1/models", redirect_to="http://169.254.169.254/latest/meta-data/iam/")
    error, _ = _timed_failure(f"{fake_upstream.url}/v1/models", headers={"x-api-key": "sk-ant-do-not-forward-1"})
    assert error.code == "blocked_url"
    assert "169.254.169.254" in error.message
    assert not any("169.254" in address for address in connections)
    assert connections and all(address == "127.0.0.1" for address in connections)


def test_plain_redirect_is_not_followed_and_names_the_target(fake_upstream):
    fake_upstream.set("/v1/models", status=301, redirect_to=f"{fake_upstream.url}/api/v2/models")
    error, _ = _timed_failure(f"{fake_upstream.url}/v1/models", headers={"Authorization": "Bearer sk-redirect-test-1"})
    assert error.code == "bad_response"
    assert f"{fake_upstream.url}/api/v2/models" in error.message
    assert "use that address as the base URL" in error.message
    assert fake_upstream.calls("/api/v2/models") == 0


def test_provider_down_then_back(fake_upstream):
    url = f"{fake_upstream.url}/v1/models"
    assert http.request("GET", url).status == 200  # leaves a keep-alive connection in the pool
    fake_upstream.stop()
    error, elapsed = _timed_failure(url)
    assert error.code == "unreachable"
    assert "Could not connect to http://127.0.0.1:" in error.message
    assert error.hint == "Is the server running? Check the base URL and port."
    assert elapsed < 1
    fake_upstream.start()
    assert http.request("GET", url).status == 200


def test_proxy_environment_is_ignored(fake_upstream, monkeypatch):
    # A proxy would resolve the name itself, out of reach of the connect-time check.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert http.request("GET", f"{fake_upstream.url}/v1/models").status == 200


def test_connection_is_pinned_to_the_checked_address(fake_upstream, monkeypatch):
    """The name is resolved once, by us; the request goes to that address with the original Host."""
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return real_getaddrinfo("127.0.0.1" if host == "provider.test" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    response = http.request("GET", f"http://provider.test:{fake_upstream.port}/v1/models")
    assert response.status == 200
    assert lookups == ["provider.test"]
    assert fake_upstream.requests[-1].headers["host"] == f"provider.test:{fake_upstream.port}"


def test_name_resolving_to_loopback_needs_the_private_setting_or_the_allow_list(fake_upstream, monkeypatch, settings):
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: real_getaddrinfo("127.0.0.1" if host == "lan.test" else host, port, *a, **k),
    )
    settings.LLM_PROVIDERS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(BlockedURL) as excinfo:
        http.request("GET", f"http://lan.test:{fake_upstream.port}/v1/models")
    assert "127.0.0.1" in excinfo.value.message
    assert fake_upstream.requests == []
    settings.LLM_PROVIDERS_ALLOWED_HOSTS = ["lan.test"]
    assert http.request("GET", f"http://lan.test:{fake_upstream.port}/v1/models").status == 200


# ---- provider presets answer like the real services ------------------------------------------------

PRESET_CALLS = {
    "openai": ("/v1/models", "authorization", "Bearer {key}", "data"),
    "groq": ("/openai/v1/models", "authorization", "Bearer {key}", "data"),
    "together": ("/v1/models", "authorization", "Bearer {key}", None),
    "fireworks": ("/inference/v1/models", "authorization", "Bearer {key}", "data"),
    "anthropic": ("/v1/models", "x-api-key", "{key}", "data"),
    "gemini": ("/v1beta/models", "x-goog-api-key", "{key}", "models"),
    "cohere": ("/v1/models", "authorization", "Bearer {key}", "models"),
    "ollama": ("/api/tags", "authorization", "Bearer {key}", "models"),
}


@pytest.mark.parametrize("kind", sorted(PRESET_CALLS))
def test_presets_accept_the_right_key_and_reject_a_wrong_one(kind):
    path, header, template, key_field = PRESET_CALLS[kind]
    extra = {"anthropic-version": "2023-06-01"} if kind == "anthropic" else {}
    with FakeUpstream.provider(kind, api_key="right-key-0001") as fake:
        good = http.request("GET", fake.url + path, headers={header: template.format(key="right-key-0001"), **extra})
        payload = good.json()
        assert payload if key_field is None else payload[key_field]  # a non-empty list in the real shape
        with pytest.raises(UpstreamError) as excinfo:
            http.request("GET", fake.url + path, headers={header: template.format(key="wrong-key-0002"), **extra})
        assert excinfo.value.code == "invalid_credentials"


def test_preset_pagination():
    with FakeUpstream.provider("anthropic", page_size=2) as fake:
        first = http.request("GET", f"{fake.url}/v1/models", params={"limit": 1000}).json()
        assert first["has_more"] is True and len(first["data"]) == 2
        rest = http.request("GET", f"{fake.url}/v1/models", params={"limit": 1000, "after_id": first["last_id"]}).json()
        assert rest["has_more"] is False and len(rest["data"]) == 1
    with FakeUpstream.provider("gemini", models=["a", "b", "c"]) as fake:
        page = http.request("GET", f"{fake.url}/v1beta/models", params={"pageSize": 2}).json()
        last = http.request("GET", f"{fake.url}/v1beta/models", params={"pageToken": page["nextPageToken"]}).json()
        assert [m["name"] for m in page["models"] + last["models"]] == ["models/a", "models/b", "models/c"]
        assert "nextPageToken" not in last


def test_ollama_preset_show_and_chat():
    with FakeUpstream.provider("ollama") as fake:
        show = http.request("POST", f"{fake.url}/api/show", json_body={"model": "gemma3:4b"}).json()
        assert show["model_info"]["gemma3.context_length"] == 131072
        assert "vision" in show["capabilities"]
        with pytest.raises(UpstreamError) as excinfo:
            http.request("POST", f"{fake.url}/api/show", json_body={"model": "missing:latest"})
        assert excinfo.value.code == "not_found"
        chat = http.request(
            "POST", f"{fake.url}/api/chat", json_body={"model": "gemma3:1b", "messages": [], "stream": False}
        ).json()
        assert chat["message"]["content"] and chat["done"] is True


# ---- TLS ------------------------------------------------------------------------------------------------


@pytest.fixture
def https_upstream(tmp_path, monkeypatch):
    """An HTTPS fake whose certificate names provider.test; provider.test and other.test resolve to it."""
    cert, key = tls.self_signed(tmp_path, "provider.test")
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        return real_getaddrinfo("127.0.0.1" if host in ("provider.test", "other.test") else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with FakeUpstream(ssl_context=tls.server_context(cert, key)) as fake:
        yield fake, cert


def test_https_to_a_pinned_address_verifies_the_original_host_name(https_upstream, monkeypatch):
    fake, cert = https_upstream
    # Trust the throw-away certificate: the session is built with trust_env=False, so no env var can.
    monkeypatch.setattr(http._SESSION, "verify", str(cert))
    response = http.request("GET", f"https://provider.test:{fake.port}/v1/models")
    assert response.status == 200
    assert fake.requests[-1].headers["host"] == f"provider.test:{fake.port}"


def test_https_certificate_for_another_name_is_a_tls_error(https_upstream, monkeypatch):
    fake, cert = https_upstream
    monkeypatch.setattr(http._SESSION, "verify", str(cert))
    error, _ = _timed_failure(f"https://other.test:{fake.port}/v1/models")
    assert error.code == "tls_error"
    assert "https://other.test" in error.message
    assert fake.requests == []


def test_https_untrusted_certificate_is_a_tls_error(https_upstream):
    fake, _ = https_upstream
    error, _ = _timed_failure(f"https://provider.test:{fake.port}/v1/models")
    assert error.code == "tls_error"
    assert "certificate" in error.message
    assert fake.requests == []


def test_https_to_a_plain_http_server_is_a_tls_error(fake_upstream):
    error, _ = _timed_failure(fake_upstream.url.replace("http://", "https://") + "/v1/models")
    assert error.code == "tls_error"
