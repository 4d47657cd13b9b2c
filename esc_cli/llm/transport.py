"""A lean HTTP/1.1 transport for the SDKs' httpx client: keep-alive connections, nothing else.

The SDK stays in charge of everything above the socket (headers, auth, its error classes and typed
replies, redirects, decoding a gzip body); this replaces only httpx's default transport, whose
connection pool probes the socket of every idle connection it holds each time it places or returns
a request. At 100 calls in flight that bookkeeping, with the layers under it, was about half of the
client's CPU per call (bench/llm_concurrency.py: 1.7-2.7 ms a call before, about 1 ms after). Here a connection is an asyncio protocol that parses the reply
as its bytes arrive, and the pool is a stack of idle connections per origin: taking one is O(1), and
a connection the server closed is known from its `connection_lost`, without a system call.

It raises the httpx exceptions the SDKs translate (ConnectError, ConnectTimeout, ReadTimeout,
RemoteProtocolError), so a failure reaches `failures.sdk_errors` exactly as before, and retries stay
with `retry.py`. Replies are read whole before they are returned (esc reads every reply whole), so
a streamed reply arrives at once, at its end.

`lean_http_client(sdk, ...)` builds the SDK's httpx client with this transport, or with httpx's own
when the environment names a proxy for the server (httpx knows proxies; this does not).
"""

from __future__ import annotations

import asyncio
import importlib
import ssl
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

Origin = tuple[bytes, bytes, int]
NO_BODY_STATUS = frozenset({204, 304})


