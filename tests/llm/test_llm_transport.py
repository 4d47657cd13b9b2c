"""The lean HTTP transport under the SDKs: keep-alive reuse, replies framed every way HTTP/1.1 allows,
servers that hang up or stall, the pool's bound, and httpx's own transport where a proxy applies.

The framing tests talk to a small HTTP server written here on real sockets, because the fake model
server frames every reply one way (Content-Length, keep-alive)."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import openai
import pytest

from esc_cli.llm.fake_server import FakeServer
from esc_cli.llm.transport import LeanTransport, http_module, lean_http_client, proxied

from .llm_helpers import BACKENDS, ask, client_for, run

HTTP: Any = http_module(openai)
BODY = {"reply": "hello", "numbers": list(range(50))}
PAYLOAD = json.dumps(BODY).encode()
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


REPLIES: dict[str, tuple[bytes, bool]] = {
    # path: (the whole reply, whether the server hangs up after it)
    "/length": (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(PAYLOAD), PAYLOAD), False),
    "/chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(PAYLOAD), False),
    "/until-close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + PAYLOAD, True),
    "/gzip": (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
        % (len(gzip.compress(PAYLOAD)), gzip.compress(PAYLOAD)),
        False,
    ),
    "/no-content": (b"HTTP/1.1 204 No Content\r\n\r\n", False),
    "/continue": (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
        % (len(PAYLOAD), PAYLOAD),
        False,
    ),
    # Answers, then closes a connection it called keep-alive (an idle timeout on the server's side).
    "/then-hang-up": (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(PAYLOAD), PAYLOAD), True),
    "/truncated": (b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + PAYLOAD[:20], True),
    "/garbage": (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", True),
}


class RawServer:
    """Answers each request with REPLIES[path]; counts connections and requests in flight."""

    def __init__(self) -> None:
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[bytes] = []
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                path = lines[0].split(" ")[1]
                length = next(
                    (int(h.split(":")[1]) for h in lines if h.lower().startswith("content-length")), 0
                )
                self.bodies.append(await reader.readexactly(length))
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                if path.startswith("/slow"):
                    await asyncio.sleep(float(path.rsplit("/", 1)[1]))
                    path = "/length"
                self.in_flight -= 1
                reply, hang_up = REPLIES[path]
                writer.write(reply)
                await writer.drain()
                if hang_up:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[RawServer]:
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with server:
            yield self


def lean_client(**limits: Any) -> Any:
    return HTTP.AsyncClient(transport=LeanTransport(HTTP, **limits), timeout=2.0)


@pytest.mark.parametrize("path", ["/length", "/chunked", "/until-close", "/gzip", "/continue"])
def test_every_framing_of_a_reply_body_is_read_whole(path: str) -> None:
    async def go() -> tuple[int, Any]:
        async with RawServer().running() as raw, lean_client() as client:
            response = await client.post(raw.url + path, json={"a": 1})
            assert raw.bodies == [b'{"a":1}']
            return response.status_code, response.json()

    assert run(go()) == (200, BODY)


def test_a_reply_without_a_body_and_the_next_one_share_a_connection() -> None:
    async def go() -> tuple[int, bytes, int]:
        async with RawServer().running() as raw, lean_client() as client:
            empty = await client.post(raw.url + "/no-content")
            await client.post(raw.url + "/chunked")
            await client.post(raw.url + "/length")
            return empty.status_code, empty.content, raw.connections

    assert run(go()) == (204, b"", 1)


def test_a_connection_the_server_closed_is_not_reused() -> None:
    async def go() -> tuple[list[Any], int]:
        async with RawServer().running() as raw, lean_client() as client:
            replies = []
            for path in ("/then-hang-up", "/until-close", "/length"):
                replies.append((await client.post(raw.url + path)).json())
                await asyncio.sleep(0.05)  # the hang-up arrives while the connection is idle
            return replies, raw.connections

    assert run(go()) == ([BODY] * 3, 3)


@pytest.mark.parametrize(
    ("path", "error"),
    [("/truncated", "RemoteProtocolError"), ("/garbage", "RemoteProtocolError"), ("/slow/1", "ReadTimeout")],
)
def test_a_broken_or_stalled_reply_raises_the_httpx_error_the_sdks_translate(path: str, error: str) -> None:
    async def go() -> None:
        async with RawServer().running() as raw, lean_client() as client:
            with pytest.raises(getattr(HTTP, error)):
                await client.post(raw.url + path, timeout=HTTP.Timeout(2.0, read=0.2))

    run(go())


def test_a_refused_connection_is_a_connect_error() -> None:
    from esc_cli.llm.fake_server import refused_port

    async def go() -> None:
        async with lean_client() as client:
            with pytest.raises(HTTP.ConnectError):
                await client.post(f"http://127.0.0.1:{refused_port()}/x")

    run(go())


def test_no_more_requests_are_in_flight_than_the_pool_holds() -> None:
    async def go() -> tuple[int, int]:
        async with RawServer().running() as raw, lean_client(max_connections=2) as client:
            await asyncio.gather(*(client.post(raw.url + "/slow/0.05") for _ in range(6)))
            return raw.max_in_flight, raw.connections

    assert run(go()) == (2, 2)


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize("backend", BACKENDS)
def test_calls_one_after_another_through_the_sdk_reuse_one_connection(
    backend: str, server: FakeServer
) -> None:
    client = client_for(backend, server)

    async def go() -> list[str]:
        try:
            # The retry and error tests go through this transport too.
            assert isinstance(client.backend._sdk_client()._client._transport, LeanTransport)  # type: ignore[attr-defined]
            return [(await client.complete(ask(f"message {i}"))).text for i in range(5)]
        finally:
            await client.aclose()

    assert run(go()) == [f"echo: message {i}" for i in range(5)]
    assert server.requests == 5 and server.connections == 1


def test_a_proxy_in_the_environment_gets_httpx_own_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    remote, local = "https://api.example.com/v1", "http://127.0.0.1:8000/v1"
    assert not proxied(remote) and not proxied(local)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    assert proxied(remote) and not proxied(local)  # only https goes through that proxy
    monkeypatch.setenv("NO_PROXY", "api.example.com")
    assert not proxied(remote)
    monkeypatch.delenv("NO_PROXY")
    through_proxy = lean_http_client(openai, base_url=remote, timeout=5.0, max_connections=8)
    direct = lean_http_client(openai, base_url=local, timeout=5.0, max_connections=8)
    assert not isinstance(through_proxy._transport, LeanTransport)
    assert isinstance(direct._transport, LeanTransport)
