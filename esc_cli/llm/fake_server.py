"""A fake model server on 127.0.0.1 for tests and benchmarks: the real SDKs talk to it via base_url.

It speaks the OpenAI chat-completions format (POST /v1/chat/completions; base URL `.../v1`) and
the Anthropic messages format (POST /v1/messages; base URL without `/v1`). It can add latency,
reply by a function or by echo, and inject faults from a queue: a status such as 429 (with
retry-after), 500 or 401, a hang past the client's timeout, a malformed body, or a dropped
connection. It counts requests and connections, keeps the bodies, and tracks the most requests in
flight. GET /stats returns the counters (and the server's CPU) as JSON, for a server in another process.

It can also behave like the local servers people run (the README's recipes), for the whole run:

    refuse_json_schema=400   refuse response_format json_schema with a 400 (older servers)
    refuse_json_schema=500   ... with llama-cpp-python's 500, whose body names response_format
    refuse_json_object=True  refuse json_object too (only instructions in the prompt work)
    style="prose"            write JSON replies as a small model does (`fake_wire.styled`): in prose,
                             in a code fence, with raw control characters, or of the wrong shape
    drip=1.0                 send the reply one byte a second (a read timeout never fires)

and `refused_port()` gives a port where nothing listens.
It also speaks both batch APIs (Anthropic Message Batches, the OpenAI Batch API with its files; see
fake_batches.py): a batch ends `batch_delay` seconds after it is created, and per-request faults and
whole-batch expiry can be queued. Batch traffic is counted apart (`batch_api_requests`, `batches`).

    with FakeServer(latency=0.2) as server:
        backend = OpenAIBackend("m", base_url=server.openai_base_url)

Manual use: `python -m esc_cli.llm.fake_server --port 8900 --latency 0.2`.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

from esc_cli.llm.fake_batches import BatchStore, HttpReply, RequestFault
from esc_cli.llm.fake_wire import (
    REPLY_STYLES,
    PromptCacheModel,
    ReplyStyle,
    Wire,
    anthropic_reply,
    echo_text,
    error_body,
    is_repair,
    openai_reply,
    requested_schema,
    styled,
)

HOST = "127.0.0.1"
ReplyFunction = Callable[[dict[str, Any]], str]
ROUTES: dict[str, Wire] = {
    "/v1/chat/completions": "openai",
    "/chat/completions": "openai",
    "/v1/messages": "anthropic",
    "/messages": "anthropic",
}


@dataclass(frozen=True)
class Fault:
    """One injected failure, used by the next request that arrives."""

    kind: Literal["status", "hang", "malformed", "drop", "html", "wrong-type"]
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0

    @classmethod
    def rate_limit(cls, retry_after: float | None = 0.05) -> Fault:
        return cls("status", status=429, retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls("status", status=status)

    @classmethod
    def status_code(cls, status: int) -> Fault:
        return cls("status", status=status)

    @classmethod
    def hang(cls, seconds: float = 5.0) -> Fault:
        """Say nothing for `seconds`, then close: the client's timeout must cut it."""
        return cls("hang", seconds=seconds)

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hangs up mid-reply (a timeout test) is expected, not a server bug."""

    # The listen backlog: 100+ clients connecting at once must not be refused.
    request_queue_size = 1024
    allow_reuse_address = True
    fake: FakeServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    disable_nagle_algorithm = True  # small responses must not wait for a delayed ACK (~40 ms a call)
    timeout = 30  # an idle keep-alive connection's thread ends after this many seconds
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks do not want a line per request."""

    def setup(self) -> None:
        super().setup()
        self.server.fake.count_connection()

    def _send_json(
        self, status: int, payload: Any, headers: dict[str, str] | None = None, *, drip: float = 0.0
    ) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not drip:
            self.wfile.write(data)
            return
        for index in range(len(data)):  # one byte, then a pause: every read finds something new
            try:
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
            except OSError:  # the client gave up, as it should
                self.close_connection = True
                return
            if self.server.fake._stopping.wait(drip):
                return

    def _send_reply(self, reply: HttpReply) -> None:
        if reply.raw is None:
            self._send_json(reply.status, reply.body)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(reply.raw)))
        self.end_headers()
        self.wfile.write(reply.raw)

    def do_GET(self) -> None:
        if self.path in ("/stats", "/health"):
            self._send_json(200, self.server.fake.stats())
            return
        reply = self.server.fake.batch_get(self.path, self.headers.get("Host", ""))
        if reply is not None:
            self._send_reply(reply)
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        batch = self.server.fake.batch_post(
            self.path.split("?", 1)[0],
            raw,
            self.headers.get("Content-Type", ""),
            self.headers.get("Host", ""),
        )
        if batch is not None:
            self._send_reply(batch)
            return
        wire = ROUTES.get(self.path.split("?", 1)[0])
        if wire is None:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send_json(400, error_body(wire, 400, "body is not JSON"))
            return
        self.server.fake.serve(self, wire, body)