class _Reply:
    """One parsed reply."""

    __slots__ = ("body", "headers", "keep_alive", "reason", "status")

    def __init__(self, status: int, reason: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.keep_alive = True


class ProtocolFailure(Exception):
    """The server's bytes are not an HTTP/1.1 reply (or it hung up before one was complete)."""


class Connection(asyncio.Protocol):
    """One keep-alive connection: writes a request, parses the reply into a future as bytes arrive."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._buffer = bytearray()
        self._reply: asyncio.Future[_Reply] | None = None
        self._head: _Reply | None = None
        self._length: int | None = None  # body bytes still expected; None: until the server closes
        self._chunked = False
        self._body = bytearray()
        self._head_request = False
        self.last_read = 0.0

    # -- asyncio.Protocol ------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.last_read = time.monotonic()
        if self._reply is None or self._reply.done():
            self.close()  # bytes nobody asked for: this connection's state is unknown now
            return
        self._buffer += data
        try:
            self._advance()
        except ProtocolFailure as failure:
            self._fail(failure)

    def eof_received(self) -> bool | None:
        if self._head is not None and self._length is None and not self._chunked and self._reply is not None:
            self._finish(keep_alive=False)  # a body delimited by the end of the connection
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._reply is not None and not self._reply.done():
            answered = "before a complete reply" if self._head is not None else "without sending a reply"
            self._reply.set_exception(ProtocolFailure(f"the server disconnected {answered}"))

    # -- one request ------------------------------------------------------------------------------

    def send(self, data: bytes, *, is_head: bool) -> asyncio.Future[_Reply]:
        """Write one request (head and body); the future holds its reply."""
        assert self.transport is not None
        self._reply = asyncio.get_running_loop().create_future()
        self._head, self._length, self._chunked, self._head_request = None, 0, False, is_head
        self._body.clear()
        self._buffer.clear()
        self.last_read = time.monotonic()
        self.transport.write(data)
        return self._reply

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    # -- parsing ----------------------------------------------------------------------------------

    def _advance(self) -> None:
        if self._head is None and not self._parse_head():
            return
        if self._head is None:
            return  # a reply without a body, finished with its headers
        if self._chunked:
            self._read_chunks()
        elif self._length is None:
            self._body += self._buffer
            self._buffer.clear()
        else:
            take = min(self._length, len(self._buffer))
            self._body += self._buffer[:take]
            del self._buffer[:take]
            self._length -= take
            if self._length == 0:
                self._finish(keep_alive=True)

    def _parse_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > 1 << 20:
                raise ProtocolFailure("the reply's headers are over 1 MiB")
            return False
        lines = bytes(self._buffer[:end]).split(b"\r\n")
        del self._buffer[: end + 4]
        version, _, rest = lines[0].partition(b" ")
        code, _, reason = rest.partition(b" ")
        if not version.startswith(b"HTTP/1.") or not code.isdigit():
            raise ProtocolFailure(f"not an HTTP/1.1 reply: {lines[0][:60]!r}")
        status = int(code)
        headers: list[tuple[bytes, bytes]] = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon:
                raise ProtocolFailure(f"a header line without a colon: {line[:60]!r}")
            headers.append((name.strip(), value.strip()))
        if 100 <= status < 200:  # an interim reply (100 Continue): the real one follows
            return self._parse_head() if self._buffer else False
        self._head = _Reply(status, reason, headers, b"")
        self._head.keep_alive = version == b"HTTP/1.1"
        self._frame(headers)
        return True

    def _frame(self, headers: list[tuple[bytes, bytes]]) -> None:
        """How the body ends: a length, chunks, or the end of the connection."""
        assert self._head is not None
        self._length, self._chunked = None, False
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"connection":
                tokens = {t.strip() for t in value.lower().split(b",")}
                if b"close" in tokens:
                    self._head.keep_alive = False
                elif b"keep-alive" in tokens:
                    self._head.keep_alive = True
            elif lowered == b"transfer-encoding" and value.lower().endswith(b"chunked"):
                self._chunked = True
            elif lowered == b"content-length":
                if not value.isdigit():
                    raise ProtocolFailure(f"a bad Content-Length: {value[:20]!r}")
                self._length = int(value)
        if self._head_request or self._head.status in NO_BODY_STATUS:
            self._length, self._chunked = 0, False
        if self._chunked:
            self._length = None
        elif self._length is None:
            self._head.keep_alive = False
        if self._length == 0:
            self._finish(keep_alive=True)

    def _read_chunks(self) -> None:
        while True:
            line_end = self._buffer.find(b"\r\n")
            if line_end < 0:
                return
            size_text = bytes(self._buffer[:line_end]).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolFailure(f"a bad chunk size: {size_text[:20]!r}") from None
            if size == 0:  # the last chunk, then trailers (usually none) and an empty line
                if self._buffer.find(b"\r\n\r\n", line_end) < 0:
                    return
                self._buffer.clear()
                self._finish(keep_alive=True)
                return
            start = line_end + 2
            if len(self._buffer) < start + size + 2:
                return
            self._body += self._buffer[start : start + size]
            del self._buffer[: start + size + 2]

    def _finish(self, *, keep_alive: bool) -> None:
        head, reply = self._head, self._reply
        assert head is not None and reply is not None
        head.body = bytes(self._body)
        head.keep_alive = head.keep_alive and keep_alive and not self._buffer
        self._head = None
        if not reply.done():
            reply.set_result(head)

    def _fail(self, failure: Exception) -> None:
        if self._reply is not None and not self._reply.done():
            self._reply.set_exception(failure)
        self.close()


class LeanTransport:
    """An httpx async transport (`handle_async_request`) over pooled keep-alive `Connection`s.

    `http` is the httpx module the SDK is built on (httpx or httpx2): its Response, ByteStream and
    exceptions are the ones the SDK knows. At most `max_connections` requests are in flight at once
    (so no more connections are open); an idle connection is kept `keepalive` seconds (httpx's 5)."""

    def __init__(self, http: Any, *, max_connections: int = 256, keepalive: float = 5.0) -> None:
        self._http = http
        self._keepalive = keepalive
        self._slots = asyncio.Semaphore(max_connections)
        self._ssl: ssl.SSLContext | None = None
        self._idle: dict[Origin, list[Connection]] = {}
        self._closed = False

    async def handle_async_request(self, request: Any) -> Any:
        url = request.url
        scheme = url.raw_scheme
        origin: Origin = (scheme, url.raw_host, url.port or (443 if scheme == b"https" else 80))
        timeouts = request.extensions.get("timeout") or {}
        body = await request.aread()
        head = _request_head(request, body)
        if self._slots.locked():
            await self._wait_for_slot(request, timeouts.get("pool"))
        else:
            await self._slots.acquire()
        try:
            connection = self._idle_connection(origin) or await self._connect(
                origin, request, timeouts.get("connect")
            )
            try:
                reply = await self._exchange(
                    connection, head + body, request.method == "HEAD", timeouts.get("read"), request
                )
            except ProtocolFailure as failure:
                connection.close()
                raise self._http.RemoteProtocolError(str(failure), request=request) from None
            except BaseException:
                connection.close()  # cancelled or timed out mid-reply: its state is unknown
                raise
            if not reply.keep_alive or self._closed:
                connection.close()
            else:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(origin, []).append(connection)
        finally:
            self._slots.release()
        return self._http.Response(
            reply.status,
            headers=reply.headers,
            stream=self._http.ByteStream(reply.body),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reply.reason},
        )

    async def _wait_for_slot(self, request: Any, pool_timeout: float | None) -> None:
        try:
            await asyncio.wait_for(self._slots.acquire(), pool_timeout)
        except TimeoutError:
            raise self._http.PoolTimeout("no connection came free in time", request=request) from None

    def _idle_connection(self, origin: Origin) -> Connection | None:
        """The most recently used idle connection that is still open and fresh (LIFO, so the ones at
        the bottom age out); None when there is none."""
        idle = self._idle.get(origin)
        if not idle:
            return None
        now = time.monotonic()
        while idle and (idle[0].closed or now - idle[0].idle_since >= self._keepalive):
            idle.pop(0).close()
        while idle:
            connection = idle.pop()
            if (
                not connection.closed
                and connection.transport is not None
                and not connection.transport.is_closing()
            ):
                return connection
            connection.close()
        return None

    async def _exchange(
        self, connection: Connection, data: bytes, is_head: bool, read_timeout: float | None, request: Any
    ) -> _Reply:
        future = connection.send(data, is_head=is_head)
        if read_timeout is None:
            return await future
        loop = asyncio.get_running_loop()

        def check() -> None:
            # A read timeout restarts with every byte, as httpx's does; one timer, re-armed only when
            # it fires early, costs less than one per read.
            if future.done():
                return
            waited = time.monotonic() - connection.last_read
            if waited >= read_timeout:
                future.set_exception(self._http.ReadTimeout("timed out reading the reply", request=request))
            else:
                timer[0] = loop.call_later(read_timeout - waited, check)

        timer = [loop.call_later(read_timeout, check)]
        try:
            return await future
        finally:
            timer[0].cancel()

    async def _connect(self, origin: Origin, request: Any, connect_timeout: float | None) -> Connection:
        scheme, host, port = origin
        secure = scheme == b"https"
        if secure and self._ssl is None:
            self._ssl = self._http.create_ssl_context(trust_env=True)
        name = host.decode("ascii")
        loop = asyncio.get_running_loop()
        try:
            _, connection = await asyncio.wait_for(
                loop.create_connection(
                    Connection,
                    name,
                    port,
                    ssl=self._ssl if secure else None,
                    server_hostname=name if secure else None,
                ),
                connect_timeout,
            )
        except TimeoutError:
            raise self._http.ConnectTimeout(
                f"connecting to {name}:{port} timed out", request=request
            ) from None
        except OSError as exc:
            raise self._http.ConnectError(str(exc) or type(exc).__name__, request=request) from None
        return connection

    async def aclose(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def __aenter__(self) -> LeanTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _request_head(request: Any, body: bytes) -> bytes:
    """The request line and headers. httpx set Host and the length; a body it meant to stream in
    chunks is sent whole here, so its length replaces the chunked encoding."""
    lines = [b"%s %s HTTP/1.1" % (request.method.encode("ascii"), request.url.raw_path)]
    chunked = False
    for name, value in request.headers.raw:
        if name.lower() == b"transfer-encoding":
            chunked = True
            continue
        lines.append(name + b": " + value)
    if chunked:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def proxied(base_url: str | None) -> bool:
    """Whether the environment names a proxy for `base_url` (then httpx's own transport is used)."""
    url = urlsplit(base_url or "https://api.invalid")
    proxies = urllib.request.getproxies()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(url.hostname or "")


def http_module(sdk: Any) -> Any | None:
    """The HTTP library an SDK is built on (httpx, or httpx2 in newer releases); None if unknown."""
    for cls in sdk.DefaultAsyncHttpxClient.__mro__:
        if cls.__name__ == "AsyncClient":
            return importlib.import_module(cls.__module__.partition(".")[0])
    return None


def lean_http_client(sdk: Any, *, base_url: str | None, timeout: float, max_connections: int) -> Any:
    """The SDK's own httpx client (its defaults) on a `LeanTransport`, or on httpx's transport when
    the environment names a proxy for the server. The pool holds `max_connections` (keep it at or
    above the concurrency: a smaller pool would queue requests where the timeout already runs)."""
    http = http_module(sdk)
    if http is None:
        raise TypeError(f"{sdk.__name__}: its HTTP client is not built on httpx")
    limits = http.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    if proxied(base_url):
        return sdk.DefaultAsyncHttpxClient(limits=limits, timeout=timeout)
    return sdk.DefaultAsyncHttpxClient(
        limits=limits, timeout=timeout, transport=LeanTransport(http, max_connections=max_connections)
    )
