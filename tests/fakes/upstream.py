"""A real HTTP server on 127.0.0.1 that answers like LLM providers, for integration and browser tests.

    with FakeUpstream() as fake:                       # several providers' paths at once, no key checks
        fake.set("/v1/models", status=429, headers={"Retry-After": "1"}, times=1)   # then the default
        ...  # call fake.url + "/v1/models"
        assert fake.calls("/v1/models") == 2

    with FakeUpstream.provider("groq", api_key="gsk_right") as fake:   # Groq's paths, shapes and errors
        ...

Scripted behaviours (`set`) take precedence over the routes, in the order they were added; one with
`times=n` is used n times and then falls through to the next behaviour or to the route table.
Faults are real socket events: `delay`, `trickle` (bytes dripping), `reset` (RST, no HTTP answer),
`raw` (arbitrary bytes, e.g. a trickled status line). `stop()`/`start()` keep the port, so a test can
take the "provider" down and bring it back. `FakeUpstream(ssl_context=tls.server_context(...))` serves HTTPS.
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import socket
import ssl
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes import providers

_UNSET: Any = object()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.body or b"null")


@dataclass
class Behaviour:
    status: int = 200
    json: Any = _UNSET
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: tuple[int, float] | None = None  # (bytes per write, seconds between writes)
    reset: bool = False
    redirect_to: str | None = None
    raw: bytes | None = None
    times: int | None = None
    method: str | None = None


class FakeUpstream:
    def __init__(self, port: int = 0, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self._port = port
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._counts: Counter[str] = Counter()
        self._behaviours: dict[str, list[Behaviour]] = {}
        self._routes: list[providers.Route] = providers.default_routes()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- configuration ------------------------------------------------------------------------

    @classmethod
    def provider(
        cls,
        kind: str,
        models: list[str | dict[str, Any]] | None = None,
        api_key: str | None = None,
        page_size: int | None = None,
    ) -> FakeUpstream:
        """A fake serving only `kind`'s routes. With api_key, any other key gets the real bad-key error."""
        return cls().preset(kind, models=models, api_key=api_key, page_size=page_size)

    def preset(
        self,
        kind: str,
        models: list[str | dict[str, Any]] | None = None,
        api_key: str | None = None,
        page_size: int | None = None,
    ) -> FakeUpstream:
        routes = providers.routes_for(kind, models=models, api_key=api_key, page_size=page_size)
        with self._lock:
            self._routes = routes
        return self

    def set(
        self,
        path: str,
        *,
        status: int = 200,
        json: Any = _UNSET,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        trickle: tuple[int, float] | None = None,
        reset: bool = False,
        redirect_to: str | None = None,
        raw: bytes | None = None,
        times: int | None = None,
        method: str | None = None,
    ) -> None:
        behaviour = Behaviour(
            status=status,
            json=json,
            body=body,
            headers=dict(headers or {}),
            delay=delay,
            trickle=trickle,
            reset=reset,
            redirect_to=redirect_to,
            raw=raw,
            times=times,
            method=method.upper() if method else None,
        )
        with self._lock:
            self._behaviours.setdefault(path, []).append(behaviour)

    def clear(self, path: str | None = None) -> None:
        """Forget scripted behaviours (for one path, or all)."""
        with self._lock:
            if path is None:
                self._behaviours.clear()
            else:
                self._behaviours.pop(path, None)

    # ---- what was received --------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def calls(self, path: str) -> int:
        with self._lock:
            return self._counts[path]

    @property
    def call_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self._counts.clear()

    # ---- lifecycle ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        if not self._port:
            raise RuntimeError("FakeUpstream has not been started yet")
        return f"{'https' if self._ssl_context else 'http'}://127.0.0.1:{self._port}"

    def start(self) -> FakeUpstream:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.fake = self
        server.ssl_context = self._ssl_context
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-upstream-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and every open connection: clients see the provider as down."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- used by the handler ------------------------------------------------------------------

    def _receive(self, req: RecordedRequest) -> Behaviour | None:
        with self._lock:
            self._requests.append(req)
            self._counts[req.path] += 1
            queue = self._behaviours.get(req.path, [])
            for behaviour in queue:
                if behaviour.method not in (None, req.method):
                    continue
                if behaviour.times is not None:
                    behaviour.times -= 1
                    if behaviour.times <= 0:
                        queue.remove(behaviour)
                return behaviour
            return None

    def _route(self, req: RecordedRequest) -> providers.Reply:
        with self._lock:
            routes = list(self._routes)
        for method, pattern, handler in routes:
            if method in (None, req.method) and pattern.fullmatch(req.path):
                return handler(req)
        return providers.not_found(req)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeUpstream
    ssl_context: ssl.SSLContext | None = None

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client rejected our certificate or was not speaking TLS
        with self._open_lock:
            self._open.add(tls)
        try:
            super().finish_request(tls, client_address)
        finally:
            with self._open_lock:
                self._open.discard(tls)
            tls.close()

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real providers: the client's connection reuse is exercised
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle + delayed ACK adds 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the socket was reset or shut down on purpose
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the socket was reset or shut down on purpose
            super().finish()

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        req = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        fake = self.server.fake
        behaviour = fake._receive(req)
        try:
            if behaviour is None:
                status, headers, payload = fake._route(req)
                self._reply(status, headers, payload)
            else:
                self._perform(behaviour)
        except OSError:
            self.close_connection = True  # the client went away (e.g. gave up on a trickle)

    def _perform(self, b: Behaviour) -> None:
        if b.delay and self.server.stopping.wait(b.delay):
            self.close_connection = True
            return
        if b.reset:
            # SO_LINGER 0 makes close() send RST: the client sees "connection reset", no HTTP answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()  # the file objects hold the descriptor open; close them so RST goes out now
            self.wfile.close()
            self.connection.close()
            self.close_connection = True
            return
        if b.raw is not None:
            self._write(b.raw, b.trickle)
            self.close_connection = True
            return
        headers = dict(b.headers)
        status = b.status
        if b.redirect_to is not None:
            headers["Location"] = b.redirect_to
            status = status if 300 <= status < 400 else 302
        payload: Any = b.body if b.body is not None else (b"" if b.json is _UNSET else b.json)
        self._reply(status, headers, payload, trickle=b.trickle)

    def _reply(
        self, status: int, headers: dict[str, str], payload: Any, *, trickle: tuple[int, float] | None = None
    ) -> None:
        if isinstance(payload, (bytes, bytearray)):
            data = bytes(payload)
        else:
            data = jsonlib.dumps(payload).encode()
            headers = {"Content-Type": "application/json", **headers}
        self.send_response(status)
        names = {name.lower() for name in headers}
        for name, value in headers.items():
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self._write(data, trickle)

    def _write(self, data: bytes, trickle: tuple[int, float] | None) -> None:
        if trickle is None:
            self.wfile.write(data)
            self.wfile.flush()
            return
        self.wfile.flush()  # headers go out at once; only the rest drips
        size, interval = trickle
        for offset in range(0, len(data), max(1, size)):
            self.wfile.write(data[offset : offset + size])
            self.wfile.flush()
            if self.server.stopping.wait(interval):
                self.close_connection = True
                return