class FakeServer:
    """The fake server. Counters are safe to read while it runs; use it as a context manager."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        reply: ReplyFunction | None = None,
        faults: Iterable[Fault] = (),
        api_key: str | None = None,
        port: int = 0,
        refuse_json_schema: int | None = None,
        refuse_json_object: bool = False,
        style: ReplyStyle = "clean",
        drip: float = 0.0,
        batch_delay: float = 0.0,
    ) -> None:
        self.latency = latency
        self.refuse_json_schema = refuse_json_schema
        self.refuse_json_object = refuse_json_object
        self.style = style
        self.drip = drip
        self.reply = reply
        self.api_key = api_key
        self.requests = 0
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, Any]] = []
        self.authorizations: list[str] = []
        self._faults: deque[Fault] = deque(faults)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._prompt_cache = PromptCacheModel()
        self._port = port
        self.batch_api_requests = 0
        self.requests_in_batches = 0
        self.batch_store = BatchStore(self._batch_answer, delay=batch_delay)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------------

    def add_faults(self, faults: Iterable[Fault]) -> None:
        with self._lock:
            self._faults.extend(faults)

    def start(self) -> FakeServer:
        self._httpd = _Server((HOST, self._port), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that are sleeping through a latency or a hang
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the fake server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    def add_batch_faults(self, faults: Iterable[RequestFault]) -> None:
        """Faults for the next batched requests, one each: ok, errored (500), invalid (400), expired."""
        self.batch_store.add_request_faults(faults)

    def expire_next_batches(self, batches: int = 1) -> None:
        self.batch_store.expire_next(batches)

    def count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def stats(self) -> dict[str, int]:
        with self._lock:
            counts = {
                "requests": self.requests,
                "connections": self.connections,
                # This process's CPU, so a benchmark can tell the server's share of a shared machine.
                "cpu_ms": round(time.process_time() * 1000),
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "batch_api_requests": self.batch_api_requests,
            }
        return {**counts, **self.batch_store.stats()}

    # -- batches ---------------------------------------------------------------------------------

    def _batch_answer(self, wire: Wire, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests_in_batches += 1
            number = self.requests_in_batches
        return self._payload(wire, body, number)

    def batch_post(self, path: str, raw: bytes, content_type: str, host: str) -> HttpReply | None:
        body: dict[str, Any] | None = None
        if content_type.startswith("application/json"):
            try:
                loaded = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                loaded = None
            body = loaded if isinstance(loaded, dict) else None
        reply = self.batch_store.post(path, body, raw, content_type, host)
        if reply is not None:
            self._count_batch_call()
        return reply

    def batch_get(self, path: str, host: str) -> HttpReply | None:
        reply = self.batch_store.get(path, host)
        if reply is not None:
            self._count_batch_call()
        return reply

    def _count_batch_call(self) -> None:
        with self._lock:
            self.batch_api_requests += 1

    # -- one request -----------------------------------------------------------------------------

    def serve(self, handler: _Handler, wire: Wire, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests += 1
            number = self.requests
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.bodies.append(body)
            self.authorizations.append(
                handler.headers.get("Authorization") or handler.headers.get("x-api-key") or ""
            )
            fault = self._faults.popleft() if self._faults else None
        try:
            if self.latency:
                self._stopping.wait(self.latency)
            refusal = self._refusal(wire, body)
            if fault is not None:
                self._inject(handler, wire, fault)
            elif not self._authorized(handler):
                handler._send_json(401, error_body(wire, 401, "invalid API key"))
            elif refusal is not None:
                handler._send_json(refusal[0], refusal[1])
            else:
                self._answer(handler, wire, body, number)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _authorized(self, handler: _Handler) -> bool:
        if self.api_key is None:
            return True
        bearer = handler.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return self.api_key in (bearer, handler.headers.get("x-api-key", ""))

    def _refusal(self, wire: Wire, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """The error a server that cannot do this response_format answers with, if it cannot."""
        kind = (body.get("response_format") or {}).get("type") if wire == "openai" else None
        if kind == "json_schema" and self.refuse_json_schema == 500:
            # llama-cpp-python: its request model knows only "text" and "json_object", and the
            # validation error escapes as an internal server error.
            message = (
                "1 validation error for CreateChatCompletionRequest: response_format.type: "
                "Input should be 'text' or 'json_object' (input_value='json_schema')"
            )
            return 500, {"error": {"message": message, "type": "internal_server_error", "code": 500}}
        if kind == "json_schema" and self.refuse_json_schema is not None:
            message = "response_format type 'json_schema' is not supported by this server"
            return self.refuse_json_schema, error_body(wire, self.refuse_json_schema, message)
        if kind == "json_object" and self.refuse_json_object:
            return 400, error_body(wire, 400, "response_format type 'json_object' is not supported")
        return None

    def _answer(self, handler: _Handler, wire: Wire, body: dict[str, Any], number: int) -> None:
        handler._send_json(200, self._payload(wire, body, number), drip=self.drip)

    def _payload(self, wire: Wire, body: dict[str, Any], number: int) -> dict[str, Any]:
        text = self.reply(body) if self.reply is not None else echo_text(wire, body)
        if self.style != "clean" and requested_schema(wire, body) is not None:
            text = styled(text, self.style, repair=is_repair(wire, body))
        if wire == "openai":
            return openai_reply(body, text, number)
        return anthropic_reply(body, text, number, self._prompt_cache)

    def _inject(self, handler: _Handler, wire: Wire, fault: Fault) -> None:
        if fault.kind == "status":
            headers = {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            handler._send_json(
                fault.status, error_body(wire, fault.status, f"injected {fault.status}"), headers
            )
        elif fault.kind in ("malformed", "html", "wrong-type"):
            data = {
                "malformed": b'{"id": "truncated',
                # A proxy's login or error page, served with 200.
                "html": b"<!doctype html><html><body><h1>Sign in to continue</h1></body></html>",
                # Valid JSON of the wrong type for a reply.
                "wrong-type": b'["not", "a", "reply"]',
            }[fault.kind]
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html" if fault.kind == "html" else "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        else:  # hang or drop: no response at all, then the connection closes
            if fault.kind == "hang":
                self._stopping.wait(fault.seconds)
            handler.close_connection = True


def refused_port() -> int:
    """A port on 127.0.0.1 where nothing listens (a connection to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m esc_cli.llm.fake_server", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=8900, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every call")
    parser.add_argument("--text", default=None, help="reply with this text instead of echoing")
    parser.add_argument(
        "--refuse-json-schema",
        type=int,
        choices=(400, 422, 500),
        default=None,
        help="refuse response_format json_schema with this status (500: llama-cpp-python's body)",
    )
    parser.add_argument("--refuse-json-object", action="store_true", help="refuse json_object too")
    parser.add_argument("--style", choices=REPLY_STYLES, default="clean", help="how JSON replies are written")
    parser.add_argument("--drip", type=float, default=0.0, help="seconds between the bytes of a reply")
    parser.add_argument("--batch-delay", type=float, default=0.0, help="seconds until a batch ends")
    args = parser.parse_args(argv)
    fixed: str | None = args.text
    server = FakeServer(
        latency=args.latency,
        port=args.port,
        reply=(lambda _body: fixed) if fixed is not None else None,
        refuse_json_schema=args.refuse_json_schema,
        refuse_json_object=args.refuse_json_object,
        style=args.style,
        drip=args.drip,
        batch_delay=args.batch_delay,
    )
    server.start()
    print(
        f"fake model server on {server.url} (openai base URL {server.openai_base_url}, "
        f"anthropic base URL {server.anthropic_base_url}); Ctrl-C stops it",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
