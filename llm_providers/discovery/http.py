"""The one module that makes outbound HTTP calls to providers.

Everything a provider call needs to be safe is here, so no caller can forget a piece:
* the URL policy, before the request (`check_url`) and on every resolved address at connect time
  (`_PolicyHTTPConnection`), connecting only to the address that was checked (no DNS rebinding);
* redirects are never followed: they would carry `x-api-key`/`api-key` headers to the new host;
* a total deadline that a server trickling bytes cannot stretch, and a response size cap;
* a few quick retries that never outlive the deadline;
* one classification of failures into UpstreamError codes, with secrets scrubbed from every
  message and log line.
"""

from __future__ import annotations

import contextlib
import contextvars
import http.cookiejar
import json
import logging
import math
import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util.connection import allowed_gai_family

from llm_providers import conf
from llm_providers.discovery.url_policy import check_address, check_url
from llm_providers.exceptions import BlockedURL, ParseError, UpstreamError

log = logging.getLogger("llm_providers.http")

MAX_RETRIES = 2
_BACKOFF_S = (0.2, 0.5)
# A retry is only worth starting if this much of the deadline is left after waiting.
_MIN_ATTEMPT_S = 0.3
_CHUNK = 64 * 1024
_MESSAGE_LIMIT = 300
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


# --------------------------------------------------------------------------------------------
# Transport: connect-time policy and the deadline watchdog
# --------------------------------------------------------------------------------------------


class _Watchdog:
    """Shuts the attempt's socket down when the deadline passes.

    requests' timeouts bound each socket operation, not the exchange: a server sending one byte
    per second during the TLS handshake or the headers keeps a worker busy indefinitely. The body
    loop in `_read_body` checks the clock itself; this timer covers the phases inside urllib3.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._token: contextvars.Token[_Watchdog | None] | None = None

    def __enter__(self) -> _Watchdog:
        self._token = _current_watchdog.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        if self._token is not None:
            _current_watchdog.reset(self._token)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            fired = self.fired
        if fired:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)


_current_watchdog: contextvars.ContextVar[_Watchdog | None] = contextvars.ContextVar(
    "llm_providers_http_watchdog", default=None
)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _PolicyHTTPConnection(HTTPConnection):
    """Resolves once, checks every answer against the URL policy, connects only to checked addresses.

    Checking all answers (not just the first) means a name with one public and one private record
    is refused when private networks are off; connecting to the checked sockaddr (instead of letting
    urllib3 resolve again) is what defeats DNS rebinding. TLS still verifies and sends SNI for
    `self.host`, because HTTPSConnection wraps whatever socket `_new_conn` returns.
    """

    def _new_conn(self) -> socket.socket:
        host = self._dns_host.strip("[]")
        try:
            infos = socket.getaddrinfo(host, self.port, allowed_gai_family(), socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        for *_, sockaddr in infos:
            check_address(str(sockaddr[0]), self.host)  # BlockedURL passes through urllib3 and requests
        error: OSError = OSError(f"no address found for {self.host}")
        for family, socktype, proto, _, sockaddr in infos:
            sock = socket.socket(family, socktype, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if isinstance(self.timeout, (int, float)):
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            watchdog = _current_watchdog.get()
            if watchdog is not None:
                watchdog.watch(sock)
            return sock
        if isinstance(error, socket.timeout):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # A reused keep-alive connection skips _new_conn; hand its socket to this attempt's watchdog.
        watchdog = _current_watchdog.get()
        if watchdog is not None and self.sock is not None:
            watchdog.watch(self.sock)
        super().request(*args, **kwargs)


class _PolicyHTTPSConnection(_PolicyHTTPConnection, HTTPSConnection):
    pass


class _PolicyHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PolicyHTTPConnection


class _PolicyHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PolicyHTTPSConnection


class PolicyAdapter(HTTPAdapter):
    """requests adapter whose connection pools apply the URL policy at connect time."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PolicyHTTPConnectionPool,
            "https": _PolicyHTTPSConnectionPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # A proxy resolves names itself, out of reach of the connect-time check.
        raise BlockedURL("Outbound proxies are not supported.", hint="Remove the proxy configuration.")


def _make_session() -> requests.Session:
    session = requests.Session()
    # No proxy, netrc or CA settings from the environment: nothing may route around the policy.
    session.trust_env = False
    # The session is shared by every provider call: never keep a cookie from one for another.
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"User-Agent": "llm-providers", "Accept": "application/json"})
    adapter = PolicyAdapter(max_retries=0, pool_connections=16, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# One session for the process: keep-alive connections are reused across calls (TLS handshakes
# dominate the latency of small model-list requests).
_SESSION = _make_session()


# --------------------------------------------------------------------------------------------
# Response and JSON
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes
    url: str  # the requested URL without its query string, which may carry a key
    elapsed_ms: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return parse_json(self.body, self.headers.get("content-type", ""))


def parse_json(body: bytes, content_type: str = "") -> Any:
    """Decode a JSON body, turning every way it can fail (including deep nesting) into ParseError."""
    if not body.strip():
        raise ParseError("The server sent an empty answer instead of JSON.")
    if _looks_like_html(body, content_type):
        raise ParseError(
            "The server answered with HTML, not JSON — the URL probably points at a web page, not the API.",
            hint="Check the base URL; API base URLs usually end in /v1 or similar.",
        )
    try:
        return json.loads(body)
    except RecursionError:
        raise ParseError("The server's JSON is nested too deeply to read.") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ParseError(f"The server sent invalid JSON ({exc.msg} at {where}).") from None
    except ValueError:  # undecodable bytes
        raise ParseError("The server sent invalid JSON (not valid UTF-8 text).") from None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    return "html" in content_type.lower() or body.lstrip()[:1] == b"<"


def _try_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


# --------------------------------------------------------------------------------------------
# Secrets
# --------------------------------------------------------------------------------------------

_SECRET_NAME = re.compile(r"auth|key|token|secret|password|cookie|signature|credential", re.I)
_TOKEN = re.compile(r"\b(?:sk-|gsk_|xai-|fw_|pplx-|AIza|hf_|r8_|nvapi-|csk-|AKIA|ASIA)[A-Za-z0-9_\-]{8,}")
_BEARER = re.compile(r"\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=\-]{6,})", re.I)
# Keys the provider echoed half-masked, e.g. OpenAI's "sk-inval***c66a": the visible part is still ours.
_MASKED_ECHO = re.compile(r"[A-Za-z0-9_\-]{2,}\*{3,}[A-Za-z0-9_\-]*")


def mask(secret: str) -> str:
    """'…' plus the last four characters; short values are hidden completely."""
    return "…" + secret[-4:] if len(secret) >= 12 else "…"


def collect_secrets(url: str, headers: Mapping[str, Any] | None, params: Mapping[str, Any] | None) -> set[str]:
    """Credential values a request carries: credential-looking headers and query parameters."""
    found: set[str] = set()

    def add(value: Any) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                add(item)
            return
        text = str(value).strip()
        if len(text) >= 4:
            found.add(text)
        for part in text.split():  # "Bearer sk-…" → also the bare token
            if len(part) >= 8:
                found.add(part)

    for name, value in (headers or {}).items():
        if _SECRET_NAME.search(str(name)):
            add(value)
    pairs: list[tuple[str, Any]] = list(parse_qsl(urlsplit(url).query, keep_blank_values=False))
    pairs += list((params or {}).items())
    for name, value in pairs:
        if _SECRET_NAME.search(str(name)):
            add(value)
    return found


def _auth_secrets(auth: Any) -> set[str]:
    """Secrets held by a requests auth value: a (user, password) tuple or an object's key attributes."""
    if auth is None:
        return set()
    if isinstance(auth, tuple):
        return {str(part) for part in auth if len(str(part)) >= 4}
    return {
        value
        for name, value in getattr(auth, "__dict__", {}).items()
        if isinstance(value, str) and len(value) >= 4 and _SECRET_NAME.search(name)
    }


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace the given secrets (raw or URL-encoded) and anything token-shaped with a mask."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            if form:
                text = text.replace(form, mask(secret))
        if len(secret) >= 16:  # a provider echoing the first characters of a long key
            text = text.replace(secret[:8], "…")
    text = _MASKED_ECHO.sub("…", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {mask(m.group(2))}", text)
    return _TOKEN.sub(lambda m: mask(m.group(0)), text)


# --------------------------------------------------------------------------------------------
# Classification of non-2xx answers
# --------------------------------------------------------------------------------------------

_BAD_KEY = re.compile(
    r"api[ _-]?key[ _-]?invalid|api key not valid|invalid[ _-]api[ _-]?key|incorrect api key|invalid x-api-key"
    r"|authentication_error|invalid api token|invalid token|api key (?:has )?expired|key has expired"
    r"|unrecognizedclient|security token included in the request is invalid|invalidsignature"
    r"|invalid subscription key|invalid authentication|unauthenticated|no credentials|api key you provided is invalid"
)
_PERMISSION = re.compile(
    r"permission|forbidden|not authori[sz]ed|access ?denied|does not have access|not allowed|access to (?:this )?model"
)
_QUOTA = re.compile(r"quota|billing|credit|insufficient", re.I)
_RETRY_IN = re.compile(r"(?:retry|try again) in ([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b", re.I)
_VERSIONED_PATH = re.compile(r"/(?:v\d+[a-z0-9]*|api|openai|inference)(?:/|$)")


def upstream_message(body: bytes, content_type: str = "") -> str:
    """The human message in a provider's error body, for every common error shape; '' if none."""
    data = _try_json(body)
    message = ""
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):  # OpenAI, Anthropic, Google, Groq, Together, Fireworks
            message = _first_str(error, "message", "msg", "status", "type", "code")
        elif isinstance(error, str):  # xAI, Ollama
            message = error
        elif isinstance(data.get("detail"), str):  # Mistral, FastAPI servers
            message = data["detail"]
        elif isinstance(data.get("detail"), list):  # FastAPI validation errors
            message = "; ".join(str(d.get("msg", "")) for d in data["detail"][:3] if isinstance(d, dict))
        else:  # Cohere, AWS
            message = _first_str(data, "message", "Message", "error_message", "title")
    elif isinstance(data, str):
        message = data
    elif data is None and body.strip() and not _looks_like_html(body, content_type):
        message = body[:2000].decode("utf-8", errors="replace")
    return _truncate(" ".join(message.split()))


def _first_str(obj: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _truncate(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _strings(obj: Any, depth: int = 4) -> Iterable[str]:
    """String leaves of a JSON value, bounded: used to find error codes like API_KEY_INVALID."""
    if isinstance(obj, str):
        yield obj
    elif depth > 0 and isinstance(obj, dict):
        for value in list(obj.values())[:20]:
            yield from _strings(value, depth - 1)
    elif depth > 0 and isinstance(obj, list):
        for value in obj[:20]:
            yield from _strings(value, depth - 1)


def _signals(resp: HttpResponse) -> str:
    data = _try_json(resp.body)
    parts = list(_strings(data)) if data is not None else [resp.body[:2000].decode("utf-8", errors="replace")]
    parts.append(resp.headers.get("x-amzn-errortype", ""))
    return " ".join(parts).lower()


def retry_after_seconds(resp: HttpResponse) -> float | None:
    """How long the provider asks us to wait: Retry-After (seconds or HTTP-date), retry-after-ms,
    Google's RetryInfo.retryDelay in the body, or a "try again in 20s" message."""
    millis = resp.headers.get("retry-after-ms", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", millis):
        return float(millis) / 1000
    header = resp.headers.get("retry-after", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", header):
        return float(header)
    if header:
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    data = _try_json(resp.body)
    error = data.get("error") if isinstance(data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else ():
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        if isinstance(delay, str) and (m := re.fullmatch(r"(\d+(?:\.\d+)?)s", delay.strip())):
            return float(m.group(1))
    if m := _RETRY_IN.search(upstream_message(resp.body)):
        return float(m.group(1)) / (1000 if m.group(2).lower() == "ms" else 1)
    return None


def _human_wait(seconds: float) -> str:
    if seconds < 120:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 7200:
        return f"{math.ceil(seconds / 60)} min"
    return f"{math.ceil(seconds / 3600)} h"


def _error(
    code: str,
    message: str,
    hint: str,
    *,
    said: str = "",
    status: int | None = None,
    retry_after: float | None = None,
    secrets: Iterable[str] = (),
) -> UpstreamError:
    if said:
        message = f'{message} The provider said: "{said}"'
    return UpstreamError(
        code, scrub(message, secrets), hint=scrub(hint, secrets), status=status, retry_after=retry_after
    )


def classify_response(resp: HttpResponse, *, secrets: Iterable[str] = ()) -> UpstreamError | None:
    """The UpstreamError a non-2xx answer means, or None for 2xx. The single place statuses are read."""
    status = resp.status
    if 200 <= status < 300:
        return None
    secrets = set(secrets)
    if 300 <= status < 400:
        return _redirect_error(resp, secrets)
    said = _truncate(scrub(upstream_message(resp.body, resp.headers.get("content-type", "")), secrets))
    signals = _signals(resp)
    if status == 401 or (status in (400, 403) and _BAD_KEY.search(signals)):
        return _error(
            "invalid_credentials",
            f"The provider rejected the API key (HTTP {status}).",
            "Check the key, or create a new one at the provider's console.",
            said=said,
            status=status,
            secrets=secrets,
        )
    if status == 403:
        if _PERMISSION.search(signals):
            return _error(
                "permission_denied",
                "The API key was accepted but is not allowed to do this (HTTP 403).",
                "Check the key's permissions, project or model access at the provider's console.",
                said=said,
                status=status,
                secrets=secrets,
            )
        return _error(
            "invalid_credentials",
            "The provider refused the credentials (HTTP 403).",
            "Check the key, or create a new one at the provider's console.",
            said=said,
            status=status,
            secrets=secrets,
        )
    if status == 404:
        return _error(
            "not_found",
            f"The server has nothing at {scrub(resp.url, secrets)} (HTTP 404).",
            _not_found_hint(resp.url),
            said=said,
            status=status,
            secrets=secrets,
        )
    if status == 429:
        wait = retry_after_seconds(resp)
        message = "Rate limited by the provider" + (f"; retry in {_human_wait(wait)}." if wait is not None else ".")
        hint = (
            "The account's quota or credit may be used up; check billing at the provider's console."
            if _QUOTA.search(said)
            else "Wait a little and try again."
        )
        return _error("rate_limited", message, hint, said=said, status=status, retry_after=wait, secrets=secrets)
    if status >= 500:
        return _error(
            "upstream_error",
            f"The provider had a server error (HTTP {status}).",
            "This is usually temporary; try again in a minute.",
            said=said,
            status=status,
            secrets=secrets,
        )
    return _error(
        "bad_response",
        f"The provider refused the request (HTTP {status}).",
        "Check the base URL and the provider settings.",
        said=said,
        status=status,
        secrets=secrets,
    )


def _redirect_error(resp: HttpResponse, secrets: set[str]) -> UpstreamError:
    location = resp.headers.get("location", "").strip()
    if not location:
        return _error(
            "bad_response",
            f"The server answered HTTP {resp.status} without saying where to go.",
            "Check the base URL.",
            status=resp.status,
        )
    target = urljoin(resp.url, location)
    shown = display_url(target)
    try:
        check_url(target)
    except BlockedURL as exc:
        return _error(
            "blocked_url",
            f"The server redirected to {shown}, which is not allowed. {exc.message}",
            exc.hint,
            status=resp.status,
            secrets=secrets,
        )
    return _error(
        "bad_response",
        f"The server redirected to {shown} — redirects are not followed; use that address as the base URL.",
        "Copy the address the server redirected to into the base URL field.",
        status=resp.status,
        secrets=secrets,
    )


def _not_found_hint(url: str) -> str:
    parts = urlsplit(url)
    if not _VERSIONED_PATH.search(parts.path):
        return f"The base URL probably needs /v1 at the end (for example {parts.scheme}://{parts.netloc}/v1)."
    return "Check the base URL and the provider type: this server does not offer that endpoint."


# --------------------------------------------------------------------------------------------
# The request loop
# --------------------------------------------------------------------------------------------


def display_url(url: str) -> str:
    """scheme://host[:port]/path — never the query string or fragment, which may hold a key."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    data: bytes | None = None,
    auth: Any = None,
    connect_timeout: float | None = None,
    deadline: float | None = None,
    max_bytes: int | None = None,
    retries: int | None = None,
    raise_for_status: bool = True,
) -> HttpResponse:
    """Make one provider call within a total deadline; raise UpstreamError for any failure.

    With raise_for_status=False, a non-2xx answer is returned instead of raised (after retries);
    `classify_response` then tells what it means.
    """
    method = method.upper()
    secrets = collect_secrets(url, headers, params)
    secrets |= _auth_secrets(auth)
    shown = scrub(display_url(url), secrets)
    try:
        check_url(url)
    except BlockedURL as exc:
        log.warning("%s %s refused by the URL policy", method, shown)
        raise _scrubbed(exc, secrets) from None

    connect_timeout = float(conf.get("CONNECT_TIMEOUT") if connect_timeout is None else connect_timeout)
    deadline_s = float(conf.get("DEADLINE") if deadline is None else deadline)
    max_bytes = int(conf.get("MAX_RESPONSE_BYTES") if max_bytes is None else max_bytes)
    retries = max(0, min(MAX_RETRIES, int(conf.get("MAX_RETRIES") if retries is None else retries)))
    call = _Call(method, url, shown, headers, params, json_body, data, auth, connect_timeout, deadline_s, max_bytes)

    # Our own loop rather than urllib3's Retry: Retry waits out any Retry-After (up to 6 h by
    # default) and knows nothing of a total deadline; here every wait must fit in what is left.
    attempt = 0
    while True:
        response, error, retryable = _attempt(call, secrets)
        if response is not None:
            if response.status != 429 and response.status < 500:
                log.info("%s %s -> %s in %.0f ms", method, shown, response.status, response.elapsed_ms)
                error = classify_response(response, secrets=secrets)
                if error is None or not raise_for_status:
                    return response
                _log_failure(call, error)
                raise error
            error = classify_response(response, secrets=secrets)
            retryable = method in _IDEMPOTENT or response.status in (429, 503)
        assert error is not None
        wait = error.retry_after if error.retry_after is not None else _BACKOFF_S[min(attempt, len(_BACKOFF_S) - 1)]
        if attempt < retries and retryable and wait + _MIN_ATTEMPT_S <= call.remaining():
            log.info("%s %s -> %s; retrying in %.1f s", method, shown, error.status or error.code, wait)
            time.sleep(wait)
            attempt += 1
            continue
        if response is not None and not raise_for_status:
            return response
        _log_failure(call, error)
        raise error


@dataclass
class _Call:
    method: str
    url: str
    shown: str
    headers: Mapping[str, str] | None
    params: Mapping[str, Any] | None
    json_body: Any
    data: bytes | None
    auth: Any
    connect_timeout: float
    deadline_s: float
    max_bytes: int

    start: float = field(init=False, default_factory=time.monotonic)

    @property
    def end(self) -> float:
        return self.start + self.deadline_s

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.start) * 1000


def _log_failure(call: _Call, error: UpstreamError) -> None:
    status = f" (HTTP {error.status})" if error.status else ""
    log.warning("%s %s failed: %s%s after %.0f ms", call.method, call.shown, error.code, status, call.elapsed_ms())


def _attempt(call: _Call, secrets: set[str]) -> tuple[HttpResponse | None, UpstreamError | None, bool]:
    """One try. Returns (response, None, _) for any HTTP answer, or (None, error, retryable)."""
    remaining = call.remaining()
    if remaining <= 0:
        return None, _timeout(call), False
    with _Watchdog(remaining) as watchdog:
        try:
            raw = _SESSION.request(
                call.method,
                call.url,
                headers=dict(call.headers or {}),
                params=call.params,
                json=call.json_body,
                data=call.data,
                auth=call.auth,
                timeout=(min(call.connect_timeout, remaining), remaining),
                allow_redirects=False,
                stream=True,
            )
        except BlockedURL as exc:
            return None, _scrubbed(exc, secrets), False
        except requests.RequestException as exc:
            if exc.request is not None:
                secrets |= collect_secrets("", exc.request.headers, None)
            error, retryable = _transport_error(exc, call, timed_out=watchdog.fired or call.remaining() <= 0)
            return None, _scrubbed(error, secrets), retryable and (call.method in _IDEMPOTENT or _before_send(exc))
        # Headers added by `auth` (e.g. a SigV4 signature) are secrets too.
        secrets |= collect_secrets("", raw.request.headers, None)
        try:
            body = _read_body(raw, call)
        except UpstreamError as exc:
            return None, _scrubbed(exc, secrets), False
        except (ProtocolError, ReadTimeoutError, DecodeError, Urllib3SSLError, OSError) as exc:
            error, retryable = _transport_error(exc, call, timed_out=watchdog.fired or call.remaining() <= 0)
            return None, _scrubbed(error, secrets), retryable and call.method in _IDEMPOTENT
        finally:
            raw.close()  # after a complete read the connection is already back in the pool
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(raw.headers)
    return HttpResponse(raw.status_code, headers, body, call.shown, call.elapsed_ms()), None, False


def _read_body(raw: requests.Response, call: _Call) -> bytes:
    declared = raw.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > call.max_bytes:
        raise _too_large(call, int(declared))
    stream = raw.raw
    body = bytearray()
    while True:
        remaining = call.remaining()
        if remaining <= 0:
            raise _timeout(call)
        sock = getattr(getattr(stream, "connection", None), "sock", None)
        if sock is not None:
            sock.settimeout(remaining)  # a pause longer than the budget ends the read
        # read1 returns what has arrived instead of waiting for a full buffer, so the clock is
        # checked between every trickled chunk (iter_content() cannot enforce a deadline).
        chunk = stream.read1(_CHUNK, decode_content=True)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > call.max_bytes:
            raise _too_large(call, None)


def _too_large(call: _Call, declared: int | None) -> UpstreamError:
    size = f" ({_mb(declared)})" if declared is not None else ""
    return UpstreamError(
        "bad_response",
        f"The answer from {call.shown} is larger than the {_mb(call.max_bytes)} limit{size}; stopped reading.",
        hint="Check that the base URL points at the provider's API, or raise LLM_PROVIDERS_MAX_RESPONSE_BYTES.",
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size} bytes"


def _timeout(call: _Call) -> UpstreamError:
    return UpstreamError(
        "timeout",
        f"No complete answer from {_origin(call.url)} within {call.deadline_s:g} s.",
        hint="The server is slow or stuck. Try again later, and check that the base URL points at the API.",
    )


def _find(exc: BaseException, kind: type[BaseException] | tuple[type[BaseException], ...]) -> BaseException | None:
    """The first exception of `kind` in the chain requests and urllib3 wrap around the real cause."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return item
        todo += [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]
    return None


def _before_send(exc: BaseException) -> bool:
    """True when the connection was never made, so repeating even a POST is safe."""
    return _find(exc, NewConnectionError) is not None


def _transport_error(exc: BaseException, call: _Call, *, timed_out: bool) -> tuple[UpstreamError, bool]:
    """Map a requests/urllib3 exception to (error, retryable). Never uses str(exc): it holds the query."""
    origin = _origin(call.url)
    if timed_out:
        return _timeout(call), False
    if _find(exc, (requests.exceptions.SSLError, Urllib3SSLError, ssl.SSLError)) is not None:
        verify = _find(exc, ssl.SSLCertVerificationError)
        reason = (getattr(verify, "verify_message", "") or "the TLS handshake failed").rstrip(".")
        return UpstreamError(
            "tls_error",
            f"The secure (https) connection to {origin} failed: {reason}.",
            hint="The server's certificate is not valid for this host or not trusted; for a plain-http server use http://.",
        ), False
    if _find(exc, (NameResolutionError, socket.gaierror)) is not None:
        host = urlsplit(call.url).hostname or origin
        return UpstreamError(
            "unreachable",
            f"Could not find the host {host} (DNS lookup failed).",
            hint="Check the spelling of the base URL.",
        ), False  # a name that does not resolve now will not resolve 0.2 s later
    # Before the timeout check: urllib3's NewConnectionError subclasses ConnectTimeoutError.
    if _find(exc, NewConnectionError) is not None:
        return UpstreamError(
            "unreachable",
            f"Could not connect to {origin}.",
            hint="Is the server running? Check the base URL and port.",
        ), True
    if _find(exc, (requests.exceptions.ConnectTimeout, ConnectTimeoutError)) is not None:
        return UpstreamError(
            "timeout",
            f"Could not connect to {origin} within {min(call.connect_timeout, call.deadline_s):g} s.",
            hint="The host may be down or a firewall may drop the connection; check the base URL and port.",
        ), False
    if _find(exc, (requests.exceptions.ReadTimeout, ReadTimeoutError, socket.timeout)) is not None:
        return _timeout(call), False
    if _find(exc, (requests.exceptions.ContentDecodingError, DecodeError)) is not None:
        return UpstreamError(
            "bad_response",
            f"The answer from {origin} could not be decompressed.",
            hint="Check that the base URL points at the provider's API.",
        ), False
    if isinstance(exc, requests.ConnectionError) or _find(exc, (ProtocolError, ConnectionError)) is not None:
        return UpstreamError(
            "unreachable",
            f"The connection to {origin} was closed before a complete answer arrived.",
            hint="The server (or something in between) dropped the connection. Try again, and check the base URL.",
        ), True
    return UpstreamError(
        "bad_response",
        f"The request to {origin} could not be made ({type(exc).__name__}).",
        hint="Check the base URL.",
    ), False


def _scrubbed(error: UpstreamError, secrets: Iterable[str]) -> UpstreamError:
    """Last line of defence: whatever built the error, no secret leaves in its words."""
    error.message = scrub(error.message, secrets)
    error.hint = scrub(error.hint, secrets)
    error.args = (error.message,)
    error.details["hint"] = error.hint
    return error
